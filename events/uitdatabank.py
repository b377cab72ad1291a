"""UiTdatabank: an HTTP client for the Search API and a parser from JSON-LD event documents
to the plain values an EventPage stores.

The parser never touches the database. A document it cannot use raises RecordRejected with a
Dutch reason that the import run reports; everything else about a document is optional.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator

from events.recurrence import BRUSSELS

logger = logging.getLogger(__name__)

SEARCH_URL = "https://search.uitdatabank.be/events/"
API_KEY_ENV = "UITDATABANK_API_KEY"
PAGE_SIZE = 50
MAX_PAGES = 200
MAX_DESCRIPTION_CHARS = 50_000
MAX_NAME_CHARS = 255
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h3", "h4"}
CALENDAR_TYPES = {"single", "multiple", "periodic", "permanent"}
WITHDRAWN_WORKFLOW = {"DELETED", "REJECTED"}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
STATUS_MAP = {
    "Available": "gepland",
    "TemporarilyUnavailable": "uitgesteld",
    "Unavailable": "geannuleerd",
}
AGE_RANGE = re.compile(r"^\s*(\d{0,3})\s*-\s*(\d{0,3})\s*$")


class RecordRejected(Exception):
    """A document that cannot be imported; the message is the Dutch reason."""


class SourceError(Exception):
    """The source as a whole failed (timeout, HTTP error, not JSON)."""


# --- Client ---------------------------------------------------------------------------------


@dataclass
class UitdatabankClient:
    """Fetches the Search API's paged results. Timeouts and a few retries on 5xx and
    network errors; the API key comes from the environment."""

    api_key: str = field(default_factory=lambda: os.environ.get(API_KEY_ENV, ""))
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5

    def get_json(self, url: str) -> Any:
        headers = {"Accept": "application/ld+json, application/json"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        last_error: Exception | None = None
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(url, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
                return json.loads(body)
            except urllib.error.HTTPError as error:
                last_error = error
                if error.code < 500:
                    break  # a 4xx does not get better by asking again
            except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
                last_error = error
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise SourceError(f"Geen geldige JSON van {url}: {error}") from error
            if attempt < self.retries:
                time.sleep(self.backoff * (2**attempt))
        raise SourceError(f"{url} antwoordt niet: {last_error}")

    def iter_documents(self, url: str) -> Iterator[dict]:
        """Every member of a paged search result (or the documents of a plain answer)."""
        start = 0
        for _page in range(MAX_PAGES):
            page_url = _with_query(url, start=start, limit=PAGE_SIZE)
            payload = self.get_json(page_url)
            members = documents_from_payload(payload)
            yield from members
            total = payload.get("totalItems") if isinstance(payload, dict) else None
            if not isinstance(total, int) or not members:
                return
            start += len(members)
            if start >= total:
                return


def _with_query(url: str, **params: Any) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update({key: str(value) for key, value in params.items()})
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def search_url_build(
    *,
    organizer_ids: list[str],
    place_ids: list[str],
    labels: list[str] = (),
    postal_codes: list[str] = (),
    base_url: str = SEARCH_URL,
) -> str | None:
    """The Search API query for a site's selection; None when nothing is selected."""

    def clause(name: str, values: list[str]) -> str | None:
        cleaned = [re.sub(r"[^\w\-. ]", "", value) for value in values if value]
        cleaned = [value for value in cleaned if value]
        if not cleaned:
            return None
        return f"{name}:(" + " OR ".join(f'"{value}"' for value in cleaned) + ")"

    clauses = [
        clause("organizer.id", organizer_ids),
        clause("location.id", place_ids),
        clause("labels", list(labels)),
        clause("address.\\*.postalCode", list(postal_codes)),
    ]
    clauses = [item for item in clauses if item]
    if not clauses:
        return None
    query = " OR ".join(clauses)
    return _with_query(base_url, q=query, embed="true")


