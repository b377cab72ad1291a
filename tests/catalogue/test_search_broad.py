"""Very broad searches on PostgreSQL: exact counts from the count index (checked against a
brute-force count of every match), exact newest and title orders from the position of every
record number, relevance among the matches read by number.

The bounds of catalogue/backends/local/limits.py are lowered so that 400 generated records
behave like a broad search in a catalogue of a million."""

import json
from collections import Counter
from datetime import date

import numpy as np
import pytest
from bs4 import BeautifulSoup
from django.db import connection

from catalogue.backends.base import SearchQuery, SortOrder
from catalogue.backends.local import LocalBackend, countindex, limits
from catalogue.backends.local.facets import _facets_build
from catalogue.backends.local.query import _facet_filters
from catalogue.services import records_import
from catalogue.synthetic import synthetic_records
from tests.conftest import postgres_only
from tests.factories.catalogue import (
    SYNTHETIC_WORD,
    MarcRecordFactory,
    facet_key_counts,
    records_load,
    text_matches,
)

pytestmark = [pytest.mark.django_db, postgres_only]

WORD = SYNTHETIC_WORD


@pytest.fixture
def generated(synthetic_catalogue):
    return synthetic_catalogue


@pytest.fixture
def broad(monkeypatch):
    """Searches with more than 20 matches count as broad; samples aim at about 20 records."""
    monkeypatch.setattr(limits, "CANDIDATES", 20)
    monkeypatch.setattr(limits, "TITLE_CANDIDATES", 5)
    monkeypatch.setattr(limits, "SAMPLE_SIZE", 40)
    return monkeypatch


def _matches(query: str) -> list[tuple[str, str, int | None, str]]:
    return text_matches(query)


def _facet_counts(results) -> dict[tuple[str, str], int]:
    return {(f.name, v.value): v.count for f in results.facets for v in f.values}


def test_the_word_is_broad_in_the_generated_catalogue(generated):
    assert len(_matches(WORD)) > 60


def _brute_force(text: str, facets: dict) -> tuple[int, Counter]:
    """Works and records per facet key of every match, counted in SQL and Python."""
    conditions = ["search_vector @@ websearch_to_tsquery('bibnet_dutch', %s)"]
    params: list = [text]
    for group in _facet_filters(SearchQuery(text=text, facets=facets)):
        conditions.append("(" + " OR ".join(["facet_keys @> %s::jsonb"] * len(group)) + ")")
        params += [json.dumps([key]) for key in group]
    return facet_key_counts(conditions, params)


def _shown(facets) -> list[tuple[str, list[tuple[str, int, bool]]]]:
    return [(f.name, [(v.value, v.count, v.selected) for v in f.values]) for f in facets]


QUERIES = [
    (WORD, {}),
    (WORD, {"taal": ("dut",)}),
    (WORD, {"materiaal": ("boek", "dvd"), "fictie": ("fictie",)}),
    (WORD, {"jaar": ("2024",)}),
    (f"{WORD} OR boek", {}),
    (f"{WORD} -zee", {}),
    (f"{WORD} (kat OR hond OR zee)", {"doelgroep": ("kinderen",)}),
    ("boek", {"genre": ("Thrillers",)}),
    ("-" + WORD, {}),
]


@pytest.mark.parametrize(("text", "facets"), QUERIES)
def test_broad_counts_are_exact(generated, broad, text, facets):
    """Totals and every facet value shown equal a brute-force count of all the matches."""
    results = LocalBackend(profile="gent").search(SearchQuery(text=text, facets=facets))
    works, keys = _brute_force(text, facets)
    assert results.total == works
    expected = _facets_build(keys, SearchQuery(text=text, facets=facets))
    assert _shown(results.facets) == _shown(expected)
    if works > limits.CANDIDATES:
        assert results.pageable  # the broad path was taken


def test_broad_and_narrow_paths_count_alike(generated, broad):
    broad_results = LocalBackend(profile="gent").search(SearchQuery(text=WORD))
    broad.setattr(limits, "CANDIDATES", 100_000)
    narrow_results = LocalBackend(profile="gent").search(SearchQuery(text=WORD))
    assert broad_results.pageable and not narrow_results.pageable
    assert broad_results.total == narrow_results.total
    assert _shown(broad_results.facets) == _shown(narrow_results.facets)


