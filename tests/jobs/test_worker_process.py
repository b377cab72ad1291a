"""The real worker process: a job enqueued on the database backend is run by
`manage.py jobs_worker --batch` in a subprocess against the test database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import Heartbeat, JobRun, ScheduleFire
from jobs.services import job_enqueue

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the worker subprocess must reach the test database",
)


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

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
    }
    completed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "jobs_worker",
            "--backend",
            "database",
            "--queue-name",
            "*",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
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
