"""UiTdatabank: an HTTP client for the Search API and a parser from JSON-LD event documents
to the plain values an EventPage stores.

The parser never touches the database. A document it cannot use raises RecordRejected with a
Dutch reason that the import run reports; everything else about a document is optional.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import hashlib
import json
import logging
import os
import re
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_noop

from events.reasons import Reason
from events.recurrence import BRUSSELS
from home.sanitiser import rich_text_sanitise

logger = logging.getLogger(__name__)

SEARCH_URL = "https://search.uitdatabank.be/events/"
SEARCH_URL_ENV = "UITDATABANK_SEARCH_URL"  # e.g. the test environment, search-test.uitdatabank.be
API_KEY_ENV = "UITDATABANK_API_KEY"
PAGE_SIZE = 50
MAX_PAGES = 200
# Lookups naming which document @ids are local events of one site of this platform, published
# to UiTdatabank (uitpublish registers one): called with the ids and the site's root page path.
# That site's import leaves them out, so that it makes no second page of its own event; another
# site whose selection includes the event imports it like any other.
LOCAL_DOCUMENT_LOOKUPS: list[Callable[[list[str], str], set[str]]] = []
MAX_DESCRIPTION_CHARS = 50_000
MAX_NAME_CHARS = 255
CALENDAR_TYPES = {"single", "multiple", "periodic", "permanent"}
# DRAFT is not published in UiTdatabank: it never reaches visitors either (not created, an
# existing page unpublished), just like a rejected or deleted document.
WITHDRAWN_WORKFLOW = {"DRAFT", "DELETED", "REJECTED"}
# Bump when the parser changes what it reads: every stored source hash is then stale.
PARSER_VERSION = "2"
ATTENDANCE_MODES = {"offline", "online", "mixed"}
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


class _ReasonError(Exception):
    """An error whose message is a Reason: stored as message id and parameters, rendered in
    the reader's language (str() gives the active language)."""

    def __init__(self, reason: Reason | str) -> None:
        super().__init__(reason)
        self.reason = reason


class RecordRejected(_ReasonError):
    """A document that cannot be imported, with the reason."""


class SourceError(_ReasonError):
    """The source as a whole failed (timeout, HTTP error, not JSON)."""


# The fields a reason names.
START = Reason(gettext_noop("De begindatum"))
END = Reason(gettext_noop("De einddatum"))
BIRTHDATE = Reason(gettext_noop("Geboortedatum"))
CLOSED_DAY = Reason(gettext_noop("Sluitingsdag"))
ADJUSTED_HOURS = Reason(gettext_noop("Aangepaste uren"))
END_BEFORE_START = Reason(gettext_noop("De einddatum ligt voor de begindatum."))


# --- Client ---------------------------------------------------------------------------------


