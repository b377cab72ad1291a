"""The agenda's cards read in two phases (events.selectors.card_values, then full pages only
for the cards the cache lacks) give the same events, occurrences, counts and card cache keys
as building every card; a card missing from the cache is rendered in full; the agenda follows
publish and unpublish with a warm card cache; a warm agenda runs fewer queries."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import selectors
from events.selectors import card_parts
from tests.events.conftest import NOW, TODAY
from tests.factories.events import EventPageFactory, event_date

FILTERS = [
    {},
    {"wanneer": "week"},
    {"van": dt.date(2030, 1, 10), "tot": dt.date(2030, 2, 10)},
    {"gratis": True},
    {"leeftijd": 8},
    {"q": "Gelijk"},
]


def _full(item) -> tuple:
    return (item.event.pk, item.occurrence.pk, item.occurrence.start, item.count)


@pytest.mark.parametrize("filters", FILTERS)
def test_card_values_are_the_card_parts_of_the_full_cards(site_a, mixed_agenda, filters):
    asked: list[list[tuple]] = []

    def nothing_cached(parts_list):
        asked.append(parts_list)
        return [None] * len(parts_list)

    for per_page, page_number in ((20, 1), (3, 2)):
        asked.clear()
        full = selectors.agenda_page(
            index=mixed_agenda, filters=filters, per_page=per_page, page_number=page_number, now=NOW
        )
        two_phase = selectors.agenda_page(
            index=mixed_agenda,
            filters=filters,
            per_page=per_page,
            page_number=page_number,
            now=NOW,
            cached_cards=nothing_cached,
        )
        assert full.items, filters
        # a cache that has nothing: every card built in full, the same as the one-phase path
        assert [_full(item) for item in two_phase.items] == [_full(item) for item in full.items]
        # built from their values: the same events, locations and images as well
        assert [card_parts(item) for item in two_phase.items] == [
            card_parts(item) for item in full.items
        ]
        assert two_phase.page_obj.paginator.count == full.page_obj.paginator.count
        # the values read without pages are exactly the cache keys' values of the full cards
        # (their repr too: the key is a hash of it)
        assert asked == [[card_parts(item) for item in full.items]]
        assert repr(asked) == repr([[card_parts(item) for item in full.items]])


@pytest.mark.parametrize("filters", FILTERS)
def test_the_card_values_statement_reads_what_the_orm_reads(site_a, mixed_agenda, filters):
    from django.db import connections

    from events.models import Occurrence

    connection = connections[Occurrence.objects.db]
    if connection.vendor != "postgresql":
        pytest.skip("the statement is PostgreSQL's; elsewhere the ORM reads the values")
    full = selectors.agenda_page(index=mixed_agenda, filters=filters, now=NOW)
    start, end = selectors.when_window(filters=filters, now=NOW)
    page_ids = sorted({item.event.pk for item in full.items})
    starts = sorted({item.occurrence.start for item in full.items})
    params = [start, start, start, *([end] if end else []), page_ids, starts]
    with connection.cursor() as cursor:
        cursor.execute(selectors._card_values_sql(bounded=end is not None), params)
        raw = cursor.fetchall()
    orm = selectors.card_values_orm(
        page_ids=page_ids, starts=starts, window=selectors._window_q(start, end)
    )
    assert raw and repr(raw) == repr(orm)


@pytest.mark.parametrize("filters", FILTERS)
def test_cached_cards_come_back_in_agenda_order_without_pages(site_a, mixed_agenda, filters):
    full = selectors.agenda_page(index=mixed_agenda, filters=filters, now=NOW)
    by_parts = {card_parts(item): f"<card {item.event.pk}>" for item in full.items}
    # every other card cached: those come back as HTML, the others as full cards
    cached = dict(list(by_parts.items())[::2])

    result = selectors.agenda_page(
        index=mixed_agenda,
        filters=filters,
        now=NOW,
        cached_cards=lambda parts_list: [cached.get(parts) for parts in parts_list],
    )
    assert len(result.items) == len(full.items)
    for got, expected in zip(result.items, full.items, strict=True):
        assert got.count == expected.count
        if card_parts(expected) in cached:
            assert got.event is None and got.html == f"<card {expected.event.pk}>"
        else:
            assert not got.html and _full(got) == _full(expected)


def _cards(response) -> list:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select(".event-card")


def _queries(client, url, params=None) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response.content


def _card_key(client, agenda, item) -> str:
    from events.cards import CardCache

    return CardCache(client.get(agenda.url).wsgi_request).key(card_parts(item))


def test_a_card_missing_from_the_cache_is_rendered_in_full(site_a, mixed_agenda):
    client = site_a.client_for()
    cold = client.get(mixed_agenda.url)
    assert client.get(mixed_agenda.url).content == cold.content
    assert len(_cards(cold)) == 12
    # one card's entry gone (evicted, expired): that card alone is built and rendered again
    result = selectors.agenda_page(index=mixed_agenda, filters={}, now=NOW)
    gone = next(item for item in result.items if item.event.title == "Reeks")
    key = _card_key(client, mixed_agenda, gone)
    assert cache.get(key) is not None
    cache.delete(key)
    again = client.get(mixed_agenda.url)
    assert again.content == cold.content
    reeks = next(card for card in _cards(again) if "Reeks" in card.get_text())
    text = reeks.get_text(" ", strip=True)
    assert reeks.select_one(".card__title a")["href"] == gone.event.relative_url(site_a.site)
    assert "en nog 5 datums" in text
    assert "Filiaal Noord" in text
    assert cache.get(key) is not None  # stored again


def test_a_warm_agenda_reads_no_pages_and_runs_fewer_queries(site_a, mixed_agenda, monkeypatch):
    from events import cards, views

    client = site_a.client_for()
    one_phase = views.agenda_page

    def without_card_cache(**kwargs):
        kwargs.pop("cached_cards")
        return one_phase(**kwargs)

    for params in ({}, {"gratis": "1"}, {"wanneer": "week"}, {"leeftijd": "8"}):
        client.get(mixed_agenda.url, params)  # every card cached, the site's caches warm
        warm, warm_html = _queries(client, mixed_agenda.url, params)
        with monkeypatch.context() as patched:
            # the cards' cache asked first finds nothing: the pages are read, as when cold
            patched.setattr(cards.CardCache, "found", lambda self, parts: [None] * len(parts))
            missing, missing_html = _queries(client, mixed_agenda.url, params)
        with monkeypatch.context() as patched:
            # the one-phase path (every card built as a page, then looked up in the cache)
            patched.setattr(views, "agenda_page", without_card_cache)
            before, before_html = _queries(client, mixed_agenda.url, params)
        assert warm_html == missing_html == before_html
        # warm: neither the events' pages nor their images are read
        assert warm <= before - 1, params
        # every card missing: one query more than before (the values of the cache keys)
        assert missing <= before + 1, params


def test_publish_and_unpublish_change_the_warm_agenda(site_a, mixed_agenda):
    client = site_a.client_for()
    before = [
        card.select_one(".card__title a").get_text(strip=True)
        for card in _cards(client.get(mixed_agenda.url))
    ]
    assert "Nieuw vandaag" not in before
    new = EventPageFactory(
        parent=mixed_agenda, title="Nieuw vandaag", dates=[event_date(TODAY, "12:00", "13:00")]
    )
    titles = [
        card.select_one(".card__title a").get_text(strip=True)
        for card in _cards(client.get(mixed_agenda.url))
    ]
    assert "Nieuw vandaag" in titles
    new.unpublish()
    titles = [
        card.select_one(".card__title a").get_text(strip=True)
        for card in _cards(client.get(mixed_agenda.url))
    ]
    assert "Nieuw vandaag" not in titles
    assert titles == before
    # unpublishing an event whose card is cached takes it off the agenda too
    reeks = mixed_agenda.get_children().get(title="Reeks").specific
    reeks.unpublish()
    titles = [
        card.select_one(".card__title a").get_text(strip=True)
        for card in _cards(client.get(mixed_agenda.url))
    ]
    assert "Reeks" not in titles and len(titles) == len(before) - 1
    reeks.save_revision().publish()
    titles = [
        card.select_one(".card__title a").get_text(strip=True)
        for card in _cards(client.get(mixed_agenda.url))
    ]
    assert titles == before


def test_related_events_come_from_the_card_cache_without_their_pages(
    site_a, mixed_agenda, monkeypatch
):
    from events import cards

    event = mixed_agenda.get_children().get(title="Later 0").specific
    for number in range(3):
        EventPageFactory(
            parent=mixed_agenda,
            title=f"Verwant {number}",
            theme=event.theme or "1.10.0.0.0",
            dates=[event_date(dt.date(2030, 1, 20 + number))],
        )
    if not event.theme:
        event.theme = "1.10.0.0.0"
        event.save_revision().publish()
    client = site_a.client_for()
    client.get(event.url)  # every related card cached
    warm, warm_html = _queries(client, event.url)
    with monkeypatch.context() as patched:
        patched.setattr(cards.CardCache, "found", lambda self, parts: [None] * len(parts))
        missing, missing_html = _queries(client, event.url)
    assert warm_html == missing_html
    related = BeautifulSoup(warm_html, "html.parser").select(".card-grid .card__title a")
    assert [a.get_text(strip=True) for a in related] == ["Verwant 0", "Verwant 1", "Verwant 2"]
    assert warm == missing - 1  # the related events' pages are not read


def test_a_card_built_from_its_values_reads_nothing_more_and_shows_the_same(
    site_a, mixed_agenda, rf
):
    """The cards the card cache lacks are built from their values with only the columns a
    card reads (`selectors._card_deferred_fields`): rendering them runs no more queries than
    rendering cards built in full, and each
    card is the same HTML as one built in full, whatever it shows (a location page, an image,
    an external image, a price, an age range, a kind of activity, a booking link)."""
    from django.template import Context
    from django.template.loader import get_template

    from home.shell import site_shell_for_request
    from library_pages.models import LocationPage

    EventPageFactory(
        parent=mixed_agenda,
        title="Concert met tickets",
        dates=[event_date(dt.date(2030, 1, 9), "20:00")],
        price_info=[{"name": "Basistarief", "price": 12}],
        booking_url="https://tickets.example/concert",
        event_type="0.0.0.0.0",
        image_url="https://images.example/concert.jpg",
        location_page=LocationPage.objects.get(title="Filiaal Noord"),
    )
    request = site_a.client_for().get("/").wsgi_request
    shell = site_shell_for_request(request=request)
    template = get_template("events/components/event_card.html").template

    def render(item) -> str:
        return template.render(Context({"item": item, "request": request, "shell": shell}))

    full = selectors.agenda_page(index=mixed_agenda, filters={}, now=NOW)
    expected = [render(item) for item in full.items]  # makes the images' renditions too
    built = selectors.agenda_page(
        index=mixed_agenda,
        filters={},
        now=NOW,
        cached_cards=lambda parts_list: [None] * len(parts_list),
    )
    with CaptureQueriesContext(connection) as captured:
        got = [render(item) for item in built.items]
    # the same queries as cards built in full (the picture's renditions that the card images'
    # prefetch leaves out): nothing read for a column left out
    full_again = selectors.agenda_page(index=mixed_agenda, filters={}, now=NOW)
    with CaptureQueriesContext(connection) as captured_full:
        [render(item) for item in full_again.items]
    assert len(captured) == len(captured_full)
    # a column left out would be read by itself from the event's or the location's table
    assert not [query for query in captured if "rendition" not in query["sql"]]
    assert got == expected
    shown = "".join(got)
    for text in ("Filiaal Noord", "Concert met tickets", "12", "tickets.example", "concert.jpg"):
        assert text in shown
