"""The catalogue page, record page, suggestions and blocks, on two library sites."""

import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import CatalogueSearchPage
from tests.factories.catalogue import MarcRecordFactory, records_load

pytestmark = pytest.mark.django_db


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _catalogue_page(site):
    return CatalogueSearchPage.objects.descendant_of(site.site.root_page).get()


def test_every_library_gets_a_catalogue_page_in_its_main_menu(two_libraries, site_b):
    for library in two_libraries:
        response = library.client_for().get("/catalogus/")
        assert response.status_code == 200
        nav = _soup(response).select_one("nav")
        assert "Catalogus" in nav.get_text()
    assert not CatalogueSearchPage.objects.descendant_of(site_b.site.root_page).exists()


def test_results_page_lists_hits_with_facets_as_labelled_checkboxes(site_a, records):
    response = site_a.client_for().get("/catalogus/", {"q": "harry potter"})
    soup = _soup(response)
    assert (
        soup.select_one("#catalogue-results-heading").get_text(strip=True).startswith("1 resultaat")
    )
    hit = soup.select_one(".catalogue-hit")
    assert hit.select_one("h3 a").get_text(strip=True) == "Harry Potter en de steen der wijzen"
    assert "Rowling, J.K." in hit.get_text()
    assert "vanaf 10 jaar" in hit.get_text()
    availability = [
        li.get_text(" ", strip=True) for li in hit.select(".catalogue-hit__availability li")
    ]
    assert availability == ["Beschikbaar – De Krook", "Uitgeleend – Sint-Amandsberg"]
    checkbox = soup.select_one("input[type=checkbox][name=materiaal][value=boek]")
    label = soup.select_one(f"label[for={checkbox['id']}]")
    assert "boek" in label.get_text() and "(1" in label.get_text()
    legends = [legend.get_text(strip=True) for legend in soup.select("fieldset legend")]
    assert "Materiaal" in legends and "Doelgroep en leeftijd" in legends
    assert soup.select_one("select[name=sorteer]") is not None


def test_facet_filter_and_remove_link(site_a, records):
    client = site_a.client_for()
    soup = _soup(client.get("/catalogus/", {"q": "harry", "materiaal": "dvd"}))
    assert soup.select(".catalogue-hit") == []
    remove = soup.select_one(".catalogue__active-filters a")
    assert "materiaal" not in remove["href"]
    assert _soup(client.get(remove["href"])).select(".catalogue-hit")


def test_record_page_fields_json_ld_availability_and_reserve_link(site_a, records):
    page = _catalogue_page(site_a)
    page.reserve_url_template = "https://gent.bibliotheek.be/reserveren?id={id}&isbn={isbn}"
    page.save_revision().publish()
    response = site_a.client_for().get("/catalogus/titel/900001/")
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.select_one("h1").get_text(strip=True) == "Harry Potter en de steen der wijzen"
    data = json.loads(soup.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "Book"
    assert data["isbn"] == "9789076957906"
    assert data["author"] == [{"@type": "Person", "name": "Rowling, J.K."}]
    assert data["datePublished"] == "2019"
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in soup.select("tbody tr")]
    assert rows == [
        ["De Krook", "Beschikbaar", "ROWL", ""],
        ["Sint-Amandsberg", "Uitgeleend", "ROWL", ""],
    ]
    reserve = soup.find("a", string="Reserveer in Mijn Bibliotheek")
    assert reserve["href"] == "https://gent.bibliotheek.be/reserveren?id=900001&isbn=9789076957906"


def test_record_page_lists_the_other_editions_of_its_work(site_a, tmp_path):
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id="ED1", title="De avonden", author="Reve, Gerard", year=1947
            ),
            MarcRecordFactory(
                record_id="ED2",
                title="De avonden",
                author="Reve, Gerard",
                year=2016,
                leader_type="im",
                f007="sd",
            ),
            MarcRecordFactory(record_id="ED3", title="De avonden", author="Peeters, Sofie"),
        ],
    )
    client = site_a.client_for()
    soup = _soup(client.get("/catalogus/titel/ED1/"))
    heading = soup.find("h2", string="Andere edities")
    assert heading is not None
    links = heading.find_next("ul").select("a")
    assert [a.get_text(strip=True) for a in links] == ["De avonden"]
    assert links[0]["href"] == "/catalogus/titel/ED2/"
    assert (
        "2016" in heading.find_next("ul").get_text()
        and "luisterboek" in heading.find_next("ul").get_text()
    )
    # Another author's book of the same title is another work: no editions.
    assert _soup(client.get("/catalogus/titel/ED3/")).find("h2", string="Andere edities") is None


