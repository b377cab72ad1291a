"""Opening-hours engine: weekly spans plus exceptions, resolved in Europe/Brussels time.

Pure Python over a location's (prefetched) ``weekly_hours`` and ``exceptional_hours``: nothing here
queries, so it works on a page fetched by ``locations_for_site`` and on plain in-memory stand-ins.

Rules, in one place:

- A span belongs to the day it opens on. One whose ``closes`` is at or before ``opens`` runs past
  midnight into the next day; ``closes == opens`` is invalid and ignored.
- Wall times become instants in Europe/Brussels and all comparisons happen in UTC, because Python
  compares two datetimes sharing a tzinfo by wall time, which is wrong around DST. A wall time that
  does not exist (02:30 on the last Sunday of March) falls after the jump (03:30); an ambiguous one
  (02:30 on the last Sunday of October) means its first occurrence. Returned datetimes are in
  Brussels time; compare an ambiguous one with another zone's after ``astimezone(UTC)`` (PEP 495
  makes such an inter-zone ``==`` false).
- Exceptions replace the weekly hours of every date they cover. When several cover a date, the most
  specific one (fewest days) wins; rows of equal length combine, and "closed" beats special hours.
  Exceptions hold for the whole building: a service point is closed on a closed day, and on a day
  with special hours it keeps only the part of its own weekly hours that falls inside them.
- Adjacent or overlapping spans chain into one open period. ``closes_at`` is the end of that whole
  period, so "Nu open tot 22:00" never claims the building closes while it stays open unstaffed;
  the label's "onbemand" tells the kind of opening right now, and ``changes_at`` says when the kind
  switches within the period (for a "onbemand vanaf 18:00" hint).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pagecache import expires_at

BRUSSELS = ZoneInfo("Europe/Brussels")
SEARCH_DAYS = 14
SCHEMA_EXCEPTION_DAYS = 60
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

# The same msgids as the model's Weekday choices; kept here so the engine needs no app registry.
WEEKDAY_NAMES = (
    _("maandag"),
    _("dinsdag"),
    _("woensdag"),
    _("donderdag"),
    _("vrijdag"),
    _("zaterdag"),
    _("zondag"),
)
MONTH_NAMES = (
    _("januari"),
    _("februari"),
    _("maart"),
    _("april"),
    _("mei"),
    _("juni"),
    _("juli"),
    _("augustus"),
    _("september"),
    _("oktober"),
    _("november"),
    _("december"),
)
SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MESSAGE_EQUAL_TIMES = _("Het sluitingsuur moet verschillen van het openingsuur.")
MESSAGE_OVERLAP = _("Dit tijdvak overlapt met een ander tijdvak op dezelfde dag.")
MESSAGE_END_BEFORE_START = _("De einddatum mag niet voor de begindatum liggen.")
MESSAGE_OPENS_MISSING = _("Vul een openingsuur in, of duid ‘gesloten’ aan.")
MESSAGE_CLOSES_MISSING = _("Vul een sluitingsuur in, of duid ‘gesloten’ aan.")
MESSAGE_CLOSES_BEFORE_OPENS = _("Het sluitingsuur moet na het openingsuur liggen.")


class SpanLike(Protocol):
    service_point: str
    weekday: int
    opens: time
    closes: time
    unstaffed: bool


class ExceptionLike(Protocol):
    start_date: date
    end_date: date | None
    closed: bool
    opens: time | None
    closes: time | None
    reason: str


class LocationLike(Protocol):
    """A LocationPage, or anything whose two relations answer ``.all()`` without a query."""

    weekly_hours: Any
    exceptional_hours: Any


@dataclass(frozen=True)
class Span:
    opens: time
    closes: time
    unstaffed: bool = False

    @property
    def past_midnight(self) -> bool:
        return self.closes <= self.opens


@dataclass(frozen=True)
class DayHours:
    date: date
    spans: list[Span] = field(default_factory=list)
    closed: bool = True
    reason: str = ""
    exceptional: bool = False

    @property
    def weekday_name(self) -> str:
        return str(WEEKDAY_NAMES[self.date.weekday()])

    @property
    def date_label(self) -> str:
        return _day_month(self.date)


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    unstaffed: bool
    closes_at: datetime | None
    opens_at: datetime | None
    reason: str
    label: str
    # When the current open period switches between staffed and unstaffed, if it does.
    changes_at: datetime | None = None
    # The moment the status was computed for, in Brussels time: lets templates mark "today".
    now: datetime | None = None

    @property
    def state(self) -> str:
        """A stable keyword for CSS classes: ``open``, ``unstaffed`` or ``closed``."""
        if not self.is_open:
            return "closed"
        return "unstaffed" if self.unstaffed else "open"


@dataclass(frozen=True)
class LocationToday:
    location: Any
    today: DayHours
    status: OpeningStatus


@dataclass(frozen=True)
class _Interval:
    start: datetime  # UTC
    end: datetime  # UTC
    unstaffed: bool


@dataclass
class _Period:
    start: datetime
    end: datetime
    members: list[_Interval]


# Public API ------------------------------------------------------------------------------------


def opening_status(
    *, location: LocationLike, now: datetime | None = None, service_point: str = ""
) -> OpeningStatus:
    moment = _as_utc(now)
    local = moment.astimezone(BRUSSELS)
    today = local.date()
    weekly, exceptions = _rows(location)
    horizon = moment + timedelta(days=SEARCH_DAYS)
    # Yesterday too: its spans past midnight may still be running.
    intervals = _intervals(
        weekly=weekly,
        exceptions=exceptions,
        first=today - timedelta(days=1),
        last=horizon.astimezone(BRUSSELS).date(),
        service_point=service_point,
    )
    periods = _periods(intervals)
    reason = _resolve_day(
        weekly=weekly, exceptions=exceptions, day=today, service_point=service_point
    ).reason

    current = next((p for p in periods if p.start <= moment < p.end), None)
    if current is not None:
        unstaffed = _unstaffed_at(current.members, moment)
        # A period running past the search window is as good as "always open".
        closes_at = None if current.end > horizon else current.end.astimezone(BRUSSELS)
        changes_at = next(
            (
                point.astimezone(BRUSSELS)
                for point in sorted(
                    {t for iv in current.members for t in (iv.start, iv.end)}
                    - {current.start, current.end}
                )
                if point > moment and _unstaffed_at(current.members, point) != unstaffed
            ),
            None,
        )
        # A cached page showing this status lives until it changes.
        expires_at(None, min((t for t in (closes_at, changes_at) if t is not None), default=None))
        return OpeningStatus(
            is_open=True,
            unstaffed=unstaffed,
            closes_at=closes_at,
            opens_at=None,
            reason=reason,
            label=_open_label(unstaffed=unstaffed, closes_at=closes_at),
            changes_at=changes_at,
            now=local,
        )

    upcoming = next((p for p in periods if moment < p.start <= horizon), None)
    opens_at = upcoming.start.astimezone(BRUSSELS) if upcoming else None
    expires_at(None, opens_at)
    return OpeningStatus(
        is_open=False,
        unstaffed=False,
        closes_at=None,
        opens_at=opens_at,
        reason=reason,
        label=_closed_label(today=today, opens_at=opens_at),
        now=local,
    )


def day_hours(*, location: LocationLike, day: date, service_point: str = "") -> DayHours:
    weekly, exceptions = _rows(location)
    return _resolve_day(weekly=weekly, exceptions=exceptions, day=day, service_point=service_point)


def week_schedule(
    *, location: LocationLike, start: date, days: int = 7, service_point: str = ""
) -> list[DayHours]:
    weekly, exceptions = _rows(location)
    return [
        _resolve_day(
            weekly=weekly,
            exceptions=exceptions,
            day=start + timedelta(days=offset),
            service_point=service_point,
        )
        for offset in range(days)
    ]


def location_today(*, location: LocationLike, now: datetime | None = None) -> LocationToday:
    moment = _as_utc(now)
    return LocationToday(
        location=location,
        today=day_hours(location=location, day=moment.astimezone(BRUSSELS).date()),
        status=opening_status(location=location, now=moment),
    )


@dataclass(frozen=True)
class UpcomingException:
    """A closing day or a period with other hours within the coming days."""

    start: date
    end: date
    closed: bool
    opens: time | None
    closes: time | None
    reason: str


UPCOMING_EXCEPTION_DAYS = 60


def exceptions_upcoming(
    *, location: LocationLike, start: date, days: int = UPCOMING_EXCEPTION_DAYS
) -> list[UpcomingException]:
    """Closures and changed hours that touch the `days` days from `start`, in date order.

    Reads the prefetched exceptions (no query of its own); a period that began before `start`
    and still runs is included."""
    horizon = start + timedelta(days=days - 1)
    _weekly, exceptions = _rows(location)
    upcoming = [
        UpcomingException(
            start=e.start_date,
            end=_last_date(e),
            closed=bool(e.closed),
            opens=None if e.closed else e.opens,
            closes=None if e.closed else e.closes,
            reason=(e.reason or "").strip(),
        )
        for e in exceptions
        if e.start_date <= horizon and _last_date(e) >= start
    ]
    return sorted(upcoming, key=lambda u: (u.start, u.end))


def service_points(*, location: LocationLike) -> list[str]:
    names: dict[str, None] = {}
    for span in location.weekly_hours.all():
        name = _service_point(span)
        if name:
            names.setdefault(name)
    return list(names)


def opening_hours_specification(
    *, location: LocationLike, today: date | None = None
) -> list[dict[str, str]]:
    """schema.org OpeningHoursSpecification for the building, with upcoming exceptions."""
    if today is None:
        today = timezone.now().astimezone(BRUSSELS).date()
    weekly, exceptions = _rows(location)
    specification = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[span.weekday]}",
            "opens": _hhmm(span.opens),
            "closes": _hhmm(span.closes),
        }
        for span in sorted(
            (s for s in weekly if _service_point(s) == "" and _valid_span(s)),
            key=lambda s: (s.weekday, s.opens),
        )
    ]
    until = today + timedelta(days=SCHEMA_EXCEPTION_DAYS)
    for exception in sorted(exceptions, key=lambda e: e.start_date):
        last = _last_date(exception)
        if last < today or exception.start_date > until:
            continue
        if exception.closed:
            # schema.org's convention for a closed day: opens and closes both at midnight.
            opens, closes = "00:00", "00:00"
        elif exception.opens and exception.closes:
            opens, closes = _hhmm(exception.opens), _hhmm(exception.closes)
        else:
            continue
        specification.append(
            {
                "@type": "OpeningHoursSpecification",
                "opens": opens,
                "closes": closes,
                "validFrom": exception.start_date.isoformat(),
                "validThrough": last.isoformat(),
            }
        )
    return specification


def spans_validate(*, spans: Sequence[SpanLike]) -> dict[int, list[str]]:
    """Dutch errors per row index: equal times, and overlaps per weekday and service point.

    Spans are laid on a circular week of minutes, so a span past midnight overlaps the next day's
    early spans (and Sunday night wraps into Monday). Spans that merely touch do not overlap:
    that is how staffed and unstaffed hours chain.
    """
    errors: dict[int, list[str]] = {}
    placed: list[tuple[int, str, int, int]] = []
    for index, span in enumerate(spans):
        if span.weekday is None or span.opens is None or span.closes is None:
            continue
        if span.opens == span.closes:
            errors.setdefault(index, []).append(str(MESSAGE_EQUAL_TIMES))
            continue
        start, end = _minute_range(span.opens, span.closes)
        offset = span.weekday * MINUTES_PER_DAY
        placed.append((index, _service_point(span), start + offset, end + offset))

    overlapping: set[int] = set()
    for position, (index, name, start, end) in enumerate(placed):
        for other_index, other_name, other_start, other_end in placed[position + 1 :]:
            if name != other_name:
                continue
            if any(
                start < other_end + shift and other_start + shift < end
                for shift in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK)
            ):
                overlapping.update((index, other_index))
    for index in sorted(overlapping):
        errors.setdefault(index, []).append(str(MESSAGE_OVERLAP))
    return errors


def exception_validate(*, exception: ExceptionLike) -> dict[str, list[str]]:
    """Dutch errors per field name of one exception row."""
    errors: dict[str, list[str]] = {}
    if exception.start_date and exception.end_date and exception.end_date < exception.start_date:
        errors["end_date"] = [str(MESSAGE_END_BEFORE_START)]
    if not exception.closed:
        if exception.opens is None:
            errors["opens"] = [str(MESSAGE_OPENS_MISSING)]
        if exception.closes is None:
            errors["closes"] = [str(MESSAGE_CLOSES_MISSING)]
        if (
            exception.opens is not None
            and exception.closes is not None
            and exception.closes <= exception.opens
        ):
            errors["closes"] = [str(MESSAGE_CLOSES_BEFORE_OPENS)]
    return errors


# Internals -------------------------------------------------------------------------------------


def _rows(location: LocationLike) -> tuple[list[SpanLike], list[ExceptionLike]]:
    # Read each prefetched relation once; the callers below loop over many days.
    return list(location.weekly_hours.all()), list(location.exceptional_hours.all())


def _resolve_day(
    *,
    weekly: Iterable[SpanLike],
    exceptions: Iterable[ExceptionLike],
    day: date,
    service_point: str,
) -> DayHours:
    regular = sorted(
        (
            Span(opens=s.opens, closes=s.closes, unstaffed=bool(s.unstaffed))
            for s in weekly
            if s.weekday == day.weekday() and _service_point(s) == service_point and _valid_span(s)
        ),
        key=lambda s: s.opens,
    )
    chosen = _exceptions_on(exceptions=exceptions, day=day)
    if not chosen:
        return DayHours(date=day, spans=regular, closed=not regular)

    closing = [e for e in chosen if e.closed]
    if closing:
        return DayHours(date=day, closed=True, reason=_reasons(closing), exceptional=True)
    windows = [
        Span(opens=e.opens, closes=e.closes)
        for e in chosen
        if e.opens is not None and e.closes is not None and e.opens != e.closes
    ]
    spans = windows if service_point == "" else _clip(spans=regular, windows=windows)
    spans.sort(key=lambda s: s.opens)
    return DayHours(
        date=day, spans=spans, closed=not spans, reason=_reasons(chosen), exceptional=True
    )


def _exceptions_on(*, exceptions: Iterable[ExceptionLike], day: date) -> list[ExceptionLike]:
    covering = [e for e in exceptions if e.start_date <= day <= _last_date(e)]
    if not covering:
        return []
    shortest = min((_last_date(e) - e.start_date).days for e in covering)
    return [e for e in covering if (_last_date(e) - e.start_date).days == shortest]


def _clip(*, spans: Iterable[Span], windows: Iterable[Span]) -> list[Span]:
    """The parts of ``spans`` that fall inside ``windows``, all starting on the same day."""
    clipped = []
    for span in spans:
        start, end = _minute_range(span.opens, span.closes)
        for window in windows:
            window_start, window_end = _minute_range(window.opens, window.closes)
            low, high = max(start, window_start), min(end, window_end)
            if low < high:
                clipped.append(
                    Span(
                        opens=_time_of(low),
                        closes=_time_of(high % MINUTES_PER_DAY),
                        unstaffed=span.unstaffed,
                    )
                )
    return clipped


def _intervals(
    *,
    weekly: list[SpanLike],
    exceptions: list[ExceptionLike],
    first: date,
    last: date,
    service_point: str,
) -> list[_Interval]:
    intervals = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        hours = _resolve_day(
            weekly=weekly, exceptions=exceptions, day=day, service_point=service_point
        )
        for span in hours.spans:
            start = _instant(day, span.opens)
            end = _instant(day + timedelta(days=1) if span.past_midnight else day, span.closes)
            # Only a span inside the hour skipped in March ends up empty: it never happens.
            if start < end:
                intervals.append(_Interval(start=start, end=end, unstaffed=span.unstaffed))
    return intervals


def _periods(intervals: Iterable[_Interval]) -> list[_Period]:
    periods: list[_Period] = []
    for interval in sorted(intervals, key=lambda iv: (iv.start, iv.end)):
        if periods and interval.start <= periods[-1].end:
            periods[-1].end = max(periods[-1].end, interval.end)
            periods[-1].members.append(interval)
        else:
            periods.append(_Period(start=interval.start, end=interval.end, members=[interval]))
    return periods


def _unstaffed_at(members: Iterable[_Interval], moment: datetime) -> bool:
    # Staff present in any covering span makes the moment staffed.
    return all(iv.unstaffed for iv in members if iv.start <= moment < iv.end)


def _open_label(*, unstaffed: bool, closes_at: datetime | None) -> str:
    if closes_at is None:
        return gettext("Nu onbemand open") if unstaffed else gettext("Nu open")
    if unstaffed:
        return gettext("Nu onbemand open tot %(time)s") % {"time": _hhmm(closes_at)}
    return gettext("Nu open tot %(time)s") % {"time": _hhmm(closes_at)}


def _closed_label(*, today: date, opens_at: datetime | None) -> str:
    if opens_at is None:
        return gettext("Gesloten")
    values = {"time": _hhmm(opens_at), "weekday": str(WEEKDAY_NAMES[opens_at.weekday()])}
    days_ahead = (opens_at.date() - today).days
    if days_ahead == 0:
        return gettext("Gesloten, opent vandaag om %(time)s") % values
    if days_ahead == 1:
        return gettext("Gesloten, opent morgen om %(time)s") % values
    if days_ahead < 7:
        return gettext("Gesloten, opent %(weekday)s om %(time)s") % values
    # A bare weekday a week or more ahead would read as this week's.
    values["date"] = _day_month(opens_at.date())
    return gettext("Gesloten, opent %(weekday)s %(date)s om %(time)s") % values


def _as_utc(now: datetime | None) -> datetime:
    if now is None:
        now = timezone.now()
    if timezone.is_naive(now):
        # A naive moment can only mean Brussels wall time on this platform.
        now = now.replace(tzinfo=BRUSSELS)
    return now.astimezone(UTC)


def _instant(day: date, wall: time) -> datetime:
    local = datetime.combine(day, wall.replace(tzinfo=None), tzinfo=BRUSSELS)
    return local.astimezone(UTC)


def _minute_range(opens: time, closes: time) -> tuple[int, int]:
    start = opens.hour * 60 + opens.minute
    end = closes.hour * 60 + closes.minute
    if end <= start:
        end += MINUTES_PER_DAY
    return start, end


def _time_of(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _valid_span(span: SpanLike) -> bool:
    return span.opens is not None and span.closes is not None and span.opens != span.closes


def _service_point(span: SpanLike) -> str:
    return (span.service_point or "").strip()


def _last_date(exception: ExceptionLike) -> date:
    return exception.end_date or exception.start_date


def _reasons(exceptions: Iterable[ExceptionLike]) -> str:
    reasons = dict.fromkeys(e.reason.strip() for e in exceptions if e.reason and e.reason.strip())
    return ", ".join(reasons)


def _hhmm(value: time | datetime) -> str:
    return f"{value:%H:%M}"


def _day_month(value: date) -> str:
    return f"{value.day} {MONTH_NAMES[value.month - 1]}"