def test_counts_follow_updates_and_deletes(generated, broad, tmp_path):
    """Re-imported and deleted records leave the counts exact: the triggers replace their
    numbers and the search process picks up the new segments."""
    catalogue = LocalBackend(profile="gent")
    before = catalogue.search(SearchQuery(text=WORD))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT record_id FROM catalogue_record "
            "WHERE search_vector @@ websearch_to_tsquery('bibnet_dutch', %s) ORDER BY record_id",
            [WORD],
        )
        ids = [row[0] for row in cursor.fetchall()]
    # The first matching record is retitled without the word, the second one is deleted.
    path = tmp_path / "changed.mrc"
    with path.open("wb") as handle:
        for record in synthetic_records(400, seed=7, today=date(2026, 11, 1)):
            if record["001"].data == ids[0]:
                record["245"]["a"] = "Een heel ander boek"
                handle.write(record.as_marc())
    deletes = tmp_path / "deletes.txt"
    deletes.write_text(ids[1] + "\n")
    report = records_import(paths=[path], delete_paths=[deletes])
    assert (report.imported, report.deleted) == (1, 1)
    after = catalogue.search(SearchQuery(text=WORD))
    works, keys = _brute_force(WORD, {})
    assert after.total == works
    assert _shown(after.facets) == _shown(_facets_build(keys, SearchQuery(text=WORD)))
    # Every record has one material: the two records left the counts.
    assert _materials(after) == _materials(before) - 2


def _materials(results) -> int:
    return sum(v.count for f in results.facets if f.name == "materiaal" for v in f.values)


def test_a_phrase_is_counted_in_sql(generated, broad):
    """A hyphenated word becomes a phrase, which the count index leaves to SQL."""
    text = f"{WORD}-zee"
    with connection.cursor() as cursor:
        assert countindex.INDEX.count(cursor, text=text, groups=[], selected=set()) is None
    results = LocalBackend(profile="gent").search(SearchQuery(text=text))
    works, keys = _brute_force(text, {})
    assert results.total == works
    assert _shown(results.facets) == _shown(_facets_build(keys, SearchQuery(text=text)))


def test_a_compacted_index_counts_the_same(generated, broad):
    catalogue = LocalBackend(profile="gent")
    before = catalogue.search(SearchQuery(text=WORD, facets={"taal": ("dut",)}))
    with connection.cursor() as cursor:
        cursor.execute("SELECT catalogue_count_index_rebuild()")
        cursor.execute("SELECT count(*) FROM catalogue_count_segment")
        assert cursor.fetchone()[0] == 1
    after = catalogue.search(SearchQuery(text=WORD, facets={"taal": ("dut",)}))
    assert (after.total, _shown(after.facets)) == (before.total, _shown(before.facets))


def _expected_pages(text: str, sort: SortOrder, pages: int, size: int) -> list[tuple[str, int]]:
    """(record id, editions) of the first pages, worked out from every match: records in the
    order (newest: year, then record id; title: the normalised title's bytes, then record id),
    the first of each work standing for it."""
    rows = _matches(text)
    if sort == SortOrder.NEWEST:
        rows.sort(key=lambda r: (-(r[2] or 0), r[0].encode()))
    else:
        rows.sort(key=lambda r: (r[3].encode(), r[0].encode()))
    editions = Counter(work for _id, work, _y, _t in rows)
    firsts: dict[str, str] = {}
    for record_id, work, _y, _t in rows:
        firsts.setdefault(work, record_id)
    return [(record_id, editions[work]) for work, record_id in firsts.items()][: pages * size]


def _pages(catalogue, text: str, sort: SortOrder, pages: int, size: int) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    for page in range(1, pages + 1):
        results = catalogue.search(SearchQuery(text=text, sort=sort, page=page, page_size=size))
        seen += [(hit.record_id, hit.editions) for hit in results.hits]
    return seen


@pytest.mark.parametrize("sort", [SortOrder.NEWEST, SortOrder.TITLE])
def test_broad_newest_and_title_order_are_exact(generated, broad, sort):
    """Every page follows the order of the whole catalogue, one record per work with its
    editions: the newest (or first by title) match of the whole catalogue comes first and
    pages never overlap."""
    catalogue = LocalBackend(profile="gent")
    results = catalogue.search(SearchQuery(text=WORD, sort=sort, page_size=5))
    assert results.pageable  # the broad path was taken
    assert _pages(catalogue, WORD, sort, 3, 5) == _expected_pages(WORD, sort, 3, 5)


