"""Browser checks: the demo network served by a live server, visited by headless Chromium.

Debian's `chromium` (installed by `.ci/run`) is driven by Playwright's Python package; nothing
downloads a browser. axe-core comes from the pinned `axe-playwright-python` dev dependency, which
ships `axe.min.js`; we only inject that file and call `axe.run` ourselves.

Without Chromium, Playwright or axe-core, or on SQLite (the live server's threads and its
shared in-memory test database's table locks), every test here is skipped with the reason, so
`make test` passes on a laptop with the embedded default.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

HERE = Path(__file__).parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps dialling Google's services, which a closed CI network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """CHROMIUM overrides; otherwise Debian's package on PATH."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if os.access(candidate, os.X_OK) else None


def axe_script_path() -> Path | None:
    if importlib.util.find_spec("axe_playwright_python") is None:
        return None
    path = resources.files("axe_playwright_python") / "axe.min.js"
    return Path(str(path)) if path.is_file() else None


def missing_requirement() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install chromium), or set CHROMIUM=/path"
    if axe_script_path() is None:
        return "axe-core is not installed (axe-playwright-python, pip install -e '.[dev]')"
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # The live server answers from its own threads, on SQLite's shared in-memory test
        # database, whose table locks fail concurrent requests ("database table is locked").
        return "they need PostgreSQL (set DATABASE_URL; .ci/run does), not SQLite"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Everything here drives Chromium: `-m browser` (make browser-test) and `-m "not browser"`
    # (make test-fast) must select it even where a module forgets the marker.
    for item in items:
        if HERE in item.path.parents and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
    reason = missing_requirement()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"browser checks skipped: {reason}")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@contextmanager
def chromium_launched() -> Iterator[object]:
    """A headless Chromium, driven by Playwright's sync API.

    Playwright's sync API drives its own asyncio loop from a greenlet and leaves that loop marked
    as running in the main thread between calls. Django's async-safety guard only looks for a
    running loop, so every ORM call of the test thread (pytest-django's per-test transaction,
    the demo teardown) would raise SynchronousOnlyOperation although no coroutine ever touches a
    connection. DJANGO_ALLOW_ASYNC_UNSAFE switches the guard off for exactly the browser's
    lifetime.

    While that loop is marked running, Django also keeps the thread's database connections
    apart from its usual ones (asgiref's thread-critical Local stores them per context, not per
    thread, as soon as a loop runs). The connection that tests and fixtures open in that time
    is not the one the thread sees once the loop is gone: nothing would close it, and at the
    end of the session it holds the test database, which pytest-django then cannot drop ("is
    being accessed by other users"). So the teardown closes the connections while the loop
    still runs, which are exactly those.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
                connections.close_all()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module (chromium_launched). Module-scoped, not
    session-scoped, so that Playwright's loop is gone (and Django's async-safety guard back)
    before the rest of the suite runs its database tests."""
    with chromium_launched() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's browser bundle, injected into each page before `axe.run`."""
    return axe_script_path().read_text(encoding="utf-8")


@dataclass(frozen=True)
class DemoSite:
    slug: str
    kind: str
    root_url: str
    # Page model name ("HomePage", "NewsPage", ...) -> URL of the first live page of that type.
    pages: dict[str, str]
    # A word that the site search finds on this site.
    search_word: str


@dataclass(frozen=True)
class DemoNetwork:
    port: int
    sites: dict[str, DemoSite]


def _demo_site(site) -> DemoSite:
    from wagtail.models import Page

    from home.models import Tenant

    tenant = Tenant.objects.get(site=site)
    pages: dict[str, str] = {}
    tree = (
        Page.objects.live()
        .public()
        .descendant_of(site.root_page, inclusive=True)
        .order_by("path")
        .specific()
    )
    for page in tree:
        pages.setdefault(type(page).__name__, page.get_full_url())
    news = [p for p in tree if type(p).__name__ == "NewsPage"]
    titled = news[0] if news else tree[0]
    search_word = max(titled.title.split(), key=len)
    return DemoSite(
        slug=tenant.slug,
        kind=str(tenant.kind),
        root_url=site.root_url,
        pages=pages,
        search_word=search_word,
    )


def _database_restore(snapshot: str) -> None:
    """Put the database back as the module found it (the session network included)."""
    from tests.conftest import database_replace

    database_replace(snapshot)


@dataclass
class DemoState:
    """The demo network of this process: built once, then loaded from its snapshot."""

    snapshot: str | None = None
    sites: dict[str, DemoSite] | None = None
    builds: int = 0
    loads: int = 0


DEMO = DemoState()


@pytest.fixture(scope="module")
def demo_network(demo_live_server, django_db_blocker) -> Iterator[DemoNetwork]:
    """The demo network, committed for one module and served on a live server.

    pytest-django's `live_server` fixture pulls in `transactional_db`, which empties every table
    after each test: the network would have to be rebuilt per test, and Wagtail's root page,
    created by a data migration, would be gone for the next one. So this module-scoped fixture
    commits the network itself, serves it with the session's live server (`demo_live_server`,
    tests/conftest.py), and at the end restores the database from a snapshot taken before.
    Tests run inside the usual per-test transaction (`django_db`), so they cannot leave
    anything behind either.

    The network is built once per process (the first module that asks for it) and snapshotted
    (`tests.conftest.database_snapshot`); later modules load that snapshot, which on PostgreSQL
    takes a second where the build takes tens of seconds.
    """
    from wagtail.models import Site

    from sitegen.demo import demo_network_build
    from tests.conftest import NETWORK, database_replace, database_snapshot

    port = demo_live_server.thread.port
    with django_db_blocker.unblock():
        snapshot = database_snapshot()
    try:
        with django_db_blocker.unblock():
            if DEMO.snapshot is not None:
                database_replace(DEMO.snapshot)
                DEMO.loads += 1
            else:
                # The demo network is built on the database as the migrations left it: the
                # session network of tests/conftest.py shares slugs and user names with the
                # demo ("gent", "redacteur-gent") and would change what the demo builds.
                if NETWORK.migrated is not None:
                    database_replace(NETWORK.migrated)
                # Wagtail finds a site by hostname and port: the sites must carry the port of
                # the live server, which lives as long as the session.
                with override_settings(SITE_PORT=port):
                    demo_network_build()
                cache.clear()
                DEMO.sites = {}
                for site in Site.objects.select_related("root_page").order_by("hostname"):
                    demo = _demo_site(site)
                    DEMO.sites[demo.slug] = demo
                DEMO.snapshot = database_snapshot()
                DEMO.builds += 1
        # The browser reaches the admin on http://localhost:<port>/admin/, as in development;
        # the sites are on <slug>.localhost.
        with override_settings(ADMIN_HOSTNAME="localhost"):
            yield DemoNetwork(port=port, sites=DEMO.sites)
    finally:
        with django_db_blocker.unblock():
            _database_restore(snapshot)
