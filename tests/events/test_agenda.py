"""The agenda page: filters that combine, pagination that keeps them, nonsense parameters,
constant query counts and regional events from other sites."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import EventIndexPage
from library_pages.models import LocationIndexPage
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of
from tests.factories.pages import LocationPageFactory


def titles(response) -> set[str]:
    assert response.status_code == 200
    soup = soup_of(response)
    return {a.get_text(strip=True) for a in soup.select(".event-card .card__title a")}


@pytest.fixture
def agenda_events(site_a, frozen_now):
    agenda = agenda_of(site_a.home)
    location = LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(site_a.home).get(), title="De Krook"
    )
    EventPageFactory(
        parent=agenda,
        title="Strijkkwartet",
        dates=[event_date(dt.date(2030, 1, 9), "14:00", "16:00")],
        event_type="0.50.4.0.0",
        theme="1.8.1.0.0",
        price_info=[{"name": "Basistarief", "price": 12}],
    )
    EventPageFactory(
        parent=agenda,
        title="Robots bouwen",
        dates=[event_date(dt.date(2030, 1, 12), "10:00", "12:00")],
        event_type="0.3.1.0.0",
        theme="1.21.0.0.0",
        age_min=8,
        age_max=12,
        is_free=True,
        location_page=location,
    )
    EventPageFactory(
        parent=agenda,
        title="Lezing over het Gravensteen",
        intro="Negenhonderd jaar burcht.",
        dates=[event_date(dt.date(2030, 1, 20), "19:30", "21:00")],
        event_type="0.3.2.0.0",
        theme="1.11.0.0.0",
        age_min=18,
    )
    EventPageFactory(
        parent=agenda,
        title="Kleuterfilm",
        dates=[event_date(dt.date(2030, 3, 5), "14:00", "15:00")],
        event_type="0.50.6.0.0",
        age_min=3,
        age_max=5,
        is_free=True,
    )
    EventPageFactory(
        parent=agenda,
        title="Gisteren voorbij",
        dates=[event_date(dt.date(2030, 1, 8), "14:00", "15:00")],
    )
    return agenda, location


ALL = {"Strijkkwartet", "Robots bouwen", "Lezing over het Gravensteen", "Kleuterfilm"}


FILTER_CASES = [
    ("", ALL),
    ("wanneer=vandaag", {"Strijkkwartet"}),
    ("wanneer=weekend", {"Robots bouwen"}),
    ("wanneer=week", {"Strijkkwartet", "Robots bouwen"}),
    ("wanneer=maand", ALL - {"Kleuterfilm"}),
    ("van=2030-01-15&tot=2030-03-31", {"Lezing over het Gravensteen", "Kleuterfilm"}),
    ("type=0.50.4.0.0", {"Strijkkwartet"}),
    ("thema=1.21.0.0.0", {"Robots bouwen"}),
    ("leeftijdsgroep=kleuters", {"Strijkkwartet", "Kleuterfilm"}),
    ("leeftijdsgroep=kinderen", {"Strijkkwartet", "Robots bouwen"}),
    ("leeftijdsgroep=volwassenen", {"Strijkkwartet", "Lezing over het Gravensteen"}),
    ("leeftijdsgroep=gezinnen", {"Strijkkwartet"}),
    ("leeftijd=10", {"Strijkkwartet", "Robots bouwen"}),
    ("gratis=on", {"Robots bouwen", "Kleuterfilm"}),
    ("q=gravensteen", {"Lezing over het Gravensteen"}),
    ("q=burcht", {"Lezing over het Gravensteen"}),
    ("gratis=on&wanneer=maand", {"Robots bouwen"}),
    ("leeftijdsgroep=kinderen&gratis=on&thema=1.21.0.0.0", {"Robots bouwen"}),
]


def test_filters(site_a, agenda_events):
    """Every filter and some combinations, on one set of events (one site to build)."""
    agenda, _location = agenda_events
    client = site_a.client_for()
    failures = []
    for query, expected in FILTER_CASES:
        found = titles(client.get(f"{agenda.url}?{query}"))
        if found != expected:
            failures.append(f"{query}: {sorted(found)} != {sorted(expected)}")
    assert not failures, failures


def test_location_filter(site_a, agenda_events):
    agenda, location = agenda_events
    response = site_a.client_for().get(agenda.url, {"locatie": location.pk})
    assert titles(response) == {"Robots bouwen"}


def test_occurrences_show_in_brussels_time_and_in_date_order(site_a, agenda_events):
    agenda, _ = agenda_events
    soup = soup_of(site_a.client_for().get(agenda.url))
    cards = soup.select(".event-card")
    assert [c.select_one(".card__title a").get_text(strip=True) for c in cards] == [
        "Strijkkwartet",
        "Robots bouwen",
        "Lezing over het Gravensteen",
        "Kleuterfilm",
    ]
    assert "14:00–16:00" in cards[0].select_one("time").get_text()


def test_pagination_keeps_filters(site_a, frozen_now):
    agenda = agenda_of(site_a.home)
    for day in range(25):
        EventPageFactory(
            parent=agenda,
            title=f"Workshop {day:02d}",
            theme="1.42.0.0.0",
            dates=[event_date(dt.date(2030, 2, 1) + dt.timedelta(days=day))],
        )
    client = site_a.client_for()
    response = client.get(agenda.url, {"thema": "1.42.0.0.0"})
    assert len(titles(response)) == 20
    soup = soup_of(response)
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert "thema=1.42.0.0.0" in next_link and "pagina=2" in next_link
    assert len(titles(client.get(agenda.url + next_link))) == 5
    feeds = [a["href"] for a in soup.select(".feed-links a")]
    # (an empty list would pass the all() below)
    assert feeds
    assert all("thema=1.42.0.0.0" in href for href in feeds)


NONSENSE = [
    "van=2030-02-30",
    "van=gisteren&tot=morgen",
    "tot=1800-01-01",
    "van=2030-05-01&tot=2030-01-01",
    "leeftijd=abc",
    "leeftijd=-4",
    "leeftijd=99999999999999999999",
    "type=9.9.9.9.9",
    "thema=%3Cscript%3E",
    "leeftijdsgroep=baby",
    "locatie=999999",
    "locatie=abc",
    "type=0.50.4.0.0&type=0.3.1.0.0",
    "wanneer[]=vandaag",
    "wanneer=gisteren",
    "q=" + "x" * 500,
    "pagina=abc",
    "pagina=500",
    "pagina=-1",
    "gratis=misschien",
]


def test_nonsense_parameters_give_a_normal_page(site_a, agenda_events):
    agenda, _ = agenda_events
    client = site_a.client_for()
    statuses = {query: client.get(f"{agenda.url}?{query}").status_code for query in NONSENSE}
    assert set(statuses.values()) == {200}, statuses
    feeds = {query: client.get(f"{agenda.url}rss/?{query}").status_code for query in NONSENSE[:8]}
    assert set(feeds.values()) == {200}, feeds


def test_absurd_page_number_is_404(site_a, agenda_events):
    agenda, _ = agenda_events
    assert site_a.client_for().get(agenda.url, {"pagina": "999999"}).status_code == 404


def _agenda_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


AGENDA_PARAMS = {"all": {}, "theme": {"thema": "1.10.0.0.0"}, "age": {"leeftijd": "8"}}


def _agenda_query_counts(client, url, monkeypatch) -> tuple[dict, dict]:
    """(every card cached, no card cached): the queries of each page of AGENDA_PARAMS."""
    from events import cards

    warm = {}
    for name, params in AGENDA_PARAMS.items():
        client.get(url, params)  # the cards of events added since are cached
        warm[name] = _agenda_queries(client, url, params)
    with monkeypatch.context() as patched:
        patched.setattr(cards.CardCache, "found", lambda self, parts: [None] * len(parts))
        cold = {
            name: _agenda_queries(client, url, params) for name, params in AGENDA_PARAMS.items()
        }
    return warm, cold


def test_query_count_does_not_grow_with_events_shown_or_stored(site_a, frozen_now, monkeypatch):
    agenda = agenda_of(site_a.home)
    location = LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(site_a.home).get(), title="Filiaal"
    )

    def add(count, offset):
        for number in range(count):
            EventPageFactory(
                parent=agenda,
                theme="1.10.0.0.0",
                age_min=6,
                location_page=location if number % 2 else None,
                dates=[
                    event_date(dt.date(2030, 2, 1) + dt.timedelta(days=offset + number)),
                    event_date(dt.date(2030, 4, 1) + dt.timedelta(days=offset + number)),
                ],
            )

    client = site_a.client_for()
    add(2, 0)
    client.get(agenda.url)  # warm caches (site root paths, settings)
    few_warm, few_cold = _agenda_query_counts(client, agenda.url, monkeypatch)
    add(30, 10)
    many_warm, many_cold = _agenda_query_counts(client, agenda.url, monkeypatch)
    assert many_warm == few_warm
    assert many_cold == few_cold
    # cards not in the cache: one query more, for their events (events.selectors._agenda_cards)
    assert all(many_cold[name] == many_warm[name] + 1 for name in AGENDA_PARAMS)
    assert max(many_cold.values()) <= 22


def test_regional_events_of_other_sites_appear_without_copies(two_sites, frozen_now):
    site_a, site_b = two_sites
    agenda_a, agenda_b = agenda_of(site_a.home), agenda_of(site_b.home)
    EventIndexPage.objects.filter(pk=agenda_a.pk).update(
        include_regional=True, region="oost-vlaanderen"
    )
    regional = EventPageFactory(
        parent=agenda_b,
        title="Regionale voorleesdag",
        regional=True,
        region="oost-vlaanderen",
        dates=[event_date(dt.date(2030, 1, 15))],
    )
    EventPageFactory(
        parent=agenda_b,
        title="Alleen in Strombeek",
        dates=[event_date(dt.date(2030, 1, 16))],
    )
    response = site_a.client_for().get(agenda_a.url)
    assert titles(response) == {"Regionale voorleesdag"}
    soup = soup_of(response)
    link = soup.select_one(".event-card .card__title a")["href"]
    assert link.startswith(f"http://{site_b.hostname}")  # canonical on its own site
    assert regional.get_parent().pk == agenda_b.pk
    # an agenda that does not include regional events stays its own
    EventIndexPage.objects.filter(pk=agenda_a.pk).update(include_regional=False)
    assert titles(site_a.client_for().get(agenda_a.url)) == set()


def test_other_sites_events_never_leak(two_sites, frozen_now):
    site_a, site_b = two_sites
    EventPageFactory(
        parent=agenda_of(site_b.home), title="Van B", dates=[event_date(dt.date(2030, 1, 15))]
    )
    assert titles(site_a.client_for().get(agenda_of(site_a.home).url)) == set()


def test_unpublished_events_are_hidden(site_a, frozen_now):
    agenda = agenda_of(site_a.home)
    event = EventPageFactory(parent=agenda, title="Weg", dates=[event_date(dt.date(2030, 1, 15))])
    event.unpublish()
    assert titles(site_a.client_for().get(agenda.url)) == set()
