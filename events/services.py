"""Writes of the agenda: occurrence rows and the UiTdatabank import."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from wagtail.models import Page, Site

from events.models import (
    OCCURRENCE_EVENT_FIELDS,
    EventDate,
    EventIndexPage,
    EventPage,
    ImportRun,
    Occurrence,
    occurrence_event_values,
)
from events.reasons import Reason, reason_entry
from events.recurrence import OccurrenceSpec, occurrences_stored
from events.uitdatabank import (
    ImportedEvent,
    RecordRejected,
    SourceError,
    UitdatabankClient,
    document_hash,
    document_parse,
    documents_from_payload,
    local_document_ids,
    search_url_build,
    search_url_modified_from,
)
from home.page_bulk import pages_bulk_create, search_indexing_batched
from home.signals import pages_changed

logger = logging.getLogger(__name__)

MAX_REJECTIONS_KEPT = 500
BATCH_SIZE = 250
# Occurrence rows per INSERT where COPY is not available (not PostgreSQL).
OCCURRENCE_BATCH_SIZE = 5000
# A run still marked running after this long died without finishing (a killed worker).
RUN_STALE_AFTER = dt.timedelta(hours=2)


# --- Occurrences -----------------------------------------------------------------------------


def occurrences_sync(
    *, page: EventPage, today: dt.date | None = None, dates=None, changes=None
) -> tuple[int, int]:
    """Make the page's Occurrence rows match its dates and changes; returns (added, removed).

    Rows that stay the same keep their ids, so re-running changes nothing.
    """
    today = today or timezone.localdate()
    dates = list(page.dates.all()) if dates is None else dates
    changes = list(page.changes.all()) if changes is None else changes
    specs = occurrences_stored(dates=dates, changes=changes, event_status=page.status, today=today)
    agenda_id = getattr(page, "_agenda_id", None) or (
        Page.objects.filter(path=page.path[: -page.steplen]).values_list("pk", flat=True).first()
    )
    live = bool(page.live)
    event = occurrence_event_values(page)
    wanted = {spec.key: spec for spec in specs}  # one per key already
    last = _last_key(wanted)
    existing = {(row.start, row.end): row for row in Occurrence.objects.filter(page=page)}
    remove = [row.pk for key, row in existing.items() if key not in wanted]
    add, update = [], []
    for key, spec in wanted.items():
        row = existing.get(key)
        if row is None:
            add.append(_occurrence(page, agenda_id, spec, live, (*event, key == last)))
        elif _differs(row, spec, agenda_id, live, (*event, key == last)):
            _fill(row, spec, agenda_id, live, (*event, key == last))
            update.append(row)
    if remove:
        Occurrence.objects.filter(pk__in=remove).delete()
    if add:
        Occurrence.objects.bulk_create(add)
    if update:
        Occurrence.objects.bulk_update(
            update,
            [
                "agenda",
                "all_day",
                "status",
                "booking_availability",
                "original_start",
                "note",
                "sessions",
                "live",
                *OCCURRENCE_EVENT_FIELDS,
                "is_last",
            ],
        )
    return len(add), len(remove)


def _occurrence(
    page: EventPage, agenda_id: int, spec: OccurrenceSpec, live: bool, event: tuple
) -> Occurrence:
    row = Occurrence(page_id=page.pk, start=spec.start, end=spec.end)
    _fill(row, spec, agenda_id, live, event)
    return row


def _last_key(keys: Iterable[tuple]) -> tuple | None:
    """Of the rows' keys (start, end) (a dict of specs by key will do), the one of the row that
    ends last, then starts last (Occurrence.is_last)."""
    return max(keys, key=lambda key: (key[1], key[0]), default=None)


def _fill(row: Occurrence, spec: OccurrenceSpec, agenda_id: int, live: bool, event: tuple) -> None:
    # `event`: the event's filter columns (occurrence_event_values), the same on every row,
    # then whether this is the event's last row.
    for name, value in zip((*OCCURRENCE_EVENT_FIELDS, "is_last"), event, strict=True):
        setattr(row, name, value)
    row.agenda_id = agenda_id
    row.live = live
    row.all_day = spec.all_day
    row.status = spec.status
    row.booking_availability = spec.booking_availability
    row.original_start = spec.original_start
    row.note = spec.note
    row.sessions = spec.sessions


def _differs(
    row: Occurrence, spec: OccurrenceSpec, agenda_id: int, live: bool, event: tuple
) -> bool:
    return (
        tuple(getattr(row, name) for name in (*OCCURRENCE_EVENT_FIELDS, "is_last")) != event
        or row.live != live
        or row.agenda_id != agenda_id
        or row.all_day != spec.all_day
        or row.status != spec.status
        or row.booking_availability != spec.booking_availability
        or row.original_start != spec.original_start
        or row.note != spec.note
        or row.sessions != spec.sessions
    )


def occurrences_refresh(*, today: dt.date | None = None) -> int:
    """Roll the horizon forward: re-expand every live event with repeating dates."""
    count = 0
    pages = EventPage.objects.live().filter(dates__repeat__in=["wekelijks", "regel"]).distinct()
    for page in pages.iterator():
        occurrences_sync(page=page, today=today)
        count += 1
    return count


# --- UiTdatabank import ----------------------------------------------------------------------


def run_error_set(*, run: ImportRun, reason: Reason | str) -> None:
    """Why the run failed: the message id and parameters (rendered in the reader's language
    by ImportRun.error_display) and the text in the active language."""
    run.error = str(reason)[:2000]
    run.error_message = reason.as_json() if isinstance(reason, Reason) else {}


@dataclass
class SourceItem:
    """A document to import, or a failure that stands for records we could not read."""

    document: Any = None
    failure: Reason | str = ""
    origin: str = ""


def items_from_files(paths: Iterable[str | Path]) -> Iterable[SourceItem]:
    for path in paths:
        path = Path(path)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            documents = documents_from_payload(payload)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, SourceError) as error:
            reason = error.reason if isinstance(error, SourceError) else str(error)
            yield SourceItem(
                failure=Reason(gettext_noop("%(file)s: %(error)s"), file=path.name, error=reason),
                origin=path.name,
            )
            continue
        for document in documents:
            yield SourceItem(document=document, origin=path.name)


def items_from_url(url: str, *, client: UitdatabankClient | None = None) -> Iterable[SourceItem]:
    client = client or UitdatabankClient()
    for document in client.iter_documents(url):
        yield SourceItem(document=document, origin=url)


def agenda_for_site(*, site: Site) -> EventIndexPage | None:
    return EventIndexPage.objects.child_of(site.root_page).first()


def selection_url_for_site(*, site: Site, agenda: EventIndexPage | None = None) -> str | None:
    from home.models import IntegrationSettings

    settings = IntegrationSettings.for_site(site)
    agenda = agenda or agenda_for_site(site=site)
    return _selection_url(settings=settings, agenda=agenda)


def _selection_url(*, settings, agenda: EventIndexPage | None) -> str | None:
    return search_url_build(
        organizer_ids=settings.organizer_ids if settings else [],
        place_ids=settings.place_ids if settings else [],
        labels=agenda.labels if agenda else [],
        postal_codes=agenda.postal_codes if agenda else [],
    )


def uitdatabank_import(
    *,
    site: Site,
    items: Iterable[SourceItem],
    source: str,
    full: bool = False,
    today: dt.date | None = None,
    selection: bool = False,
    modified_from: dt.datetime | None = None,
    agenda: EventIndexPage | None = None,
) -> ImportRun:
    """Upsert every event document into the site's agenda, one savepoint per record.

    A record that cannot be imported is reported and skipped; a source that fails half-way
    stops the run (recorded as failed) without withdrawing anything. An unchanged document
    (same source hash) is skipped before it is parsed. New pages enter the search index
    together at the end of the run (`search_indexing_batched`).
    """
    today = today or timezone.localdate()
    agenda = agenda or agenda_for_site(site=site)
    # Two runs for one site at once would both create the same new events.
    busy = ImportRun.objects.filter(
        site=site,
        outcome=ImportRun.Outcome.RUNNING,
        started__gte=timezone.now() - RUN_STALE_AFTER,
    ).exists()
    run = ImportRun.objects.create(
        site=site,
        source=source[:500],
        full=full,
        selection=selection,
        modified_from=modified_from,
    )
    # The pages this run created, changed or withdrew: sent once with pages_changed.
    run.changed_page_ids = set()
    error = None
    if agenda is None:
        error = Reason(gettext_noop("Deze website heeft geen agenda."))
    elif busy:
        error = Reason(
            gettext_noop("Er loopt al een import voor deze website; probeer het later opnieuw.")
        )
    if error:
        run.outcome = ImportRun.Outcome.FAILED
        run_error_set(run=run, reason=error)
        run.finished = timezone.now()
        run.save()
        return run
    # Only what the skip test needs; a page object is loaded when a document changed. Read
    # when the first document arrives: an incremental run with nothing modified reads nothing.
    existing: dict[str, ExistingEvent] = {}
    seen_ids: set[str] = set()
    rejections: list[dict] = []
    loaded = False
    root_path = ""
    try:
        with search_indexing_batched():
            for batch in _batches(items, size=BATCH_SIZE):
                if not loaded:
                    existing.update(_existing_events(agenda=agenda))
                    root_path = Page.objects.values_list("path", flat=True).get(
                        pk=site.root_page_id
                    )
                    loaded = True
                _batch_import(
                    batch=_without_own_local_events(batch, root_path=root_path),
                    agenda=agenda,
                    existing=existing,
                    seen_ids=seen_ids,
                    run=run,
                    rejections=rejections,
                    today=today,
                )
        run.withdrawn += _availability_apply(agenda=agenda, changed=run.changed_page_ids)
    except SourceError as error:
        run.outcome = ImportRun.Outcome.FAILED
        run_error_set(run=run, reason=error.reason)
    except Exception as error:
        # Not a record's fault (the database went away, a bug): record it, then let it surface.
        run.outcome = ImportRun.Outcome.FAILED
        run_error_set(
            run=run,
            reason=Reason(gettext_noop("Onverwachte fout: %(error)s"), error=str(error)[:1500]),
        )
        run.rejections = rejections[:MAX_REJECTIONS_KEPT]
        run.finished = timezone.now()
        run.save()
        pages_changed_send(page_ids=run.changed_page_ids, site_ids={site.pk})
        raise
    else:
        if full:
            if not loaded:
                existing.update(_existing_events(agenda=agenda))
            run.withdrawn += _withdraw_missing(
                existing=existing, seen_ids=seen_ids, changed=run.changed_page_ids
            )
        run.outcome = ImportRun.Outcome.DONE
    run.rejections = rejections[:MAX_REJECTIONS_KEPT]
    run.finished = timezone.now()
    run.save()
    # Batches that committed before a failure changed pages too: they are announced as well.
    pages_changed_send(page_ids=run.changed_page_ids, site_ids={site.pk})
    return run


def _without_own_local_events(batch: list[SourceItem], *, root_path: str) -> list[SourceItem]:
    """The batch minus the site's own local events that it published to UiTdatabank: they
    come back in its selection, and must not become a second page next to the original."""
    local = local_document_ids([item.document for item in batch], root_path=root_path)
    if not local:
        return batch
    return [
        item
        for item in batch
        if not (isinstance(item.document, dict) and item.document.get("@id") in local)
    ]


def _existing_events(*, agenda: EventIndexPage) -> dict[str, ExistingEvent]:
    return {
        uid: ExistingEvent(pk=pk, hash=digest, live=live)
        for uid, pk, digest, live in EventPage.objects.child_of(agenda)
        .exclude(uitdatabank_id="")
        .values_list("uitdatabank_id", "pk", "uitdatabank_hash", "live")
    }


def _batch_import(
    *,
    batch: list[SourceItem],
    agenda: EventIndexPage,
    existing: dict[str, ExistingEvent],
    seen_ids: set[str],
    run: ImportRun,
    rejections: list[dict],
    today: dt.date,
) -> None:
    """One transaction per batch, a savepoint per record inside it (_import_item). New
    published events wait in `pending` and are created together at the end."""
    with transaction.atomic():
        pending = _PendingEvents(
            agenda=agenda, existing=existing, run=run, rejections=rejections, today=today
        )
        for item in batch:
            if item.failure:
                run.rejected += 1
                rejections.append(reason_entry(ident=item.origin, reason=item.failure))
                continue
            run.seen += 1
            _import_item(
                item=item,
                agenda=agenda,
                existing=existing,
                seen_ids=seen_ids,
                run=run,
                rejections=rejections,
                today=today,
                pending=pending,
            )
        pending.flush()


def pages_changed_send(*, page_ids: Iterable[int], site_ids: Iterable[int] = ()) -> None:
    """Announce pages an import or the availability job created, changed or withdrew through
    `home.signals.pages_changed` (caches purge on it), once the transaction commits: their
    sites, plus the sites whose agenda shows regional events of the changed pages' province.
    Nothing is sent when nothing changed."""
    page_ids = sorted(set(page_ids))
    if not page_ids:
        return
    sites = set(site_ids) | set(_site_ids_of_pages(page_ids=page_ids))

    def send() -> None:
        pages_changed.send(sender=EventPage, site_ids=sorted(sites), page_ids=page_ids)

    transaction.on_commit(send)


def _site_ids_of_pages(*, page_ids: list[int]) -> set[int]:
    pages = list(
        EventPage.objects.filter(pk__in=page_ids).values_list("path", "regional", "region")
    )
    roots = dict(Site.objects.values_list("root_page__path", "pk"))
    step = Page.steplen

    def site_of(path: str) -> int | None:
        for length in range(step, len(path) + 1, step):
            site_id = roots.get(path[:length])
            if site_id is not None:
                return site_id
        return None

    found = {site_of(path) for path, _regional, _region in pages}
    regions = {region for _path, regional, region in pages if regional and region}
    if regions:
        agendas = EventIndexPage.objects.filter(include_regional=True, region__in=regions)
        found |= {site_of(path) for path in agendas.values_list("path", flat=True)}
    found.discard(None)
    return found


@dataclass
class ExistingEvent:
    pk: int
    hash: str
    live: bool


def _batches(items: Iterable[SourceItem], *, size: int) -> Iterable[list[SourceItem]]:
    """Chunks of items; what was read before a source error is still imported."""
    batch: list[SourceItem] = []
    try:
        for item in items:
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
    except SourceError:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def _import_item(
    *,
    item: SourceItem,
    agenda: EventIndexPage,
    existing: dict[str, ExistingEvent],
    seen_ids: set[str],
    run: ImportRun,
    rejections: list[dict],
    today: dt.date,
    pending: _PendingEvents | None = None,
) -> None:
    document = item.document
    ident = document.get("@id") if isinstance(document, dict) else None
    if pending is not None and isinstance(ident, str) and ident[:300] in pending:
        # The same document twice in a batch: the first must exist before the second is seen.
        pending.flush()
    if isinstance(ident, str):
        known = existing.get(ident[:300])
        if known is not None:
            digest = document_hash(document)
            if known.hash == digest:
                seen_ids.add(ident[:300])
                run.unchanged += 1
                return
    try:
        event = document_parse(document, today=today)
    except RecordRejected as error:
        run.rejected += 1
        rejections.append(reason_entry(ident=str(ident or item.origin), reason=error.reason))
        return
    seen_ids.add(event.uitdatabank_id)
    for warning in event.warnings:
        rejections.append(reason_entry(ident=event.uitdatabank_id, reason=warning))
    digest = document_hash(document)
    if pending is not None and pending.accepts(event):
        pending.add(event=event, digest=digest)
        return
    _record_save(
        event=event,
        digest=digest,
        agenda=agenda,
        existing=existing,
        run=run,
        rejections=rejections,
        today=today,
    )


def _record_save(
    *,
    event: ImportedEvent,
    digest: str,
    agenda: EventIndexPage,
    existing: dict[str, ExistingEvent],
    run: ImportRun,
    rejections: list[dict],
    today: dt.date,
) -> None:
    """Create or update one event in its own savepoint; a failure is this record's only."""
    try:
        with transaction.atomic():  # a savepoint: a database error loses this record only
            outcome = _upsert(
                event=event,
                digest=digest,
                agenda=agenda,
                existing=existing,
                today=today,
            )
    except Exception as error:  # noqa: BLE001 - any failure is this record's, reported
        logger.warning("UiTdatabank record %s failed", event.uitdatabank_id, exc_info=True)
        run.rejected += 1
        rejections.append(
            reason_entry(
                ident=event.uitdatabank_id,
                reason=Reason(gettext_noop("Opslaan mislukt: %(error)s"), error=str(error)[:400]),
            )
        )
        return
    if outcome == "created":
        run.created += 1
    elif outcome == "updated":
        run.updated += 1
    elif outcome == "withdrawn":
        run.withdrawn += 1
    else:
        run.unchanged += 1
    if outcome != "unchanged":
        run.changed_page_ids.add(existing[event.uitdatabank_id].pk)


