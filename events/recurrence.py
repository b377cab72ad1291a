"""Expand event dates (one date, a period with weekly hours, a recurrence rule) into
occurrences, in Brussels wall time, stored as UTC instants.

Pure Python over objects with the fields of EventDate and OccurrenceChange, so it works on a
page loaded from a revision (in-memory child rows) and in tests without a database.

Wall times are resolved per occurrence: "every Wednesday 14:00" is 14:00 in Brussels both
before and after a DST change (13:00 UTC in winter, 12:00 UTC in summer). A wall time that
does not exist falls after the jump; an ambiguous one means its first occurrence (fold=0).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = dt.UTC
HORIZON_DAYS = 400
# Occurrence rows are one per session up to this many days ahead (what the agenda lists and
# the "vandaag", "weekend", "week" and "maand" filters show hour by hour). Beyond it, a run of
# sessions on consecutive days with the same hours and state is stored as one row standing
# for all of them (OccurrenceSpec.sessions): a permanent event open every day is about 35
# rows instead of 400, and the agenda still finds it on each of its days and on no other,
# since its closed and changed days break the run. The nightly horizon job rolls the window.
DAILY_WINDOW_DAYS = 35
# Never expand more than this per date row: a daily rule over the horizon stays far below it.
MAX_OCCURRENCES_PER_ROW = 1000
RULE_ALLOWED = re.compile(r"^[A-Z0-9=;,:+-]+$")
_WEEKDAYS = frozenset(range(7))  # Monday 0 .. Sunday 6, as date.weekday()
_WEEK = dt.timedelta(days=7)


class RecurrenceError(ValueError):
    pass


@dataclass(frozen=True)
class OccurrenceSpec:
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    all_day: bool
    status: str
    booking_availability: str
    original_start: dt.datetime | None = None
    note: str = ""
    # How many sessions on consecutive days this row stands for (see DAILY_WINDOW_DAYS):
    # from `start` on the first day to `end` on the last.
    sessions: int = 1

    @property
    def key(self) -> tuple:
        return (self.start, self.end)


def local_to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    """A Brussels wall time as a UTC instant; nonexistent times move past the DST jump."""
    # fold=0 takes the offset from before a transition: a time in the spring gap (02:30)
    # lands after the jump (03:30 CEST), an ambiguous autumn time means its first occurrence.
    return dt.datetime.combine(day, time).replace(tzinfo=BRUSSELS, fold=0).astimezone(UTC)


def rule_validate(*, rule: str) -> None:
    rule = rule.strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    if not rule:
        raise RecurrenceError(_("Vul een herhalingsregel in, bv. FREQ=WEEKLY;BYDAY=WE."))
    if not RULE_ALLOWED.match(rule) or "DTSTART" in rule:
        raise RecurrenceError(_("Deze herhalingsregel begrijpen we niet."))
    try:
        rrulestr(rule, dtstart=dt.datetime(2026, 1, 1))
    except (ValueError, TypeError) as error:
        raise RecurrenceError(_("Deze herhalingsregel begrijpen we niet.")) from error


def excluded_dates_parse(*, text: str) -> list[tuple[dt.date, dt.date]]:
    """One date (2026-12-24) or period (2026-12-21/2027-01-03) per line or comma."""
    periods = []
    for item in re.split(r"[\n,;]+", text or ""):
        item = item.strip()
        if not item:
            continue
        parts = [part.strip() for part in item.split("/")]
        try:
            days = [dt.date.fromisoformat(part) for part in parts]
        except ValueError as error:
            raise RecurrenceError(
                _("‘%(item)s’ is geen datum (jjjj-mm-dd) of periode (jjjj-mm-dd/jjjj-mm-dd).")
                % {"item": item[:40]}
            ) from error
        if len(days) == 1:
            periods.append((days[0], days[0]))
        elif len(days) == 2 and days[0] <= days[1]:
            periods.append((days[0], days[1]))
        else:
            raise RecurrenceError(_("‘%(item)s’ is geen geldige periode.") % {"item": item[:40]})
    return periods


def _excluded(day: dt.date, periods: list[tuple[dt.date, dt.date]]) -> bool:
    return any(start <= day <= end for start, end in periods)


# Many events share the same days and hours (every permanent event covers the same days up
# to the horizon): the wall-time conversion is done once per distinct span, not per event.
@functools.lru_cache(maxsize=65536)
def _span(
    day: dt.date, start_time: dt.time | None, end_time: dt.time | None, end_day: dt.date | None
) -> tuple[dt.datetime, dt.datetime, bool]:
    if start_time is None:
        last = end_day or day
        return (
            local_to_utc(day, dt.time(0)),
            local_to_utc(last + dt.timedelta(days=1), dt.time(0)),
            True,
        )
    start = local_to_utc(day, start_time)
    if end_time is None:
        end_day_local = end_day or day
        end = local_to_utc(end_day_local, start_time) if end_day_local > day else start
    else:
        finish_day = end_day or day
        if end_day is None and end_time <= start_time:
            finish_day = day + dt.timedelta(days=1)  # past midnight
        end = local_to_utc(finish_day, end_time)
    return start, max(start, end), False


def row_days(*, row: Any, today: dt.date, horizon_days: int = HORIZON_DAYS) -> list[dt.date]:
    """The local dates one EventDate row produces, from its start up to the horizon."""
    from events.models.choices import Repeat

    horizon = today + dt.timedelta(days=horizon_days)
    excluded = excluded_dates_parse(text=row.excluded_dates or "")
    if row.repeat == Repeat.WEEKLY:
        weekdays = {int(item) for item in (row.weekdays or "").split(",") if item.isdigit()}
        # No end date: open-ended (a permanent UiTdatabank event), up to the rolling horizon.
        last = min(row.end_date or horizon, horizon)
        # Past occurrences of long periods are of no use to the agenda: start near today.
        first = max(row.start_date, today - dt.timedelta(days=1))
        # A week at a time per weekday rather than testing every day: a permanent event
        # open every day is about 400 days, and the import expands thousands of them.
        days = []
        for weekday in weekdays & _WEEKDAYS:
            day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
            while day <= last:
                days.append(day)
                day += _WEEK
        days.sort()
        if excluded:
            days = [day for day in days if not _excluded(day, excluded)]
        return days[:MAX_OCCURRENCES_PER_ROW]
    if row.repeat == Repeat.RULE:
        rule = (row.rule or "").strip().upper().removeprefix("RRULE:")
        rule_validate(rule=rule)
        until = min(row.end_date or horizon, horizon)
        dtstart = dt.datetime.combine(row.start_date, dt.time(0))
        days = []
        for moment in rrulestr(rule, dtstart=dtstart):
            day = moment.date()
            if day > until or len(days) >= MAX_OCCURRENCES_PER_ROW:
                break
            if day < today - dt.timedelta(days=1):
                continue
            if not _excluded(day, excluded):
                days.append(day)
        return days
    return [] if _excluded(row.start_date, excluded) else [row.start_date]


def occurrences_expand(
    *,
    dates: Iterable[Any],
    changes: Iterable[Any] = (),
    event_status: str = "gepland",
    today: dt.date,
    horizon_days: int = HORIZON_DAYS,
) -> list[OccurrenceSpec]:
    """Every occurrence of an event, changes applied, sorted by start."""
    from events.models.choices import EventStatus, Repeat

    changes_by_date = {change.original_date: change for change in changes}
    specs: dict[tuple, OccurrenceSpec] = {}
    for row in dates:
        if row.start_date is None:
            continue
        once_period = row.repeat == Repeat.ONCE and row.end_date and row.end_date > row.start_date
        for day in row_days(row=row, today=today, horizon_days=horizon_days):
            start, end, all_day = _span(
                day,
                row.start_time,
                row.end_time,
                row.end_date if once_period else None,
            )
            status = row.status
            if event_status and event_status != EventStatus.SCHEDULED:
                status = event_status
            spec = OccurrenceSpec(
                start=start,
                end=end,
                all_day=all_day,
                status=status,
                booking_availability=row.booking_availability,
                note=getattr(row, "status_reason", "") or "",
            )
            change = changes_by_date.get(day)
            if change is not None:
                spec = _apply_change(spec, change, row)
            specs.setdefault(spec.key, spec)
    return sorted(specs.values(), key=lambda spec: spec.start)


def _apply_change(spec: OccurrenceSpec, change: Any, row: Any) -> OccurrenceSpec:
    from events.models.choices import EventStatus

    if change.new_date or change.new_start_time:
        day = change.new_date or spec.start.astimezone(BRUSSELS).date()
        start_time = change.new_start_time or row.start_time
        end_time = change.new_end_time or row.end_time
        start, end, all_day = _span(day, start_time, end_time, None)
        status = change.status or EventStatus.MOVED
        return OccurrenceSpec(
            start=start,
            end=end,
            all_day=all_day,
            status=status,
            booking_availability=spec.booking_availability,
            original_start=spec.start,
            note=change.note or "",
        )
    return OccurrenceSpec(
        start=spec.start,
        end=spec.end,
        all_day=spec.all_day,
        status=change.status,
        booking_availability=spec.booking_availability,
        original_start=spec.start,
        note=change.note or "",
    )


def occurrences_compact(
    *, specs: list[OccurrenceSpec], today: dt.date, daily_days: int = DAILY_WINDOW_DAYS
) -> list[OccurrenceSpec]:
    """The rows to store for an event's expanded occurrences: one per session up to
    `daily_days` ahead, then one per run of sessions on consecutive days that share their
    wall-clock hours, status, availability and note (a closed, cancelled or moved day ends a
    run). A query for any whole day beyond the window matches a run exactly when one of its
    sessions falls on that day."""
    limit = today + dt.timedelta(days=daily_days)
    rows: list[OccurrenceSpec] = []
    run: OccurrenceSpec | None = None
    run_shape: tuple | None = None
    run_last: dt.date | None = None
    # The open run's last end and session count: its row is built once, when it closes.
    run_end: dt.datetime | None = None
    run_sessions = 0

    def close() -> None:
        rows.append(
            run
            if run_sessions == run.sessions
            else dataclasses.replace(run, end=run_end, sessions=run_sessions)
        )

    one_day = dt.timedelta(days=1)
    for spec in specs:
        start = spec.start.astimezone(BRUSSELS)
        day = start.date()
        end = spec.end.astimezone(BRUSSELS)
        if (
            day <= limit
            or spec.original_start is not None
            or spec.sessions != 1
            or (end.date() - day).days > 1  # a continuous period, not a session a day
        ):
            if run is not None:
                close()
                run = None
            rows.append(spec)
            continue
        shape = (
            start.time(),
            end.time(),
            (end.date() - day).days,
            spec.all_day,
            spec.status,
            spec.booking_availability,
            spec.note,
        )
        if run is not None and shape == run_shape and day == run_last + one_day:
            run_end, run_sessions, run_last = spec.end, run_sessions + 1, day
            continue
        if run is not None:
            close()
        run, run_shape, run_last = spec, shape, day
        run_end, run_sessions = spec.end, spec.sessions
    if run is not None:
        close()
    return rows


# The EventDate fields the expansion reads, in the order of a cache key's row.
_DATE_FIELDS = (
    "repeat",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "weekdays",
    "excluded_dates",
    "rule",
    "status",
    "status_reason",
    "booking_availability",
)
_DateRow = collections.namedtuple("_DateRow", _DATE_FIELDS)


def occurrences_stored(
    *, dates: Iterable[Any], changes: Iterable[Any] = (), event_status: str, today: dt.date
) -> tuple[OccurrenceSpec, ...]:
    """The occurrence rows to store for an event (`occurrences_expand`, then
    `occurrences_compact`), one per start and end.

    Without changes the result depends only on the dates' values, the event status and
    `today`, so it is computed once per distinct pattern and reused (`_stored_for`): an import
    of thousands of events expands each permanent event's 400 days, or a weekly opening-hours
    pattern shared by many events, only once."""
    changes = list(changes)
    if changes:
        return _stored(dates=dates, changes=changes, event_status=event_status, today=today)
    key = tuple(
        _DateRow(*(getattr(row, name, "") for name in _DATE_FIELDS))
        for row in dates
        if row.start_date is not None
    )
    return _stored_for(key, event_status, today)


# Bounded: a pattern holds up to a few hundred rows (a session a day beyond the daily window
# on days that do not follow each other), so 512 stay within a few megabytes per process.
@functools.lru_cache(maxsize=512)
def _stored_for(
    rows: tuple[_DateRow, ...], event_status: str, today: dt.date
) -> tuple[OccurrenceSpec, ...]:
    return _stored(dates=rows, changes=(), event_status=event_status, today=today)


def _stored(
    *, dates: Iterable[Any], changes: Iterable[Any], event_status: str, today: dt.date
) -> tuple[OccurrenceSpec, ...]:
    specs = occurrences_compact(
        specs=occurrences_expand(
            dates=dates, changes=changes, event_status=event_status, today=today
        ),
        today=today,
    )
    return tuple({spec.key: spec for spec in specs}.values())


# --- The recurrence editor: a rule in words -----------------------------------------------
#
# Editors choose a kind (every day, every week, every month, or a rule of their own) and its
# few parts; the admin composes the RRULE the expansion above reads, and reads a stored rule
# back into those parts (an imported or hand-written rule that fits none stays "own rule").


class RuleKind:
    DAILY = "dagelijks"
    WEEKLY = "wekelijks"
    MONTHLY = "maandelijks"
    CUSTOM = "eigen"


RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = date.weekday()
MONTH_POSITIONS = (1, 2, 3, 4, -1)
MAX_INTERVAL = 99
_BYDAY_ITEM = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class RuleParts:
    kind: str = ""
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # weekly: on these days
    except_weekdays: tuple[int, ...] = ()  # daily: not on these days
    position: int | None = None  # monthly: 1..4 or -1 (the last)
    month_weekday: int | None = None
    raw: str = ""


def rule_compose(*, parts: RuleParts) -> str:
    """The RRULE for the parts the editor chose; RecurrenceError (Dutch) when incomplete."""
    if parts.kind in ("", RuleKind.CUSTOM):
        return parts.raw.strip().upper().removeprefix("RRULE:")
    if not 1 <= parts.interval <= MAX_INTERVAL:
        raise RecurrenceError(
            _("Kies een tussenafstand van 1 tot %(max)s.") % {"max": MAX_INTERVAL}
        )
    interval = f";INTERVAL={parts.interval}" if parts.interval > 1 else ""
    if parts.kind == RuleKind.DAILY:
        days = [day for day in range(7) if day not in set(parts.except_weekdays)]
        if not days:
            raise RecurrenceError(_("Elke dag behalve alle dagen: laat minstens één dag over."))
        byday = "" if len(days) == 7 else ";BYDAY=" + ",".join(RRULE_DAYS[d] for d in days)
        return f"FREQ=DAILY{interval}{byday}"
    if parts.kind == RuleKind.WEEKLY:
        if not parts.weekdays:
            raise RecurrenceError(_("Kies minstens één dag van de week."))
        days = ",".join(RRULE_DAYS[day] for day in sorted(set(parts.weekdays)))
        return f"FREQ=WEEKLY{interval};BYDAY={days}"
    if parts.kind == RuleKind.MONTHLY:
        if parts.position not in MONTH_POSITIONS or parts.month_weekday not in _WEEKDAYS:
            raise RecurrenceError(
                _("Kies welke dag van de maand, bv. de eerste zaterdag of de laatste vrijdag.")
            )
        return f"FREQ=MONTHLY{interval};BYDAY={parts.position}{RRULE_DAYS[parts.month_weekday]}"
    raise RecurrenceError(_("Kies hoe de activiteit zich herhaalt."))


def rule_decompose(*, rule: str) -> RuleParts:
    """The editor's parts of a stored rule; a rule the simple kinds cannot say is CUSTOM."""
    text = (rule or "").strip().upper().removeprefix("RRULE:")
    if not text:
        return RuleParts()
    custom = RuleParts(kind=RuleKind.CUSTOM, raw=text)
    items: dict[str, str] = {}
    for item in text.split(";"):
        key, sep, value = item.partition("=")
        if not sep or key in items:
            return custom
        items[key] = value
    freq = items.pop("FREQ", "")
    interval_text = items.pop("INTERVAL", "1")
    if not interval_text.isdigit() or not 1 <= int(interval_text) <= MAX_INTERVAL:
        return custom
    interval = int(interval_text)
    byday = items.pop("BYDAY", "")
    setpos = items.pop("BYSETPOS", "")
    if items:  # COUNT, UNTIL, BYMONTH, ...: the row's end date says when it stops
        return custom
    parsed = []
    for item in byday.split(",") if byday else []:
        match = _BYDAY_ITEM.match(item)
        if match is None:
            return custom
        parsed.append((match[1], RRULE_DAYS.index(match[2])))
    if freq in ("DAILY", "WEEKLY") and not setpos and all(pos is None for pos, _day in parsed):
        days = tuple(sorted({day for _pos, day in parsed}))
        if freq == "DAILY":
            excluded = tuple(day for day in range(7) if days and day not in days)
            return RuleParts(kind=RuleKind.DAILY, interval=interval, except_weekdays=excluded)
        if days:
            return RuleParts(kind=RuleKind.WEEKLY, interval=interval, weekdays=days)
        return custom
    if freq == "MONTHLY" and len(parsed) == 1:
        position_text, day = parsed[0]
        if setpos and position_text is None:
            position_text = setpos
        elif setpos:
            return custom
        try:
            position = int(position_text or "")
        except ValueError:
            return custom
        if position in MONTH_POSITIONS:
            return RuleParts(
                kind=RuleKind.MONTHLY, interval=interval, position=position, month_weekday=day
            )
    return custom


