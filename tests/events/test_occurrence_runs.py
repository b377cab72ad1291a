"""Beyond the daily window, a run of sessions on consecutive days is one occurrence row
(Occurrence.sessions): the agenda still finds a permanent event on each of its days, never on
a closed day or a day of the week it is closed, and the nightly job rolls the window."""

import datetime as dt

from events.models import EventStatus, Occurrence, OccurrenceChange, Repeat
from events.recurrence import (
    BRUSSELS,
    DAILY_WINDOW_DAYS,
    HORIZON_DAYS,
    occurrences_compact,
    occurrences_expand,
)
from events.selectors import agenda_page
from events.services import occurrences_sync
from tests.factories.events import EventPageFactory, agenda_of, event_date

# Monday 6 January 2030
TODAY = dt.date(2030, 1, 6)
NOW = dt.datetime(2030, 1, 6, 8, 0, tzinfo=dt.UTC)
# Far beyond the daily window: Monday 3 June .. Sunday 9 June 2030
MONDAY = dt.date(2030, 6, 3)
CLOSED_WEDNESDAY = dt.date(2030, 6, 5)
CANCELLED_FRIDAY = dt.date(2030, 6, 7)


def weekdays_museum(**kwargs):
    """Open Monday to Friday 10:00-17:00, no end date; closed on one Wednesday."""
    return event_date(
        TODAY,
        "10:00",
        "17:00",
        repeat=Repeat.WEEKLY,
        weekdays="0,1,2,3,4",
        excluded_dates=CLOSED_WEDNESDAY.isoformat(),
        **kwargs,
    )


def days_found(agenda, title: str, days) -> list[dt.date]:
    found = []
    for day in days:
        result = agenda_page(index=agenda, filters={"van": day, "tot": day}, now=NOW)
        if any(item.event.title == title for item in result.items):
            found.append(day)
    return found


def test_compact_keeps_the_window_daily_and_merges_runs_beyond_it():
    specs = occurrences_expand(dates=[weekdays_museum()], today=TODAY)
    rows = occurrences_compact(specs=specs, today=TODAY)
    window_end = TODAY + dt.timedelta(days=DAILY_WINDOW_DAYS)
    daily = [row for row in rows if row.start.astimezone(BRUSSELS).date() <= window_end]
    assert all(row.sessions == 1 for row in daily)
    assert len(daily) == len(
        [s for s in specs if s.start.astimezone(BRUSSELS).date() <= window_end]
    )
    # every session is still there, in far fewer rows
    assert sum(row.sessions for row in rows) == len(specs)
    assert len(rows) < len(specs) / 3
    # a run never spans a weekend or the closed Wednesday
    for row in rows:
        first = row.start.astimezone(BRUSSELS).date()
        days = {first + dt.timedelta(days=n) for n in range(row.sessions)}
        assert all(day.weekday() < 5 for day in days)
        assert CLOSED_WEDNESDAY not in days
        # wall-clock hours of the first and last session
        assert row.start.astimezone(BRUSSELS).time() == dt.time(10)
        assert row.end.astimezone(BRUSSELS).time() == dt.time(17)


def test_compact_changes_nothing_inside_the_window():
    specs = occurrences_expand(dates=[weekdays_museum(end_date=dt.date(2030, 1, 31))], today=TODAY)
    assert occurrences_compact(specs=specs, today=TODAY) == specs


def test_agenda_finds_a_permanent_event_on_each_open_day_beyond_the_window(site_a):
    agenda = agenda_of(site_a.home)
    event = EventPageFactory(
        parent=agenda,
        title="Vaste collectie",
        dates=[weekdays_museum()],
        changes=[OccurrenceChange(original_date=CANCELLED_FRIDAY, status=EventStatus.CANCELLED)],
    )
    occurrences_sync(page=event, today=TODAY)
    rows = Occurrence.objects.filter(page=event)
    assert rows.filter(sessions__gt=1).exists()
    assert rows.count() < 100  # about 5 x 57 sessions up to the horizon
    week = [MONDAY + dt.timedelta(days=n) for n in range(7)]
    found = days_found(agenda, "Vaste collectie", week)
    # Monday, Tuesday, Thursday and the cancelled Friday (listed as cancelled); not the closed
    # Wednesday, not the weekend
    assert found == [MONDAY, MONDAY + dt.timedelta(days=1), dt.date(2030, 6, 6), CANCELLED_FRIDAY]
    cancelled = rows.get(start__date=CANCELLED_FRIDAY)
    assert (cancelled.status, cancelled.sessions) == (EventStatus.CANCELLED, 1)
    # the card counts every session, not the rows
    item = agenda_page(index=agenda, filters={}, now=NOW).items[0]
    sessions = len(occurrences_expand(dates=[weekdays_museum()], today=TODAY))
    assert item.count == sessions


