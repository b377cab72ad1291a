"""The one search box (/zoeken/): the site's pages, its coming events and, on libraries, its
catalogue, in one page with a section per kind and its count; partial words, typos (on
PostgreSQL), alternatives when nothing is found, and a fixed number of queries."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.backends import CatalogueUnavailable
from catalogue.backends.local import LocalBackend
from catalogue.models import CatalogueSearchPage
from tests.factories.catalogue import MarcRecordFactory, records_load
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="typo-forgiving search uses PostgreSQL's pg_trgm; SQLite has no trigram similarity",
)


def _search(fixture, query: str, **params):
    return fixture.client_for().get("/zoeken/?" + urlencode({"q": query, **params}))


def _sections(response) -> dict[str, dict]:
    """Per section (by its kind): heading text, titles and the 'more' link."""
    found = {}
    for section in soup_of(response).select("section.search-section"):
        kind = next(c for c in section["class"] if c.startswith("search-section--"))
        more = section.select_one(".search-section__more a")
        found[kind.removeprefix("search-section--")] = {
            "heading": section.find("h2").get_text(" ", strip=True),
            "titles": [h3.get_text(strip=True) for h3 in section.select("ol.search-results h3")],
            "more": more["href"] if more else None,
            "more_text": more.get_text(strip=True) if more else None,
        }
    return found


def _status(response) -> str:
    return soup_of(response).find(id="search-summary").get_text(" ", strip=True)


def _catalogue_url(fixture) -> str:
    return CatalogueSearchPage.objects.descendant_of(fixture.home).get().url


def _soon(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def harry(site_a, site_b, tmp_path):
    """Harry on site A: a page, a coming event, a past one and two catalogue titles; and an
    event on site B's agenda that A must not show."""
    home = site_a.home
    StandardPageFactory(parent=home, title="Harry Potter-avond", slug="harry-potter-avond")
    agenda = agenda_of(home)
    EventPageFactory(parent=agenda, title="Harry Potter-quiz", dates=[event_date(_soon(5))])
    EventPageFactory(parent=agenda, title="Harry Potter-quiz 2019", dates=[event_date(_soon(-30))])
    EventPageFactory(
        parent=agenda_of(site_b.home),
        title="Harry Potter in Strombeek",
        dates=[event_date(_soon(3))],
    )
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id=f"H{number}",
                title=title,
                author="Rowling, J.K.",
                holdings=(("gent", "De Krook", "ROWL", "beschikbaar", "2025-03-01"),),
            )
            for number, title in enumerate(
                ["Harry Potter en de steen der wijzen", "Harry Potter en de geheime kamer"]
            )
        ],
    )
    return site_a


def test_one_page_has_a_section_per_kind_with_counts(harry):
    response = _search(harry, "harry")

    assert response.status_code == 200
    sections = _sections(response)
    assert list(sections) == ["paginas", "activiteiten", "catalogus"]
    assert sections["paginas"]["heading"] == "1 pagina"
    assert sections["paginas"]["titles"] == ["Harry Potter-avond"]
    # Only this site's coming events: not the past one, not site B's.
    assert sections["activiteiten"]["heading"] == "1 activiteit"
    assert sections["activiteiten"]["titles"] == ["Harry Potter-quiz"]
    assert sections["catalogus"]["heading"] == "2 titels in de catalogus"
    assert sorted(sections["catalogus"]["titles"]) == [
        "Harry Potter en de geheime kamer",
        "Harry Potter en de steen der wijzen",
    ]
    assert _status(response) == (
        "Gevonden voor “harry”: 1 pagina, 1 activiteit en 2 titels in de catalogus."
    )


def test_each_section_links_to_its_full_list(harry):
    sections = _sections(_search(harry, "harry"))

    agenda = urlsplit(sections["activiteiten"]["more"])
    assert agenda.path == urlsplit(agenda_of(harry.home).url).path
    assert parse_qs(agenda.query) == {"q": ["harry"]}
    catalogue = urlsplit(sections["catalogus"]["more"])
    assert catalogue.path == urlsplit(_catalogue_url(harry)).path
    assert parse_qs(catalogue.query) == {"q": ["harry"]}
    assert sections["catalogus"]["more_text"] == "Alle 2 titels in de catalogus"
    # The record links go to the catalogue's record pages.
    soup = soup_of(_search(harry, "harry"))
    record_links = [a["href"] for a in soup.select(".search-section--catalogus h3 a")]
    assert sorted(record_links) == ["/catalogus/titel/H0/", "/catalogus/titel/H1/"]


def test_event_pages_are_not_listed_twice(harry):
    """Events are pages too: they appear under Activiteiten only, and past events nowhere."""
    sections = _sections(_search(harry, "quiz"))

    assert sections["activiteiten"]["titles"] == ["Harry Potter-quiz"]
    assert "paginas" in sections
    assert sections["paginas"]["titles"] == []


def test_a_site_without_catalogue_has_no_catalogue_section(harry, site_b):
    sections = _sections(_search(site_b, "harry"))

    assert "catalogus" not in sections
    assert sections["activiteiten"]["titles"] == ["Harry Potter in Strombeek"]