@pytest.mark.parametrize("sort", [SortOrder.NEWEST, SortOrder.TITLE])
@pytest.mark.parametrize("fresh", [1000, 0], ids=["merged-in-sql", "positions-read-again"])
def test_records_written_after_the_positions_keep_the_order_exact(
    generated, broad, tmp_path, sort, fresh
):
    """Records imported after a process read the positions of the order are sorted with the
    first matches in SQL, or, when more than ORDER_FRESH came, the positions are read again."""
    broad.setattr(limits, "ORDER_FRESH", fresh)
    catalogue = LocalBackend(profile="gent")
    catalogue.search(SearchQuery(text=WORD, sort=sort))  # the process reads the positions
    order = "newest" if sort == SortOrder.NEWEST else "title"
    before = countindex.INDEX.ranks[order]
    records_load(
        tmp_path,
        [
            MarcRecordFactory(record_id="N00001", title="Aaa, het geheim van de nacht", year=2031),
            MarcRecordFactory(record_id="N00002", title="Zzz, het geheim van de dag", year=1801),
            MarcRecordFactory(record_id="N00003", title="Het geheim van de middag", year=2025),
        ],
    )
    shown = _pages(catalogue, WORD, sort, 3, 5)
    assert shown == _expected_pages(WORD, sort, 3, 5)
    assert shown[0][0] == "N00001"  # the newest, and the first title
    assert (countindex.INDEX.ranks[order] is before) == bool(fresh)


def test_narrow_relevance_ranks_every_match_read_by_number(generated):
    """Below CANDIDATES the relevance order is that of every match: works by their best
    ranked record (rank, then newest, then record id), with their editions."""
    text = f"{WORD} zee"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT record_id, work_key FROM catalogue_record "
            "WHERE search_vector @@ websearch_to_tsquery('bibnet_dutch', %(q)s) ORDER BY "
            "ts_rank(search_vector, websearch_to_tsquery('bibnet_dutch', %(q)s)) DESC, "
            "year DESC NULLS LAST, record_id",
            {"q": text},
        )
        rows = cursor.fetchall()
    assert 5 < len(rows) < limits.CANDIDATES
    editions = Counter(work for _id, work in rows)
    firsts: dict[str, str] = {}
    for record_id, work in rows:
        firsts.setdefault(work, record_id)
    expected = [(record_id, editions[work]) for work, record_id in firsts.items()][:10]
    results = LocalBackend(profile="gent").search(SearchQuery(text=text, page_size=10))
    assert [(hit.record_id, hit.editions) for hit in results.hits] == expected
    assert results.total == len(firsts) and not results.pageable


@pytest.mark.parametrize("sort", [SortOrder.RELEVANCE, SortOrder.NEWEST, SortOrder.TITLE])
def test_title_matches_the_text_misses_are_found_and_counted_in_every_order(db, tmp_path, sort):
    """ "zonnebloe" (typed halfway) matches no word, but the title that starts with it is
    found, shown and counted in its facets, whatever the order."""
    records_load(
        tmp_path,
        [
            MarcRecordFactory(record_id="Z00001", title="Zonnebloemen in de tuin", year=2020),
            MarcRecordFactory(record_id="Z00002", title="Tulpen in de tuin", year=2021),
        ],
    )
    assert _matches("zonnebloe") == []
    results = LocalBackend(profile="gent").search(SearchQuery(text="zonnebloe", sort=sort))
    assert [hit.record_id for hit in results.hits] == ["Z00001"]
    assert results.total == 1
    assert _facet_counts(results)[("materiaal", "boek")] == 1


