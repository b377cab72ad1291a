"""What the "Achtergrondtaken" screen shows: each schedule with its last and next run, recent
failures with their reasons, and whether the worker and the scheduler are alive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from jobs.models import Heartbeat, JobRun
from jobs.registry import Schedule, schedules_all

PROBLEM_OUTCOMES = (JobRun.Outcome.FAILED, JobRun.Outcome.RETRYING, JobRun.Outcome.INTERRUPTED)


@dataclass(frozen=True)
class ScheduleRow:
    schedule: Schedule
    last_run: JobRun | None
    next_run: dt.datetime | None


@dataclass(frozen=True)
class ProcessRow:
    heartbeat: Heartbeat
    alive: bool


def schedules_overview(*, now: dt.datetime) -> list[ScheduleRow]:
    schedules = schedules_all()
    latest: dict[str, JobRun] = {}
    # One small indexed query per schedule (a handful): the newest run of each job.
    for schedule in schedules:
        run = (
            JobRun.objects.filter(job=schedule.name)
            .select_related("site")
            .order_by("-started_at", "-pk")
            .first()
        )
        if run is not None:
            latest[schedule.name] = run
    return [
        ScheduleRow(schedule=s, last_run=latest.get(s.name), next_run=s.next_run(now=now))
        for s in schedules
    ]


def job_runs_failed_recent(*, limit: int = 20) -> QuerySet[JobRun]:
    return (
        JobRun.objects.filter(outcome__in=PROBLEM_OUTCOMES)
        .select_related("site")
        .order_by("-started_at", "-pk")[:limit]
    )


def processes_status(*, now: dt.datetime) -> list[ProcessRow]:
    stale = dt.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return [
        ProcessRow(heartbeat=beat, alive=beat.last_seen_at >= now - stale)
        for beat in Heartbeat.objects.order_by("kind", "-last_seen_at")
    ]


def process_kind_alive(*, kind: str, now: dt.datetime) -> bool:
    stale = dt.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return Heartbeat.objects.filter(kind=kind, last_seen_at__gte=now - stale).exists()
