"""Failures of tasks that do not run through the job runner (the per-site UiTdatabank imports
that the sync job enqueues, e-mails) are recorded too, so that "Achtergrondtaken" shows every
failed task with its reason, not only the scheduled ones."""

import logging

from django.dispatch import receiver
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.signals import task_finished
from wagtail.models import Site

from jobs.models import JobRun
from jobs.services import RUNNER_PATH

logger = logging.getLogger(__name__)


def _reason(task_result: TaskResult) -> str:
    if not task_result.errors:
        return ""
    error = task_result.errors[-1]
    lines = [line for line in error.traceback.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else error.exception_class_path)[:4000]


@receiver(task_finished)
def task_failure_record(sender, task_result: TaskResult, **kwargs) -> None:
    if task_result.status != TaskResultStatus.FAILED:
        return
    try:
        path = task_result.task.module_path
        if path == RUNNER_PATH:
            return  # the runner records its own attempts
        site_id = task_result.kwargs.get("site_id")
        JobRun.objects.create(
            job=path.rsplit(".", 1)[-1],
            task_path=path,
            site_id=(
                site_id
                if isinstance(site_id, int) and Site.objects.filter(pk=site_id).exists()
                else None
            ),
            task_result_id=str(task_result.id),
            started_at=task_result.started_at or task_result.enqueued_at,
            finished_at=task_result.finished_at,
            outcome=JobRun.Outcome.FAILED,
            error=_reason(task_result),
        )
    except Exception:
        # Recording a failure must never become a failure of its own.
        logger.exception("Could not record the failure of task %s", task_result.id)
