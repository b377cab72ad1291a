"""Very broad searches on PostgreSQL: exact counts from the count index (checked against a
brute-force count of every match), exact sorting by walking the year and title indexes.

The bounds of catalogue/backends/local/limits.py are lowered so that 400 generated records
behave like a broad search in a catalogue of a million."""

import json
from collections import Counter
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from catalogue.backends.base import SearchQuery, SortOrder
from catalogue.backends.local import LocalBackend, _PostgresSearch, countindex, limits
from catalogue.backends.local.facets import _facets_build
from catalogue.backends.local.query import _facet_filters
from catalogue.services import records_import
from catalogue.synthetic import synthetic_records
from tests.conftest import postgres_only

pytestmark = [pytest.mark.django_db, postgres_only]

WORD = "geheim"  # the synthetic titles' most frequent noun ("Het geheim van ...")


@pytest.fixture
def generated(tmp_path):
    path = tmp_path / "generated.mrc"
    with path.open("wb") as handle:
        for record in synthetic_records(400, seed=7, today=date(2026, 11, 1)):
            handle.write(record.as_marc())
    report = records_import(paths=[path])
    assert report.imported == 400
    return report


@pytest.fixture
def broad(monkeypatch):
    """Searches with more than 20 matches count as broad; samples are a quarter or half of the
    catalogue and aim at about 40 records."""
    monkeypatch.setattr(limits, "CANDIDATES", 20)
    monkeypatch.setattr(limits, "TITLE_CANDIDATES", 5)
    monkeypatch.setattr(limits, "SAMPLE_LEVELS", (256, 512))
    monkeypatch.setattr(limits, "SAMPLE_SIZE", 40)
    return monkeypatch


def _matches(query: str) -> list[tuple[str, str, int | None, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT record_id, work_key, year, title_norm FROM catalogue_record "
            "WHERE search_vector @@ websearch_to_tsquery('bibnet_dutch', %s)",
            [query],
        )
        return cursor.fetchall()


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
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT work_key, facet_keys FROM catalogue_record WHERE {' AND '.join(conditions)}",
            params,
        )
        rows = cursor.fetchall()
    keys = Counter(
        key
        for _work, facet_keys in rows
        for key in (json.loads(facet_keys) if isinstance(facet_keys, str) else facet_keys)
        if not key.startswith("i:")
    )
    return len({work for work, _keys in rows}), keys


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


@pytest.mark.parametrize("sort", [SortOrder.NEWEST, SortOrder.TITLE])
@pytest.mark.parametrize("density", [0.0, 2.0], ids=["walk", "cutoff"])
def test_broad_newest_and_title_order_are_exact(generated, broad, sort, density):
    """Whether the index is walked (dense matches) or the matches up to the sample's cutoff
    are sorted (sparse matches), the pages follow the order of the whole catalogue."""
    broad.setattr(limits, "WALK_DENSITY", density)
    catalogue = LocalBackend(profile="gent")
    seen: list[str] = []
    for page in (1, 2, 3):
        results = catalogue.search(SearchQuery(text=WORD, sort=sort, page=page, page_size=5))
        assert results.pageable
        seen += [hit.record_id for hit in results.hits]
    assert len(seen) == len(set(seen)) == 15
    matches = {record_id: (year, title) for record_id, _w, year, title in _matches(WORD)}
    if sort == SortOrder.NEWEST:
        years = [matches[record_id][0] or 0 for record_id in seen]
        assert years == sorted(years, reverse=True)
        # The newest match of the whole catalogue comes first, not the newest of a first batch.
        assert years[0] == max(year or 0 for year, _t in matches.values())
    else:
        titles = [matches[record_id][1].encode() for record_id in seen]
        assert titles == sorted(titles)
        assert titles[0] == min(title.encode() for _y, title in matches.values())


@pytest.mark.parametrize("sort", [SortOrder.NEWEST, SortOrder.TITLE])
def test_a_cutoff_that_holds_too_few_works_falls_back_to_all_matches(generated, sort):
    query = SearchQuery(text=WORD, sort=sort, page=2, page_size=10)
    search = _PostgresSearch(query, text=WORD, isbn="", normalised=WORD)
    matches = _matches(WORD)
    # A cutoff that only the very first record in the order passes.
    if sort == SortOrder.NEWEST:
        tight = str(max(year or 0 for _i, _w, year, _t in matches))
    else:
        tight = min(title.encode() for _i, _w, _y, title in matches).decode()
    with connection.cursor() as cursor:
        fallback = search.sorted_page(cursor, walk=False, cutoff=tight)
        everything = search.sorted_page(cursor, walk=False)
    assert len(fallback) == 10
    assert fallback == everything


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
    catalogue.search(SearchQuery(text="boek"))  # the process loads the count index
    for sort in (SortOrder.RELEVANCE, SortOrder.NEWEST):
        # savepoint, settings, the count index (tsquery, fingerprint and postings in one
        # round trip), ranked sample or (walk, editions), records, holdings, release
        with django_assert_max_num_queries(8):
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
