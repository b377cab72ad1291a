"""occurrences_stored: the rows occurrences_sync and the import store, computed once per
distinct date pattern and the same as expanding and compacting each event."""

import datetime as dt
from types import SimpleNamespace

import pytest

from events.models import EventStatus, Repeat
from events.recurrence import (
    _stored_for,
    occurrences_compact,
    occurrences_expand,
    occurrences_stored,
)

TODAY = dt.date(2030, 1, 15)


def row(**kwargs):
    defaults = {
        "repeat": Repeat.ONCE,
        "start_date": dt.date(2030, 2, 1),
        "end_date": None,
        "start_time": dt.time(14),
        "end_time": dt.time(16),
        "weekdays": "",
        "rule": "",
        "excluded_dates": "",
        "status": EventStatus.SCHEDULED,
        "status_reason": "",
        "booking_availability": "beschikbaar",
    }
    defaults.update(kwargs)
    return SimpleNamespace(**defaults)


PATTERNS = {
    "once": [row()],
    "three dates": [row(start_date=dt.date(2030, 2, day)) for day in (1, 8, 15)],
    "period": [row(end_date=dt.date(2030, 2, 5), start_time=None, end_time=None)],
    "permanent, no hours": [
        row(repeat=Repeat.WEEKLY, weekdays="0,1,2,3,4,5,6", start_time=None, end_time=None)
    ],
    "opening hours with a closed day": [
        row(
            repeat=Repeat.WEEKLY,
            weekdays="5",
            end_date=dt.date(2030, 12, 31),
            start_time=dt.time(10),
            end_time=dt.time(12),
            excluded_dates="2030-03-02",
        )
    ],
    "rule": [row(repeat=Repeat.RULE, rule="FREQ=MONTHLY;BYDAY=1WE", end_date=None)],
    "cancelled": [row(status=EventStatus.CANCELLED, status_reason="Ziek")],
    "no start": [row(start_date=None)],
}


def reference(dates, *, changes=(), event_status=EventStatus.SCHEDULED):
    specs = occurrences_compact(
        specs=occurrences_expand(
            dates=dates, changes=changes, event_status=event_status, today=TODAY
        ),
        today=TODAY,
    )
    return list({spec.key: spec for spec in specs}.values())


@pytest.mark.parametrize("name", PATTERNS)
@pytest.mark.parametrize("event_status", [EventStatus.SCHEDULED, EventStatus.POSTPONED])
def test_stored_rows_are_the_expanded_and_compacted_ones(name, event_status):
    dates = PATTERNS[name]
    stored = occurrences_stored(dates=dates, event_status=event_status, today=TODAY)
    assert list(stored) == reference(dates, event_status=event_status)


def test_an_equal_pattern_is_expanded_once():
    _stored_for.cache_clear()
    first = occurrences_stored(
        dates=PATTERNS["permanent, no hours"], event_status=EventStatus.SCHEDULED, today=TODAY
    )
    # another event, other objects, the same values
    again = occurrences_stored(
        dates=[row(repeat=Repeat.WEEKLY, weekdays="0,1,2,3,4,5,6", start_time=None, end_time=None)],
        event_status=EventStatus.SCHEDULED,
        today=TODAY,
    )
    info = _stored_for.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert again == first and len(first) > 10
    # a different day, status or value is its own pattern
    occurrences_stored(
        dates=PATTERNS["permanent, no hours"],
        event_status=EventStatus.SCHEDULED,
        today=TODAY + dt.timedelta(days=1),
    )
    occurrences_stored(
        dates=[row(repeat=Repeat.WEEKLY, weekdays="0,1,2,3,4,5", start_time=None, end_time=None)],
        event_status=EventStatus.SCHEDULED,
        today=TODAY,
    )
    assert _stored_for.cache_info().misses == 3


def test_changes_are_applied_and_not_cached():
    _stored_for.cache_clear()
    dates = [row(start_date=dt.date(2030, 2, day)) for day in (1, 8)]
    change = SimpleNamespace(
        original_date=dt.date(2030, 2, 8),
        new_date=None,
        new_start_time=dt.time(18),
        new_end_time=dt.time(20),
        status="",
        note="Later",
    )
    stored = occurrences_stored(
        dates=dates, changes=[change], event_status=EventStatus.SCHEDULED, today=TODAY
    )
    assert list(stored) == reference(dates, changes=[change])
    assert any(spec.note == "Later" for spec in stored)
    assert _stored_for.cache_info().currsize == 0
