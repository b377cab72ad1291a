"""The agenda's page read in date order (stopping early) gives the same events, first
occurrences, counts and page numbers as grouping every matching row; the cached card and
filter HTML follows the events and locations."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from events import selectors
from library_pages.models import LocationIndexPage
from tests.events.conftest import NOW
from tests.factories.pages import LocationPageFactory

FILTERS = [
    {},
    {"wanneer": "week"},
    {"wanneer": "vandaag"},
    {"van": dt.date(2030, 1, 10)},
    {"gratis": True},
    {"leeftijd": 8},
    {"leeftijdsgroep": "volwassenen"},
    {"q": "Gelijk"},
]


def _shown(result) -> list[tuple]:
    return [
        (item.event.title, item.occurrence.start, item.count, result.page_obj.number)
        for item in result.items
    ]


def _reference(agenda, filters, page_number, per_page):
    """Every matching row grouped per event, one page of the groups (the deep-page path)."""
    matching = selectors.agenda_occurrences(index=agenda, filters=filters, now=NOW).order_by()
    start, _end = selectors.when_window(filters=filters, now=NOW)
    return selectors._agenda_page_grouped(
        matching, window_start=start, page_number=page_number, per_page=per_page, now=NOW
    )


@pytest.mark.parametrize("batch_min,begun_extra", [(40, 20), (1, 0)])
def test_ordered_read_matches_grouping_every_row(
    site_a, mixed_agenda, monkeypatch, batch_min, begun_extra
):
    # (1, 0): the smallest batches, and the exact re-read of running events every time.
    monkeypatch.setattr(selectors, "ORDERED_BATCH_MIN", batch_min)
    monkeypatch.setattr(selectors, "ORDERED_BEGUN_EXTRA", begun_extra)
    failures = []
    for filters in FILTERS:
        for per_page in (1, 2, 3, 20):
            for page_number in range(1, 15 // per_page + 3):
                found = selectors.agenda_page(
                    index=mixed_agenda,
                    filters=filters,
                    page_number=page_number,
                    per_page=per_page,
                    now=NOW,
                )
                expected = _reference(mixed_agenda, filters, page_number, per_page)
                if (
                    _shown(found) != _shown(expected)
                    or found.page_obj.paginator.count != expected.page_obj.paginator.count
                ):
                    failures.append((filters, per_page, page_number, _shown(found)))
    assert not failures, failures[:3]


def test_events_that_began_come_first_then_by_start_then_by_page(site_a, mixed_agenda):
    result = selectors.agenda_page(index=mixed_agenda, filters={}, per_page=20, now=NOW)
    titles = [item.event.title for item in result.items]
    assert set(titles[:3]) == {"Hele dag", "Ochtend", "Tentoonstelling"}
    assert titles[3] == "Reeks"  # today 14:00
    # same start: the older page first
    assert titles[4:6] == ["Gelijk B", "Gelijk A"]
    assert "Voorbij" not in titles
    reeks = result.items[3]
    assert reeks.count == 6
    assert result.page_obj.paginator.count == 12


def _card_titles(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".event-card .card__title a")]


def test_a_published_change_shows_on_its_cached_card(site_a, mixed_agenda):
    client = site_a.client_for()
    first = client.get(mixed_agenda.url)
    assert client.get(mixed_agenda.url).content == first.content  # cards from the cache
    event = mixed_agenda.get_children().get(title="Gelijk A").specific
    event.title = "Gelijk A (nieuw)"
    event.save_revision().publish()
    assert "Gelijk A (nieuw)" in _card_titles(client.get(mixed_agenda.url))


def test_the_cached_filter_form_follows_locations_and_values(site_a, mixed_agenda):
    client = site_a.client_for()

    def locations(response) -> list[str]:
        soup = BeautifulSoup(response.content, "html.parser")
        return [option.get_text() for option in soup.select("select[name=locatie] option")]

    assert locations(client.get(mixed_agenda.url)) == ["Alle", "Filiaal Noord"]
    LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(site_a.home).get(), title="Filiaal Zuid"
    )
    assert locations(client.get(mixed_agenda.url)) == ["Alle", "Filiaal Noord", "Filiaal Zuid"]

    soup = BeautifulSoup(client.get(mixed_agenda.url, {"wanneer": "week"}).content, "html.parser")
    assert soup.select_one("select[name=wanneer] option[selected]")["value"] == "week"
    soup = BeautifulSoup(client.get(mixed_agenda.url).content, "html.parser")
    assert soup.select_one("select[name=wanneer] option[selected]")["value"] == ""
    # an invalid value is shown with its error, never from the cache of a valid one
    soup = BeautifulSoup(client.get(mixed_agenda.url, {"leeftijd": "200"}).content, "html.parser")
    assert soup.select_one("input[name=leeftijd]")["value"] == "200"
    assert soup.select(".errorlist li")