@dataclass
class UitdatabankClient:
    """Fetches the Search API's paged results. Timeouts and a few retries on 5xx and
    network errors; the API key comes from the environment."""

    api_key: str = field(default_factory=lambda: os.environ.get(API_KEY_ENV, ""))
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    # A 429 is waited out (its Retry-After, bounded) this many times before the run fails.
    rate_limit_retries: int = 3
    max_retry_after: float = 60.0
    page_size: int = PAGE_SIZE
    sleep: Any = field(default=time.sleep, repr=False)

    def get_json(self, url: str) -> Any:
        headers = {"Accept": "application/ld+json, application/json"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        last_error: Exception | None = None
        attempt = rate_limited = 0
        while True:
            request = urllib.request.Request(url, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
                return json.loads(body)
            except urllib.error.HTTPError as error:
                last_error = error
                if error.code == 429:
                    rate_limited += 1
                    if rate_limited > self.rate_limit_retries:
                        raise SourceError(
                            Reason(
                                gettext_noop(
                                    "UiTdatabank weigert verdere vragen (429, te veel "
                                    "verzoeken): %(url)s"
                                ),
                                url=url,
                            )
                        ) from error
                    self.sleep(self._retry_after(error))
                    continue
                if error.code < 500:
                    raise SourceError(
                        Reason(
                            gettext_noop("%(url)s antwoordt %(code)s: %(reason)s"),
                            url=url,
                            code=error.code,
                            reason=str(error.reason),
                        )
                    ) from error
            except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
                last_error = error
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise SourceError(
                    Reason(
                        gettext_noop("Geen geldige JSON van %(url)s: %(error)s"),
                        url=url,
                        error=str(error),
                    )
                ) from error
            if attempt >= self.retries:
                raise SourceError(
                    Reason(
                        gettext_noop("%(url)s antwoordt niet: %(error)s"),
                        url=url,
                        error=str(last_error),
                    )
                )
            self.sleep(self.backoff * (2**attempt))
            attempt += 1

    def _retry_after(self, error: urllib.error.HTTPError) -> float:
        value = (error.headers.get("Retry-After") or "").strip() if error.headers else ""
        try:
            seconds = float(value)
        except ValueError:
            try:
                moment = email.utils.parsedate_to_datetime(value)
                seconds = (moment - dt.datetime.now(dt.UTC)).total_seconds()
            except (TypeError, ValueError, IndexError):
                seconds = self.backoff
        return max(0.0, min(seconds, self.max_retry_after))

    def iter_documents(self, url: str) -> Iterator[dict]:
        """Every member of a paged search result (or the documents of a plain answer)."""
        start = 0
        for _page in range(MAX_PAGES):
            page_url = _with_query(url, start=start, limit=self.page_size)
            payload = self.get_json(page_url)
            members = _payload_members(payload)
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
    base_url: str | None = None,
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
    base_url = base_url or os.environ.get(SEARCH_URL_ENV) or SEARCH_URL
    # The default filters hide drafts, rejected, deleted and not-yet-available documents: a
    # sync must see them to withdraw or schedule the events it already has.
    return _with_query(
        base_url,
        q=query,
        embed="true",
        workflowStatus="*",
        availableFrom="*",
        availableTo="*",
    )


def search_url_modified_from(url: str, *, since: dt.datetime) -> str:
    """The selection limited to documents modified since the given moment."""
    return _with_query(url, modifiedFrom=since.astimezone(dt.UTC).isoformat(timespec="seconds"))


def document_hash(doc: Any) -> str:
    """The source document's fingerprint, computed before any parsing, so an unchanged
    document costs one dumps and one hash."""
    body = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((PARSER_VERSION + body).encode()).hexdigest()


def local_document_ids(documents: list[Any], *, root_path: str) -> set[str]:
    """The @ids among the documents that are the site's own published local events (one
    lookup per batch)."""
    ids = [
        doc["@id"] for doc in documents if isinstance(doc, dict) and isinstance(doc.get("@id"), str)
    ]
    if not ids:
        return set()
    return set().union(*(lookup(ids, root_path) for lookup in LOCAL_DOCUMENT_LOOKUPS))


def documents_from_payload(payload: Any) -> list[Any]:
    """The documents of a payload to import."""
    return _payload_members(payload)


def _payload_members(payload: Any) -> list[Any]:
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
    raise SourceError(
        Reason(
            gettext_noop("Onbekende vorm: verwacht een activiteit, een lijst of een zoekresultaat.")
        )
    )


# --- Parser ---------------------------------------------------------------------------------


@dataclass
class ImportedDate:
    repeat: str
    start_date: dt.date
    end_date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    weekdays: str = ""
    excluded_dates: str = ""
    status: str = "gepland"
    status_reason: str = ""
    booking_availability: str = "beschikbaar"


@dataclass
class ImportedEvent:
    uitdatabank_id: str
    title: str
    intro: str = ""
    description: str = ""
    image_url: str = ""
    event_type: str = ""
    event_type_name: str = ""
    theme: str = ""
    theme_name: str = ""
    facilities: list[str] = field(default_factory=list)
    facility_names: dict[str, str] = field(default_factory=dict)
    age_min: int | None = None
    age_max: int | None = None
    birthdate_from: dt.date | None = None
    birthdate_to: dt.date | None = None
    is_free: bool = False
    price_info: list[dict] = field(default_factory=list)
    booking_url: str = ""
    booking_email: str = ""
    booking_phone: str = ""
    booking_info: str = ""
    booking_starts: dt.datetime | None = None
    booking_ends: dt.datetime | None = None
    booking_availability: str = ""
    contact_point: dict[str, list[str]] = field(default_factory=dict)
    performers: list[str] = field(default_factory=list)
    attendance_mode: str = "offline"
    online_url: str = ""
    videos: list[dict] = field(default_factory=list)
    closed_days: list[dict] = field(default_factory=list)
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
    available_from: dt.datetime | None = None
    available_to: dt.datetime | None = None
    dates: list[ImportedDate] = field(default_factory=list)
    withdrawn: bool = False
    workflow_status: str = ""
    # Problems that lost part of the document (a bad date) but not the event: reported.
    warnings: list[Reason] = field(default_factory=list)

    def fingerprint(self) -> str:
        data = asdict(self)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def page_fields(self) -> dict[str, Any]:
        """The values an EventPage stores, copied (not `asdict`, which also deep-copied every
        date only to drop them: a tenth of a first import's parsing time)."""
        return {
            item.name: copy.deepcopy(value) if isinstance(value, list | dict) else value
            for item in fields(self)
            if item.name not in _NOT_PAGE_FIELDS
            for value in (getattr(self, item.name),)
        }


_NOT_PAGE_FIELDS = frozenset(
    ("dates", "withdrawn", "workflow_status", "warnings", "available_from", "available_to")
)


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


# Where one HTML block ends and the next begins, plain text needs a space: "<p>Eén.</p><p>Twee"
# must not become "Eén.Twee".
BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote|tr|td|th)\s*>", re.IGNORECASE)


def plain_text(html: str) -> str:
    """The text of an HTML fragment on one line, block boundaries kept as spaces."""
    if "<" not in html:
        # No tag (most names and labels): neither the block ends nor strip_tags change it.
        return " ".join(html.split())
    return " ".join(strip_tags(BLOCK_END.sub(" ", html)).split())


def _short(value: Any, length: int) -> str:
    value = _first(value)
    if not isinstance(value, str):
        return ""
    return _chars(plain_text(value), length)


def _chars(text: str, length: int) -> str:
    """`Truncator(text).chars(length)`: a text that fits is only NFC-normalised, which is
    what Truncator returns for it after counting it character by character (an import calls
    this a dozen times per document)."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length)


def description_sanitise(html: str) -> str:
    """Imported HTML, cleaned before it is stored (|richtext does not sanitise)."""
    cleaned = rich_text_sanitise(html.replace("\r\n", "\n"), external=True)
    if cleaned and "<" not in cleaned:
        paragraphs = [part.strip() for part in cleaned.split("\n\n") if part.strip()]
        cleaned = "".join("<p>" + part.replace("\n", "<br>") + "</p>" for part in paragraphs)
    return cleaned


def _missing(what: Reason | str) -> RecordRejected:
    return RecordRejected(Reason(gettext_noop("%(what)s ontbreekt."), what=what))


def _not_a_date(what: Reason | str, value: str) -> RecordRejected:
    return RecordRejected(
        Reason(
            gettext_noop("%(what)s is geen geldige datum: %(value)s."),
            what=what,
            value=repr(value[:40]),
        )
    )


def _out_of_range(what: Reason | str, value: str) -> RecordRejected:
    return RecordRejected(
        Reason(
            gettext_noop("%(what)s ligt buiten 1990-2100: %(value)s."),
            what=what,
            value=repr(value[:40]),
        )
    )


def _datetime(value: Any, what: Reason | str) -> dt.datetime:
    if not isinstance(value, str) or not value.strip():
        raise _missing(what)
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise _not_a_date(what, value) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BRUSSELS)
    if not (1990 <= moment.year <= 2100):
        raise _out_of_range(what, value)
    return moment.astimezone(BRUSSELS)


def _is_date_only(value: Any) -> bool:
    return isinstance(value, str) and "T" not in value.strip() and " " not in value.strip()


def _date(value: Any, what: Reason) -> dt.date:
    if not isinstance(value, str) or not value.strip():
        raise _missing(what)
    try:
        day = dt.date.fromisoformat(value.strip()[:10])
    except ValueError as error:
        raise _not_a_date(what, value) from error
    if not (1990 <= day.year <= 2100):
        raise _out_of_range(what, value)
    return day


def _local_date(value: Any, what: Reason) -> dt.date:
    """A calendar day in Brussels: "2021-02-26T23:00:00+00:00" is 27 February."""
    if _is_date_only(value):
        return _date(value, what)
    return _datetime(value, what).date()


def _optional_datetime(value: Any, what: Reason | str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return _datetime(value, what)
    except RecordRejected:
        return None


def _status(value: Any, language: str = "nl") -> tuple[str, str]:
    if isinstance(value, dict):
        reason = _text(value.get("reason"), language)
        return STATUS_MAP.get(value.get("type"), "gepland"), Truncator(reason).chars(300)
    if isinstance(value, str):
        return STATUS_MAP.get(value, "gepland"), ""
    return "gepland", ""


def _availability(value: Any, default: str = "beschikbaar") -> str:
    kind = value.get("type") if isinstance(value, dict) else value
    if kind == "Unavailable":
        return "niet-beschikbaar"
    if kind == "Available":
        return "beschikbaar"
    return default


def _date_span(start_raw: Any, end_raw: Any, **extra: Any) -> ImportedDate:
    """One dated span. A date without a time (or midnight to midnight, or to 23:59) is a
    whole day or a run of whole days: it never gets an hour of 00:00."""
    if _is_date_only(start_raw):
        first = _date(start_raw, START)
        last = _date(end_raw, END) if end_raw else first
        if last < first:
            raise RecordRejected(END_BEFORE_START)
        return ImportedDate(
            repeat="eenmalig",
            start_date=first,
            end_date=last if last > first else None,
            **extra,
        )
    start = _datetime(start_raw, START)
    end = _datetime(end_raw or start_raw, END)
    if end < start:
        raise RecordRejected(END_BEFORE_START)
    all_day = start.time() == dt.time(0) and (
        end.time() >= dt.time(23, 59) or end.time() == dt.time(0)
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


def _hours(item: dict) -> tuple[list[int], dt.time, dt.time]:
    days = item.get("dayOfWeek") or []
    weekdays = sorted({WEEKDAYS[day] for day in days if day in WEEKDAYS})
    try:
        opens = dt.time.fromisoformat(str(item.get("opens")).zfill(5))
        closes = dt.time.fromisoformat(str(item.get("closes")).zfill(5))
    except ValueError as error:
        raise RecordRejected(
            Reason(
                gettext_noop("Ongeldige openingsuren: %(opens)s–%(closes)s."),
                opens=f"{item.get('opens')!s:.10}",
                closes=f"{item.get('closes')!s:.10}",
            )
        ) from error
    return weekdays, opens, closes


def _weekly_rows(
    hours: Any,
    start: dt.date,
    end: dt.date | None,
    *,
    excluded: str,
    status: str,
    reason: str = "",
    booking: str = "beschikbaar",
    warnings: list[Reason],
) -> list[ImportedDate]:
    rows = []
    if not isinstance(hours, list):
        return rows
    for item in hours:
        if not isinstance(item, dict):
            continue
        try:
            weekdays, opens, closes = _hours(item)
        except RecordRejected as error:
            warnings.append(error.reason)
            continue
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
                excluded_dates=excluded,
                status=status,
                status_reason=reason,
                booking_availability=booking,
            )
        )
    return rows


def _ranges(value: Any, what: Reason, language: str, warnings: list[Reason]) -> list[dict]:
    """openingHoursClosedDays / openingHoursAdjustedDays: inclusive date ranges."""
    ranges = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        try:
            first = _date(
                item.get("startDate"), Reason(gettext_noop("%(what)s: de begindatum"), what=what)
            )
            last = _date(
                item.get("endDate") or item.get("startDate"),
                Reason(gettext_noop("%(what)s: de einddatum"), what=what),
            )
        except RecordRejected as error:
            warnings.append(error.reason)
            continue
        if last < first:
            warnings.append(
                Reason(gettext_noop("%(what)s: de einddatum ligt voor de begindatum."), what=what)
            )
            continue
        ranges.append(
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "description": Truncator(_text(item.get("description"), language)).chars(200),
                "openingHours": item.get("openingHours"),
            }
        )
    return ranges


def _excluded_text(ranges: list[dict]) -> str:
    return "\n".join(
        item["start"] if item["start"] == item["end"] else f"{item['start']}/{item['end']}"
        for item in ranges
    )


def _calendar(
    doc: dict, *, today: dt.date, language: str, warnings: list[Reason], closed: list[dict]
) -> list[ImportedDate]:
    kind = doc.get("calendarType")
    if kind not in CALENDAR_TYPES:
        raise RecordRejected(
            Reason(gettext_noop("Onbekend calendarType: %(value)s."), value=repr(str(kind)[:40]))
        )
    status, reason = _status(doc.get("status"), language)
    booking = _availability(doc.get("bookingAvailability"))
    if kind in ("single", "multiple"):
        sub_events = doc.get("subEvent")
        if isinstance(sub_events, list) and sub_events:
            rows = []
            for index, sub in enumerate(sub_events, start=1):
                try:
                    if not isinstance(sub, dict):
                        raise RecordRejected(Reason(gettext_noop("geen object.")))
                    sub_status, sub_reason = _status(sub.get("status"), language)
                    rows.append(
                        _date_span(
                            sub.get("startDate"),
                            sub.get("endDate"),
                            status=sub_status,
                            status_reason=sub_reason,
                            booking_availability=_availability(
                                sub.get("bookingAvailability"), booking
                            ),
                        )
                    )
                except RecordRejected as error:
                    warnings.append(
                        Reason(
                            gettext_noop("Datum %(index)s overgeslagen: %(reason)s"),
                            index=index,
                            reason=error.reason,
                        )
                    )
            if not rows:
                raise RecordRejected(
                    Reason(
                        gettext_noop("Geen enkele geldige datum: %(reasons)s"),
                        reasons=warnings[:3],
                    )
                )
            return rows
        return [
            _date_span(
                doc.get("startDate"),
                doc.get("endDate"),
                status=status,
                status_reason=reason,
                booking_availability=booking,
            )
        ]
    closed.extend(
        {key: item[key] for key in ("start", "end", "description")}
        for item in _ranges(doc.get("openingHoursClosedDays"), CLOSED_DAY, language, warnings)
    )
    adjusted = _ranges(doc.get("openingHoursAdjustedDays"), ADJUSTED_HOURS, language, warnings)
    if kind == "periodic":
        first = _local_date(doc.get("startDate"), START)
        last = _local_date(doc.get("endDate"), END)
        if last < first:
            raise RecordRejected(END_BEFORE_START)
    else:
        # A permanent event has no end. Its start only bounds the display; a fixed date
        # from the document keeps re-imports of the same document identical.
        first = _local_date(doc.get("startDate") or doc.get("created") or today.isoformat(), START)
        last = None
    # Closed days win over adjusted hours, and both over the usual week.
    rows = _weekly_rows(
        doc.get("openingHours"),
        first,
        last,
        excluded=_excluded_text(closed + adjusted),
        status=status,
        reason=reason,
        booking=booking,
        warnings=warnings,
    )
    for item in adjusted:
        rows += _weekly_rows(
            item["openingHours"],
            dt.date.fromisoformat(item["start"]),
            dt.date.fromisoformat(item["end"]),
            excluded=_excluded_text(closed),
            status=status,
            reason=item["description"] or "Aangepaste uren",
            booking=booking,
            warnings=warnings,
        )
    if rows:
        return rows
    if kind == "periodic":
        return [
            ImportedDate(
                repeat="eenmalig",
                start_date=first,
                end_date=last if last > first else None,
                excluded_dates=_excluded_text(closed),
                status=status,
                status_reason=reason,
                booking_availability=booking,
            )
        ]
    # permanent without hours: every day, all day, without end
    return [
        ImportedDate(
            repeat="wekelijks",
            start_date=first,
            weekdays="0,1,2,3,4,5,6",
            excluded_dates=_excluded_text(closed),
            status=status,
            status_reason=reason,
            booking_availability=booking,
        )
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


def _term(terms: list[dict], domain: str, language: str) -> tuple[str, str]:
    for term in terms:
        if term.get("domain") == domain and term.get("id"):
            return str(term["id"])[:32], _short(_text(term.get("label"), language), 100)
    return "", ""


def _contact_point(value: Any) -> dict[str, list[str]]:
    value = value if isinstance(value, dict) else {}

    def many(items: Any) -> list[Any]:
        return items if isinstance(items, list) else [items] if items else []

    contact = {
        "phone": [_short(item, 40) for item in many(value.get("phone"))][:5],
        "email": [_email(item) for item in many(value.get("email"))][:5],
        "url": [_url(item) for item in many(value.get("url"))][:5],
    }
    return {key: [item for item in items if item] for key, items in contact.items() if any(items)}


def _performers(value: Any, language: str) -> list[str]:
    names = []
    for item in value if isinstance(value, list) else []:
        name = _text(item.get("name"), language) if isinstance(item, dict) else item
        name = _short(name, 200)
        if name and name not in names:
            names.append(name)
    return names[:50]


def _videos(value: Any) -> list[dict]:
    videos = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and _url(item.get("url")):
            videos.append(
                {
                    "url": _url(item.get("url")),
                    "language": _short(item.get("language"), 5),
                    "copyright": _short(item.get("copyrightHolder"), 100),
                }
            )
    return videos[:10]


def _birthdate_range(value: Any) -> tuple[dt.date | None, dt.date | None]:
    if not isinstance(value, dict):
        return None, None
    try:
        return _date(value.get("from"), BIRTHDATE), _date(value.get("to"), BIRTHDATE)
    except RecordRejected:
        return None, None


def document_parse(doc: Any, *, today: dt.date, horizon_days: int = 400) -> ImportedEvent:
    """One UiTdatabank event document to the values of an EventPage."""
    if not isinstance(doc, dict):
        raise RecordRejected(Reason(gettext_noop("Geen JSON-object.")))
    uid = doc.get("@id")
    if not isinstance(uid, str) or not _url(uid):
        raise RecordRejected(Reason(gettext_noop("@id ontbreekt of is geen URL.")))
    workflow = doc.get("workflowStatus")
    if workflow in WITHDRAWN_WORKFLOW:
        return ImportedEvent(
            uitdatabank_id=uid[:300], title="", withdrawn=True, workflow_status=workflow
        )
    language = doc.get("mainLanguage") if isinstance(doc.get("mainLanguage"), str) else "nl"
    title = _text(doc.get("name"), language)
    if not title:
        raise RecordRejected(Reason(gettext_noop("De naam ontbreekt.")))
    raw_description = _text(doc.get("description"), language)
    if len(raw_description) > MAX_DESCRIPTION_CHARS:
        raise RecordRejected(
            Reason(
                gettext_noop(
                    "De beschrijving is te lang (%(length)s tekens, maximum %(maximum)s)."
                ),
                length=len(raw_description),
                maximum=MAX_DESCRIPTION_CHARS,
            )
        )
    description = description_sanitise(raw_description) if raw_description else ""
    warnings: list[Reason] = []
    closed: list[dict] = []
    dates = _calendar(doc, today=today, language=language, warnings=warnings, closed=closed)

    terms = [term for term in doc.get("terms") or [] if isinstance(term, dict)]
    location = doc.get("location") if isinstance(doc.get("location"), dict) else {}
    location_terms = [term for term in location.get("terms") or [] if isinstance(term, dict)]
    # Unknown ids are normal (the taxonomies grow): keep them with the document's label.
    event_type, event_type_name = _term(terms, "eventtype", language)
    theme, theme_name = _term(terms, "theme", language)
    facility_names = {
        str(t["id"])[:32]: _short(_text(t.get("label"), language), 100)
        for t in terms + location_terms
        if t.get("domain") == "facility" and t.get("id")
    }
    age_min, age_max = _age_range(doc.get("typicalAgeRange"))
    birthdate_from, birthdate_to = _birthdate_range(doc.get("birthdateRange"))
    prices, is_free = _prices(doc, language)
    booking = _first(doc.get("bookingInfo")) if doc.get("bookingInfo") else {}
    booking = booking if isinstance(booking, dict) else {}
    organizer = doc.get("organizer") if isinstance(doc.get("organizer"), dict) else {}
    address = _language_part(location.get("address"), language)
    geo = location.get("geo") if isinstance(location.get("geo"), dict) else {}
    status, reason = _status(doc.get("status"), language)
    image = doc.get("image")
    if not image and isinstance(doc.get("mediaObject"), list) and doc["mediaObject"]:
        first = doc["mediaObject"][0]
        image = first.get("contentUrl") if isinstance(first, dict) else None
    attendance = doc.get("attendanceMode")
    attendance = attendance if attendance in ATTENDANCE_MODES else "offline"
    booking_kind = doc.get("bookingAvailability")
    booking_kind = booking_kind.get("type") if isinstance(booking_kind, dict) else None

    return ImportedEvent(
        uitdatabank_id=uid[:300],
        title=_chars(strip_tags(title), MAX_NAME_CHARS),
        intro=_chars(plain_text(description), 300),
        description=description,
        image_url=_url(image),
        event_type=event_type,
        event_type_name=event_type_name,
        theme=theme,
        theme_name=theme_name,
        facilities=sorted(facility_names),
        facility_names=facility_names,
        age_min=age_min,
        age_max=age_max,
        birthdate_from=birthdate_from,
        birthdate_to=birthdate_to,
        is_free=is_free,
        price_info=prices,
        booking_url=_url(booking.get("url")),
        booking_email=_email(booking.get("email")),
        booking_phone=_short(booking.get("phone"), 40),
        booking_info=_short(
            _text(booking.get("urlLabel"), language) or booking.get("description"), 300
        ),
        booking_starts=_optional_datetime(booking.get("availabilityStarts"), "Reserveren"),
        booking_ends=_optional_datetime(booking.get("availabilityEnds"), "Reserveren"),
        booking_availability=_availability(booking_kind, "") if booking_kind else "",
        contact_point=_contact_point(doc.get("contactPoint")),
        performers=_performers(doc.get("performer") or doc.get("performers"), language),
        attendance_mode=attendance,
        online_url=_url(doc.get("onlineUrl")) if attendance != "offline" else "",
        videos=_videos(doc.get("videos")),
        closed_days=closed,
        organizer_name=_short(_text(organizer.get("name"), language), 200),
        organizer_url=_url(organizer.get("url")),
        place_name=_short(_text(location.get("name"), language), 200)
        if attendance != "online"
        else "",
        street=_short(address.get("streetAddress"), 200),
        postal_code=_short(address.get("postalCode"), 10),
        city=_short(address.get("addressLocality"), 100),
        latitude=_coordinate(geo.get("latitude"), 90),
        longitude=_coordinate(geo.get("longitude"), 180),
        status=status,
        status_reason=reason,
        available_from=_optional_datetime(doc.get("availableFrom"), "availableFrom"),
        available_to=_optional_datetime(doc.get("availableTo"), "availableTo"),
        dates=dates,
        workflow_status=str(workflow or "")[:30],
        warnings=warnings,
    )
