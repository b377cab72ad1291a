"""The Cultuurconnect backend against a local stand-in of the catalogue web service."""

import logging
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup

from catalogue.backends.base import CatalogueUnavailable, SearchQuery
from catalogue.backends.cultuurconnect import (
    CultuurconnectBackend,
    record_extid,
    record_token,
)
from catalogue.models import CatalogueSearchPage
from tests.catalogue.conftest import DATA, XmlHandler, service_serve

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
    record_soup = BeautifulSoup(record.content, "html.parser")
    original = record_soup.find("dt", string="Originele titel").find_next_sibling("dd")
    assert original.get_text() == "The sea at Ostend"


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


# --- Availability of a results page: one POST /search-availability/ ---------------------------

BULK_SEARCH = (DATA / "cc_search_bulk.xml").read_bytes()
POST_BODY = ET.fromstring(BULK_SEARCH).find("feedbacks/search-availability-ids/post").text


@dataclass
class BulkService:
    url: str = ""
    calls: list = field(default_factory=list)  # (method, path, query params, body)
    search_body: bytes = BULK_SEARCH
    post_mode: str = "ok"  # ok | error | slow | invalid | notfound

    def posts(self):
        return [call for call in self.calls if call[0] == "POST"]


@pytest.fixture
def bulk_service(settings):
    """A stand-in answering GET /search with a `<search-availability-ids>` block and
    POST /search-availability/ in the documented SearchAvailabilityResponse shape; failures
    are switched on for the POST only."""
    state = BulkService()

    class Handler(XmlHandler):
        def do_GET(self):
            parsed = urlparse(self.path)
            params = parse_qs(parsed.query)
            state.calls.append(("GET", parsed.path, params, ""))
            if params.get("authorization") != ["test-key"]:
                return self.answer(401)
            endpoint = parsed.path.rstrip("/").rsplit("/", 1)[-1]
            if endpoint == "search":
                return self.answer(200, state.search_body)
            files = {"details": "cc_details.xml", "availability": "cc_availability.xml"}
            if endpoint not in files:
                return self.answer(404)
            return self.answer(200, (DATA / files[endpoint]).read_bytes())

        def do_POST(self):
            parsed = urlparse(self.path)
            params = parse_qs(parsed.query)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            state.calls.append(("POST", parsed.path, params, body))
            if params.get("authorization") != ["test-key"]:
                return self.answer(401)
            if not parsed.path.endswith("/search-availability/"):
                return self.answer(404)
            if state.post_mode == "slow":
                time.sleep(1.5)
            if state.post_mode == "error":
                return self.answer(500)
            if state.post_mode == "invalid":
                return self.answer(200, b"<aquabrowser><items><item")
            if state.post_mode == "notfound":
                return self.answer(
                    404,
                    b'<aquabrowser version="0" time-taken="1"><error><code>NotFound</code>'
                    b"<reason>holding does not have a wise locationcode</reason></error>"
                    b"</aquabrowser>",
                )
            self.answer(200, (DATA / "cc_search_availability.xml").read_bytes())

    with service_serve(settings, Handler) as url:
        state.url = url
        yield state


@pytest.fixture
def bulk_page(site_a, bulk_service):
    page = CatalogueSearchPage.objects.descendant_of(site_a.site.root_page).get()
    page.backend = "cultuurconnect"
    page.save_revision().publish()
    return page


def _availability_by_title(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        hit.select_one(".catalogue-hit__title a").get_text(strip=True): [
            (li.get_text(" ", strip=True), "status--open" in li["class"])
            for li in hit.select(".catalogue-hit__availability li")
        ]
        for hit in soup.select(".catalogue-hit")
    }


def test_results_page_shows_availability_from_one_post(site_a, bulk_page, bulk_service):
    response = site_a.client_for().get("/catalogus/", {"q": "zee"})
    assert response.status_code == 200
    assert _availability_by_title(response) == {
        "De zee van Oostende": [("Beschikbaar – Bibliotheek De Krook", True)],
        "Zeezout": [
            ("Uitgeleend – Bibliotheek Sint-Amandsberg", False),
            ("Beschikbaar – Oost-Vlaanderen", True),
        ],
    }
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".catalogue__availability-note") is None
    ((_method, path, params, body),) = bulk_service.posts()
    assert path == "/gent/search-availability/"
    assert body == POST_BODY
    assert params == {"authorization": ["test-key"]}  # no branch configured: none sent
    assert [c[1] for c in bulk_service.calls if c[0] == "GET"] == ["/gent/search/"]


def test_availability_answer_is_cached_briefly(site_a, bulk_page, bulk_service):
    client = site_a.client_for()
    first = client.get("/catalogus/", {"q": "zee"})
    assert len(bulk_service.posts()) == 1
    bulk_service.calls.clear()
    second = client.get("/catalogus/", {"q": "zee"})
    assert bulk_service.calls == []  # neither the search nor the availability is asked again
    assert _availability_by_title(second) == _availability_by_title(first)