def test_an_all_day_permanent_event_is_found_on_each_day_up_to_the_horizon(site_a):
    agenda = agenda_of(site_a.home)
    event = EventPageFactory(
        parent=agenda,
        title="Tentoonstelling",
        dates=[
            event_date(
                TODAY,
                None,
                None,
                repeat=Repeat.WEEKLY,
                weekdays="0,1,2,3,4,5,6",
                excluded_dates="2030-08-01/2030-08-03",
            )
        ],
    )
    occurrences_sync(page=event, today=TODAY)
    assert Occurrence.objects.filter(page=event).count() < DAILY_WINDOW_DAYS + 10
    days = [dt.date(2030, 7, 30) + dt.timedelta(days=n) for n in range(7)]
    assert days_found(agenda, "Tentoonstelling", days) == [
        dt.date(2030, 7, 30),
        dt.date(2030, 7, 31),
        dt.date(2030, 8, 4),
        dt.date(2030, 8, 5),
    ]
    horizon = TODAY + dt.timedelta(days=HORIZON_DAYS)
    assert days_found(agenda, "Tentoonstelling", [horizon, horizon + dt.timedelta(days=1)]) == [
        horizon
    ]


def test_the_nightly_roll_moves_the_daily_window(site_a):
    agenda = agenda_of(site_a.home)
    event = EventPageFactory(parent=agenda, title="Vaste collectie", dates=[weekdays_museum()])
    occurrences_sync(page=event, today=TODAY)
    later = TODAY + dt.timedelta(days=30)
    day = later + dt.timedelta(days=DAILY_WINDOW_DAYS - 1)  # beyond the first window
    assert day.weekday() < 5
    start = dt.datetime.combine(day, dt.time(10), tzinfo=BRUSSELS)
    assert not Occurrence.objects.filter(page=event, start=start, sessions=1).exists()
    added, removed = occurrences_sync(page=event, today=later)
    assert added and removed
    assert Occurrence.objects.filter(page=event, start=start, sessions=1).exists()
    # the horizon moved too, and every session up to it has a row
    expected = occurrences_expand(dates=[weekdays_museum()], today=later)
    stored = Occurrence.objects.filter(page=event, end__gte=expected[0].start)
    assert sum(stored.values_list("sessions", flat=True)) == len(expected)
    # and rolling again the same day changes nothing
    assert occurrences_sync(page=event, today=later) == (0, 0)


def test_a_run_in_the_agenda_feed_is_a_daily_rule(site_a):
    from icalendar import Calendar

    from events.feeds import ical_calendar, when_label

    agenda = agenda_of(site_a.home)
    event = EventPageFactory(parent=agenda, title="Vaste collectie", dates=[weekdays_museum()])
    occurrences_sync(page=event, today=TODAY)
    run = Occurrence.objects.filter(page=event, sessions__gt=1).select_related("page").first()
    first = run.start.astimezone(BRUSSELS)
    label = when_label(run)
    assert "10:00–17:00" in label and "elke dag" in label
    calendar = Calendar.from_ical(ical_calendar(title="Agenda", occurrences=[run], request=None))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["rrule"]["FREQ"] == ["DAILY"]
    assert vevent["rrule"]["COUNT"] == [run.sessions]
    assert vevent.decoded("dtstart") == first
    assert vevent.decoded("dtend").astimezone(BRUSSELS) == first.replace(hour=17)