def test_pages_and_events_behind_a_password_are_not_found(harry):
    from wagtail.models import PageViewRestriction

    page = StandardPageFactory(parent=harry.home, title="Harry Potter voor leden")
    for restricted in (page, agenda_of(harry.home)):
        PageViewRestriction.objects.create(
            page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )

    sections = _sections(_search(harry, "harry"))

    assert sections["paginas"]["titles"] == ["Harry Potter-avond"]
    assert "activiteiten" not in sections


def test_partial_words_are_found(site_a):
    home = site_a.home
    StandardPageFactory(parent=home, title="Voorleesuurtje voor peuters")
    EventPageFactory(
        parent=agenda_of(home), title="Voorleesuurtje met Lien", dates=[event_date(_soon(2))]
    )

    sections = _sections(_search(site_a, "voorlees"))

    assert sections["paginas"]["titles"] == ["Voorleesuurtje voor peuters"]
    assert sections["activiteiten"]["titles"] == ["Voorleesuurtje met Lien"]


@postgres_only
def test_a_typo_is_forgiven_and_corrected(site_a):
    home = site_a.home
    StandardPageFactory(parent=home, title="Voorleesuurtje voor peuters")
    EventPageFactory(
        parent=agenda_of(home), title="Voorleesuurtje met Lien", dates=[event_date(_soon(2))]
    )

    response = _search(site_a, "voorleesuurtej")

    sections = _sections(response)
    assert sections["paginas"]["titles"] == ["Voorleesuurtje voor peuters"]
    assert sections["activiteiten"]["titles"] == ["Voorleesuurtje met Lien"]
    suggestion = soup_of(response).select_one(".search-suggestion")
    assert suggestion.get_text(" ", strip=True) == "Bedoelde u voorleesuurtje ?"
    assert parse_qs(urlsplit(suggestion.a["href"]).query) == {"q": ["voorleesuurtje"]}


def test_nothing_found_offers_the_agenda_and_the_catalogue(site_a):
    response = _search(site_a, "qwzxjvonvindbaar")

    soup = soup_of(response)
    assert _status(response) == "Geen resultaten voor “qwzxjvonvindbaar”."
    assert not soup.select("section.search-section")
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".search-tips a")}
    catalogue_path = urlsplit(_catalogue_url(site_a)).path
    agenda_path = urlsplit(agenda_of(site_a.home).url).path
    assert links["Zoek in de catalogus"] == f"{catalogue_path}?q=qwzxjvonvindbaar"
    assert links["Zoek in de agenda"] == f"{agenda_path}?q=qwzxjvonvindbaar"


def test_the_form_and_results_are_usable_without_sight(harry):
    soup = soup_of(_search(harry, "harry"))

    form = soup.find("form", role="search", class_="search-form")
    field = form.find("input", attrs={"name": "q"})
    assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True) == "Zoekterm"
    # The counts are in a live region the field points to.
    assert field["aria-describedby"] == "search-summary"
    assert soup.find(id="search-summary")["role"] == "status"
    # One h1, an h2 per section (labelling it), an h3 per result.
    assert len(soup.find_all("h1")) == 1
    for section in soup.select("section.search-section"):
        assert section.find("h2")["id"] == section["aria-labelledby"]
        assert all(li.find("h3") for li in section.select("ol.search-results > li"))


def test_an_unreachable_catalogue_does_not_cost_the_page(harry, monkeypatch):
    def refuse(self, query):
        raise CatalogueUnavailable("timeout")

    monkeypatch.setattr(LocalBackend, "search", refuse)

    response = _search(harry, "harry")

    assert response.status_code == 200
    sections = _sections(response)
    assert sections["catalogus"]["heading"] == "Catalogus: niet bereikbaar"
    assert sections["catalogus"]["more_text"] == "Zoek in de catalogus"
    assert sections["paginas"]["titles"] == ["Harry Potter-avond"]


def test_search_runs_at_most_ten_queries(harry):
    url = "/zoeken/?" + urlencode({"q": "harry"})
    client = harry.client_for()
    client.get(url)  # warms the site shell and the site root paths
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, HTTP_COOKIE="sessionid=x")  # past the page cache

    assert response.status_code == 200
    assert len(_sections(response)) == 3
    # Statements that read: the catalogue's transaction and its SET LOCAL tuning are not
    # counted (SAVEPOINT here, BEGIN/COMMIT outside a test).
    reads = [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"]
        .lstrip()
        .upper()
        .startswith(("SAVEPOINT", "RELEASE", "SET ", "BEGIN", "COMMIT"))
    ]
    assert len(reads) <= 10, [sql[:120] for sql in reads]


def test_search_keeps_only_its_own_query_parameters_in_the_page_cache(harry, settings):
    settings.PAGECACHE_ENABLED = True
    from pagecache import registry

    assert registry.view_params("search") == ("q", "pagina")
    client = harry.client_for()
    first = client.get("/zoeken/?q=harry&utm_source=x")
    second = client.get("/zoeken/?q=harry")
    third = client.get("/zoeken/?q=harry")

    assert first.status_code == second.status_code == 200
    assert third["X-Page-Cache"] == "hit"