def _slug_for(event: ImportedEvent) -> str:
    tail = slugify(event.uitdatabank_id.rstrip("/").rsplit("/", 1)[-1])[:8] or "uit"
    return f"{slugify(event.title)[:60].strip('-') or 'activiteit'}-{tail}"


def _is_public(event: ImportedEvent, now: dt.datetime) -> bool:
    """availableFrom / availableTo bound when UiTdatabank lets an event be shown."""
    if event.available_from and event.available_from > now:
        return False
    return not (event.available_to and event.available_to <= now)


def _event_page_build(
    *, event: ImportedEvent, digest: str, dates: list[EventDate], now: dt.datetime
) -> EventPage:
    """The unsaved page of a new imported event, published or scheduled: the one definition
    that the single and the bulk creation share."""
    public = _is_public(event, now)
    page = EventPage(slug=_slug_for(event), **event.page_fields())
    page.uitdatabank_hash = digest
    page.dates = dates
    page.go_live_at = event.available_from if not public and event.available_from else None
    page.expire_at = event.available_to
    page.live = public
    page.has_unpublished_changes = not public
    if public:
        page.first_published_at = page.last_published_at = now
    return page


def _create_event_page(
    *, agenda: EventIndexPage, event: ImportedEvent, digest: str, dates: list[EventDate]
) -> EventPage:
    """Create one imported event page under the agenda, published or scheduled: the path of
    a scheduled event, and the fallback when a batch's bulk creation fails (_PendingEvents)."""
    page = _event_page_build(event=event, digest=digest, dates=dates, now=timezone.now())
    agenda.add_child(instance=page)
    return page