def test_record_page_404_for_unknown_and_malformed_ids(site_a, records):
    client = site_a.client_for()
    assert client.get("/catalogus/titel/nope/").status_code == 404
    assert client.get("/catalogus/titel/a%20b/").status_code == 404


def test_availability_follows_each_sites_profile(two_libraries, records):
    gent, leuven = two_libraries
    gent_rows = _soup(gent.client_for().get("/catalogus/titel/900001/")).select("tbody tr")
    leuven_rows = _soup(leuven.client_for().get("/catalogus/titel/900001/")).select("tbody tr")
    assert [r.td.get_text(strip=True) for r in gent_rows] == ["De Krook", "Sint-Amandsberg"]
    assert [r.td.get_text(strip=True) for r in leuven_rows] == ["Tweebronnen"]


def test_suggestions_endpoint(site_a, records):
    response = site_a.client_for().get("/catalogus/suggesties/", {"q": "harr"})
    assert response.json() == {
        "suggestions": [{"label": "Harry Potter en de steen der wijzen", "kind": "titel"}]
    }
    soup = _soup(site_a.client_for().get("/catalogus/"))
    field = soup.select_one("#catalogue-q")
    assert field["role"] == "combobox"
    assert field["aria-controls"] == "catalogue-q-list"
    assert soup.select_one("#catalogue-q-list")["role"] == "listbox"
    assert soup.select_one("label[for=catalogue-q]") is not None


def _home_with_blocks(site, *, genre=""):
    home = site.home
    home.body.append(("catalogue_search", {"title": "Zoek in de catalogus", "text": ""}))
    home.body.append(
        (
            "new_acquisitions",
            {"title": "Nieuw in de bib", "audience": "", "genre": genre, "count": 4},
        )
    )
    home.save_revision().publish()


def test_blocks_on_two_sites_use_each_sites_catalogue_and_profile(two_libraries, records):
    gent, leuven = two_libraries
    for site in two_libraries:
        _home_with_blocks(site)
    gent_soup = _soup(gent.client_for().get("/"))
    leuven_soup = _soup(leuven.client_for().get("/"))
    gent_form = gent_soup.select_one(".block-catalogue-search form")
    leuven_form = leuven_soup.select_one(".block-catalogue-search form")
    assert gent_form["action"] == _catalogue_page(gent).url
    assert leuven_form["action"] == _catalogue_page(leuven).url
    assert gent_form["action"] != leuven_form["action"]
    gent_new = [a.get_text(strip=True) for a in gent_soup.select(".block-new-acquisitions h3")]
    leuven_new = [a.get_text(strip=True) for a in leuven_soup.select(".block-new-acquisitions h3")]
    assert gent_new == ["Harry Potter en de steen der wijzen", "Koken met groenten"]
    assert leuven_new == ["Het verdriet van België", "Harry Potter en de steen der wijzen"]
    link = gent_soup.select_one(".block-new-acquisitions h3 a")["href"]
    assert link.endswith("/catalogus/titel/900001/")


def test_new_acquisitions_by_genre(site_a, records):
    _home_with_blocks(site_a, genre="Fantasy")
    titles = [
        h.get_text(strip=True)
        for h in _soup(site_a.client_for().get("/")).select(".block-new-acquisitions h3")
    ]
    assert titles == ["Harry Potter en de steen der wijzen"]


def test_results_page_query_count_does_not_grow_with_results(site_a, tmp_path):
    client = site_a.client_for()
    client.get("/catalogus/", {"q": "zee"})  # warm site caches
    records_load(tmp_path, [MarcRecordFactory(title=f"De zee {n}") for n in range(3)], "a.mrc")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/catalogus/", {"q": "zee"})
    assert len(_soup(response).select(".catalogue-hit")) == 3
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                title=f"Zee nummer {n}",
                holdings=(("gent", "De Krook", "Z", "beschikbaar", "2026-01-01"),),
            )
            for n in range(25)
        ],
        "b.mrc",
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/catalogus/", {"q": "zee"})
    assert len(_soup(response).select(".catalogue-hit")) == 20
    assert len(many) == len(few)
    assert len(many) <= 21
