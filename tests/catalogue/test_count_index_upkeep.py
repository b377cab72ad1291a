"""Upkeep of the count index at a million records: a bulk import that rebuilds the index once
(import_marc --bulk), the file cache a new process maps instead of reading every posting, and
the nightly compaction (migration 0010, docs/catalogue.md)."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from catalogue import bulk
from catalogue.backends.local import countindex
from catalogue.services import count_index_compact, records_import
from tests.conftest import postgres_only
from tests.factories.catalogue import SYNTHETIC_WORD, text_matches

pytestmark = [pytest.mark.django_db, postgres_only]

WORD = SYNTHETIC_WORD


@pytest.fixture
def cache(settings, tmp_path):
    settings.CATALOGUE_COUNT_INDEX_CACHE = str(tmp_path / "cache")
    settings.CATALOGUE_COUNT_INDEX_CACHE_AFTER = 0
    return tmp_path / "cache"


def _scalar(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _counted(index: countindex.CountIndex, text: str = WORD) -> tuple[int, int, dict]:
    with connection.cursor() as cursor:
        index.refresh(cursor)
        counted = index.count(cursor, text=text, groups=[], selected=set())
    return counted.records, counted.works, dict(counted.counts)


def _deferred_setting() -> str | None:
    return _scalar("SELECT current_setting('bibnet.count_index_deferred', true)")


def _segments() -> int:
    return _scalar("SELECT count(*) FROM catalogue_count_segment")


def _dead() -> int:
    return _scalar("SELECT count(*) FROM catalogue_count_dead")


def test_a_per_batch_import_adds_a_segment_per_batch(synthetic_marc_file):
    before = _segments()
    records_import(paths=[synthetic_marc_file], batch_size=50)
    assert _segments() == before + 4


def test_a_bulk_import_builds_the_index_once_and_counts_every_record(synthetic_marc_file):
    report = records_import(paths=[synthetic_marc_file], batch_size=50, bulk=True)
    assert report.imported == 200
    assert _scalar("SELECT count(*) FROM catalogue_count_segment") == 1
    assert _deferred_setting() != "on"
    records, _works, _counts = _counted(countindex.CountIndex())
    assert records == len(text_matches(WORD)) > 20
    # The triggers work again for the writes that follow: an update replaces the numbers.
    dead = _dead()
    records_import(paths=[synthetic_marc_file], batch_size=100)
    assert _segments() == 3
    assert _dead() == dead + 2
    assert _counted(countindex.CountIndex())[0] == records


def test_a_failed_bulk_import_still_rebuilds_the_index(synthetic_marc_file, monkeypatch):
    copy = bulk.BulkLoad.copy
    calls = []

    def failing(self, records, holdings):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        copy(self, records, holdings)

    monkeypatch.setattr(bulk.BulkLoad, "copy", failing)
    stored = _scalar("SELECT count(*) FROM catalogue_record")
    with pytest.raises(RuntimeError):
        records_import(paths=[synthetic_marc_file], batch_size=50, bulk=True)
    assert _deferred_setting() != "on"
    # The bulk load is one transaction: nothing of it is stored, the index is whole.
    assert _scalar("SELECT count(*) FROM catalogue_record") == stored
    assert _segments() == 1
    assert _scalar("SELECT cardinality(nums) FROM catalogue_count_segment") == stored


def test_import_marc_bulk_option(synthetic_marc_file):
    call_command(
        "import_marc", str(synthetic_marc_file), "--bulk", "--no-recommendations", verbosity=0
    )
    assert _scalar("SELECT count(*) FROM catalogue_count_segment") == 1
    assert _counted(countindex.CountIndex())[0] == len(text_matches(WORD))


def test_a_new_process_maps_the_file_cache_and_reads_only_what_came_after(
    synthetic_marc_file, cache, monkeypatch
):
    records_import(paths=[synthetic_marc_file], batch_size=100)
    first = countindex.CountIndex()
    expected = _counted(first)
    written = [path for path in cache.iterdir() if not path.name.startswith(".")]
    assert len(written) == 1
    assert json.loads((written[0] / "meta.json").read_text())["segments"] == sorted(first.segments)

    loads: list[list[int]] = []
    load = countindex.CountIndex._segments_load

    def spy(self, cursor, ids):
        loads.append(list(ids))
        load(self, cursor, ids)

    monkeypatch.setattr(countindex.CountIndex, "_segments_load", spy)
    second = countindex.CountIndex()
    assert _counted(second) == expected
    assert loads == []  # everything came from the file

    # A later batch: the process with the cache reads that segment only.
    records_import(paths=[synthetic_marc_file], batch_size=200)
    newest = _scalar("SELECT max(id) FROM catalogue_count_segment")
    third = countindex.CountIndex()
    settings_off = countindex.CountIndex()
    after = _counted(third)
    assert loads[-1] == [newest]
    monkeypatch.setattr(countindex, "cache_directory", lambda: None)
    assert _counted(settings_off) == after
    assert after[0] == len(text_matches(WORD))


def test_a_cache_of_another_database_or_of_unknown_segments_is_not_used(
    synthetic_marc_file, cache, monkeypatch
):
    records_import(paths=[synthetic_marc_file], batch_size=100)
    expected = _counted(countindex.CountIndex())
    (written,) = [path for path in cache.iterdir() if not path.name.startswith(".")]

    used = []
    load = countindex.CountIndex._cache_load

    def spy(self, cursor, segment_ids, dead_ids):
        load(self, cursor, segment_ids, dead_ids)
        used.append(bool(self.segments))

    monkeypatch.setattr(countindex.CountIndex, "_cache_load", spy)
    # Segments this database does not have (written in a transaction that was rolled back).
    meta = json.loads((written / "meta.json").read_text())
    meta["segments"].append(10**9)
    (written / "meta.json").write_text(json.dumps(meta))
    monkeypatch.setattr(countindex, "cache_min_seconds", lambda: 10**6)  # no new file
    assert _counted(countindex.CountIndex()) == expected
    assert used == [False]
    # Another database (recreated: its sequences start again) has another token.
    meta["segments"].pop()
    (written / "meta.json").write_text(json.dumps(meta))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalogue_count_meta SET token = gen_random_uuid()")
    assert _counted(countindex.CountIndex()) == expected
    assert used == [False, False]


def test_the_nightly_compaction_makes_one_segment_and_writes_the_cache(synthetic_marc_file, cache):
    segments, dead = _segments(), _dead()
    records_import(paths=[synthetic_marc_file], batch_size=50)
    records_import(paths=[synthetic_marc_file], batch_size=50)  # every record replaced once
    assert _dead() == dead + 4
    before = _counted(countindex.CountIndex())

    result = count_index_compact()
    assert result["compacted"] is True
    assert (result["segments_before"], result["dead_before"]) == (segments + 8, dead + 4)
    assert result["records"] == _scalar("SELECT count(*) FROM catalogue_record")
    assert _scalar("SELECT count(*) FROM catalogue_count_segment") == 1
    assert _scalar("SELECT count(*) FROM catalogue_count_dead") == 0
    assert (cache.joinpath(result["cache"].rsplit("/", 1)[-1]) / "meta.json").exists()
    assert _counted(countindex.CountIndex()) == before
    # The swapped-in tables keep their names, keys and the segment id sequence.
    names = _scalar(
        "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint "
        "WHERE conrelid IN ('catalogue_count_posting'::regclass, "
        "'catalogue_count_segment'::regclass)"
    )
    assert names == (
        "catalogue_count_posting_pkey,catalogue_count_posting_segment_fkey,"
        "catalogue_count_segment_pkey"
    )
    segment = _scalar("SELECT id FROM catalogue_count_segment")
    records_import(paths=[synthetic_marc_file], batch_size=200)
    assert _scalar("SELECT max(id) FROM catalogue_count_segment") > segment

    assert count_index_compact()["compacted"] is True  # the segment just added
    assert count_index_compact()["compacted"] is False  # nothing left to compact


def test_the_compaction_is_a_nightly_schedule():
    from django.utils.module_loading import import_string

    from config.schedule import SCHEDULE

    schedule = next(s for s in SCHEDULE if s.name == "catalogue_count_index")
    assert schedule.cron == "0 4 * * *"
    result = import_string(schedule.task).enqueue()  # the immediate backend of the tests
    assert result.return_value["records"] == _scalar("SELECT count(*) FROM catalogue_record")
    assert _segments() == 1


def test_the_nightly_task_writes_the_order_positions_that_new_processes_map(
    synthetic_marc_file, cache, django_assert_num_queries
):
    records_import(paths=[synthetic_marc_file], batch_size=100)
    result = count_index_compact()
    written = cache / result["cache"].rsplit("/", 1)[-1]
    assert {"rank_newest.npy", "rank_title.npy"} <= {path.name for path in written.iterdir()}
    fresh = countindex.CountIndex()
    with connection.cursor() as cursor:
        fresh.refresh(cursor)
    # The database token, once per order; no sorting.
    with django_assert_num_queries(2), connection.cursor() as cursor:
        newest = fresh._ranks(cursor, "newest")
        fresh._ranks(cursor, "title")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT num FROM catalogue_record ORDER BY COALESCE(year, 0) DESC, "
            'record_id COLLATE "C"'
        )
        nums = [row[0] for row in cursor.fetchall()]
    assert [int(newest[num]) for num in nums] == list(range(len(nums)))
