"""Writes to the local catalogue index: the MARC import with upserts on 001, deletes and
holdings per branch."""

from __future__ import annotations

import json
import logging
import multiprocessing
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from catalogue.backends.local.countindex import CountIndex
from catalogue.bulk import BulkLoad, bulk_load_possible
from catalogue.marc import MappedRecord, normalise_text, record_map
from catalogue.messages import NOT_PROCESSED, NOT_STORED, StoredMessage
from catalogue.models import Holding, ImportRun, Record, Word
from catalogue.readers import (
    Frame,
    ReadResult,
    format_guess,
    frame_parse,
    iso2709_frames,
    records_read,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_STORED_ERRORS = 1000
FACET_VALUE_LENGTH = 120

UPDATE_FIELDS = [
    f.name for f in Record._meta.concrete_fields if f.name not in ("record_id", "search_vector")
]


@dataclass
class RejectedRecord:
    source: str
    position: int
    record_id: str
    reason: StoredMessage | str

    def as_dict(self) -> dict[str, object]:
        # "reason" is the text at import time (for exports and older readers); "message" is
        # what the admin translates when it shows the run.
        data: dict[str, object] = {
            "source": self.source,
            "position": self.position,
            "id": self.record_id,
            "reason": str(self.reason)[:300],
        }
        if isinstance(self.reason, StoredMessage):
            data["message"] = self.reason.as_dict()
        return data


@dataclass
class ImportReport:
    run: ImportRun | None = None
    read: int = 0
    imported: int = 0
    rejected: int = 0
    deleted: int = 0
    errors: list[RejectedRecord] = field(default_factory=list)
    # Seconds per step of a bulk load after the records are read (indexes, swap, count index).
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        return self.read == self.imported + self.rejected + self.deleted


def facet_keys_for(mapped: MappedRecord) -> list[str]:
    """Denormalised facet values ('prefix:value'), filtered and counted by the local backend."""
    keys = [f"m:{mapped.material}"]
    if mapped.audience:
        keys.append(f"d:{mapped.audience}")
    keys.extend(f"t:{code}" for code in mapped.languages[:3])
    keys.extend(f"g:{genre[:FACET_VALUE_LENGTH]}" for genre in mapped.genres[:6])
    subjects = [s.split(" ; ")[0] for s in [*mapped.theme_words, *mapped.subjects]]
    keys.extend(f"o:{s[:FACET_VALUE_LENGTH]}" for s in dict.fromkeys(subjects) if s)
    keys.extend(f"a:{a['name'][:FACET_VALUE_LENGTH]}" for a in mapped.authors[:4])
    if mapped.year:
        keys.append(f"j:{mapped.year}")
    if mapped.fiction is not None:
        keys.append("f:fictie" if mapped.fiction else "f:non-fictie")
    keys.extend(f"i:{isbn}" for isbn in mapped.isbns[:6])
    return list(dict.fromkeys(keys))[:40]


def _cut(value: str, length: int) -> str:
    return value[:length]


def record_values(mapped: MappedRecord, *, with_search_text: bool = True) -> dict[str, object]:
    """Column values of one record, derived search columns included."""
    author_text = " ; ".join(a["name"] for a in mapped.authors)
    subject_text = " ".join([*mapped.subjects, *mapped.theme_words, *mapped.genres, *mapped.series])
    title_full = f"{mapped.title} {mapped.subtitle}".strip()
    if with_search_text:
        search_text = normalise_text(
            " ".join(
                [
                    title_full,
                    " ".join(t["title"] for t in mapped.other_titles),
                    mapped.responsibility,
                    author_text,
                    subject_text,
                    mapped.publisher,
                    mapped.summary,
                    " ".join(mapped.isbns),
                ]
            )
        )
    else:
        search_text = ""  # PostgreSQL searches search_vector; the fallback text is not needed
    return {
        "record_id": mapped.record_id,
        "title": _cut(mapped.title, 500),
        "subtitle": _cut(mapped.subtitle, 500),
        "responsibility": _cut(mapped.responsibility, 500),
        "authors": mapped.authors[:30],
        "edition": _cut(mapped.edition, 200),
        "publisher": _cut(mapped.publisher, 300),
        "place": _cut(mapped.place, 200),
        "year": mapped.year,
        "physical_description": _cut(mapped.physical_description, 300),
        "series": mapped.series[:10],
        "other_titles": mapped.other_titles[:20],
        "subjects": mapped.subjects[:50],
        "theme_words": mapped.theme_words[:50],
        "genres": mapped.genres[:20],
        "summary": mapped.summary[:10000],
        "audience": mapped.audience,
        "audience_note": _cut(mapped.audience_note, 300),
        "age_min": mapped.age_min,
        "isbns": mapped.isbns[:20],
        "language": mapped.language,
        "languages": mapped.languages[:10],
        "siso": mapped.siso,
        "material": mapped.material,
        "fiction": mapped.fiction,
        "work_key": mapped.work_key,
        "cover_url": mapped.cover_url,
        "acquired_on": mapped.acquired_on,
        "author_text": author_text[:5000],
        "subject_text": subject_text[:10000],
        "title_norm": _cut(normalise_text(title_full), 500),
        "search_text": search_text[:20000],
        "facet_keys": facet_keys_for(mapped),
    }


def record_build(mapped: MappedRecord) -> Record:
    return Record(**record_values(mapped))


def words_for(batch: dict[str, MappedRecord]) -> list[str]:
    """Words of titles and author names, the vocabulary that typo correction draws on."""
    words: set[str] = set()
    for mapped in batch.values():
        text = " ".join(
            [
                mapped.title,
                mapped.subtitle,
                *(t["title"] for t in mapped.other_titles[:6]),
                *(a["name"] for a in mapped.authors[:4]),
            ]
        )
        words.update(w for w in normalise_text(text).split() if 3 <= len(w) <= 40)
    return sorted(words)


def _batch_write(batch: dict[str, MappedRecord], rows: dict[str, list] | None = None) -> None:
    """Upsert a batch. `rows`: COPY rows already built (by the parsing processes) per id."""
    if connection.vendor == "postgresql":
        _batch_write_postgres(batch, rows or {})
        return
    Word.objects.bulk_create([Word(word=w) for w in words_for(batch)], ignore_conflicts=True)
    Record.objects.bulk_create(
        [record_build(m) for m in batch.values()],
        update_conflicts=True,
        unique_fields=["record_id"],
        update_fields=UPDATE_FIELDS,
    )
    with_holdings = [m for m in batch.values() if m.holdings]
    if with_holdings:
        # The export carries the holdings of these records: it replaces what was stored.
        Holding.objects.filter(record_id__in=[m.record_id for m in with_holdings]).delete()
        Holding.objects.bulk_create(
            [Holding(record_id=m.record_id, **h) for m in with_holdings for h in m.holdings]
        )


# search_vector and sample_key are filled by the database trigger.
RECORD_COLUMNS = [
    f.column for f in Record._meta.concrete_fields if f.name not in ("search_vector", "sample_key")
]
JSON_COLUMNS = {
    f.column for f in Record._meta.concrete_fields if f.get_internal_type() == "JSONField"
}
HOLDING_COLUMNS = [
    "record_id",
    "profile",
    "branch",
    "location",
    "shelf_mark",
    "available",
    "status",
    "acquired_on",
]


UPDATED_AT = RECORD_COLUMNS.index("updated_at")


def copy_row(mapped: MappedRecord) -> list:
    """The record's values in RECORD_COLUMNS order as COPY takes them (JSON serialised);
    updated_at is set when the batch is written."""
    values = record_values(mapped, with_search_text=False)
    values["updated_at"] = None
    return [_json(values[c]) if c in JSON_COLUMNS else values[c] for c in RECORD_COLUMNS]


# jsonb stores the same value whether non-ASCII text is escaped or not; unescaped is faster.
_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_escape(match: re.Match) -> str:
    return _COPY_ESCAPES[match.group()]


def _copy_field(value: object) -> str:
    """One value in COPY's text format, as psycopg's write_row would send it."""
    if type(value) is str:
        return _COPY_SPECIAL.sub(_copy_escape, value) if _COPY_SPECIAL.search(value) else value
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def copy_line(row: list) -> str:
    """A COPY row (copy_row) as one line of COPY's text format."""
    return "\t".join(map(_copy_field, row)) + "\n"


def holding_lines(mapped: MappedRecord) -> str:
    return "".join(
        copy_line([mapped.record_id, *(holding[c] for c in HOLDING_COLUMNS[1:])])
        for holding in mapped.holdings
    )


def _batch_write_postgres(batch: dict[str, MappedRecord], rows: dict[str, list]) -> None:
    """The same upsert as bulk_create(update_conflicts=True), through COPY into a temporary
    table: Django's multi-row INSERT spends most of an import building and splitting SQL."""
    now = timezone.now()
    columns = ", ".join(RECORD_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in RECORD_COLUMNS if c != "record_id")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS catalogue_record_load "
            "(LIKE catalogue_record INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        # An import inside an outer transaction (the demo build, tests) never commits between
        # batches, so ON COMMIT alone would leave the previous batch behind.
        raw.execute("TRUNCATE catalogue_record_load")
        # The record number (migration 0007) is drawn when the row reaches catalogue_record,
        # not twice. The triggers there keep the count index up to date.
        raw.execute(
            "ALTER TABLE catalogue_record_load ALTER COLUMN num DROP DEFAULT, "
            "ALTER COLUMN num DROP NOT NULL"
        )
        with raw.copy(f"COPY catalogue_record_load ({columns}) FROM STDIN") as copy:
            for record_id, mapped in batch.items():
                row = rows.get(record_id) or copy_row(mapped)
                row[UPDATED_AT] = now
                copy.write_row(row)
        raw.execute(
            f"INSERT INTO catalogue_record ({columns}) SELECT {columns} "
            f"FROM catalogue_record_load ON CONFLICT (record_id) DO UPDATE SET {updates}"
        )
        raw.execute(
            "INSERT INTO catalogue_word (word) SELECT unnest(%s::varchar[]) ON CONFLICT DO NOTHING",
            [words_for(batch)],
        )
        with_holdings = [m for m in batch.values() if m.holdings]
        if with_holdings:
            raw.execute(
                "DELETE FROM catalogue_holding WHERE record_id = ANY(%s)",
                [[m.record_id for m in with_holdings]],
            )
            holding_columns = ", ".join(HOLDING_COLUMNS)
            with raw.copy(f"COPY catalogue_holding ({holding_columns}) FROM STDIN") as copy:
                for mapped in with_holdings:
                    for holding in mapped.holdings:
                        copy.write_row(
                            [mapped.record_id, *(holding[c] for c in HOLDING_COLUMNS[1:])]
                        )


def _batch_flush(
    batch: dict[str, MappedRecord],
    positions: dict[str, tuple[str, int]],
    report: ImportReport,
    rows: dict[str, list] | None = None,
) -> None:
    """One transaction per batch; when the batch fails, retry record by record in savepoints
    so one bad record cannot take the others down."""
    if not batch:
        return
    try:
        with transaction.atomic():
            _batch_write(batch, rows)
        report.imported += len(batch)
        return
    except DatabaseError:
        logger.warning("Batch write failed; retrying record by record", exc_info=True)
    for record_id, mapped in batch.items():
        try:
            with transaction.atomic():
                _batch_write({record_id: mapped}, rows)
            report.imported += 1
        except DatabaseError as exc:
            source, position = positions[record_id]
            report.rejected += 1
            report.errors.append(
                RejectedRecord(
                    source, position, record_id, StoredMessage.of(NOT_STORED, detail=exc)
                )
            )


def _deletes_apply(record_ids: Iterable[str]) -> int:
    ids = list(dict.fromkeys(record_ids))
    deleted = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        with transaction.atomic():
            Holding.objects.filter(record_id__in=chunk).delete()
            deleted += Record.objects.filter(record_id__in=chunk).delete()[0]
    return deleted


def delete_file_read(path: Path) -> list[str]:
    """One record id per line; blank lines and '#' comments are ignored."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class MapResult:
    position: int
    mapped: MappedRecord | None
    error: StoredMessage | str = ""
    raw_id: str = ""
    # On PostgreSQL the COPY row, built where the record was parsed (in a worker process
    # when there are several): it takes work off the process that writes to the database.
    row: list | None = None
    # A bulk import's COPY lines (then `mapped` is None and `raw_id` the record id).
    bulk: BulkRow | None = None


def _result_map(result: ReadResult, *, rows: bool = True) -> MapResult:
    if result.record is None:
        return MapResult(result.position, None, result.error, result.raw_id)
    try:
        mapped = record_map(result.record)
        row = (
            copy_row(mapped)
            if rows and connection.vendor == "postgresql" and not mapped.deleted
            else None
        )
        return MapResult(result.position, mapped, row=row)
    except Exception as exc:  # noqa: BLE001 - a mapping error rejects one record
        raw_id = next((f.data for f in result.record.get_fields("001")), "")
        if exc.args and isinstance(exc.args[0], StoredMessage):
            reason = exc.args[0]
        elif isinstance(exc, ValueError) and not isinstance(exc, UnicodeError):
            reason = str(exc)
        else:
            reason = StoredMessage.of(NOT_PROCESSED, detail=repr(exc))
        return MapResult(result.position, None, reason, str(raw_id or "")[:64])


def _frames_map(frames: list[Frame]) -> list[MapResult]:
    return [_result_map(frame_parse(frame)) for frame in frames]


@dataclass
class BulkRow:
    """What a bulk import needs of one record, built where it was parsed: its COPY lines
    and its words. Small to send from a worker process (no MappedRecord)."""

    record_id: str
    line: str
    holdings: str
    words: list[str]


def _bulk_result(result: ReadResult, updated_at: datetime) -> MapResult:
    mapped_result = _result_map(result, rows=False)
    mapped = mapped_result.mapped
    if mapped is None or mapped.deleted:
        return mapped_result
    row = copy_row(mapped)
    row[UPDATED_AT] = updated_at
    mapped_result.mapped = None
    mapped_result.bulk = BulkRow(
        mapped.record_id, copy_line(row), holding_lines(mapped), words_for({"": mapped})
    )
    mapped_result.raw_id = mapped.record_id
    return mapped_result


def _frames_bulk(updated_at: datetime, frames: list[Frame]) -> list[MapResult]:
    return [_bulk_result(frame_parse(frame), updated_at) for frame in frames]


def _mapped_stream(
    path: Path, fmt: str, workers: int, bulk_at: datetime | None = None
) -> Iterator[MapResult]:
    """Parse and map the records of one file, in `workers` processes for ISO 2709.
    `bulk_at`: build a bulk import's COPY lines (BulkRow) with that update time."""
    if fmt != "marc21" or workers <= 1:
        for result in records_read(path, fmt):
            yield _bulk_result(result, bulk_at) if bulk_at else _result_map(result)
        return

    def chunks() -> Iterator[list[Frame]]:
        chunk: list[Frame] = []
        for frame in iso2709_frames(path):
            chunk.append(frame)
            if len(chunk) >= 1000:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    work = partial(_frames_bulk, bulk_at) if bulk_at else _frames_map
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for results in pool.imap(work, chunks()):
            yield from results


def records_import(
    *,
    paths: list[Path],
    fmt: str | None = None,
    delete_paths: list[Path] | None = None,
    progress: Callable[[ImportReport], None] | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
    bulk: bool = False,
) -> ImportReport:
    """Import MARC files into the local index. Upserts on 001; records with leader/05 'd' and
    ids in the delete files are removed. Every record read is counted once as imported,
    rejected or deleted. `workers` > 1 parses ISO 2709 in that many processes. `bulk` (on
    PostgreSQL): the count index is not kept per batch but rebuilt once at the end (a full
    reload); until then searches count what the index held before the import."""

    run = ImportRun.objects.create(
        sources=[str(p) for p in [*paths, *(delete_paths or [])]],
        format=fmt or "auto",
    )
    report = ImportReport(run=run)
    bulk = bulk and connection.vendor == "postgresql"
    loader: _Loader = _UpsertLoader()
    if bulk:
        with connection.cursor() as cursor:
            if bulk_load_possible(cursor.cursor):
                loader = _BulkLoader()
    # A bulk load reports the count index's rebuild as one of its steps.
    steps = report.steps if isinstance(loader, _BulkLoader) else None
    with count_index_deferred(bulk, steps=steps):
        return _records_run(
            run,
            report,
            loader,
            paths=paths,
            fmt=fmt,
            delete_paths=delete_paths,
            progress=progress,
            batch_size=batch_size,
            workers=workers,
        )


@contextmanager
def count_index_deferred(
    deferred: bool, *, steps: dict[str, float] | None = None
) -> Iterator[None]:
    """Within: this session's writes skip the count index triggers (migration 0010). After,
    also when the import failed half-way: the index is rebuilt from every record."""
    if not deferred:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET bibnet.count_index_deferred = 'on'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET bibnet.count_index_deferred")
            started = time.monotonic()
            cursor.execute("SELECT catalogue_count_index_rebuild()")
            seconds = time.monotonic() - started
            logger.info("Count index rebuilt in %.1f s", seconds)
            if steps is not None:
                steps["count index"] = seconds


class _Loader(Protocol):
    """Where an import run writes its records; _records_run does the run's bookkeeping."""

    # Parse the records into a bulk import's COPY lines (BulkRow) with this update time.
    bulk_at: datetime | None

    def session(self) -> AbstractContextManager[object]:
        """Around the whole run: the records are written within it."""

    def flush(
        self,
        batch: dict[str, MapResult],
        positions: dict[str, tuple[str, int]],
        report: ImportReport,
    ) -> None:
        """Write one batch (the last result per record id); count what is imported or rejected."""

    def delete(self, record_ids: list[str]) -> None: ...

    def finish(self, report: ImportReport) -> None:
        """After the last batch and delete, within the session."""


def _records_run(
    run: ImportRun,
    report: ImportReport,
    loader: _Loader,
    *,
    paths: list[Path],
    fmt: str | None,
    delete_paths: list[Path] | None,
    progress: Callable[[ImportReport], None] | None,
    batch_size: int,
    workers: int,
) -> ImportReport:
    """One import run, whichever loader writes it: every record read is counted once (imported,
    rejected or deleted), progress is reported per batch and per file, rejected records go to
    the error report, and the run ends as done, rejected or failed."""
    try:
        with loader.session():
            for path in paths:
                path_format = fmt or format_guess(path)
                batch: dict[str, MapResult] = {}
                positions: dict[str, tuple[str, int]] = {}
                deletes: list[str] = []
                for result in _mapped_stream(path, path_format, workers, bulk_at=loader.bulk_at):
                    report.read += 1
                    if result.bulk is not None:
                        record_id = result.bulk.record_id
                    elif result.mapped is None:
                        report.rejected += 1
                        report.errors.append(
                            RejectedRecord(path.name, result.position, result.raw_id, result.error)
                        )
                        continue
                    elif result.mapped.deleted:
                        deletes.append(result.mapped.record_id)
                        batch.pop(result.mapped.record_id, None)
                        report.deleted += 1
                        continue
                    else:
                        record_id = result.mapped.record_id
                    if record_id in batch:
                        # A later copy of the same 001 in one batch wins; both count as imported.
                        report.imported += 1
                    batch[record_id] = result
                    positions[record_id] = (path.name, result.position)
                    if len(batch) >= batch_size:
                        loader.flush(batch, positions, report)
                        batch, positions = {}, {}
                        if progress:
                            progress(report)
                if batch:
                    loader.flush(batch, positions, report)
                if deletes:
                    loader.delete(deletes)
                if progress:
                    progress(report)
            for delete_path in delete_paths or []:
                ids = delete_file_read(delete_path)
                report.read += len(ids)
                report.deleted += len(ids)
                loader.delete(ids)
            loader.finish(report)
    except Exception:
        run.status = ImportRun.Status.FAILED
        _run_save(run, report)
        raise
    run.status = ImportRun.Status.REJECTED if report.rejected else ImportRun.Status.DONE
    _run_save(run, report)
    return report


class _UpsertLoader:
    """Upserts into the live tables, one transaction per batch (_batch_flush)."""

    bulk_at = None

    def session(self) -> AbstractContextManager[object]:
        return nullcontext()

    def flush(
        self,
        batch: dict[str, MapResult],
        positions: dict[str, tuple[str, int]],
        report: ImportReport,
    ) -> None:
        rows = {record_id: r.row for record_id, r in batch.items() if r.row is not None}
        records = {record_id: r.mapped for record_id, r in batch.items()}
        _batch_flush(records, positions, report, rows)

    def delete(self, record_ids: list[str]) -> None:
        _deletes_apply(record_ids)

    def finish(self, report: ImportReport) -> None:
        pass


def _bulk_flush(
    load: BulkLoad,
    batch: dict[str, BulkRow],
    positions: dict[str, tuple[str, int]],
    report: ImportReport,
    stored: set[str],
    words: set[str],
) -> None:
    """COPY a batch into the new tables, in a savepoint; when it fails, record by record
    (as _batch_flush). A record stored by an earlier batch is replaced."""
    if not batch:
        return
    try:
        with transaction.atomic():
            earlier = [record_id for record_id in batch if record_id in stored]
            load.replace(earlier, [r for r in earlier if batch[r].holdings])
            load.copy(
                (row.line for row in batch.values()), (row.holdings for row in batch.values())
            )
        report.imported += len(batch)
        stored.update(batch)
        for row in batch.values():
            words.update(row.words)
        return
    except DatabaseError:
        logger.warning("Bulk batch failed; retrying record by record", exc_info=True)
    for record_id, row in batch.items():
        try:
            with transaction.atomic():
                if record_id in stored:
                    load.replace([record_id], [record_id] if row.holdings else [])
                load.copy([row.line], [row.holdings])
            report.imported += 1
            stored.add(record_id)
            words.update(row.words)
        except DatabaseError as exc:
            source, position = positions[record_id]
            report.rejected += 1
            report.errors.append(
                RejectedRecord(
                    source, position, record_id, StoredMessage.of(NOT_STORED, detail=exc)
                )
            )


class _BulkLoader:
    """`--bulk` on PostgreSQL (catalogue.bulk): the same records, holdings, words and counts
    as _UpsertLoader, loaded into new tables that replace the live ones in one transaction
    at the end."""

    def __init__(self) -> None:
        self.bulk_at: datetime = timezone.now()
        self.stored: set[str] = set()
        self.words: set[str] = set()
        self.load: BulkLoad | None = None
        self.cursor = None

    @contextmanager
    def session(self) -> Iterator[None]:
        with transaction.atomic(), connection.cursor() as cursor:
            self.cursor = cursor
            self.load = BulkLoad(cursor.cursor, RECORD_COLUMNS, HOLDING_COLUMNS)
            self.load.prepare()
            yield

    def flush(
        self,
        batch: dict[str, MapResult],
        positions: dict[str, tuple[str, int]],
        report: ImportReport,
    ) -> None:
        rows = {record_id: r.bulk for record_id, r in batch.items()}
        _bulk_flush(self.load, rows, positions, report, self.stored, self.words)

    def delete(self, record_ids: list[str]) -> None:
        self.load.delete(record_ids)

    def finish(self, report: ImportReport) -> None:
        self.cursor.execute(
            "INSERT INTO catalogue_word (word) SELECT unnest(%s::varchar[]) ON CONFLICT DO NOTHING",
            [sorted(self.words)],
        )
        report.steps.update(self.load.finish())


def _run_save(run: ImportRun, report: ImportReport) -> None:
    run.finished_at = timezone.now()
    run.read = report.read
    run.imported = report.imported
    run.rejected = report.rejected
    run.deleted = report.deleted
    run.errors = [e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]]
    run.save()


