"""`make run`'s worker runs under Django's autoreloader: a code change replaces the worker
process, and the replaced one must not stay behind as a dead worker in "Achtergrondtaken"."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from jobs.models import Heartbeat
from tests.jobs.test_worker_process import ROOT, _env, _wait_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the worker subprocess must reach the test database",
)


def _worker_pids() -> set[int]:
    return set(Heartbeat.objects.filter(kind=Heartbeat.Kind.WORKER).values_list("pid", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_reload_leaves_one_live_worker_and_no_stale_row(tmp_path):
    # A settings module of the test's own: the reloader watches it like any imported module,
    # so touching it is the "code change" (no file of the project is modified).
    settings_module = tmp_path / "reload_settings.py"
    settings_module.write_text("from config.settings.test import *  # noqa: F403\n")
    env = _env(
        DJANGO_SETTINGS_MODULE="reload_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
        JOBS_HEARTBEAT_SECONDS="1",
    )
    parent = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "jobs_worker",
            "--backend",
            "database",
            "--queue-name",
            "*",
            "--reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: len(_worker_pids()) == 1)
        (first,) = _worker_pids()
        assert first != parent.pid  # the reloader's child runs the worker
        time.sleep(1.5)  # the stat reloader has taken the file's first mtime
        stamp = time.time() + 5
        os.utime(settings_module, (stamp, stamp))
        # The replaced process removed its row; the new one beats.
        _wait_for(lambda: _worker_pids() not in (set(), {first}))
        assert len(_worker_pids()) == 1
        (second,) = _worker_pids()
        assert second != first
        time.sleep(2)  # nothing of the first process comes back
        assert _worker_pids() == {second}
    finally:
        # Ctrl-C as `make run` sends it: to the whole process group.
        os.killpg(parent.pid, signal.SIGINT)
        try:
            parent.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(parent.pid, signal.SIGKILL)
            parent.wait(timeout=30)
    _wait_for(lambda: not _worker_pids(), timeout=15)
