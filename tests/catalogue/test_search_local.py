"""The local backend: ranking, facets, ISBN, typos, stemming, editions, sorting, paging."""

import pytest

from catalogue.backends.base import SearchQuery, SortOrder
from catalogue.backends.local import LocalBackend
from tests.conftest import postgres_only
from tests.factories.catalogue import MarcRecordFactory, records_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(tmp_path):
    records = [
        MarcRecordFactory(
            record_id="HP1",
            title="Harry Potter en de steen der wijzen",
            author="Rowling, J.K.",
            year=2019,
            isbn="978-90-7695-790-6",
            audience="vanaf 10 jaar",
            genres=("Fantasy",),
            holdings=(("gent", "De Krook", "ROWL", "beschikbaar", "2026-01-01"),),
        ),
        MarcRecordFactory(
            record_id="HP1-LB",
            title="Harry Potter en de steen der wijzen",
            author="Rowling, J.K.",
            year=2004,
            leader_type="im",
            f007="sd",
            audience="vanaf 10 jaar",
            genres=("Fantasy",),
        ),
        MarcRecordFactory(
            record_id="HP2",
            title="Harry Potter en de geheime kamer",
            author="Rowling, J.K.",
            year=2020,
            audience="vanaf 10 jaar",
            genres=("Fantasy",),
        ),
        MarcRecordFactory(
            record_id="POT",
            title="Potter",
            author="Claes, Jan",
            year=2001,
            language="eng",
            genres=("Romans",),
        ),
        MarcRecordFactory(
            record_id="BOEK",
            title="Het boek van de zee",
            author="Maes, Els",
            year=2015,
            theme_words=("Zee",),
        ),
        MarcRecordFactory(
            record_id="DVD",
            title="De zee in beeld",
            author="Wouters, Tom",
            year=2023,
            leader_type="gm",
            f007="vd",
        ),
    ]
    records_load(tmp_path, records)
    return LocalBackend(profile="gent")


def _ids(results):
    return [hit.record_id for hit in results.hits]


def test_exact_title_first(catalogue):
    results = catalogue.search(SearchQuery(text="potter"))
    assert _ids(results)[0] == "POT"
    assert set(_ids(results)) == {"POT", "HP1", "HP2"}


def test_editions_of_one_work_are_grouped(catalogue):
    results = catalogue.search(SearchQuery(text="steen der wijzen"))
    assert results.total == 1
    assert results.hits[0].editions == 2
    assert results.hits[0].record_id == "HP1"  # the best ranked, then the newest edition


def test_facet_counts_and_combined_filters(catalogue):
    results = catalogue.search(SearchQuery(text="harry potter"))
    facets = {f.name: {v.value: v.count for v in f.values} for f in results.facets}
    assert facets["materiaal"] == {"boek": 2, "luisterboek": 1}
    assert facets["auteur"] == {"Rowling, J.K.": 3}
    assert facets["doelgroep"] == {"kinderen": 3}
    assert facets["jaar"] == {"2020": 1, "2019": 1, "2004": 1}

    filtered = catalogue.search(
        SearchQuery(text="harry potter", facets={"materiaal": ("luisterboek",)})
    )
    assert _ids(filtered) == ["HP1-LB"]
    both = catalogue.search(
        SearchQuery(text="harry potter", facets={"materiaal": ("luisterboek", "boek")})
    )
    assert both.total == 2  # two works: values of one facet combine with OR
    none = catalogue.search(
        SearchQuery(text="harry", facets={"materiaal": ("boek",), "jaar": ("2004",)})
    )
    assert none.total == 0  # facets combine with AND


def test_facet_only_search_and_unknown_facet_values(catalogue):
    results = catalogue.search(SearchQuery(facets={"taal": ("eng",)}))
    assert _ids(results) == ["POT"]
    assert catalogue.search(SearchQuery(text="zee", facets={"taal": ("xx",)})).total == 0


def test_isbn_with_and_without_hyphens_and_as_isbn10(catalogue):
    for text in ("9789076957906", "978-90-7695-790-6", "90-76957-90-8", "9076957908"):
        assert _ids(catalogue.search(SearchQuery(text=text))) == ["HP1"], text


def test_typos_are_forgiven(catalogue):
    results = catalogue.search(SearchQuery(text="hary poter"))
    assert "HP1" in _ids(results)
    assert results.corrected_text == "harry potter"


@postgres_only
def test_dutch_stemming_boeken_finds_boek(catalogue):
    assert _ids(catalogue.search(SearchQuery(text="boeken"))) == ["BOEK"]


def test_sorting_newest_and_title(catalogue):
    newest = catalogue.search(SearchQuery(text="zee", sort=SortOrder.NEWEST))
    assert _ids(newest) == ["DVD", "BOEK"]
    by_title = catalogue.search(SearchQuery(text="zee", sort=SortOrder.TITLE))
    assert _ids(by_title) == ["DVD", "BOEK"]  # "de zee in beeld" < "het boek van de zee"


def test_pagination_and_page_beyond_the_end(catalogue):
    first = catalogue.search(SearchQuery(text="harry potter", page_size=1))
    second = catalogue.search(SearchQuery(text="harry potter", page=2, page_size=1))
    assert first.total == second.total == 2
    assert first.num_pages == 2
    assert _ids(first) != _ids(second)
    beyond = catalogue.search(SearchQuery(text="harry potter", page=500))
    assert beyond.hits == [] and beyond.total == 2


def test_availability_only_for_the_sites_profile(catalogue):
    hit = catalogue.search(SearchQuery(text="steen der wijzen")).hits[0]
    assert [(a.branch, a.available) for a in hit.availability] == [("De Krook", True)]
    other = LocalBackend(profile="leuven").search(SearchQuery(text="steen der wijzen"))
    assert other.hits[0].availability == []


def test_suggestions_for_titles_and_authors(catalogue):
    labels = [(s.label, s.kind) for s in catalogue.suggest("harry pot")]
    assert ("Harry Potter en de steen der wijzen", "titel") in labels
    assert ("Rowling, J.K.", "auteur") in [(s.label, s.kind) for s in catalogue.suggest("rowl")]
    assert catalogue.suggest("h") == []


def test_record_detail(catalogue):
    detail = catalogue.record("HP1")
    assert detail.title == "Harry Potter en de steen der wijzen"
    assert detail.isbns[0] == "9789076957906"
    assert detail.availability[0].branch == "De Krook"
    assert catalogue.record("nope") is None
