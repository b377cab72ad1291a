"""The "Boeken" block: chosen records and a saved search, with availability per site."""

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from wagtail.blocks import StructBlockValidationError

from catalogue.blocks import BooksBlock
from tests.factories.catalogue import MarcRecordFactory, records_load

pytestmark = pytest.mark.django_db

NOW = "2026-01-01"


@pytest.fixture
def campaign_books(db, tmp_path):
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id="L1",
                title="Het campagneboek",
                author="Vermeulen, Louise",
                isbn="9789044652475",
                holdings=(
                    ("gent", "De Krook", "VERM", "beschikbaar", NOW),
                    ("gent", "Sint-Amandsberg", "VERM", "uitgeleend", NOW),
                    ("leuven", "Tweebronnen", "VERM", "uitgeleend", NOW),
                ),
            ),
            MarcRecordFactory(
                record_id="L2",
                title="Leesclub over de stad",
                author="Aerts, Bram",
                summary="Leuven leest samen",
                holdings=(("leuven", "Tweebronnen", "AERT", "beschikbaar", NOW),),
            ),
            MarcRecordFactory(
                record_id="L3",
                title="Nog een stadsboek",
                author="Cools, Jef",
                summary="Leuven leest samen",
            ),
        ],
    )


def _render(site, value):
    block = BooksBlock()
    request = RequestFactory().get("/", HTTP_HOST=site.hostname)
    html = block.render(block.to_python(value), context={"request": request})
    return BeautifulSoup(html, "html.parser")


def _cards(soup):
    return {
        card.select_one("h3 a").get_text(strip=True): card.select_one(
            ".block-books__availability"
        ).get_text(" ", strip=True)
        for card in soup.select(".card")
    }


def test_chosen_records_and_saved_search_with_this_sites_availability(
    site_a, library_b, campaign_books
):
    value = {
        "title": "Leuven Leest",
        "records": ["L1"],
        "search": "/catalogus/?q=leuven+leest",
        "count": 3,
    }
    gent = _render(site_a, value)
    assert gent.select_one("h2").get_text() == "Leuven Leest"
    cards = _cards(gent)
    assert list(cards)[0] == "Het campagneboek"  # the chosen book first
    assert cards["Het campagneboek"] == "Beschikbaar : De Krook"
    assert cards["Leesclub over de stad"].startswith("Niet in onze bib")
    assert set(cards) == {"Het campagneboek", "Leesclub over de stad", "Nog een stadsboek"}
    assert gent.select_one("a")["href"] == "/catalogus/titel/L1/"

    leuven = _cards(_render(library_b, value))
    assert leuven["Het campagneboek"] == "Uitgeleend"
    assert leuven["Leesclub over de stad"] == "Beschikbaar : Tweebronnen"


def test_isbn_chooses_a_record_too(site_a, campaign_books):
    cards = _cards(_render(site_a, {"title": "B", "records": ["978-90-446-5247-5"], "count": 1}))
    assert list(cards) == ["Het campagneboek"]


def test_count_limits_the_saved_search(site_a, campaign_books):
    cards = _cards(_render(site_a, {"title": "B", "search": "q=leuven leest", "count": 1}))
    assert len(cards) == 1


def test_unknown_records_are_left_out(site_a, campaign_books):
    cards = _cards(_render(site_a, {"title": "B", "records": ["GEENRECORD", "L2"], "count": 6}))
    assert list(cards) == ["Leesclub over de stad"]


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"records": ["niet geldig!"], "search": ""}, "records"),
        ({"records": [], "search": "/catalogus/?sorteer=titel"}, "search"),
    ],
)
def test_editor_gets_a_dutch_error_for_bad_input(value, field):
    block = BooksBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"title": "Boeken", "count": 6, **value}))
    assert field in error.value.block_errors


def test_editor_must_choose_a_book_or_a_search():
    block = BooksBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"title": "Boeken", "records": [], "search": "", "count": 6}))
    assert "minstens één boek" in str(error.value.non_block_errors)


def test_block_is_on_news_standard_and_central_template_bodies():
    from central.models import PageTemplate
    from library_pages.models import NewsPage, StandardPage

    for model in (NewsPage, StandardPage, PageTemplate):
        assert "books" in model._meta.get_field("body").stream_block.child_blocks


def test_page_with_books_renders_for_visitors(site_a, campaign_books):
    from library_pages.models import StandardPage

    page = StandardPage(
        title="Leuven Leest",
        slug="leuven-leest",
        body=[("books", {"title": "Het boek", "records": ["L1"], "search": "", "count": 6})],
    )
    site_a.home.add_child(instance=page)
    page.save_revision().publish()
    response = site_a.client_for().get("/leuven-leest/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".block-books h3 a").get_text(strip=True) == "Het campagneboek"