def documents_from_payload(payload: Any) -> list[Any]:
    """A single JSON-LD document, a list of them, or the Search API's paged shape."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        if isinstance(payload.get("member"), list):
            return payload["member"]
        if "@id" in payload or "name" in payload or "calendarType" in payload:
            return [payload]
        if payload.get("@type") == "PagedCollection" or "totalItems" in payload:
            return []
    raise SourceError("Onbekende vorm: verwacht een activiteit, een lijst of een zoekresultaat.")


# --- Parser ---------------------------------------------------------------------------------


@dataclass
class ImportedDate:
    repeat: str
    start_date: dt.date
    end_date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    weekdays: str = ""
    status: str = "gepland"
    booking_availability: str = "beschikbaar"


@dataclass
class ImportedEvent:
    uitdatabank_id: str
    title: str
    intro: str = ""
    description: str = ""
    image_url: str = ""
    event_type: str = ""
    theme: str = ""
    facilities: list[str] = field(default_factory=list)
    age_min: int | None = None
    age_max: int | None = None
    is_free: bool = False
    price_info: list[dict] = field(default_factory=list)
    booking_url: str = ""
    booking_email: str = ""
    booking_phone: str = ""
    booking_info: str = ""
    organizer_name: str = ""
    organizer_url: str = ""
    place_name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    status: str = "gepland"
    status_reason: str = ""
    dates: list[ImportedDate] = field(default_factory=list)
    withdrawn: bool = False

    def fingerprint(self) -> str:
        data = asdict(self)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def page_fields(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("dates", "withdrawn"):
            data.pop(key)
        return data


def _text(value: Any, language: str) -> str:
    """A multilingual field in the main language, else Dutch, else any language."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for key in (language, "nl"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key].strip()
        for item in value.values():
            if isinstance(item, str) and item.strip():
                return item.strip()
    return ""


def _language_part(value: Any, language: str) -> dict:
    if isinstance(value, dict):
        for key in (language, "nl"):
            if isinstance(value.get(key), dict):
                return value[key]
        for item in value.values():
            if isinstance(item, dict):
                return item
    return {}


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _url(value: Any) -> str:
    value = _first(value)
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        return ""
    return value


def _email(value: Any) -> str:
    value = _first(value)
    if isinstance(value, str) and re.fullmatch(r"[^@\s<>\"]{1,64}@[^@\s<>\"]{1,190}", value):
        return value.strip()
    return ""


def _short(value: Any, length: int) -> str:
    value = _first(value)
    if not isinstance(value, str):
        return ""
    return Truncator(strip_tags(value).strip()).chars(length)


def description_sanitise(html: str) -> str:
    """Imported HTML, cleaned before it is stored (|richtext does not sanitise)."""
    cleaned = nh3.clean(
        html.replace("\r\n", "\n"),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    if cleaned and "<" not in cleaned:
        paragraphs = [part.strip() for part in cleaned.split("\n\n") if part.strip()]
        cleaned = "".join("<p>" + part.replace("\n", "<br>") + "</p>" for part in paragraphs)
    return cleaned


def _datetime(value: Any, what: str) -> dt.datetime:
    if not isinstance(value, str) or not value.strip():
        raise RecordRejected(f"{what} ontbreekt.")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise RecordRejected(f"{what} is geen geldige datum: {value[:40]!r}.") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BRUSSELS)
    if not (1990 <= moment.year <= 2100):
        raise RecordRejected(f"{what} ligt buiten 1990-2100: {value[:40]!r}.")
    return moment.astimezone(BRUSSELS)


