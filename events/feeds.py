"""Feed bodies: iCalendar (icalendar), RSS/Atom (django.utils.feedgenerator), JSON Feed 1.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import feedgenerator, timezone
from django.utils.formats import date_format
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


def when_label(occurrence: Occurrence) -> str:
    start = occurrence.start.astimezone(BRUSSELS)
    end = occurrence.end.astimezone(BRUSSELS)
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


def ical_calendar(*, title: str, occurrences: Iterable[Occurrence], request) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Bibnet//Agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", "Europe/Brussels")
    stamp = timezone.now()
    for occurrence in occurrences:
        event = Event()
        event.add("uid", _uid(occurrence, request))
        event.add("dtstamp", stamp)
        event.add("summary", occurrence.page.title)
        if occurrence.all_day:
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
    return calendar.to_ical()


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
