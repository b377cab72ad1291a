"""The schedule registry: which task runs when, declared in code (config/schedule.py, named by
settings.JOBS_SCHEDULE) and overridable per schedule by environment variable:

    SCHEDULE_<NAME>="*/5 * * * *"   another cron expression (minute hour day month weekday)
    SCHEDULE_<NAME>=off             disabled

Tasks are named by dotted path so that this ground-floor app imports no app above it."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from dataclasses import dataclass, field, replace
from functools import cache

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import import_string

DISABLED_VALUES = frozenset({"off", "false", "no", "none", "disabled", "0", "-"})


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Retry a failed job `max_attempts - 1` times, waiting `first_delay`, then `factor` times
    longer each time (capped at `max_delay`); after the last attempt the failure is reported."""

    max_attempts: int = 3
    first_delay: dt.timedelta = dt.timedelta(minutes=1)
    factor: float = 5.0
    max_delay: dt.timedelta = dt.timedelta(hours=1)

    def delay(self, *, attempt: int) -> dt.timedelta:
        """The wait before the attempt after `attempt` (1-based)."""
        seconds = self.first_delay.total_seconds() * self.factor ** max(attempt - 1, 0)
        return min(dt.timedelta(seconds=seconds), self.max_delay)

    def gives_up_after(self, *, attempt: int) -> bool:
        return attempt >= self.max_attempts


NO_RETRY = RetryPolicy(max_attempts=1)


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """One periodic job. `site_task` (optional) is the task that does the same work for one
    site, taking `site_id`: the admin screen offers to start it for a chosen site."""

    name: str
    label: str | Promise
    task: str
    cron: str | None
    kwargs: dict = field(default_factory=dict)
    site_task: str | None = None
    site_kwargs: dict = field(default_factory=dict)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def env_name(self) -> str:
        return f"SCHEDULE_{self.name.upper()}"

    @property
    def enabled(self) -> bool:
        return self.cron is not None

    def trigger(self) -> CronTrigger | None:
        if self.cron is None:
            return None
        return cron_trigger(self.cron)

    def next_run(self, *, now: dt.datetime) -> dt.datetime | None:
        trigger = self.trigger()
        if trigger is None:
            return None
        return trigger.get_next_fire_time(None, now)


def jobs_timezone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(getattr(settings, "JOBS_TIMEZONE", settings.TIME_ZONE))


def cron_trigger(expression: str) -> CronTrigger:
    """A five-field crontab expression in the jobs timezone; ValueError when invalid."""
    if len(expression.split()) != 5:
        raise ValueError(f"expected five fields (minute hour day month weekday): {expression!r}")
    return CronTrigger.from_crontab(expression, timezone=jobs_timezone())


def schedule_apply_environment(*, schedule: Schedule, environ: dict[str, str]) -> Schedule:
    value = environ.get(schedule.env_name)
    if value is None or not value.strip():
        return schedule
    value = value.strip()
    if value.lower() in DISABLED_VALUES:
        return replace(schedule, cron=None)
    return replace(schedule, cron=value)


def schedules_load(*, environ: dict[str, str] | None = None) -> list[Schedule]:
    """The declared schedules with their environment overrides applied, in declared order."""
    declared = import_string(settings.JOBS_SCHEDULE)
    environ = dict(os.environ) if environ is None else environ
    names = [schedule.name for schedule in declared]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured(f"{settings.JOBS_SCHEDULE}: schedule names must be unique.")
    return [schedule_apply_environment(schedule=s, environ=environ) for s in declared]


@cache
def _schedules_cached() -> tuple[Schedule, ...]:
    return tuple(schedules_load())


def schedules_all() -> tuple[Schedule, ...]:
    """The schedules of this process (the environment is read once)."""
    return _schedules_cached()


def schedule_get(name: str) -> Schedule | None:
    return next((s for s in schedules_all() if s.name == name), None)


def schedules_clear_cache() -> None:
    _schedules_cached.cache_clear()
