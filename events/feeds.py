"""Feed bodies: iCalendar (icalendar), RSS/Atom (django.utils.feedgenerator), JSON Feed 1.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import feedgenerator, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from events.models import EventStatus, Occurrence
from events.recurrence import BRUSSELS

ICAL_STATUS = {
    EventStatus.CANCELLED: "CANCELLED",
    EventStatus.POSTPONED: "TENTATIVE",
}


def _event_url(occurrence: Occurrence, request) -> str:
    return occurrence.page.get_full_url(request=request) or ""


def _uid(occurrence: Occurrence, request) -> str:
    host = request.get_host().split(":")[0] if request else "bibnet"
    return f"event-{occurrence.page_id}-{occurrence.start:%Y%m%dT%H%M%SZ}@{host}"


def _place(occurrence: Occurrence) -> str:
    place = occurrence.page.place
    parts = [place["name"], place["street"], f"{place['postal_code']} {place['city']}".strip()]
    return ", ".join(part for part in parts if part)


def _first_session_end(occurrence: Occurrence) -> dt.datetime:
    """The end of the first session of a row that stands for a run of daily sessions, in
    Brussels time (wall-clock hours repeat across a DST change)."""
    end = occurrence.end.astimezone(BRUSSELS)
    if occurrence.sessions <= 1:
        return end
    wall = end.replace(tzinfo=None) - dt.timedelta(days=occurrence.sessions - 1)
    return wall.replace(tzinfo=BRUSSELS)


def when_label(occurrence: Occurrence) -> str:
    start = occurrence.start.astimezone(BRUSSELS)
    end = occurrence.end.astimezone(BRUSSELS)
    if occurrence.sessions > 1 and not occurrence.all_day:
        last = start.date() + dt.timedelta(days=occurrence.sessions - 1)
        first_end = _first_session_end(occurrence)
        hours = f"{start:%H:%M}–{first_end:%H:%M}" if first_end > start else f"{start:%H:%M}"
        return _("%(first)s tot %(last)s, elke dag %(hours)s") % {
            "first": date_format(start, "l j F Y"),
            "last": date_format(last, "l j F Y"),
            "hours": hours,
        }
    if occurrence.all_day:
        last = (occurrence.end - dt.timedelta(seconds=1)).astimezone(BRUSSELS).date()
        if last > start.date():
            return f"{date_format(start, 'j F Y')} – {date_format(last, 'j F Y')}"
        return date_format(start, "l j F Y")
    if end.date() != start.date():
        return f"{date_format(start, 'j F Y H:i')} – {date_format(end, 'j F Y H:i')}"
    if end > start:
        return f"{date_format(start, 'l j F Y')}, {start:%H:%M}–{end:%H:%M}"
    return f"{date_format(start, 'l j F Y')}, {start:%H:%M}"


def _calendar(title: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Bibnet//Agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", "Europe/Brussels")
    return calendar


def ical_calendar(*, title: str, occurrences: Iterable[Occurrence], request) -> bytes:
    calendar = _calendar(title)
    _add_occurrences(calendar, occurrences, request)
    calendar.add_missing_timezones()  # a run of daily sessions is in Brussels time
    return calendar.to_ical()


def _add_occurrences(calendar: Calendar, occurrences: Iterable[Occurrence], request) -> None:
    stamp = timezone.now()
    for occurrence in occurrences:
        event = Event()
        event.add("uid", _uid(occurrence, request))
        event.add("dtstamp", stamp)
        event.add("summary", occurrence.page.title)
        if occurrence.sessions > 1:
            # A row for a run of daily sessions: the first session and a daily rule.
            start = occurrence.start.astimezone(BRUSSELS)
            if occurrence.all_day:
                event.add("dtstart", start.date())
                event.add("dtend", start.date() + dt.timedelta(days=1))
            else:
                event.add("dtstart", start)
                event.add("dtend", max(_first_session_end(occurrence), start))
            event.add("rrule", {"freq": "daily", "count": occurrence.sessions})
        elif occurrence.all_day:
            event.add("dtstart", occurrence.start.astimezone(BRUSSELS).date())
            event.add("dtend", occurrence.end.astimezone(BRUSSELS).date())
        else:
            event.add("dtstart", occurrence.start.astimezone(dt.UTC))
            event.add("dtend", max(occurrence.end, occurrence.start).astimezone(dt.UTC))
        if occurrence.page.intro:
            event.add("description", occurrence.page.intro)
        place = _place(occurrence)
        if place:
            event.add("location", place)
        url = _event_url(occurrence, request)
        if url:
            event.add("url", url)
        event.add("status", ICAL_STATUS.get(occurrence.status, "CONFIRMED"))
        calendar.add_component(event)


ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def ical_event_calendar(*, event, occurrences: list[Occurrence], request) -> bytes:
    """One event's .ics. Weekly dates become one VEVENT each with an RRULE and EXDATEs
    (closed days, cancelled days) instead of hundreds of VEVENTs; other dates stay listed."""
    from events.models import Repeat
    from events.recurrence import excluded_dates_parse, row_days

    calendar = _calendar(event.title)
    today = timezone.localdate()
    rows = list(event.dates.all())
    weekly = [row for row in rows if row.repeat == Repeat.WEEKLY]
    if not weekly:
        _add_occurrences(calendar, occurrences, request)
        calendar.add_missing_timezones()
        return calendar.to_ical()
    cancelled = {
        occurrence.start.astimezone(BRUSSELS).date()
        for occurrence in occurrences
        if occurrence.status == EventStatus.CANCELLED
    }
    moved = [occurrence for occurrence in occurrences if occurrence.original_start]
    series_days: set[dt.date] = set()
    host = request.get_host().split(":")[0] if request else "bibnet"
    url = event.get_full_url(request=request) or ""
    place = _place(_PageOccurrence(event))
    stamp = timezone.now()
    for index, row in enumerate(weekly):
        days = row_days(row=row, today=today)
        if not days:
            continue
        series_days.update(days)
        weekdays = sorted({int(day) for day in (row.weekdays or "").split(",") if day.isdigit()})
        first, last = days[0], row.end_date
        item = Event()
        item.add("uid", f"event-{event.pk}-series-{index}@{host}")
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        rule: dict = {"freq": "weekly", "byday": [ICAL_DAYS[day] for day in weekdays]}
        skipped = {
            day
            for start, end in excluded_dates_parse(text=row.excluded_dates or "")
            for day in _days_between(max(start, first), end)
            if day.weekday() in weekdays and (last is None or day <= last)
        } | {day for day in cancelled if day.weekday() in weekdays and day >= first}
        if row.start_time is None:
            item.add("dtstart", first)
            item.add("dtend", first + dt.timedelta(days=1))
            if last:
                rule["until"] = last
            exdates = sorted(skipped)
        else:
            start = dt.datetime.combine(first, row.start_time, tzinfo=BRUSSELS)
            past_midnight = bool(row.end_time and row.end_time <= row.start_time)
            end_day = first + dt.timedelta(days=1) if past_midnight else first
            end = dt.datetime.combine(end_day, row.end_time or row.start_time, tzinfo=BRUSSELS)
            item.add("dtstart", start)
            item.add("dtend", end)
            if last:
                until = dt.datetime.combine(last, row.start_time, tzinfo=BRUSSELS)
                rule["until"] = until.astimezone(dt.UTC)
            exdates = [
                dt.datetime.combine(day, row.start_time, tzinfo=BRUSSELS) for day in sorted(skipped)
            ]
        item.add("rrule", rule)
        if exdates:
            item.add("exdate", exdates)
        if row.status_reason:
            item.add("comment", row.status_reason)
        if event.intro:
            item.add("description", event.intro)
        if place:
            item.add("location", place)
        if url:
            item.add("url", url)
        item.add("status", ICAL_STATUS.get(row.status, "CONFIRMED"))
        calendar.add_component(item)
    others = [
        occurrence
        for occurrence in occurrences
        if occurrence in moved or occurrence.start.astimezone(BRUSSELS).date() not in series_days
    ]
    _add_occurrences(calendar, others, request)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _days_between(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


class _PageOccurrence:
    """Just enough of an occurrence for _place."""

    def __init__(self, page) -> None:
        self.page = page


def syndication_feed(
    *,
    kind: str,
    title: str,
    link: str,
    feed_url: str,
    description: str,
    occurrences: Iterable[Occurrence],
    request,
) -> str:
    generator = feedgenerator.Atom1Feed if kind == "atom" else feedgenerator.Rss201rev2Feed
    feed = generator(
        title=title, link=link, description=description, feed_url=feed_url, language="nl-BE"
    )
    for occurrence in occurrences:
        url = _event_url(occurrence, request)
        status = (
            ""
            if occurrence.status == EventStatus.SCHEDULED
            else (f" ({EventStatus(occurrence.status).label})")
        )
        feed.add_item(
            title=f"{occurrence.page.title}{status}",
            link=url,
            description=f"{when_label(occurrence)}. {occurrence.page.intro}".strip(),
            unique_id=_uid(occurrence, request),
            pubdate=occurrence.page.first_published_at,
            updateddate=occurrence.page.last_published_at,
        )
    return feed.writeString("utf-8")


def json_feed(
    *, title: str, link: str, feed_url: str, occurrences: Iterable[Occurrence], request
) -> dict:
    items = []
    for occurrence in occurrences:
        page = occurrence.page
        items.append(
            {
                "id": _uid(occurrence, request),
                "url": _event_url(occurrence, request),
                "title": page.title,
                "summary": page.intro,
                "content_text": f"{when_label(occurrence)}. {page.intro}".strip(),
                "image": page.image_url or None,
                "_event": {
                    "start": occurrence.start.astimezone(BRUSSELS).isoformat(),
                    "end": occurrence.end.astimezone(BRUSSELS).isoformat(),
                    "all_day": occurrence.all_day,
                    "status": occurrence.status,
                    "booking_availability": occurrence.booking_availability,
                    "place": _place(occurrence),
                    "type": page.event_type,
                    "theme": page.theme,
                    "free": page.is_free,
                },
            }
        )
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": link,
        "feed_url": feed_url,
        "language": "nl-BE",
        "items": items,
    }
