"""The Cultuurconnect backend against a local stand-in of the catalogue web service."""

import pytest
from bs4 import BeautifulSoup

from catalogue.backends.base import CatalogueUnavailable, SearchQuery
from catalogue.backends.cultuurconnect import (
    CultuurconnectBackend,
    record_extid,
    record_token,
)
from catalogue.models import CatalogueSearchPage

pytestmark = pytest.mark.django_db


def test_search_contract_and_mapping(catalogue_service):
    backend = CultuurconnectBackend(profile="gent")
    results = backend.search(SearchQuery(text="zee", facets={"materiaal": ("book",)}))
    path, params = catalogue_service.requests[-1]
    assert path == "/gent/search/"
    assert params["q"] == ["zee"]
    assert params["authorization"] == ["test-key"]
    assert params["refine"] == ["true"]
    assert params["facet"] == ["Format(book)"]
    assert results.total == 2
    first, second = results.hits
    assert first.record_id == "vlacc-1234567"
    assert first.title == "De zee van Oostende"
    assert first.authors == ["Els Maes", "Tom Wouters"]
    assert (first.year, first.material, first.audience) == (2024, "boek", "volwassenen")
    assert first.editions == 2
    assert second.record_id == "wise-445566"
    facets = {f.name: [(v.value, v.count, v.selected) for v in f.values] for f in results.facets}
    assert facets == {
        "materiaal": [("book", 1, True), ("ebook", 1, False)],
        "taal": [("dut", 2, False)],
    }


def test_responses_are_cached(catalogue_service):
    backend = CultuurconnectBackend(profile="gent")
    backend.search(SearchQuery(text="zee"))
    backend.search(SearchQuery(text="zee"))
    assert len(catalogue_service.requests) == 1
    backend.search(SearchQuery(text="zout"))
    assert len(catalogue_service.requests) == 2


def test_details_and_availability(catalogue_service):
    detail = CultuurconnectBackend(profile="gent").record("vlacc-1234567")
    assert detail.title == "De zee van Oostende"
    assert detail.authors[1] == {"name": "Tom Wouters", "role": "illustrator"}
    assert (detail.publisher, detail.place, detail.year) == ("Lannoo", "Tielt", 2024)
    assert detail.isbns == ["9789401400015"]
    assert detail.subjects == ["Zee", "Oostende"]
    assert [(a.branch, a.available, a.shelf_mark) for a in detail.availability] == [
        ("Bibliotheek De Krook", True, "MAES"),
        ("Bibliotheek Sint-Amandsberg", False, "MAES"),
    ]
    paths = [path for path, _params in catalogue_service.requests]
    assert paths == ["/gent/details/", "/gent/availability/"]
    assert catalogue_service.requests[0][1]["id"] == ["|library/marc/vlacc|1234567"]


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_outage_raises_unavailable(catalogue_service, mode):
    catalogue_service.mode = mode
    with pytest.raises(CatalogueUnavailable):
        CultuurconnectBackend(profile="gent").search(SearchQuery(text="zee"))


def test_record_tokens_round_trip():
    for extid in ("|library/marc/vlacc|10576344", "|wise|3769066", "|other/source|a b"):
        assert record_extid(record_token(extid)) == extid
    assert record_extid("vlacc-abc") == ""
    assert record_extid("x-%%%") == ""


@pytest.fixture
def remote_page(site_a, catalogue_service):
    page = CatalogueSearchPage.objects.descendant_of(site_a.site.root_page).get()
    page.backend = "cultuurconnect"
    page.save_revision().publish()
    return page


def test_page_with_remote_backend_lists_results(site_a, remote_page):
    response = site_a.client_for().get("/catalogus/", {"q": "zee"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [a.get_text(strip=True) for a in soup.select(".catalogue-hit__title a")]
    assert titles == ["De zee van Oostende", "Zeezout"]
    link = soup.select_one(".catalogue-hit__title a")["href"]
    assert link.endswith("/catalogus/titel/vlacc-1234567/")
    record = site_a.client_for().get(link)
    assert record.status_code == 200
    assert "Bibliotheek De Krook" in record.content.decode()


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_page_shows_a_dutch_message_when_the_service_is_down(
    site_a, remote_page, catalogue_service, mode
):
    catalogue_service.mode = mode
    client = site_a.client_for()
    response = client.get("/catalogus/", {"q": "zee"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    alert = soup.select_one("[role=alert]")
    assert "niet bereikbaar" in alert.get_text()
    assert soup.select_one("header") is not None and soup.select_one("footer") is not None
    assert soup.select_one("#catalogue-q")["value"] == "zee"
    record = client.get("/catalogus/titel/vlacc-1234567/")
    assert record.status_code == 503
    assert "niet bereikbaar" in record.content.decode()
    suggestions = client.get("/catalogus/suggesties/", {"q": "zee"})
    assert suggestions.json() == {"suggestions": []}