def _event_dates(event: ImportedEvent) -> list[EventDate]:
    return [EventDate(sort_order=index, **vars(row)) for index, row in enumerate(event.dates)]


@dataclass
class _PendingEvent:
    event: ImportedEvent
    digest: str


class _PendingEvents:
    """The new, published events of one batch, created together by `flush()`: one
    `pages_bulk_create` (tree paths once, revisions, log entries, search and reference index
    in batches) and one INSERT of their occurrence rows, instead of about 90 queries a page.

    When the bulk creation fails (a slug taken twice, a value the database refuses), its
    savepoint is rolled back and the batch's events are created one by one, each in its own
    savepoint, so the bad record is rejected with its reason and the others land.
    """

    def __init__(
        self,
        *,
        agenda: EventIndexPage,
        existing: dict[str, ExistingEvent],
        run: ImportRun,
        rejections: list[dict],
        today: dt.date,
    ) -> None:
        self.agenda = agenda
        self.existing = existing
        self.run = run
        self.rejections = rejections
        self.today = today
        self._events: dict[str, _PendingEvent] = {}

    def __contains__(self, uitdatabank_id: str) -> bool:
        return uitdatabank_id in self._events

    def accepts(self, event: ImportedEvent) -> bool:
        """Only new events that are public now: a scheduled page (availableFrom later) is not
        published, which the bulk creator always does, and existing pages are updated."""
        if event.uitdatabank_id in self._events:
            self.flush()  # the same id twice: the second one updates the first
        return (
            not event.withdrawn
            and event.uitdatabank_id not in self.existing
            and _is_public(event, timezone.now())
        )

    def add(self, *, event: ImportedEvent, digest: str) -> None:
        self._events[event.uitdatabank_id] = _PendingEvent(event=event, digest=digest)

    def flush(self) -> None:
        entries = list(self._events.values())
        self._events = {}
        if not entries:
            return
        now = timezone.now()
        try:
            with transaction.atomic():  # a savepoint: a failure rolls back this bulk only
                pages, all_dates = [], []
                for entry in entries:
                    dates = _event_dates(entry.event)
                    page = _event_page_build(
                        event=entry.event, digest=entry.digest, dates=dates, now=now
                    )
                    # Not an editor's publish, should these objects be published (the
                    # receivers of events and network skip them); page_bulk sends nothing
                    # for them here (announced_by_caller).
                    page._uitdatabank_import = True
                    pages.append(page)
                    all_dates.append(dates)
                # Announced with the run's one pages_changed (uitdatabank_import), not page by page.
                pages_bulk_create(parent=self.agenda, pages=pages, announced_by_caller=True)
                _occurrences_create(
                    pages=pages, dates=all_dates, agenda_id=self.agenda.pk, today=self.today
                )
        except Exception:  # noqa: BLE001 - found and reported record by record below
            logger.warning(
                "Bulk creation of %d UiTdatabank events failed; creating them one by one",
                len(entries),
                exc_info=True,
            )
            for entry in entries:
                _record_save(
                    event=entry.event,
                    digest=entry.digest,
                    agenda=self.agenda,
                    existing=self.existing,
                    run=self.run,
                    rejections=self.rejections,
                    today=self.today,
                )
            return
        for entry, page in zip(entries, pages, strict=True):
            self.existing[entry.event.uitdatabank_id] = ExistingEvent(
                pk=page.pk, hash=entry.digest, live=page.live
            )
        self.run.created += len(entries)
        self.run.changed_page_ids.update(page.pk for page in pages)


