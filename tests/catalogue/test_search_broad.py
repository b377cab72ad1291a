"""Very broad searches on PostgreSQL: counts estimated from the sample, exact sorting by walking
the year and title indexes, and the same answers as the exact path when the sample is whole.

The bounds of catalogue/backends/local/limits.py are lowered so that 400 generated records
behave like a broad search in a catalogue of a million."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from catalogue.backends.base import SearchQuery, SortOrder
from catalogue.backends.local import LocalBackend, _PostgresSearch, _round_estimate, limits
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


def test_round_estimate_keeps_two_significant_digits():
    assert _round_estimate(91_840) == 92_000
    assert _round_estimate(4_312.4) == 4_300
    assert _round_estimate(37.2) == 37
    assert _round_estimate(0.2) == 1


def test_a_whole_sample_gives_the_exact_answer(generated, broad):
    catalogue = LocalBackend(profile="gent")
    broad.setattr(limits, "CANDIDATES", 100_000)
    exact = catalogue.search(SearchQuery(text=WORD))
    broad.setattr(limits, "CANDIDATES", 20)
    broad.setattr(limits, "SAMPLE_LEVELS", (1024,))  # every bucket
    whole = catalogue.search(SearchQuery(text=WORD))
    assert whole.approximate is False
    assert whole.total == exact.total == len({work for _i, work, _y, _t in _matches(WORD)})
    assert _facet_counts(whole) == _facet_counts(exact)


def test_broad_counts_are_estimates_from_the_sample(generated, broad):
    results = LocalBackend(profile="gent").search(SearchQuery(text=WORD))
    works = len({work for _i, work, _y, _t in _matches(WORD)})
    assert results.approximate is True
    assert works / 2 <= results.total <= works * 2
    assert results.total == _round_estimate(results.total)
    assert len(results.hits) == min(20, results.pageable)  # works among the candidates
    broad.setattr(limits, "CANDIDATES", 100_000)
    exact = _facet_counts(LocalBackend(profile="gent").search(SearchQuery(text=WORD)))
    estimated = _facet_counts(results)
    few_values = ("materiaal", "doelgroep", "taal", "fictie")  # all values shown, not a top 10
    assert estimated
    assert {k for k in estimated if k[0] in few_values} <= {k for k in exact if k[0] in few_values}
    material = {key: count for key, count in estimated.items() if key[0] == "materiaal"}
    assert sum(material.values()) == pytest.approx(results.total, rel=0.5)


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
        assert results.approximate is True
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
    assert results.approximate is True
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
    for sort in (SortOrder.RELEVANCE, SortOrder.NEWEST):
        # savepoint, settings, probe, ranked sample or (sample, walk, editions), records,
        # holdings, release
        with django_assert_max_num_queries(9):
            results = catalogue.search(SearchQuery(text=WORD, sort=sort))
        assert results.approximate is True


def test_results_page_says_the_counts_are_estimates(generated, broad, site_a):
    broad.setattr(limits, "SAMPLE_SIZE", 10)
    response = site_a.client_for().get("/catalogus/", {"q": WORD, "materiaal": "boek"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    heading = soup.select_one("#catalogue-results-heading").get_text(" ", strip=True)
    assert heading.startswith("Ongeveer ")
    assert "schattingen" in soup.select_one(".catalogue__results .note").get_text()
    count = soup.select_one(".catalogue__facet .catalogue__count").get_text(" ", strip=True)
    assert "ca." in count and "ongeveer" in count
    narrow = site_a.client_for().get("/catalogus/", {"q": "zzzonbekend"})
    assert "Ongeveer" not in narrow.content.decode()