def test_the_process_keeps_lexeme_postings_and_facet_masks(generated, broad):
    """A second search for the same word reads no postings; a filter is evaluated from the
    facet keys per record the process holds; both are forgotten when the index changes."""
    broad.setattr(countindex.CountIndex, "LEXEME_KEPT_FROM", 10)
    catalogue = LocalBackend(profile="gent")
    catalogue.search(SearchQuery(text=WORD, facets={"taal": ("dut",)}))
    assert f"w{WORD}" in countindex.INDEX.lexemes
    sent = []

    def spy(execute, sql, params, many, context):
        if isinstance(params, dict) and "known" in params:
            sent.append(params["known"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        again = catalogue.search(SearchQuery(text=WORD, facets={"taal": ("dut",)}))
    assert f"w{WORD}" in sent[0]  # left out of the postings the statement reads
    assert again.total == _brute_force(WORD, {"taal": ("dut",)})[0]
    assert "t:dut" in countindex.INDEX.key_masks
    mask = countindex.INDEX.key_masks["t:dut"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalogue_record WHERE facet_keys @> '[\"t:dut\"]'")
        assert int(np.count_nonzero(mask & countindex.INDEX.live)) == cursor.fetchone()[0]
        gone = _matches(WORD)[0][0]
        cursor.execute("DELETE FROM catalogue_holding WHERE record_id = %s", [gone])
        cursor.execute("DELETE FROM catalogue_record WHERE record_id = %s", [gone])
    results = catalogue.search(SearchQuery(text=WORD, facets={"taal": ("dut",)}))
    works, _keys = _brute_force(WORD, {"taal": ("dut",)})
    assert results.total == works


def test_broad_counts_are_rolled_up_once_per_index_state(generated, broad):
    """The counts of a broad match set are kept: the same search (another sort or page)
    counts no facet keys again and stays exact; a deleted record makes them be counted anew."""
    broad.setattr(countindex.CountIndex, "ROLLUP_FROM", 10)
    counted = []
    per_key = countindex.CountIndex._per_key

    def spy(self, nums):
        counted.append(nums.size)
        return per_key(self, nums)

    broad.setattr(countindex.CountIndex, "_per_key", spy)
    catalogue = LocalBackend(profile="gent")
    facets = {"taal": ("dut",)}
    first = catalogue.search(SearchQuery(text=WORD, facets=facets))
    assert counted
    counted.clear()
    again = catalogue.search(SearchQuery(text=WORD, facets=facets, sort=SortOrder.NEWEST))
    assert counted == []  # rolled up
    works, keys = _brute_force(WORD, facets)
    assert first.total == again.total == works
    expected = _shown(_facets_build(keys, SearchQuery(text=WORD, facets=facets)))
    assert _shown(first.facets) == _shown(again.facets) == expected
    # Another filter is another match set.
    other = catalogue.search(SearchQuery(text=WORD))
    assert counted and other.total == _brute_force(WORD, {})[0]
    with connection.cursor() as cursor:
        gone = _matches(WORD)[0][0]
        cursor.execute("DELETE FROM catalogue_holding WHERE record_id = %s", [gone])
        cursor.execute("DELETE FROM catalogue_record WHERE record_id = %s", [gone])
    counted.clear()
    after = catalogue.search(SearchQuery(text=WORD, facets=facets))
    assert counted  # the index changed: counted again
    works, keys = _brute_force(WORD, facets)
    assert after.total == works
    assert _shown(after.facets) == _shown(
        _facets_build(keys, SearchQuery(text=WORD, facets=facets))
    )


def test_broad_lexemes_counted_ahead_are_mapped_by_new_processes(
    generated, broad, settings, tmp_path
):
    """The nightly task counts every broad lexeme into the file cache; a new process with
    the same state takes a word's counts from there (no facet keys counted) and they equal
    brute force; with a facet filter, or once the index changed, it counts."""
    settings.CATALOGUE_COUNT_INDEX_CACHE = str(tmp_path / "cache")
    broad.setattr(countindex.CountIndex, "LEXEME_ROLLUP_FROM", 10)
    broad.setattr(countindex.CountIndex, "ROLLUP_FROM", 10**9)  # no rollups of match sets
    nightly = countindex.CountIndex()
    with connection.cursor() as cursor:
        nightly.refresh(cursor)
        nightly.orders_load(cursor)
    assert WORD in nightly.lexeme_rollups
    counted = []
    per_key = countindex.CountIndex._per_key

    def spy(self, nums):
        counted.append(nums.size)
        return per_key(self, nums)

    broad.setattr(countindex.CountIndex, "_per_key", spy)
    broad.setattr(countindex, "INDEX", countindex.CountIndex())  # a new process
    catalogue = LocalBackend(profile="gent")
    results = catalogue.search(SearchQuery(text=WORD))
    assert WORD in countindex.INDEX.lexeme_rollups  # mapped from the file cache
    assert counted == []
    works, keys = _brute_force(WORD, {})
    assert results.total == works
    assert _shown(results.facets) == _shown(_facets_build(keys, SearchQuery(text=WORD)))
    filtered = catalogue.search(SearchQuery(text=WORD, facets={"taal": ("dut",)}))
    assert counted
    assert filtered.total == _brute_force(WORD, {"taal": ("dut",)})[0]
    with connection.cursor() as cursor:
        gone = _matches(WORD)[0][0]
        cursor.execute("DELETE FROM catalogue_holding WHERE record_id = %s", [gone])
        cursor.execute("DELETE FROM catalogue_record WHERE record_id = %s", [gone])
    counted.clear()
    after = catalogue.search(SearchQuery(text=WORD))
    assert counted  # another state: counted, not taken from the cache
    assert countindex.INDEX.lexeme_rollups == {}
    works, keys = _brute_force(WORD, {})
    assert after.total == works
    assert _shown(after.facets) == _shown(_facets_build(keys, SearchQuery(text=WORD)))


def test_a_rollup_is_not_used_when_a_title_match_is_outside_it(generated, broad):
    """Title matches the text misses are added to the match set: kept counts without them
    are not used."""
    broad.setattr(countindex.CountIndex, "ROLLUP_FROM", 10)
    index = countindex.INDEX
    with connection.cursor() as cursor:
        index.refresh(cursor)
    nums = np.flatnonzero(index.live)[:50]
    rolled = index.counted(nums[:40], set())
    index._rollup_keep(("key",), rolled)
    assert index._rollup(("key",), nums[:5]).records == 40  # inside: used
    assert index._rollup(("key",), nums[45:46]) is None  # outside: counted anew
    assert index._rollup(("other",), nums[:5]) is None
    # Counts handed out are copies: changing them leaves the kept ones alone.
    index._rollup(("key",), nums[:0]).counts.clear()
    assert index._rollup(("key",), nums[:0]).counts == rolled.counts


def test_broad_newest_groups_editions_and_counts_them(generated, broad):
    results = LocalBackend(profile="gent").search(
        SearchQuery(text=WORD, sort=SortOrder.NEWEST, page_size=50)
    )
    editions: dict[str, int] = {}
    for _id, work, _y, _t in _matches(WORD):
        editions[work] = editions.get(work, 0) + 1
    works_of = {record_id: work for record_id, work, _y, _t in _matches(WORD)}
    shown = [works_of[hit.record_id] for hit in results.hits]
    assert len(shown) == len(set(shown))
    assert [hit.editions for hit in results.hits] == [editions[work] for work in shown]


def test_broad_relevance_pages_only_through_its_candidates(generated, broad):
    results = LocalBackend(profile="gent").search(SearchQuery(text=WORD, page_size=5))
    assert results.num_pages == -(-results.pageable // 5)
    assert results.pageable <= 4 * 40 + 5  # the ranked sample and the title matches
    assert results.num_pages < -(-results.total // 5)


def test_broad_relevance_still_puts_an_exact_title_first(generated, broad):
    title = next(
        title for _i, _w, _y, title in _matches(WORD) if title.startswith("het geheim van")
    )
    results = LocalBackend(profile="gent").search(SearchQuery(text=title))
    assert results.hits[0].title.lower().startswith("het geheim van")


def test_broad_search_is_a_few_statements(generated, broad, django_assert_max_num_queries):
    catalogue = LocalBackend(profile="gent")
    # The process loads the count index and the positions of the orders, as a running site.
    for sort in (SortOrder.RELEVANCE, SortOrder.NEWEST, SortOrder.TITLE):
        catalogue.search(SearchQuery(text="boek", sort=sort))
    for sort in (SortOrder.RELEVANCE, SortOrder.NEWEST, SortOrder.TITLE):
        # savepoint, the count index (settings, tsquery, fingerprint, postings and title
        # matches in one round trip), the ranked sample (relevance only), the records by
        # number or id, holdings, release
        with django_assert_max_num_queries(6 if sort == SortOrder.RELEVANCE else 5):
            results = catalogue.search(SearchQuery(text=WORD, sort=sort))
        assert results.pageable


def test_results_page_shows_exact_counts(generated, broad, site_a):
    response = site_a.client_for().get("/catalogus/", {"q": WORD, "materiaal": "boek"})
    assert response.status_code == 200
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    works, keys = _brute_force(WORD, {"materiaal": ("boek",)})
    heading = soup.select_one("#catalogue-results-heading").get_text(" ", strip=True)
    assert heading.startswith(f"{works} resultaten")
    assert "Ongeveer" not in html and "ca. " not in html and "schatting" not in html
    labels = {label.get_text(" ", strip=True) for label in soup.select(".catalogue__facet label")}
    assert f"Boek ({keys['m:boek']} resultaten)" in labels or any(
        label.startswith("boek") and f"({keys['m:boek']} " in label for label in labels
    )