def _occurrences_create(
    *, pages: list[EventPage], dates: list[list[EventDate]], agenda_id: int, today: dt.date
) -> int:
    """The occurrence rows of new live pages (no rows and no changes yet) in one COPY: what
    occurrences_sync writes for each of them (same expansion, one row per start and end)."""
    rows: list[tuple] = []
    for page, page_dates in zip(pages, dates, strict=True):
        specs = occurrences_stored(dates=page_dates, event_status=page.status, today=today)
        live = bool(page.live)
        event = occurrence_event_values(page)
        last = _last_key(spec.key for spec in specs)
        rows.extend(
            (
                page.pk,
                agenda_id,
                spec.start,
                spec.end,
                spec.all_day,
                spec.status,
                spec.booking_availability,
                spec.original_start,
                spec.note,
                spec.sessions,
                live,
                *event,
                spec.key == last,
            )
            for spec in specs
        )
    _occurrence_rows_insert(rows)
    return len(rows)


_OCCURRENCE_COLUMNS = (
    "page_id",
    "agenda_id",
    "start",
    "end",
    "all_day",
    "status",
    "booking_availability",
    "original_start",
    "note",
    "sessions",
    "live",
    *OCCURRENCE_EVENT_FIELDS,
    "is_last",
)


def _occurrence_rows_insert(rows: list[tuple]) -> None:
    """Insert occurrence rows given as tuples in `_OCCURRENCE_COLUMNS` order.

    On PostgreSQL through COPY: a permanent event without hours has a row a day (about 400),
    so a first import writes about a hundred rows per document, and building a model instance
    and its SQL parameters per row (bulk_create) cost more than the pages themselves.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        Occurrence.objects.bulk_create(
            [Occurrence(**dict(zip(_OCCURRENCE_COLUMNS, row, strict=True))) for row in rows],
            batch_size=OCCURRENCE_BATCH_SIZE,
        )
        return
    fields = {field.attname: field.column for field in Occurrence._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[name]) for name in _OCCURRENCE_COLUMNS)
    table = connection.ops.quote_name(Occurrence._meta.db_table)
    # COPY's text format written here rather than row by row through `write_row`: the rows of
    # a batch repeat the same instants and values (permanent events share their days), so
    # each distinct value is formatted once.
    instants: dict[dt.datetime | None, str] = {None: "\\N"}
    strings: dict[str, str] = {}

    def instant(value: dt.datetime | None) -> str:
        if value not in instants:
            instants[value] = value.isoformat()
        return instants[value]

    def string(value: str) -> str:
        if value not in strings:
            strings[value] = value.translate(_COPY_ESCAPES)
        return strings[value]

    # The event's columns (occurrence_event_values), the same on every row of an event, and
    # is_last.
    events: dict[tuple, str] = {}

    def event_text(values: tuple) -> str:
        if values not in events:
            events[values] = "\t".join(
                "\\N"
                if value is None
                else ("t" if value else "f")
                if isinstance(value, bool)
                else string(value)
                if isinstance(value, str)
                else str(value)
                for value in values
            )
        return events[values]

    # In _OCCURRENCE_COLUMNS order.
    lines = [
        f"{page_id}\t{agenda_id}\t{instant(start)}\t{instant(end)}\t{'t' if all_day else 'f'}\t"
        f"{string(status)}\t{string(availability)}\t{instant(original)}\t{string(note)}\t"
        f"{sessions}\t{'t' if live else 'f'}\t{event_text(tuple(event))}"
        for (
            page_id,
            agenda_id,
            start,
            end,
            all_day,
            status,
            availability,
            original,
            note,
            sessions,
            live,
            *event,
        ) in rows
    ]
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, len(lines), 10_000):
            copy.write("\n".join(lines[start : start + 10_000]) + "\n")


# Backslash, tab and line ends are special in COPY's text format.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _upsert(
    *,
    event: ImportedEvent,
    digest: str,
    agenda: EventIndexPage,
    existing: dict[str, ExistingEvent],
    today,
) -> str:
    known = existing.get(event.uitdatabank_id)
    if event.withdrawn:
        # DRAFT, REJECTED, DELETED: never created; an existing page goes offline and stays
        # offline (no scheduled go-live) until UiTdatabank publishes the document again.
        if known is None:
            return "unchanged"
        page = EventPage.objects.get(pk=known.pk)
        page.go_live_at = None
        page.uitdatabank_hash = digest
        page.save(update_fields=["go_live_at", "uitdatabank_hash"], clean=False)
        known.hash = digest
        if page.live:
            page.unpublish(log_action=False)
            known.live = False
            return "withdrawn"
        return "unchanged"
    dates = _event_dates(event)
    now = timezone.now()
    public = _is_public(event, now)
    if known is None:
        page = _create_event_page(agenda=agenda, event=event, digest=digest, dates=dates)
        existing[event.uitdatabank_id] = ExistingEvent(pk=page.pk, hash=digest, live=page.live)
        outcome = "created"
    else:
        page = EventPage.objects.get(pk=known.pk)
        for name, value in event.page_fields().items():
            setattr(page, name, value)
        page.uitdatabank_hash = digest
        page.dates = dates
        page.go_live_at = event.available_from if not public and event.available_from else None
        page.expire_at = event.available_to
        was_live = page.live
        if public and not was_live:
            page.live = True
            page.expired = False
            page.last_published_at = now
            page.first_published_at = page.first_published_at or now
        elif not public and was_live:
            page.live = False
        page.save()
        known.hash, known.live = digest, page.live
        outcome = "updated"
    page._agenda_id = agenda.pk
    occurrences_sync(page=page, today=today, dates=dates, changes=list(page.changes.all()))
    return outcome


def _availability_apply(
    *,
    agenda: EventIndexPage | None = None,
    changed: set[int],
    now: dt.datetime | None = None,
) -> int:
    """Publish imported events whose availableFrom has come and take offline the ones whose
    availableTo has passed, also when their document did not change since: of one agenda
    (after its import) or of every agenda (the per-minute job). Returns how many went
    offline; the pages published or taken offline are added to `changed`."""
    now = now or timezone.now()
    pages = EventPage.objects.exclude(uitdatabank_id="")
    if agenda is not None:
        pages = pages.child_of(agenda)
    # One query of ids tells whether anything is due at all (almost never after a sync).
    going_live = Q(live=False, go_live_at__lte=now) & ~Q(expire_at__lte=now)
    expiring = Q(live=True, expire_at__lte=now)
    due_ids = list(pages.filter(going_live | expiring).order_by().values_list("pk", flat=True))
    if not due_ids:
        return 0
    pages = EventPage.objects.filter(pk__in=due_ids)
    due = pages.filter(going_live)
    for page in due:
        page.live, page.expired = True, False
        page.go_live_at = None
        page.last_published_at = now
        page.first_published_at = page.first_published_at or now
        page.has_unpublished_changes = False
        page.save(clean=False)
        if agenda is not None:
            page._agenda_id = agenda.pk
        occurrences_sync(page=page)
        changed.add(page.pk)
    withdrawn = 0
    for page in pages.filter(expiring):
        page.expired = True
        page.save(update_fields=["expired"], clean=False)
        page.unpublish(log_action=False)
        changed.add(page.pk)
        withdrawn += 1
    return withdrawn


def events_availability_apply(*, now: dt.datetime | None = None) -> int:
    """The per-minute job: imported events go public at their availableFrom and offline at
    their availableTo on the minute, not at the next sync of their site. Returns how many
    pages changed."""
    changed: set[int] = set()
    with transaction.atomic():
        _availability_apply(changed=changed, now=now)
        pages_changed_send(page_ids=changed)
    return len(changed)


def _withdraw_missing(
    *, existing: dict[str, ExistingEvent], seen_ids: set[str], changed: set[int]
) -> int:
    missing = [item.pk for uid, item in existing.items() if uid not in seen_ids and item.live]
    withdrawn = 0
    for page in EventPage.objects.filter(pk__in=missing):
        page.unpublish(log_action=False)
        changed.add(page.pk)
        withdrawn += 1
    # Forget their source hash: when a document comes back unchanged, it is imported again.
    EventPage.objects.filter(pk__in=missing).update(uitdatabank_hash="")
    return withdrawn


# --- Scheduled sync ---------------------------------------------------------------------------

# Documents modified shortly before the last run started may have been indexed after it read
# them: ask again from a few minutes earlier (re-reading an unchanged one costs a hash).
SYNC_OVERLAP = dt.timedelta(minutes=5)


def last_successful_sync(*, site: Site) -> ImportRun | None:
    """The site's last finished run over its own selection (incremental or full)."""
    return (
        ImportRun.objects.filter(site=site, selection=True, outcome=ImportRun.Outcome.DONE)
        .defer("rejections")  # up to 500 reasons, read only if asked for
        .order_by("-started")
        .first()
    )


