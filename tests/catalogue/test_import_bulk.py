"""import_marc --bulk on PostgreSQL (catalogue.bulk): new tables loaded with COPY, indexes built
once and swapped in. It must store exactly what the per-batch upsert stores, keep what the
files do not replace, and leave the previous catalogue untouched when it fails."""

from datetime import date

import pytest
from django.db import connection, transaction
from pymarc import Leader

from catalogue import bulk
from catalogue.backends.local import countindex
from catalogue.models import ImportRun
from catalogue.services import records_import
from catalogue.synthetic import synthetic_records
from tests.conftest import postgres_only
from tests.factories.catalogue import MarcRecordFactory, marc21_write

pytestmark = [pytest.mark.django_db, postgres_only]

TODAY = date(2026, 11, 1)


def _rows(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _previous(tmp_path):
    """The catalogue before the bulk import: 120 records, 1000000-1000119."""
    records = synthetic_records(120, seed=8, start_id=1_000_000, today=TODAY)
    return marc21_write(tmp_path / "previous.mrc", records)


def _export(tmp_path):
    """The export: 1000060-1000259 (60 replace previous records, 60 previous ones are not in
    it), a later copy of 1000100 without holdings and of 1000200 with another title, a
    deleted 1000010, and 1000005 in a file of deletes."""
    records = list(synthetic_records(200, seed=7, start_id=1_000_060, today=TODAY))
    later = MarcRecordFactory(record_id="1000100", title="Een latere versie")
    again = MarcRecordFactory(record_id="1000200", title="Nog een latere versie")
    deleted = MarcRecordFactory(record_id="1000010", title="Weg")
    deleted.leader = Leader("00000dam a2200000 i 4500")
    path = marc21_write(tmp_path / "export.mrc", [*records, later, deleted, again])
    deletes = tmp_path / "deletes.txt"
    deletes.write_text("# weg\n1000005\n", encoding="utf-8")
    return path, deletes


def _snapshot() -> dict[str, list]:
    """Every column of records (but the number and the update time), holdings, words, the
    live postings and segment entries of the count index by record id, and the schema."""
    columns = [
        row[0]
        for row in _rows(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'catalogue_record'::regclass "
            "AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('num', 'updated_at') "
            "ORDER BY attname <> 'record_id', attname"
        )
    ]
    live = (
        "WITH dead AS (SELECT unnest(nums) AS num FROM catalogue_count_dead) "
        "SELECT {what} FROM {source} JOIN catalogue_record r ON r.num = s.num "
        "WHERE s.num NOT IN (SELECT num FROM dead) ORDER BY 1, 2"
    )
    return {
        "records": _rows(
            f"SELECT {', '.join(f'{c}::text' for c in columns)} "
            "FROM catalogue_record ORDER BY record_id"
        ),
        "holdings": _rows(
            "SELECT record_id, profile, branch, location, shelf_mark, available, status, "
            "acquired_on FROM catalogue_holding ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
        ),
        "words": _rows("SELECT word FROM catalogue_word ORDER BY word"),
        "postings": _rows(
            live.format(
                what="s.term, r.record_id",
                source="(SELECT term, unnest(nums) AS num FROM catalogue_count_posting) s",
            )
        ),
        "segments": _rows(
            live.format(
                what="r.record_id, s.work, s.year",
                source="(SELECT unnest(nums) AS num, unnest(works) AS work, "
                "unnest(years) AS year FROM catalogue_count_segment) s",
            )
        ),
        "unindexed": _rows(
            "SELECT record_id FROM catalogue_record WHERE num NOT IN "
            "(SELECT unnest(nums) FROM catalogue_count_segment)"
        ),
        "schema": _rows(
            "SELECT 'index', indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN ('catalogue_record', 'catalogue_holding') "
            "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN ('catalogue_record'::regclass, 'catalogue_holding'::regclass) "
            "UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = 'catalogue_record'::regclass AND NOT tgisinternal "
            "UNION ALL SELECT 'table', relname, '' FROM pg_class WHERE relname LIKE '%%_next' "
            "ORDER BY 1, 2"
        ),
    }


class Rollback(Exception):
    pass


def _import_and_snapshot(paths, deletes, **options):
    """Import inside a savepoint, snapshot, and roll the import back."""
    result = {}
    try:
        with transaction.atomic():
            report = records_import(paths=paths, delete_paths=[deletes], batch_size=50, **options)
            result["report"] = (report.read, report.imported, report.rejected, report.deleted)
            result["snapshot"] = _snapshot()
            result["holdings ids"] = _rows("SELECT id FROM catalogue_holding")
            raise Rollback
    except Rollback:
        pass
    return result


def test_bulk_import_stores_exactly_what_the_per_batch_upsert_stores(tmp_path):
    records_import(paths=[_previous(tmp_path)], batch_size=50)
    before = _snapshot()
    path, deletes = _export(tmp_path)

    upsert = _import_and_snapshot([path], deletes)
    assert _snapshot() == before  # rolled back
    loaded = _import_and_snapshot([path], deletes, bulk=True, workers=2)

    assert loaded["report"] == upsert["report"] == (204, 202, 0, 2)
    for part in ("records", "holdings", "words", "postings", "segments", "schema"):
        assert loaded["snapshot"][part] == upsert["snapshot"][part], part
    assert loaded["snapshot"]["unindexed"] == []
    assert len({row[0] for row in loaded["holdings ids"]}) == len(loaded["holdings ids"])

    records = {row[0]: row for row in upsert["snapshot"]["records"]}
    # The previous records the export does not carry are kept, the deleted ones are gone,
    # the later copy in the file wins.
    assert "1000000" in records and "1000059" in records
    assert "1000010" not in records and "1000005" not in records
    assert len(records) == 120 + 200 - 60 - 2
    titles = dict(_rows("SELECT record_id, title FROM catalogue_record"))
    assert titles.get("1000100") != "Een latere versie"  # rolled back: the previous one
    holders = {row[0] for row in loaded["snapshot"]["holdings"]}
    previous_holders = {row[0] for row in before["holdings"]}
    # A record the export carries without 852 keeps the holdings it had.
    assert "1000100" in previous_holders & holders


def test_bulk_import_with_later_copies_in_one_batch(tmp_path):
    records = [
        MarcRecordFactory(record_id="B1", title="Eerste versie"),
        MarcRecordFactory(record_id="B2", title="Ander boek"),
        MarcRecordFactory(record_id="B1", title="Tweede versie"),
    ]
    path = marc21_write(tmp_path / "dubbel.mrc", records)
    report = records_import(paths=[path], bulk=True)
    assert (report.read, report.imported) == (3, 3)
    assert dict(_rows("SELECT record_id, title FROM catalogue_record WHERE record_id LIKE 'B%%'"))[
        "B1"
    ] == ("Tweede versie")


@pytest.mark.parametrize("failing", ["copy", "finish"])
def test_a_failed_bulk_import_leaves_the_previous_catalogue_searchable(
    tmp_path, monkeypatch, failing
):
    records_import(paths=[_previous(tmp_path)], batch_size=50)
    before = _snapshot()
    path, deletes = _export(tmp_path)
    original = getattr(bulk.BulkLoad, failing)
    calls = []

    def broken(self, *args, **kwargs):
        calls.append(1)
        if failing == "finish" or len(calls) == 2:
            if failing == "finish":
                original(self, *args, **kwargs)  # indexes built, tables swapped: then it fails
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(bulk.BulkLoad, failing, broken)
    with pytest.raises(RuntimeError):
        records_import(paths=[path], delete_paths=[deletes], batch_size=50, bulk=True)

    after = _snapshot()
    for part in ("records", "holdings", "words", "postings", "segments", "schema"):
        assert after[part] == before[part], part
    assert _rows("SELECT current_setting('bibnet.count_index_deferred', true)")[0][0] != "on"
    assert ImportRun.objects.latest("started_at").status == ImportRun.Status.FAILED
    # Searchable: the text index answers and the count index counts every match.
    matches = _rows(
        "SELECT count(*) FROM catalogue_record "
        "WHERE search_vector @@ websearch_to_tsquery('bibnet_dutch', 'geheim')"
    )[0][0]
    assert matches > 5
    index = countindex.CountIndex()
    with connection.cursor() as cursor:
        index.refresh(cursor)
        counted = index.count(cursor, text="geheim", groups=[], selected=set())
    assert counted.records == matches


def test_after_a_bulk_import_editors_writes_keep_the_count_index(tmp_path):
    records_import(paths=[_previous(tmp_path)], bulk=True)
    segments = _rows("SELECT count(*) FROM catalogue_count_segment")[0][0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalogue_record SET title = 'Nieuw' WHERE record_id = '1000001'")
    assert _rows("SELECT count(*) FROM catalogue_count_segment")[0][0] == segments + 1
    assert _rows(
        "SELECT count(*) FROM catalogue_record WHERE record_id = '1000001' "
        "AND search_vector @@ to_tsquery('bibnet_dutch', 'nieuw')"
    ) == [(1,)]