def _status(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return STATUS_MAP.get(value.get("type"), "gepland"), value.get("reason")
    if isinstance(value, str):
        return STATUS_MAP.get(value, "gepland"), None
    return "gepland", None


def _availability(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else value
    return "niet-beschikbaar" if kind == "Unavailable" else "beschikbaar"


def _date_span(start: dt.datetime, end: dt.datetime, **extra: Any) -> ImportedDate:
    if end < start:
        raise RecordRejected("De einddatum ligt voor de begindatum.")
    all_day = start.time() == dt.time(0) and (
        end.time() >= dt.time(23, 59) or (end.time() == dt.time(0) and end.date() > start.date())
    )
    if all_day:
        last = end.date() if end.time() != dt.time(0) else end.date() - dt.timedelta(days=1)
        return ImportedDate(
            repeat="eenmalig",
            start_date=start.date(),
            end_date=last if last > start.date() else None,
            **extra,
        )
    return ImportedDate(
        repeat="eenmalig",
        start_date=start.date(),
        end_date=end.date() if end.date() > start.date() else None,
        start_time=start.time().replace(second=0, microsecond=0),
        end_time=end.time().replace(second=0, microsecond=0) if end > start else None,
        **extra,
    )


def _opening_hours(hours: Any, start: dt.date, end: dt.date, status: str) -> list[ImportedDate]:
    rows = []
    if not isinstance(hours, list):
        return rows
    for item in hours:
        if not isinstance(item, dict):
            continue
        days = item.get("dayOfWeek") or []
        weekdays = sorted({WEEKDAYS[day] for day in days if day in WEEKDAYS})
        try:
            opens = dt.time.fromisoformat(str(item.get("opens")))
            closes = dt.time.fromisoformat(str(item.get("closes")))
        except ValueError as error:
            raise RecordRejected("Ongeldige openingsuren.") from error
        if not weekdays:
            continue
        rows.append(
            ImportedDate(
                repeat="wekelijks",
                start_date=start,
                end_date=end,
                start_time=opens,
                end_time=closes,
                weekdays=",".join(str(day) for day in weekdays),
                status=status,
            )
        )
    return rows


def _calendar(doc: dict, *, today: dt.date, horizon_days: int) -> list[ImportedDate]:
    kind = doc.get("calendarType")
    if kind not in CALENDAR_TYPES:
        raise RecordRejected(f"Onbekend calendarType: {str(kind)[:40]!r}.")
    status, _reason = _status(doc.get("status"))
    if kind in ("single", "multiple"):
        sub_events = doc.get("subEvent")
        if isinstance(sub_events, list) and sub_events:
            rows = []
            for sub in sub_events:
                if not isinstance(sub, dict):
                    raise RecordRejected("Ongeldige datum in subEvent.")
                sub_status, _ = _status(sub.get("status"))
                rows.append(
                    _date_span(
                        _datetime(sub.get("startDate"), "De begindatum"),
                        _datetime(sub.get("endDate") or sub.get("startDate"), "De einddatum"),
                        status=sub_status,
                        booking_availability=_availability(sub.get("bookingAvailability")),
                    )
                )
            return rows
        start = _datetime(doc.get("startDate"), "De begindatum")
        end = _datetime(doc.get("endDate") or doc.get("startDate"), "De einddatum")
        return [_date_span(start, end, status=status)]
    if kind == "periodic":
        start = _datetime(doc.get("startDate"), "De begindatum")
        end = _datetime(doc.get("endDate"), "De einddatum")
        if end < start:
            raise RecordRejected("De einddatum ligt voor de begindatum.")
        rows = _opening_hours(doc.get("openingHours"), start.date(), end.date(), status)
        if rows:
            return rows
        return [
            ImportedDate(
                repeat="eenmalig",
                start_date=start.date(),
                end_date=end.date() if end.date() > start.date() else None,
                status=status,
            )
        ]
    # permanent: open for the whole horizon, with weekly hours when given. The start is a
    # fixed date so that an unchanged document keeps the same fingerprint every day.
    start_day = dt.date(today.year, 1, 1)
    end_day = dt.date(today.year + 2, 12, 31)
    rows = _opening_hours(doc.get("openingHours"), start_day, end_day, status)
    return rows or [
        ImportedDate(repeat="eenmalig", start_date=start_day, end_date=end_day, status=status)
    ]


def _age_range(value: Any) -> tuple[int | None, int | None]:
    if not isinstance(value, str):
        return None, None
    match = AGE_RANGE.match(value)
    if not match:
        return None, None
    low = int(match[1]) if match[1] else None
    high = int(match[2]) if match[2] else None
    if low == 0:
        low = None
    if low is not None and high is not None and low > high:
        return None, None
    return low, (high if high is None or high <= 120 else None)


def _prices(doc: dict, language: str) -> tuple[list[dict], bool]:
    prices = []
    for item in doc.get("priceInfo") or []:
        if not isinstance(item, dict):
            continue
        try:
            price = round(float(item.get("price")), 2)
        except (TypeError, ValueError):
            continue
        if price < 0:
            continue
        name = _text(item.get("name"), language) or (
            "Basistarief" if item.get("category") == "base" else "Tarief"
        )
        prices.append({"name": name[:80], "price": price, "category": item.get("category", "")})
    if not prices:
        # older documents carry the price in bookingInfo
        for item in doc.get("bookingInfo") if isinstance(doc.get("bookingInfo"), list) else []:
            if isinstance(item, dict) and isinstance(item.get("price"), int | float):
                prices.append({"name": "Basistarief", "price": float(item["price"])})
    base = [item for item in prices if item.get("category") in ("base", None, "")]
    is_free = bool(prices) and all(item["price"] == 0 for item in (base or prices))
    return prices, is_free


def _coordinate(value: Any, limit: int) -> Decimal | None:
    try:
        number = Decimal(str(float(value))).quantize(Decimal("0.000001"))
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if -limit <= number <= limit else None


def document_parse(doc: Any, *, today: dt.date, horizon_days: int = 400) -> ImportedEvent:
    """One UiTdatabank event document to the values of an EventPage."""
    if not isinstance(doc, dict):
        raise RecordRejected("Geen JSON-object.")
    uid = doc.get("@id")
    if not isinstance(uid, str) or not _url(uid):
        raise RecordRejected("@id ontbreekt of is geen URL.")
    workflow = doc.get("workflowStatus")
    if workflow in WITHDRAWN_WORKFLOW:
        return ImportedEvent(uitdatabank_id=uid, title="", withdrawn=True)
    language = doc.get("mainLanguage") if isinstance(doc.get("mainLanguage"), str) else "nl"
    title = _text(doc.get("name"), language)
    if not title:
        raise RecordRejected("De naam ontbreekt.")
    raw_description = _text(doc.get("description"), language)
    if len(raw_description) > MAX_DESCRIPTION_CHARS:
        raise RecordRejected(
            f"De beschrijving is te lang ({len(raw_description)} tekens, "
            f"maximum {MAX_DESCRIPTION_CHARS})."
        )
    description = description_sanitise(raw_description) if raw_description else ""
    dates = _calendar(doc, today=today, horizon_days=horizon_days)

    terms = [term for term in doc.get("terms") or [] if isinstance(term, dict)]
    location = doc.get("location") if isinstance(doc.get("location"), dict) else {}
    location_terms = [term for term in location.get("terms") or [] if isinstance(term, dict)]
    event_type = next((t.get("id", "") for t in terms if t.get("domain") == "eventtype"), "")
    theme = next((t.get("id", "") for t in terms if t.get("domain") == "theme"), "")
    facilities = sorted(
        {
            str(t.get("id"))
            for t in terms + location_terms
            if t.get("domain") == "facility" and t.get("id")
        }
    )
    age_min, age_max = _age_range(doc.get("typicalAgeRange"))
    prices, is_free = _prices(doc, language)
    booking = _first(doc.get("bookingInfo")) if doc.get("bookingInfo") else {}
    booking = booking if isinstance(booking, dict) else {}
    organizer = doc.get("organizer") if isinstance(doc.get("organizer"), dict) else {}
    address = _language_part(location.get("address"), language)
    geo = location.get("geo") if isinstance(location.get("geo"), dict) else {}
    status, reason = _status(doc.get("status"))
    image = doc.get("image")
    if not image and isinstance(doc.get("mediaObject"), list) and doc["mediaObject"]:
        first = doc["mediaObject"][0]
        image = first.get("contentUrl") if isinstance(first, dict) else None

    return ImportedEvent(
        uitdatabank_id=uid[:300],
        title=Truncator(strip_tags(title)).chars(MAX_NAME_CHARS),
        intro=Truncator(strip_tags(description).replace("\n", " ")).chars(300),
        description=description,
        image_url=_url(image),
        event_type=str(event_type)[:32],
        theme=str(theme)[:32],
        facilities=facilities,
        age_min=age_min,
        age_max=age_max,
        is_free=is_free,
        price_info=prices,
        booking_url=_url(booking.get("url")),
        booking_email=_email(booking.get("email")),
        booking_phone=_short(booking.get("phone"), 40),
        booking_info=_short(
            _text(booking.get("urlLabel"), language) or booking.get("description"), 300
        ),
        organizer_name=_short(_text(organizer.get("name"), language), 200),
        organizer_url=_url(organizer.get("url")),
        place_name=_short(_text(location.get("name"), language), 200),
        street=_short(address.get("streetAddress"), 200),
        postal_code=_short(address.get("postalCode"), 10),
        city=_short(address.get("addressLocality"), 100),
        latitude=_coordinate(geo.get("latitude"), 90),
        longitude=_coordinate(geo.get("longitude"), 180),
        status=status,
        status_reason=_short(_text(reason, language), 300),
        dates=dates,
    )
