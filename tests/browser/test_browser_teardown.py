"""The browser's teardown leaves no database connection behind: what the tests opened while
Playwright's loop ran would otherwise hold the test database at the end of the session, and
pytest-django could not drop it."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from tests.browser.conftest import chromium_launched
from tests.conftest import postgres_only

pytestmark = [pytest.mark.browser, pytest.mark.django_db, postgres_only]


def _backend_alive(pid: int) -> bool:
    """Whether PostgreSQL still has a session with this backend pid (a closed connection's
    backend exits right after its client hangs up: give it a few seconds). The test's own
    connection asks, inside the test's transaction: a fresh statistics snapshot each time."""
    deadline = time.monotonic() + 10
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            alive = cursor.fetchone()[0] > 0
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def test_connections_opened_while_the_browser_runs_close_with_it():
    with chromium_launched(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    assert not _backend_alive(pid)