def _weekday_label(day: int) -> str:
    from events.models.choices import WEEKDAY_CHOICES

    return str(dict(WEEKDAY_CHOICES)[str(day)])


def words_join(words: list[str]) -> str:
    """ "maandag, dinsdag en donderdag"."""
    if len(words) > 1:
        return _("%(first)s en %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}
    return words[0] if words else ""


def position_label(position: int) -> str:
    return {
        1: _("eerste"),
        2: _("tweede"),
        3: _("derde"),
        4: _("vierde"),
        -1: _("laatste"),
    }[position]


def rule_describe(*, rule: str) -> str:
    """A stored rule in Dutch: "elke eerste zaterdag van de maand", "elke week op dinsdag en
    donderdag", "elke dag behalve maandag". A rule of one's own is named as it is."""
    from django.utils.translation import ngettext

    parts = rule_decompose(rule=rule)
    if parts.kind == RuleKind.DAILY:
        if parts.interval > 1:
            text = ngettext("elke dag", "om de %(count)s dagen", parts.interval) % {
                "count": parts.interval
            }
        else:
            text = _("elke dag")
        if parts.except_weekdays:
            days = words_join([_weekday_label(day) for day in parts.except_weekdays])
            text += " " + _("behalve %(days)s") % {"days": days}
        return text
    if parts.kind == RuleKind.WEEKLY:
        days = words_join([_weekday_label(day) for day in parts.weekdays])
        if parts.interval > 1:
            return _("om de %(count)s weken op %(days)s") % {
                "count": parts.interval,
                "days": days,
            }
        return _("elke week op %(days)s") % {"days": days}
    if parts.kind == RuleKind.MONTHLY:
        values = {
            "position": position_label(parts.position),
            "day": _weekday_label(parts.month_weekday),
            "count": parts.interval,
        }
        if parts.interval > 1:
            return _("om de %(count)s maanden op de %(position)s %(day)s") % values
        return _("elke %(position)s %(day)s van de maand") % values
    if parts.kind == RuleKind.CUSTOM:
        return _("volgens de herhalingsregel %(rule)s") % {"rule": parts.raw}
    return ""