def test_availability_cache_is_per_profile_and_body(bulk_service):
    CultuurconnectBackend(profile="gent").search(SearchQuery(text="zee"))
    CultuurconnectBackend(profile="gent").search(SearchQuery(text="zee", sort="titel"))
    assert len(bulk_service.posts()) == 1  # another search, the same ids: cached
    CultuurconnectBackend(profile="leuven").search(SearchQuery(text="zee"))
    assert [c[1] for c in bulk_service.posts()] == [
        "/gent/search-availability/",
        "/leuven/search-availability/",
    ]


@pytest.mark.parametrize("mode", ["error", "slow", "invalid"])
def test_failing_availability_still_shows_the_results(
    site_a, bulk_page, bulk_service, mode, caplog
):
    bulk_service.post_mode = mode
    with caplog.at_level(logging.WARNING, logger="catalogue.backends.cultuurconnect"):
        response = site_a.client_for().get("/catalogus/", {"q": "zee"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [a.get_text(strip=True) for a in soup.select(".catalogue-hit__title a")]
    assert titles == ["De zee van Oostende", "Zeezout"]
    assert soup.select(".catalogue-hit__availability") == []
    note = soup.select_one(".catalogue__availability-note")
    assert "beschikbaarheid" in note.get_text() and "niet opgehaald" in note.get_text()
    assert soup.select_one("[role=alert]") is None  # not the "catalogus niet bereikbaar" message
    assert len(bulk_service.posts()) == 1
    assert any("No availability" in r.getMessage() for r in caplog.records)


def test_a_profile_without_availability_is_not_asked_on_every_page(site_a, bulk_page, bulk_service):
    # Union-catalogue profiles (zbb) have no Wise location: the service answers 404.
    bulk_service.post_mode = "notfound"
    client = site_a.client_for()
    first = client.get("/catalogus/", {"q": "zee"})
    second = client.get("/catalogus/", {"q": "zee", "sorteer": "titel"})
    assert len(bulk_service.posts()) == 1
    for response in (first, second):
        soup = BeautifulSoup(response.content, "html.parser")
        assert len(soup.select(".catalogue-hit")) == 2
        assert soup.select(".catalogue-hit__availability") == []
        # Not an outage, so no "try again later" note.
        assert soup.select_one(".catalogue__availability-note") is None


def test_failed_availability_is_not_cached(site_a, bulk_page, bulk_service):
    bulk_service.post_mode = "error"
    client = site_a.client_for()
    client.get("/catalogus/", {"q": "zee"})
    bulk_service.post_mode = "ok"
    response = client.get("/catalogus/", {"q": "zee"})
    assert len(bulk_service.posts()) == 2
    assert _availability_by_title(response)["De zee van Oostende"] == [
        ("Beschikbaar – Bibliotheek De Krook", True)
    ]


def test_body_built_from_ids_without_a_post_node(bulk_service):
    bulk_service.search_body = re.sub(rb"<post>.*?</post>", b"", BULK_SEARCH, flags=re.S)
    results = CultuurconnectBackend(profile="gent").search(SearchQuery(text="zee"))
    ((_method, _path, _params, body),) = bulk_service.posts()
    # The per-edition <ids>, not <frabl-ids>, in the service's own encoding.
    assert body == POST_BODY
    assert [hit.available_anywhere for hit in results.hits] == [True, True]
    assert results.hits[1].availability[0].status == "Uitgeleend"


def test_no_post_without_availability_ids(bulk_service):
    bulk_service.search_body = re.sub(rb"<feedbacks>.*?</feedbacks>", b"", BULK_SEARCH, flags=re.S)
    results = CultuurconnectBackend(profile="gent").search(SearchQuery(text="zee"))
    assert bulk_service.posts() == []
    assert len(results.hits) == 2 and not results.availability_failed


def test_availability_without_status_uses_the_answering_branch():
    answer = ET.fromstring(
        '<aquabrowser version="1"><meta><branch original="Oost-Vlaanderen/Gent/Krook" '
        'used="Oost-Vlaanderen/Gent/Krook" name="De Krook"/><type>Branch</type></meta>'
        '<items><item available="true" extid="|wise|1"/>'
        '<item available="false" extid="|wise|2"><status status="loanedout"/></item>'
        "</items></aquabrowser>"
    )
    result = CultuurconnectBackend._search_availability(answer)
    assert [(a.branch, a.available, a.status) for a in result["wise-1"]] == [("De Krook", True, "")]
    assert [(a.branch, a.available, a.status) for a in result["wise-2"]] == [
        ("De Krook", False, "loanedout")
    ]
