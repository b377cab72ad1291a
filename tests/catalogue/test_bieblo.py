"""Bieblo: themes as pictures and an age give books of the site's youth collection."""

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory

from catalogue.bieblo import THEMES
from catalogue.blocks import BiebloBlock
from tests.factories.catalogue import MarcRecordFactory, records_load

pytestmark = pytest.mark.django_db

NOW = "2026-01-01"


def _kids(record_id, title, audience, themes, profile="gent", status="beschikbaar", **extra):
    return MarcRecordFactory(
        record_id=record_id,
        title=title,
        audience=audience,
        theme_words=themes,
        holdings=((profile, "De Krook" if profile == "gent" else "Tweebronnen", "X", status, NOW),),
        **extra,
    )


@pytest.fixture
def youth(db, tmp_path):
    records_load(
        tmp_path,
        [
            _kids("B1", "De hond die kon praten", "vanaf 6 jaar", ("Dieren",)),
            _kids("B2", "Paardenkamp", "vanaf 9 jaar", ("Paarden",), status="uitgeleend"),
            _kids("B3", "De grote dierenquiz", "vanaf 10 jaar", ("Dieren",)),
            _kids("B4", "Dieren in de stad", "volwassenen", ("Dieren",)),
            _kids("B5", "Leuvense dieren", "vanaf 6 jaar", ("Dieren",), profile="leuven"),
            _kids("B6", "Het spookslot", "vanaf 8 jaar", (), genres=("Griezelverhalen",)),
            _kids("B7", "Doelpunt!", "vanaf 8 jaar", ("Voetbal",)),
        ],
    )


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _titles(soup):
    return [t.get_text(strip=True) for t in soup.select(".bieblo__book-title")]


def test_picker_offers_every_theme_as_a_labelled_picture_and_ages_6_to_12(site_a, youth):
    soup = _soup(site_a.client_for().get("/catalogus/bieblo/"))
    themes = soup.select("input[name=thema]")
    assert [t["value"] for t in themes] == [theme.slug for theme in THEMES]
    for box in themes:
        label = soup.select_one(f"label[for={box['id']}]")
        assert label.select_one("svg[aria-hidden=true]") is not None
        assert label.get_text(strip=True)
    ages = soup.select("input[name=leeftijd][type=radio]")
    assert [a["value"] for a in ages] == [str(n) for n in range(6, 13)]
    assert soup.select_one(f"label[for={ages[0]['id']}]").get_text(" ", strip=True) == "6 6 jaar"
    legends = [legend.get_text(" ", strip=True) for legend in soup.select("legend")]
    assert legends[0].startswith("Waar gaat je boek over?") and legends[1] == "Hoe oud ben je?"
    assert soup.select(".bieblo__book") == []  # nothing chosen yet


def test_choice_gives_youth_books_of_this_library_for_that_age(site_a, youth):
    response = site_a.client_for().get("/catalogus/bieblo/", {"thema": "dieren", "leeftijd": "9"})
    soup = _soup(response)
    assert soup.select_one("#bieblo-results-heading").get_text(strip=True) == (
        "Boeken over dieren voor 9 jaar"
    )
    # On the shelf first (B1), then lent out (B2); B3 is for 10, B4 for adults, B5 in Leuven.
    assert _titles(soup) == ["De hond die kon praten", "Paardenkamp"]
    books = soup.select(".bieblo__book")
    assert books[0].select_one(".bieblo__book-status").get_text(strip=True) == "Ligt in de bib."
    assert books[1].select_one(".bieblo__book-status").get_text(strip=True) == "Is nu uitgeleend."
    assert books[0].select_one("a")["href"] == "/catalogus/titel/B1/"
    assert books[0].select_one(".cover .cover__title").get_text(strip=True) == (
        "De hond die kon praten"
    )
    checked = soup.select_one("input[value=dieren]")
    assert checked.has_attr("checked")


def test_older_child_and_several_themes(site_a, youth):
    soup = _soup(
        site_a.client_for().get(
            "/catalogus/bieblo/", {"thema": ["griezelen", "voetbal", "dieren"], "leeftijd": "10"}
        )
    )
    assert set(_titles(soup)) == {
        "De hond die kon praten",
        "Paardenkamp",
        "De grote dierenquiz",
        "Het spookslot",
        "Doelpunt!",
    }
    heading = soup.select_one("#bieblo-results-heading").get_text(" ", strip=True)
    assert heading == "Boeken over griezelen en spoken en voetbal en dieren voor 10 jaar"


def test_other_library_sees_its_own_youth_collection(library_b, youth):
    soup = _soup(
        library_b.client_for().get("/catalogus/bieblo/", {"thema": "dieren", "leeftijd": "6"})
    )
    assert _titles(soup) == ["Leuvense dieren"]


def test_nothing_found_says_so_simply(site_a, youth):
    soup = _soup(
        site_a.client_for().get("/catalogus/bieblo/", {"thema": "ruimte", "leeftijd": "7"})
    )
    assert "We vonden geen boeken" in soup.select_one(".bieblo__results").get_text()


@pytest.mark.parametrize(
    "params", [{"thema": "onbekend", "leeftijd": "8"}, {"thema": "dieren", "leeftijd": "99"}]
)
def test_bad_choice_gets_a_short_dutch_message_and_400(site_a, youth, params):
    response = site_a.client_for().get("/catalogus/bieblo/", params)
    assert response.status_code == 400
    assert "Dat kennen we niet" in _soup(response).select_one("[role=alert]").get_text()


def test_block_places_the_picker_on_any_page_and_sends_to_the_bieblo_page(site_a):
    request = RequestFactory().get("/", HTTP_HOST=site_a.hostname)
    block = BiebloBlock()
    value = block.to_python({"title": "Kies je boek", "text": "Kies een prentje."})
    soup = BeautifulSoup(block.render(value, context={"request": request}), "html.parser")
    assert soup.select_one("h2").get_text() == "Kies je boek"
    assert soup.select_one("form")["action"] == "/catalogus/bieblo/"
    assert len(soup.select("input[name=thema]")) == len(THEMES)
    # Ids are unique per block, so two blocks on one page do not share labels.
    assert soup.select_one("input[name=thema]")["id"].startswith("bieblo-")


def test_block_is_in_every_content_stream():
    from home.blocks import ContentStreamBlock

    assert "bieblo" in ContentStreamBlock().child_blocks
