"""The network site's home page: its next events as the network agenda's cards, a link to the
whole agenda, links to the map, "in de buurt" and the search; other sites' home pages show
none of it; a bounded number of queries."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from network.selectors import network_rows_retire
from network.shell import HOME_EVENTS
from sitegen.services import network_site_provision
from tests.factories.events import EventPageFactory, agenda_of, event_date

pytestmark = pytest.mark.django_db

NETWORK_HOST = "netwerk-home.testserver"


@pytest.fixture
def network_home(site_a, site_b):
    today = timezone.localdate()
    for index, (site, title) in enumerate(
        [(site_a, "Voorlezen"), (site_b, "Expo"), (site_a, "Quiz"), (site_b, "Concert")]
        + [(site_a, f"Later {n}") for n in range(2)]
    ):
        EventPageFactory(
            parent=agenda_of(site.home),
            title=title,
            dates=[event_date(today + dt.timedelta(days=2 + index))],
        )
    EventPageFactory(
        parent=agenda_of(site_b.home),
        title="Voorbij",
        dates=[event_date(today - dt.timedelta(days=3))],
    )
    return network_site_provision(hostname=NETWORK_HOST).tenant


def _home(host: str = NETWORK_HOST) -> BeautifulSoup:
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_network_home_shows_the_next_events_and_the_network_pages(network_home):
    soup = _home()
    section = soup.select_one('section[aria-labelledby="network-home-events-title"]')
    titles = [a.get_text(strip=True).replace("\xad", "") for a in section.select(".card__title a")]
    assert titles == ["Voorlezen", "Expo", "Quiz", "Concert"][:HOME_EVENTS]
    # Each card names its site and links to the event on that site's own host.
    assert all(card.select_one(".card__site") for card in section.select(".event-card"))
    assert all(a["href"].startswith("http") for a in section.select(".card__title a"))
    more = section.select_one("a.button")
    assert more["href"] == "/agenda/"
    assert "6 activiteiten" in more.get_text()
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".network-home nav a")}
    assert list(links.values()) == [
        "/agenda/",
        "/kaart/",
        "/in-de-buurt/",
        "/zoeken-in-het-netwerk/",
    ]


def test_other_home_pages_show_no_network_block(network_home, site_a):
    soup = _home(site_a.site.hostname)
    assert soup.select_one(".network-home") is None


def test_network_home_queries_stay_few(network_home, django_assert_max_num_queries):
    _home()  # the first request of a process builds the site shell and the network map
    with django_assert_max_num_queries(10):
        _home()
    # An event changed somewhere: the counts, the page of events and the cards are read again.
    network_rows_retire()
    with django_assert_max_num_queries(10):
        _home()