def uitdatabank_import_site(
    *,
    site: Site,
    url: str | None = None,
    client: UitdatabankClient | None = None,
    full: bool = False,
) -> ImportRun:
    """A scheduled run over the site's selection from the Search API.

    Incremental by default: only documents modified since the last successful run (less an
    overlap); the first run, or `full=True`, reads the whole selection and withdraws what
    disappeared from it. A run that fails leaves the sync point where it was, so the next
    run asks again from there. With an explicit `url` the run is a one-off (not a sync).
    """
    if url is not None:
        return uitdatabank_import(
            site=site, items=items_from_url(url, client=client), source=url, full=full
        )
    agenda = agenda_for_site(site=site)
    url = selection_url_for_site(site=site, agenda=agenda)
    if url is None:
        run = ImportRun(
            site=site,
            source="",
            selection=True,
            outcome=ImportRun.Outcome.FAILED,
            finished=timezone.now(),
        )
        run_error_set(
            run=run,
            reason=Reason(
                gettext_noop("Geen selectie: kies organisatoren, locaties, labels of postcodes.")
            ),
        )
        run.save()
        return run
    modified_from = None
    if not full:
        last = last_successful_sync(site=site)
        if last is None:
            full = True  # nothing to be incremental from
        else:
            modified_from = last.started - SYNC_OVERLAP
            url = search_url_modified_from(url, since=modified_from)
    return uitdatabank_import(
        site=site,
        items=items_from_url(url, client=client),
        source=url,
        full=full,
        selection=True,
        modified_from=modified_from,
        agenda=agenda,
    )


def sites_with_selection() -> list[Site]:
    """The sites whose sync has something to ask for: three queries for the whole network."""
    from home.models import IntegrationSettings

    sites = list(Site.objects.filter(tenant__isnull=False).order_by("pk"))
    settings = {row.site_id: row for row in IntegrationSettings.objects.filter(site__in=sites)}
    agendas: dict[int, EventIndexPage] = {}
    roots = {site.root_page_id: site.pk for site in sites}
    root_paths = dict(Page.objects.filter(pk__in=roots).values_list("path", "pk"))
    step = Page.steplen
    for agenda in EventIndexPage.objects.filter(
        depth__in={len(path) // step + 1 for path in root_paths}
    ).order_by("path"):
        root_id = root_paths.get(agenda.path[:-step])
        if root_id is not None:
            # the first agenda under the root, as agenda_for_site takes it
            agendas.setdefault(roots[root_id], agenda)
    return [
        site
        for site in sites
        if _selection_url(settings=settings.get(site.pk), agenda=agendas.get(site.pk)) is not None
    ]
