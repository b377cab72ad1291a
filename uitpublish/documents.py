"""An EventPage as the JSON document of the UiTdatabank Entry API (POST /events, PUT
/events/{id}): name, description, terms, location, organizer, calendar with subEvents that
carry each date's status and bookingAvailability, prices, booking info and age range.

The document is built from what the page has stored (its occurrence rows, the site's
UiTdatabank place and organizer); an event UiTdatabank cannot take raises NotPublishable with
the Dutch reason the editor reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.utils.html import strip_tags
from wagtail.models import Site

from events.models import BookingAvailability, EventPage, EventStatus, Occurrence
from events.recurrence import BRUSSELS
from home.models import IntegrationSettings
from registrations.selectors import OfferState, offer_availability

# UiTdatabank keeps a date list per event; beyond this many dates the event goes as a period.
MAX_SUB_EVENTS = 200

STATUS_TYPES = {
    EventStatus.CANCELLED: "Unavailable",
    EventStatus.POSTPONED: "TemporarilyUnavailable",
}


class NotPublishable(Exception):
    """The event lacks something UiTdatabank requires; the message is for the editor."""


def status_type(status: str) -> str:
    return STATUS_TYPES.get(status, "Available")


def event_status(*, page: EventPage) -> dict[str, Any]:
    """The event-level status (PUT /events/{id}/status)."""
    status: dict[str, Any] = {"type": status_type(page.status)}
    if status["type"] != "Available" and page.status_reason:
        status["reason"] = {"nl": page.status_reason[:300]}
    return status


def event_booking_availability(*, page: EventPage) -> str:
    """ "Unavailable" when the event is full: our registration engine has no free place (with or
    without a waiting list), or the editor marked the event "volzet"."""
    if page.status == EventStatus.SOLD_OUT:
        return "Unavailable"
    if page.registration_required:
        state = offer_availability(page=page).state
        if state in (OfferState.WAITLIST, OfferState.FULL):
            return "Unavailable"
    return "Available"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(BRUSSELS).isoformat(timespec="seconds")


def _calendar(*, page: EventPage, availability: str, waiting_list_url: str) -> dict[str, Any]:
    occurrences = list(Occurrence.objects.filter(page_id=page.pk).order_by("start"))
    if not occurrences:
        raise NotPublishable(
            "Deze activiteit heeft geen datum: voeg een datum toe en publiceer opnieuw."
        )
    page_status = page.status if page.status in STATUS_TYPES else ""
    if len(occurrences) > MAX_SUB_EVENTS:
        calendar: dict[str, Any] = {
            "calendarType": "periodic",
            "startDate": _iso(occurrences[0].start),
            "endDate": _iso(max(item.end for item in occurrences)),
        }
        return calendar
    sub_events = []
    for item in occurrences:
        status: dict[str, Any] = {"type": status_type(page_status or item.status)}
        reason = page.status_reason if page_status else item.note
        if status["type"] != "Available" and reason:
            status["reason"] = {"nl": reason[:300]}
        booking = availability
        if item.booking_availability == BookingAvailability.UNAVAILABLE:
            booking = "Unavailable"
        booking_availability: dict[str, Any] = {"type": booking}
        if booking == "Unavailable" and waiting_list_url:
            booking_availability["waitingListUrl"] = waiting_list_url
        sub_events.append(
            {
                "startDate": _iso(item.start),
                "endDate": _iso(item.end),
                "status": status,
                "bookingAvailability": booking_availability,
            }
        )
    return {
        "calendarType": "single" if len(sub_events) == 1 else "multiple",
        "subEvent": sub_events,
    }


def _prices(page: EventPage) -> list[dict[str, Any]]:
    if page.is_free:
        return [
            {"category": "base", "name": {"nl": "Basistarief"}, "price": 0, "priceCurrency": "EUR"}
        ]
    prices = []
    for index, item in enumerate(page.price_info or []):
        if not isinstance(item, dict):
            continue
        try:
            price = round(float(item.get("price")), 2)
        except (TypeError, ValueError):
            continue
        name = str(item.get("name") or "Basistarief")[:100]
        prices.append(
            {
                "category": "base" if index == 0 else "tariff",
                "name": {"nl": name},
                "price": price,
                "priceCurrency": "EUR",
            }
        )
    return prices


def event_document(*, page: EventPage, site: Site | None = None) -> dict[str, Any]:
    """The whole Entry API document of a local event."""
    if page.uitdatabank_id:
        raise NotPublishable("Deze activiteit komt uit UiTdatabank en staat er dus al in.")
    site = site or page.get_site()
    if site is None:
        raise NotPublishable("Deze activiteit hoort bij geen enkele website.")
    if not page.event_type:
        raise NotPublishable("Kies een soort activiteit: UiTdatabank vraagt er een.")
    integration = IntegrationSettings.for_site(site)
    if not integration.place_ids:
        raise NotPublishable(
            "Deze website heeft geen UiTdatabank-locatie. Vul er een in bij Instellingen → "
            "Koppelingen."
        )
    entry_url = settings.UITDATABANK_ENTRY_URL.rstrip("/")
    page_url = page.get_full_url() or ""
    availability = event_booking_availability(page=page)
    waiting_list_url = ""
    if page.registration_required and page.waitlist_enabled and availability == "Unavailable":
        waiting_list_url = page_url
    document: dict[str, Any] = {
        "mainLanguage": "nl",
        "name": {"nl": page.title[:255]},
        "terms": [{"id": page.event_type}],
        "location": {"@id": f"{entry_url}/places/{integration.place_ids[0]}"},
        **_calendar(page=page, availability=availability, waiting_list_url=waiting_list_url),
    }
    if page.theme:
        document["terms"].append({"id": page.theme})
    if integration.organizer_ids:
        document["organizer"] = {"@id": f"{entry_url}/organizers/{integration.organizer_ids[0]}"}
    description = page.description or page.intro
    if strip_tags(description).strip():
        document["description"] = {"nl": description}
    if page.age_min is not None or page.age_max is not None:
        low = "" if page.age_min is None else str(page.age_min)
        high = "" if page.age_max is None else str(page.age_max)
        document["typicalAgeRange"] = f"{low}-{high}"
    else:
        document["typicalAgeRange"] = "-"
    prices = _prices(page)
    if prices:
        document["priceInfo"] = prices
    booking: dict[str, Any] = {}
    booking_url = page_url if page.registration_required else page.booking_url
    if booking_url:
        booking["url"] = booking_url
        booking["urlLabel"] = {"nl": "Schrijf je in" if page.registration_required else "Reserveer"}
    if page.booking_email:
        booking["email"] = page.booking_email
    if page.booking_phone:
        booking["phone"] = page.booking_phone
    if booking:
        document["bookingInfo"] = booking
    if page_url:
        document["contactPoint"] = {"url": [page_url]}
    return document


def document_hash(document: dict[str, Any]) -> str:
    body = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()
