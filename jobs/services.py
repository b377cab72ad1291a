"""Running jobs: enqueue a declared schedule (once per tick across schedulers), execute a job
with its JobRun record and retry policy, heartbeats, recovery of tasks whose worker died, and
pruning of old results."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Site

from jobs.models import Heartbeat, JobRun, ScheduleFire
from jobs.registry import NO_RETRY, Schedule, schedule_get

logger = logging.getLogger(__name__)

# The generic runner task, found by its path as django-tasks finds every task: jobs.tasks
# imports this module (the runner executes jobs, and a failed job enqueues the runner again),
# so this module does not import jobs.tasks.
RUNNER_PATH = "jobs.tasks.job_run_task"


class JobError(Exception):
    """A job cannot be started (unknown schedule, no such task, no site variant)."""


def _json_safe(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        return str(value)


def job_enqueue(
    *,
    job: str,
    task_path: str,
    kwargs: dict[str, Any],
    site_id: int | None = None,
    attempt: int = 1,
    run_after: dt.datetime | None = None,
    backend: str | None = None,
) -> TaskResult:
    """Enqueue one attempt of a job: the generic runner task records it and retries it."""
    job_run_task = import_string(RUNNER_PATH)
    options: dict[str, Any] = {}
    if backend is not None:
        options["backend"] = backend
    if run_after is not None:
        options["run_after"] = run_after
    runner = job_run_task.using(**options) if options else job_run_task
    return runner.enqueue(
        job=job, task_path=task_path, kwargs=kwargs, site_id=site_id, attempt=attempt
    )


def schedule_enqueue(
    *, schedule: Schedule, site_id: int | None = None, backend: str | None = None
) -> TaskResult:
    """Start a declared job now: for every site, or through its site task for one site."""
    if site_id is None:
        return job_enqueue(
            job=schedule.name,
            task_path=schedule.task,
            kwargs=dict(schedule.kwargs),
            backend=backend,
        )
    if schedule.site_task is None:
        raise JobError(f"{schedule.name} has no task for one site")
    return job_enqueue(
        job=schedule.name,
        task_path=schedule.site_task,
        kwargs={**schedule.site_kwargs, "site_id": site_id},
        site_id=site_id,
        backend=backend,
    )


def schedule_fire(*, schedule: Schedule, fire_time: dt.datetime) -> bool:
    """Enqueue the job of one scheduler tick, unless another scheduler already did: with one
    scheduler per app server, the (schedule, fire time) row is the lock. False when skipped."""
    try:
        with transaction.atomic():
            fire = ScheduleFire.objects.create(schedule=schedule.name, fire_time=fire_time)
    except IntegrityError:
        return False
    # Outside the claim's transaction: an in-process backend runs the job right here, and a
    # job must not run inside a transaction it did not open.
    try:
        schedule_enqueue(schedule=schedule)
    except Exception:
        fire.delete()
        raise
    return True


def job_execute(
    *,
    job: str,
    task_path: str,
    kwargs: dict[str, Any],
    site_id: int | None,
    attempt: int,
    task_result_id: str = "",
    backend: str | None = None,
) -> Any:
    """Run one attempt of a job in this process, recorded as a JobRun. A failure is retried
    later (run_after = now + the policy's back-off) until the policy gives up; then it is
    logged at ERROR, recorded as failed and raised, so the task result is failed too."""
    schedule = schedule_get(job)
    policy = schedule.retry if schedule is not None else NO_RETRY
    if site_id is not None and not Site.objects.filter(pk=site_id).exists():
        site_id = None  # deleted since it was enqueued: the task itself decides what that means
    run = JobRun.objects.create(
        job=job,
        task_path=task_path,
        site_id=site_id,
        attempt=attempt,
        max_attempts=policy.max_attempts,
        task_result_id=task_result_id,
    )
    try:
        target = import_string(task_path)
        if not isinstance(target, Task):
            raise JobError(f"{task_path} is not a task")
        result = target.call(**kwargs)
    except Exception as exc:
        now = timezone.now()
        run.finished_at = now
        run.error = f"{type(exc).__name__}: {exc}"[:4000]
        can_defer = backend is not None and task_backends[backend].supports_defer
        if not policy.gives_up_after(attempt=attempt) and can_defer:
            run.retry_at = now + policy.delay(attempt=attempt)
            run.outcome = JobRun.Outcome.RETRYING
            run.save()
            job_enqueue(
                job=job,
                task_path=task_path,
                kwargs=kwargs,
                site_id=site_id,
                attempt=attempt + 1,
                run_after=run.retry_at,
                backend=backend,
            )
            logger.warning(
                "Job %s (attempt %d of %d) failed, retrying at %s: %s",
                job,
                attempt,
                policy.max_attempts,
                run.retry_at.isoformat(),
                run.error,
            )
            return {"retry_at": run.retry_at.isoformat(), "error": run.error}
        run.outcome = JobRun.Outcome.FAILED
        run.save()
        logger.error(
            "Job %s failed after %d attempt(s), giving up: %s",
            job,
            attempt,
            run.error,
            exc_info=True,
        )
        raise
    run.finished_at = timezone.now()
    run.outcome = JobRun.Outcome.SUCCEEDED
    run.result = _json_safe(result)
    run.save()
    return run.result


# --- Processes: heartbeats and recovery ----------------------------------------------------------


def process_id_new(*, kind: str) -> str:
    return f"{kind}-{socket.gethostname()[:40]}-{os.getpid()}-{os.urandom(3).hex()}"


def heartbeat_beat(*, kind: str, process_id: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    updated = Heartbeat.objects.filter(process_id=process_id).update(last_seen_at=now)
    if not updated:
        Heartbeat.objects.create(
            kind=kind,
            process_id=process_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            last_seen_at=now,
        )


def heartbeat_forget(*, process_id: str) -> None:
    """A clean exit: the process is gone, not dead."""
    Heartbeat.objects.filter(process_id=process_id).delete()


def tasks_recover(*, now: dt.datetime | None = None, stale: dt.timedelta | None = None) -> int:
    """Hand back to the queue every task still marked running by a worker whose heartbeat
    stopped (killed, out of memory, machine lost): django-tasks-db leaves such a task RUNNING
    for ever. Tasks of workers without a heartbeat row (a plain `db_worker`) are left alone:
    there is no telling whether they still run. Returns the number of tasks requeued."""
    from django.conf import settings

    now = now or timezone.now()
    stale = stale or dt.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    dead = set(
        Heartbeat.objects.filter(
            kind=Heartbeat.Kind.WORKER, last_seen_at__lt=now - stale
        ).values_list("process_id", flat=True)
    )
    return _tasks_requeue(dead=dead, now=now)


def worker_stopped(*, process_id: str, now: dt.datetime | None = None) -> int:
    """A worker process is exiting without finishing its loop (the dev autoreloader replaces
    it, SIGTERM under the reloader): requeue the task it was running, which dies with it,
    and remove its heartbeat, so "Achtergrondtaken" shows no dead worker. Returns the number
    of tasks requeued."""
    requeued = _tasks_requeue(dead={process_id}, now=now or timezone.now())
    heartbeat_forget(process_id=process_id)
    return requeued


def _tasks_requeue(*, dead: set[str], now: dt.datetime) -> int:
    if not dead:
        return 0
    recovered = 0
    for result in DBTaskResult.objects.running().only("id", "worker_ids"):
        worker_ids = result.worker_ids or []
        if not worker_ids or worker_ids[-1] not in dead:
            continue
        with transaction.atomic():
            count = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY, started_at=None)
            if count:
                JobRun.objects.filter(
                    task_result_id=str(result.pk), outcome=JobRun.Outcome.RUNNING
                ).update(
                    outcome=JobRun.Outcome.INTERRUPTED,
                    finished_at=now,
                    error="Worker gestopt tijdens de uitvoering; opnieuw ingepland.",
                )
        if count:
            recovered += 1
            logger.warning(
                "Task %s was running on dead worker %s: requeued", result.pk, worker_ids[-1]
            )
    return recovered


def results_prune(*, now: dt.datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Drop finished task results and job runs older than the retention, scheduler ticks older
    than two days and heartbeats of processes gone for a day."""
    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days or settings.JOBS_RESULT_RETENTION_DAYS)
    task_results, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    runs, _ = JobRun.objects.filter(finished_at__lt=cutoff).delete()
    fires, _ = ScheduleFire.objects.filter(fire_time__lt=now - dt.timedelta(days=2)).delete()
    beats, _ = Heartbeat.objects.filter(last_seen_at__lt=now - dt.timedelta(days=1)).delete()
    return {"task_results": task_results, "job_runs": runs, "fires": fires, "heartbeats": beats}
