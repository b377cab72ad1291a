"""Covers: the catalogue page's cover URL template (ISBN or record id), lazily loaded by the
browser with alt text, over a generated cover (title, author, material colour) that stays
when there is no image or it fails. The server never contacts the cover service."""

import socket
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ValidationError

from catalogue.models import CatalogueSearchPage, validate_cover_url_template
from catalogue.selectors import cover_url_for
from tests.factories.catalogue import MarcRecordFactory, records_load

pytestmark = pytest.mark.django_db

TEMPLATE = "https://omslagen.example.be/{isbn}.jpg?bib={id}"


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def covers(site_a, tmp_path):
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id="C1",
                title="De wolf van de Kempen",
                author="Peeters, Lien",
                isbn="978-90-223-3908-4",
                holdings=(("gent", "De Krook", "PEET", "beschikbaar", "2026-03-01"),),
            ),
            MarcRecordFactory(
                record_id="C2",
                title="Wolven zonder ISBN",
                author="Maes, Els",
                leader_type="gm",
                f007="vd",
            ),
        ],
    )
    page = CatalogueSearchPage.objects.descendant_of(site_a.site.root_page).get()
    page.cover_url_template = TEMPLATE
    page.save_revision().publish()
    return page


@pytest.fixture
def no_network(monkeypatch):
    """Any connection the server would open fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the server opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_record_page_cover_from_the_template_loads_lazily_with_alt_text(site_a, covers, no_network):
    soup = _soup(site_a.client_for().get("/catalogus/titel/C1/"))
    cover = soup.select_one(".catalogue-record__cover .cover")
    image = cover.select_one("img.cover__image")
    assert image["src"] == "https://omslagen.example.be/9789022339084.jpg?bib=C1"
    assert image["alt"] == "Omslag van De wolf van de Kempen"
    assert image["loading"] == "lazy"
    assert image["referrerpolicy"] == "no-referrer"
    assert image.has_attr("data-cover")
    # The generated cover lies under it, for when the image does not load.
    generated = cover.select_one(".cover__generated")
    assert generated["aria-hidden"] == "true"
    assert generated.select_one(".cover__title").get_text() == "De wolf van de Kempen"
    assert generated.select_one(".cover__author").get_text() == "Peeters, Lien"
    assert "cover--boek" in cover["class"]


def test_without_isbn_the_generated_cover_is_the_image(site_a, covers, no_network):
    soup = _soup(site_a.client_for().get("/catalogus/titel/C2/"))
    cover = soup.select_one(".catalogue-record__cover .cover")
    assert cover.select_one("img") is None
    assert "cover--dvd" in cover["class"]
    generated = cover.select_one(".cover__generated")
    assert generated["role"] == "img"
    assert generated["aria-label"] == "Omslag van Wolven zonder ISBN"
    assert generated.select_one(".cover__material").get_text() == "Dvd"


def test_results_show_covers_next_to_the_title(site_a, covers, no_network):
    soup = _soup(site_a.client_for().get("/catalogus/", {"q": "wolf"}))
    hit = soup.select_one(".catalogue-hit")
    image = hit.select_one(".catalogue-hit__cover img.cover__image")
    assert image["src"] == "https://omslagen.example.be/9789022339084.jpg?bib=C1"
    # Decorative next to the linked title, which says the same.
    assert image["alt"] == ""
    assert image["loading"] == "lazy"


def test_covers_script_is_a_static_file_and_no_inline_script(site_a, covers):
    for url in ("/catalogus/", "/catalogus/?q=wolf", "/catalogus/titel/C1/"):
        scripts = _soup(site_a.client_for().get(url)).select("script")
        sources = [s.get("src", "") for s in scripts if s.get("type") != "application/ld+json"]
        assert all(sources), url  # no inline script (the CSP forbids it)
        assert any(src.endswith("js/covers.js") for src in sources), url
    script = Path(settings.BASE_DIR) / "static" / "js" / "covers.js"
    assert "img[data-cover]" in script.read_text()


def test_new_acquisitions_block_shows_covers(site_a, covers, no_network):
    home = site_a.home
    home.body.append(
        ("new_acquisitions", {"title": "Nieuw", "audience": "", "genre": "", "count": 4})
    )
    home.save_revision().publish()
    soup = _soup(site_a.client_for().get("/"))
    [cover] = soup.select(".block-new-acquisitions .cover")
    assert cover.select_one(".cover__title").get_text() == "De wolf van de Kempen"
    image = cover.select_one("img.cover__image")
    assert image["src"] == "https://omslagen.example.be/9789022339084.jpg?bib=C1"
    assert image["loading"] == "lazy"


def test_record_cover_from_856_comes_first():
    assert (
        cover_url_for(
            template=TEMPLATE, record_id="C1", isbn="9789022339084", stored="https://x.be/c.jpg"
        )
        == "https://x.be/c.jpg"
    )


@pytest.mark.parametrize(
    ("template", "record_id", "isbn", "expected"),
    [
        ("https://c.example/{id}.jpg", "a/b 1", "", "https://c.example/a%2Fb%201.jpg"),
        ("https://c.example/{isbn}", "1", "", ""),
        ("http://c.example/{isbn}", "1", "9789022339084", ""),
        ("", "1", "9789022339084", ""),
    ],
)
def test_cover_url_template(template, record_id, isbn, expected):
    assert cover_url_for(template=template, record_id=record_id, isbn=isbn) == expected


@pytest.mark.parametrize(
    "value",
    ["http://c.example/{isbn}", "https://c.example/cover.jpg", "https://c.example/{isbn} x"],
)
def test_cover_url_template_validation(value):
    with pytest.raises(ValidationError):
        validate_cover_url_template(value)
    validate_cover_url_template("https://c.example/{isbn}.jpg")


def test_cultuurconnect_hits_carry_their_isbn_13_for_the_template():
    from catalogue.backends.cultuurconnect import _isbn13s

    assert _isbn13s(["90-223-3908-4", "geen", "978-90-234-2576-2"]) == [
        "9789022339084",
        "9789023425762",
    ]
