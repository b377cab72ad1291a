"""Expansion of event dates into occurrences, in Brussels time, across DST changes."""

import datetime as dt
from types import SimpleNamespace

import pytest

from events.models import EventStatus, Occurrence, OccurrenceChange, Repeat
from events.recurrence import (
    RecurrenceError,
    excluded_dates_parse,
    local_to_utc,
    occurrences_expand,
    rule_validate,
)
from events.services import occurrences_sync
from tests.factories.events import EventPageFactory, agenda_of, event_date

UTC = dt.UTC


def row(**kwargs):
    defaults = {
        "repeat": Repeat.ONCE,
        "start_date": dt.date(2026, 10, 1),
        "end_date": None,
        "start_time": dt.time(14),
        "end_time": dt.time(16),
        "weekdays": "",
        "rule": "",
        "excluded_dates": "",
        "status": EventStatus.SCHEDULED,
        "booking_availability": "beschikbaar",
    }
    defaults.update(kwargs)
    return SimpleNamespace(**defaults)


def test_weekly_rule_keeps_wall_time_across_the_autumn_dst_change():
    # Every Wednesday 14:00-16:00 in Brussels; DST ends on Sunday 25 October 2026.
    rule = row(repeat=Repeat.RULE, rule="FREQ=WEEKLY;BYDAY=WE", end_date=dt.date(2026, 11, 4))
    specs = occurrences_expand(dates=[rule], today=dt.date(2026, 10, 1))
    starts = [spec.start for spec in specs]
    assert starts == [
        dt.datetime(2026, 10, 7, 12, tzinfo=UTC),  # 14:00 CEST
        dt.datetime(2026, 10, 14, 12, tzinfo=UTC),
        dt.datetime(2026, 10, 21, 12, tzinfo=UTC),
        dt.datetime(2026, 10, 28, 13, tzinfo=UTC),  # 14:00 CET
        dt.datetime(2026, 11, 4, 13, tzinfo=UTC),
    ]
    assert all((spec.end - spec.start) == dt.timedelta(hours=2) for spec in specs)


