"""Tasks the jobs tests run by dotted path (the runner imports them like any declared task)."""

import datetime as dt
import time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from jobs.models import ScheduleFire
from jobs.registry import RetryPolicy, Schedule


class SampleFailure(Exception):
    pass


@task()
def marker_task(*, name: str) -> str:
    """Leaves a row behind: proof, in the database, that a (sub)process ran it."""
    ScheduleFire.objects.create(schedule=name, fire_time=timezone.now())
    return name


@task()
def slow_marker_task(*, name: str, seconds: float) -> str:
    """Long enough to be killed in the middle."""
    time.sleep(seconds)
    ScheduleFire.objects.create(schedule=name, fire_time=timezone.now())
    return name


@task()
def failing_task() -> None:
    raise SampleFailure("UiTdatabank antwoordde 503")


@task()
def failing_site_task(*, site_id: int) -> None:
    raise SampleFailure("Selectie onbekend")


@task()
def site_task(*, site_id: int) -> int:
    ScheduleFire.objects.create(schedule=f"site-{site_id}", fire_time=timezone.now())
    return site_id


SCHEDULE = [
    Schedule(
        name="marker",
        label=_("Markering"),
        task="tests.jobs.sample_tasks.marker_task",
        kwargs={"name": "all-sites"},
        cron="*/15 * * * *",
        site_task="tests.jobs.sample_tasks.site_task",
    ),
    Schedule(
        name="failing",
        label=_("Faalt altijd"),
        task="tests.jobs.sample_tasks.failing_task",
        cron="0 3 * * *",
        retry=RetryPolicy(max_attempts=3, first_delay=dt.timedelta(minutes=2), factor=5),
    ),
]