def count_index_compact() -> dict[str, object]:
    """The nightly upkeep of the count index (PostgreSQL): the segments that the imports and
    edits of the day added, and the numbers they replaced, become one segment again
    (`catalogue_count_index_rebuild()`, swapped in, so searches do not wait); then the index
    is loaded once here and written to the file cache, so a web process that sees the new
    index maps the file instead of reading every posting itself."""
    if connection.vendor != "postgresql":
        return {"compacted": False}
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM catalogue_count_segment), "
            "(SELECT count(*) FROM catalogue_count_dead)"
        )
        segments, dead = cursor.fetchone()
        compacted = segments > 1 or dead > 0
        if compacted:
            cursor.execute("SELECT catalogue_count_index_rebuild()")
    rebuilt = time.monotonic()
    index = CountIndex()
    with connection.cursor() as cursor:
        index.refresh(cursor)
        cache = index.cache_save(cursor)
        # The positions of the records in the newest and title orders go to the same cache.
        index.orders_load(cursor)
    return {
        "compacted": compacted,
        "segments_before": segments,
        "dead_before": dead,
        "records": index.catalogue,
        "rebuild_seconds": round(rebuilt - started, 1),
        "load_seconds": round(time.monotonic() - rebuilt, 1),
        "cache": str(cache or ""),
    }
