"""The generic job runner and the platform jobs that belong to no app (Wagtail's scheduled
publishing, recovery, pruning)."""

from io import StringIO
from typing import Any

from django.core.management import call_command
from django_tasks import task
from django_tasks.base import TaskContext

from jobs.services import job_execute, results_prune, tasks_recover


@task(takes_context=True)
def job_run_task(
    context: TaskContext,
    *,
    job: str,
    task_path: str,
    kwargs: dict[str, Any],
    site_id: int | None = None,
    attempt: int = 1,
) -> Any:
    return job_execute(
        job=job,
        task_path=task_path,
        kwargs=kwargs,
        site_id=site_id,
        attempt=attempt,
        task_result_id=str(context.task_result.id),
        backend=context.task_result.backend,
    )


@task()
def publish_scheduled_task() -> str:
    """Wagtail's go-live and expiry of pages, revisions and snippets."""
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()[-2000:]


@task()
def tasks_recover_task() -> int:
    return tasks_recover()


@task()
def results_prune_task() -> dict:
    return results_prune()
