"""The real worker process: a job enqueued on the database backend is run by
`manage.py jobs_worker --batch` in a subprocess against the test database."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import Heartbeat, JobRun, ScheduleFire
from jobs.services import job_enqueue

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the worker subprocess must reach the test database",
)


WORKER = [
    sys.executable,
    "manage.py",
    "jobs_worker",
    "--backend",
    "database",
    "--queue-name",
    "*",
    "--no-reload",
    "--no-startup-delay",
    "--interval",
    "0.2",
]


def _env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        **extra,
    }


def _test_database_url() -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
@override_settings(JOBS_SCHEDULE="tests.jobs.sample_tasks.SCHEDULE")
def test_the_worker_process_runs_an_enqueued_job():
    result = job_enqueue(
        job="marker",
        task_path="tests.jobs.sample_tasks.marker_task",
        kwargs={"name": "from-the-worker"},
        backend="database",
    )
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY

    completed = subprocess.run(
        [*WORKER, "--batch"], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr

    task_result = DBTaskResult.objects.get(pk=result.id)
    assert task_result.status == TaskResultStatus.SUCCESSFUL
    assert task_result.return_value == "from-the-worker"
    assert ScheduleFire.objects.filter(schedule="from-the-worker").exists()
    run = JobRun.objects.get(task_result_id=str(result.id))
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    # The worker left with a clean exit: its heartbeat is gone, not stale.
    assert not Heartbeat.objects.exists()


def _wait_for(condition, *, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
@override_settings(JOBS_SCHEDULE="tests.jobs.sample_tasks.SCHEDULE")
def test_a_job_whose_worker_was_killed_is_run_again_by_the_next_worker():
    result = job_enqueue(
        job="marker",
        task_path="tests.jobs.sample_tasks.slow_marker_task",
        kwargs={"name": "survived", "seconds": 2},
        backend="database",
    )
    fast_beats = {"JOBS_HEARTBEAT_SECONDS": "1", "JOBS_STALE_SECONDS": "3"}
    first = subprocess.Popen(
        WORKER, cwd=ROOT, env=_env(**fast_beats), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
    assert not ScheduleFire.objects.filter(schedule="survived").exists()
    killed_worker = Heartbeat.objects.get(kind=Heartbeat.Kind.WORKER)

    # Once the killed worker's heartbeat is stale, the next worker requeues and runs the task.
    _wait_for(lambda: timezone.now() - killed_worker.last_seen_at > dt.timedelta(seconds=4))
    completed = subprocess.run(
        [*WORKER, "--batch"],
        cwd=ROOT,
        env=_env(**fast_beats),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr

    task_result = DBTaskResult.objects.get(pk=result.id)
    assert task_result.status == TaskResultStatus.SUCCESSFUL
    assert len(task_result.worker_ids) == 2
    assert ScheduleFire.objects.filter(schedule="survived").count() == 1
    outcomes = sorted(JobRun.objects.values_list("outcome", flat=True))
    assert outcomes == [JobRun.Outcome.INTERRUPTED, JobRun.Outcome.SUCCEEDED]
