"""The declared schedules: what runs when, environment overrides, fire times on a frozen
clock, and one enqueue per tick however many schedulers run."""

import datetime as dt
import zoneinfo

import pytest
from django.core import checks
from django.test import override_settings

from jobs.models import ScheduleFire
from jobs.registry import cron_trigger, schedule_get, schedules_all, schedules_load
from jobs.services import schedule_fire

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def test_every_periodic_job_is_declared_with_its_task():
    by_name = {s.name: s for s in schedules_load(environ={})}
    assert by_name["uitdatabank_sync"].task == "events.tasks.uitdatabank_sync_all_task"
    assert by_name["uitdatabank_sync"].kwargs == {"full": False}
    assert by_name["uitdatabank_sync"].cron == "*/15 * * * *"
    assert by_name["uitdatabank_full"].kwargs == {"full": True}
    assert by_name["uitdatabank_sync"].site_task == "events.tasks.uitdatabank_import_task"
    assert by_name["occurrences_refresh"].task == "events.tasks.occurrences_refresh_task"
    assert by_name["registrations_remind"].task == "registrations.tasks.registrations_remind_task"
    assert (
        by_name["registrations_anonymise"].task
        == "registrations.tasks.registrations_anonymise_task"
    )
    assert by_name["publish_scheduled"].cron == "* * * * *"
    assert by_name["events_availability"].task == "events.tasks.events_availability_task"
    assert by_name["events_availability"].cron == "* * * * *"
    assert by_name["results_prune"].task == "jobs.tasks.results_prune_task"
    assert by_name["tasks_recover"].task == "jobs.tasks.tasks_recover_task"


def test_next_fire_times_on_a_frozen_clock():
    by_name = {s.name: s for s in schedules_load(environ={})}
    now = dt.datetime(2026, 12, 2, 10, 7, 30, tzinfo=BRUSSELS)
    assert by_name["uitdatabank_sync"].next_run(now=now) == dt.datetime(
        2026, 12, 2, 10, 15, tzinfo=BRUSSELS
    )
    assert by_name["publish_scheduled"].next_run(now=now) == dt.datetime(
        2026, 12, 2, 10, 8, tzinfo=BRUSSELS
    )
    # Nightly jobs: the next night, in Brussels time.
    assert by_name["uitdatabank_full"].next_run(now=now) == dt.datetime(
        2026, 12, 3, 2, 30, tzinfo=BRUSSELS
    )
    assert by_name["registrations_remind"].next_run(now=now) == dt.datetime(
        2026, 12, 3, 9, 0, tzinfo=BRUSSELS
    )


def test_nightly_job_keeps_its_local_hour_across_summer_time():
    by_name = {s.name: s for s in schedules_load(environ={})}
    # The night of 28 to 29 March 2026 the clocks go forward: 03:00 local is still 03:00.
    before = dt.datetime(2026, 3, 28, 12, 0, tzinfo=BRUSSELS)
    fire = by_name["occurrences_refresh"].next_run(now=before)
    assert fire.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)
    assert fire.astimezone(BRUSSELS).hour == 3


def test_environment_overrides_and_disables_a_schedule():
    schedules = schedules_load(
        environ={"SCHEDULE_UITDATABANK_SYNC": "*/5 * * * *", "SCHEDULE_RESULTS_PRUNE": "off"}
    )
    by_name = {s.name: s for s in schedules}
    assert by_name["uitdatabank_sync"].cron == "*/5 * * * *"
    assert by_name["results_prune"].cron is None
    assert by_name["results_prune"].next_run(now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) is None
    assert by_name["occurrences_refresh"].cron == "0 3 * * *"


def test_a_bad_override_fails_the_system_check(monkeypatch):
    monkeypatch.setenv("SCHEDULE_OCCURRENCES_REFRESH", "elke nacht")
    errors = [m for m in checks.run_checks() if m.id == "jobs.E002"]
    assert len(errors) == 1
    assert "SCHEDULE_OCCURRENCES_REFRESH" in errors[0].hint
    with pytest.raises(ValueError):
        cron_trigger("61 * * * *")


@pytest.mark.django_db
@override_settings(JOBS_SCHEDULE="tests.jobs.sample_tasks.SCHEDULE")
def test_each_tick_is_enqueued_once_by_several_schedulers():
    schedule = schedule_get("marker")
    assert [s.name for s in schedules_all()] == ["marker", "failing"]
    tick = dt.datetime(2026, 12, 2, 9, 15, tzinfo=dt.UTC)

    # Immediate backend: an enqueued job runs at once and leaves its marker row.
    assert schedule_fire(schedule=schedule, fire_time=tick) is True
    assert schedule_fire(schedule=schedule, fire_time=tick) is False
    assert ScheduleFire.objects.filter(schedule="all-sites").count() == 1
    assert schedule_fire(schedule=schedule, fire_time=tick + dt.timedelta(minutes=15)) is True
    assert ScheduleFire.objects.filter(schedule="all-sites").count() == 2


def test_run_scheduler_lists_the_schedules_in_force(monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from jobs.registry import schedules_clear_cache

    monkeypatch.setenv("SCHEDULE_RESULTS_PRUNE", "off")
    schedules_clear_cache()
    try:
        out = StringIO()
        call_command("run_scheduler", "--list", stdout=out)
    finally:
        monkeypatch.delenv("SCHEDULE_RESULTS_PRUNE")
        schedules_clear_cache()
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert "*/15 * * * *" in lines["uitdatabank_sync"]
    assert lines["results_prune"].split()[1] == "off"
    assert set(lines) == {
        "uitdatabank_sync",
        "uitdatabank_full",
        "occurrences_refresh",
        "registrations_remind",
        "registrations_anonymise",
        "uitpublish_retry",
        "publish_scheduled",
        "events_availability",
        "tasks_recover",
        "results_prune",
        "catalogue_recommendations",
        "catalogue_count_index",
    }