def test_spring_change_and_nonexistent_time():
    # 02:30 on 29 March 2026 does not exist in Brussels: it falls after the jump.
    assert local_to_utc(dt.date(2026, 3, 29), dt.time(2, 30)) == dt.datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    weekly = row(
        repeat=Repeat.WEEKLY,
        start_date=dt.date(2026, 3, 21),
        end_date=dt.date(2026, 4, 4),
        weekdays="5",
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    starts = [s.start for s in occurrences_expand(dates=[weekly], today=dt.date(2026, 3, 1))]
    assert starts == [
        dt.datetime(2026, 3, 21, 9, tzinfo=UTC),
        dt.datetime(2026, 3, 28, 9, tzinfo=UTC),
        dt.datetime(2026, 4, 4, 8, tzinfo=UTC),
    ]


def test_rule_until_june_except_school_holidays():
    rule = row(
        repeat=Repeat.RULE,
        start_date=dt.date(2027, 2, 3),
        end_date=dt.date(2027, 3, 31),
        rule="RRULE:FREQ=WEEKLY;BYDAY=WE",
        excluded_dates="2027-02-15/2027-02-21\n2027-03-24",
    )
    days = [s.start.date() for s in occurrences_expand(dates=[rule], today=dt.date(2027, 1, 1))]
    assert dt.date(2027, 2, 17) not in days  # krokusvakantie
    assert dt.date(2027, 3, 24) not in days
    assert days[0] == dt.date(2027, 2, 3) and days[-1] == dt.date(2027, 3, 31)
    assert len(days) == 7


def test_horizon_bounds_an_endless_rule():
    rule = row(repeat=Repeat.RULE, rule="FREQ=DAILY", start_date=dt.date(2026, 1, 1))
    specs = occurrences_expand(dates=[rule], today=dt.date(2026, 1, 1), horizon_days=30)
    assert len(specs) == 31


def test_all_day_period_and_past_midnight():
    period = row(
        start_date=dt.date(2026, 7, 1), end_date=dt.date(2026, 7, 3), start_time=None, end_time=None
    )
    (spec,) = occurrences_expand(dates=[period], today=dt.date(2026, 6, 1))
    assert spec.all_day
    assert spec.start == dt.datetime(2026, 6, 30, 22, tzinfo=UTC)
    assert spec.end == dt.datetime(2026, 7, 3, 22, tzinfo=UTC)
    party = row(start_time=dt.time(22), end_time=dt.time(2))
    (spec,) = occurrences_expand(dates=[party], today=dt.date(2026, 6, 1))
    assert spec.end - spec.start == dt.timedelta(hours=4)


@pytest.mark.parametrize("bad", ["", "FREQ=SOMETIMES", "DTSTART:20260101;FREQ=DAILY", "<script>"])
def test_bad_rules_are_refused(bad):
    with pytest.raises(RecurrenceError):
        rule_validate(rule=bad)


def test_bad_excluded_dates_are_refused():
    with pytest.raises(RecurrenceError):
        excluded_dates_parse(text="2026-02-30")
    with pytest.raises(RecurrenceError):
        excluded_dates_parse(text="2026-03-10/2026-03-01")


def test_cancel_and_move_one_occurrence_survive_reexpansion(site_a):
    agenda = agenda_of(site_a.home)
    start = dt.date(2030, 1, 2)  # a Wednesday
    event = EventPageFactory(
        parent=agenda,
        dates=[
            event_date(
                start,
                repeat=Repeat.RULE,
                rule="FREQ=WEEKLY;BYDAY=WE",
                end_date=dt.date(2030, 1, 23),
            )
        ],
        changes=[
            OccurrenceChange(original_date=dt.date(2030, 1, 9), status=EventStatus.CANCELLED),
            OccurrenceChange(
                original_date=dt.date(2030, 1, 16),
                status=EventStatus.MOVED,
                new_date=dt.date(2030, 1, 17),
                note="Uitzonderlijk op donderdag",
            ),
        ],
    )
    occurrences_sync(page=event, today=dt.date(2030, 1, 1))
    ids_before = list(Occurrence.objects.filter(page=event).values_list("pk", flat=True))
    rows = list(Occurrence.objects.filter(page=event).order_by("start"))
    assert [(o.start.date(), o.status) for o in rows] == [
        (dt.date(2030, 1, 2), "gepland"),
        (dt.date(2030, 1, 9), "geannuleerd"),
        (dt.date(2030, 1, 17), "verplaatst"),
        (dt.date(2030, 1, 23), "gepland"),
    ]
    assert rows[2].original_start == dt.datetime(2030, 1, 16, 13, tzinfo=UTC)
    # re-expanding (a later publish, the daily refresh) changes nothing
    assert occurrences_sync(page=event, today=dt.date(2030, 1, 1)) == (0, 0)
    assert list(Occurrence.objects.filter(page=event).values_list("pk", flat=True)) == ids_before


def test_publishing_expands_the_published_dates(site_a):
    agenda = agenda_of(site_a.home)
    event = EventPageFactory(parent=agenda, dates=[event_date(dt.date(2030, 5, 1))])
    assert event.occurrences.count() == 1
    event.dates = [event_date(dt.date(2030, 5, 1)), event_date(dt.date(2030, 5, 8))]
    event.save_revision().publish()
    assert event.occurrences.count() == 2


def test_daily_refresh_rolls_the_horizon_forward(site_a):
    from events.tasks import occurrences_refresh_task

    agenda = agenda_of(site_a.home)
    today = dt.date.today()
    event = EventPageFactory(
        parent=agenda,
        dates=[event_date(today, repeat=Repeat.RULE, rule="FREQ=MONTHLY;BYMONTHDAY=1")],
    )
    before = event.occurrences.count()
    Occurrence.objects.filter(page=event).delete()
    result = occurrences_refresh_task.enqueue()
    assert result.return_value == 1
    assert event.occurrences.count() == before > 10
