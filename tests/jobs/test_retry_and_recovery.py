"""Retries with back-off, the final report, and recovery of tasks whose worker died."""

import datetime as dt
import logging

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import Heartbeat, JobRun
from jobs.services import job_execute, results_prune, tasks_recover
from tests.jobs.sample_tasks import SampleFailure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("sample_schedule"),
]


@pytest.fixture
def sample_schedule():
    with override_settings(JOBS_SCHEDULE="tests.jobs.sample_tasks.SCHEDULE"):
        yield


def _failing(attempt: int):
    return job_execute(
        job="failing",
        task_path="tests.jobs.sample_tasks.failing_task",
        kwargs={},
        site_id=None,
        attempt=attempt,
        backend="database",
    )


def test_a_failure_is_requeued_with_back_off():
    before = timezone.now()
    _failing(1)

    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.RETRYING
    assert "UiTdatabank antwoordde 503" in run.error
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "jobs.tasks.job_run_task"
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.status == TaskResultStatus.READY
    # 2 minutes after the first failure...
    assert before + dt.timedelta(minutes=2) <= retry.run_after
    assert retry.run_after <= timezone.now() + dt.timedelta(minutes=2)

    _failing(2)
    second = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert second.args_kwargs["kwargs"]["attempt"] == 3
    # ... then five times longer.
    assert second.run_after >= before + dt.timedelta(minutes=10)


def test_the_last_attempt_is_reported_and_not_retried(caplog):
    with caplog.at_level(logging.ERROR, logger="jobs.services"), pytest.raises(SampleFailure):
        _failing(3)

    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.FAILED
    assert run.attempt == 3
    assert not DBTaskResult.objects.exists()
    assert any(r.levelno == logging.ERROR and "giving up" in r.getMessage() for r in caplog.records)


def test_the_immediate_backend_reports_at_once():
    # No deferred run possible in-process: no retry loop, a reported failure.
    from jobs.services import job_enqueue

    result = job_enqueue(job="failing", task_path="tests.jobs.sample_tasks.failing_task", kwargs={})
    assert result.status == TaskResultStatus.FAILED
    assert JobRun.objects.get().outcome == JobRun.Outcome.FAILED


def _running_result(worker_id: str) -> DBTaskResult:
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"name": "x"}},
        task_path="tests.jobs.sample_tasks.marker_task",
        backend_name="database",
        run_after=timezone.now(),
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=[worker_id],
    )
    JobRun.objects.create(job="marker", task_path=result.task_path, task_result_id=str(result.pk))
    return result


def test_a_task_of_a_dead_worker_is_requeued_and_a_live_ones_is_not():
    now = timezone.now()
    Heartbeat.objects.create(
        kind="worker", process_id="dead", last_seen_at=now - dt.timedelta(minutes=10)
    )
    Heartbeat.objects.create(kind="worker", process_id="alive", last_seen_at=now)
    orphan = _running_result("dead")
    busy = _running_result("alive")
    unknown = _running_result("plain-db-worker-without-heartbeat")

    assert tasks_recover(now=now) == 1

    orphan.refresh_from_db()
    busy.refresh_from_db()
    unknown.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()
    assert busy.status == TaskResultStatus.RUNNING
    assert unknown.status == TaskResultStatus.RUNNING
    interrupted = JobRun.objects.get(task_result_id=str(orphan.pk))
    assert interrupted.outcome == JobRun.Outcome.INTERRUPTED
    assert tasks_recover(now=now) == 0


def test_prune_drops_old_results_only():
    now = timezone.now()
    old = JobRun.objects.create(
        job="marker", task_path="x", finished_at=now - dt.timedelta(days=40), outcome="succeeded"
    )
    recent = JobRun.objects.create(job="marker", task_path="x", finished_at=now, outcome="failed")
    counts = results_prune(now=now, days=30)
    assert counts["job_runs"] == 1
    assert not JobRun.objects.filter(pk=old.pk).exists()
    assert JobRun.objects.filter(pk=recent.pk).exists()


def test_a_failed_task_outside_the_runner_is_recorded_with_its_reason(site_a):
    from tests.jobs.sample_tasks import failing_site_task

    result = failing_site_task.enqueue(site_id=site_a.site.pk)

    assert result.status == TaskResultStatus.FAILED
    run = JobRun.objects.get()
    assert run.job == "failing_site_task"
    assert run.site_id == site_a.site.pk
    assert run.outcome == JobRun.Outcome.FAILED
    assert "SampleFailure: Selectie onbekend" in run.error


def test_a_job_for_a_site_deleted_since_it_was_enqueued_still_runs():
    result = job_execute(
        job="marker",
        task_path="tests.jobs.sample_tasks.site_task",
        kwargs={"site_id": 987654},
        site_id=987654,
        attempt=1,
    )
    assert result == 987654
    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.SUCCEEDED and run.site_id is None
