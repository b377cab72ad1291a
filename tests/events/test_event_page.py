"""The event page, its .ics, JSON-LD, and the agenda's feeds."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from events.models import EventStatus, OccurrenceChange
from tests.factories.events import EventPageFactory, agenda_of, event_date


@pytest.fixture
def event(site_a, frozen_now):
    agenda = agenda_of(site_a.home)
    return EventPageFactory(
        parent=agenda,
        title="Poëzieavond met Lies",
        intro="Gedichten en muziek in de leeszaal.",
        event_type="0.3.2.0.0",
        theme="1.10.5.0.0",
        place_name="Leeszaal De Krook",
        street="Miriam Makebaplein 1",
        postal_code="9000",
        city="Gent",
        latitude="51.048600",
        longitude="3.727000",
        facilities=["3.27.0.0.0", "3.17.1.0.0"],
        price_info=[{"name": "Basistarief", "price": 8}, {"name": "Met UiTPAS", "price": 2}],
        booking_url="https://tickets.example/poezie",
        booking_email="bib@gent.example",
        booking_phone="09 123 45 67",
        organizer_name="Bibliotheek Gent",
        age_min=16,
        dates=[
            event_date(dt.date(2030, 1, 16), "20:00", "22:00"),
            event_date(dt.date(2030, 1, 23), "20:00", "22:00"),
            event_date(dt.date(2030, 1, 30), "20:00", "22:00"),
        ],
        changes=[
            OccurrenceChange(original_date=dt.date(2030, 1, 23), status=EventStatus.CANCELLED)
        ],
    )


def test_event_page_shows_everything(site_a, event):
    response = site_a.client_for().get(event.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    dates = [li.get_text(" ", strip=True) for li in soup.select(".occurrence-list li")]
    assert len(dates) == 3
    assert "16 januari 2030" in dates[0] and "20:00–22:00" in dates[0]
    assert "Geannuleerd" in dates[1]
    address = soup.find("address").get_text(" ", strip=True)
    assert "Miriam Makebaplein 1" in address and "9000 Gent" in address
    map_link = soup.select_one("a[href*=openstreetmap]")
    assert "kaart" in map_link.get_text()
    assert map_link["href"].startswith("https://www.openstreetmap.org/?mlat=51.048600")
    text = soup.get_text(" ", strip=True)
    for expected in (
        "Rolstoeltoegankelijk",
        "Ringleiding",
        "Basistarief: € 8,00",
        "Met UiTPAS: € 2,00",
        "bib@gent.example",
        "Bibliotheek Gent",
        "vanaf 16 jaar",
    ):
        assert expected in text
    # The map is a link: the page loads the site's own scripts and no map library.
    scripts = [tag["src"] for tag in soup.find_all("script", src=True)]
    assert [src.rsplit("/", 1)[-1] for src in scripts] == ["early.js", "site.js"], scripts


def test_json_ld_is_an_event_with_start_location_status_and_offers(site_a, event):
    soup = BeautifulSoup(site_a.client_for().get(event.url).content, "html.parser")
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2030-01-16T20:00:00+01:00"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["postalCode"] == "9000"
    assert data["location"]["geo"]["latitude"] == pytest.approx(51.0486)
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert [offer["price"] for offer in data["offers"]] == ["8.00", "2.00"]
    assert data["offers"][0]["priceCurrency"] == "EUR"


def test_cancelled_event_json_ld_status(site_a, frozen_now):
    cancelled = EventPageFactory(
        parent=agenda_of(site_a.home),
        status=EventStatus.CANCELLED,
        dates=[event_date(dt.date(2030, 2, 1))],
    )
    soup = BeautifulSoup(site_a.client_for().get(cancelled.url).content, "html.parser")
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert "Geannuleerd" in soup.select_one(".event-status").get_text()


def test_ics_parses_with_every_occurrence(site_a, event):
    soup = BeautifulSoup(site_a.client_for().get(event.url).content, "html.parser")
    (link,) = [a["href"] for a in soup.select("a.button") if "Zet in je agenda" in a.get_text()]
    response = site_a.client_for().get(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    assert events[0]["SUMMARY"] == "Poëzieavond met Lies"
    assert events[0].decoded("DTSTART") == dt.datetime(2030, 1, 16, 19, tzinfo=dt.UTC)
    assert str(events[1]["STATUS"]) == "CANCELLED"
    assert "Miriam Makebaplein 1" in str(events[0]["LOCATION"])


def test_agenda_feeds(site_a, event):
    agenda = agenda_of(site_a.home)
    client = site_a.client_for()
    ics = client.get(agenda.url + "ical/", {"thema": "1.10.5.0.0"})
    assert len(Calendar.from_ical(ics.content).walk("VEVENT")) == 3
    empty = client.get(agenda.url + "ical/", {"thema": "1.21.0.0.0"})
    assert Calendar.from_ical(empty.content).walk("VEVENT") == []

    rss = client.get(agenda.url + "rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(rss.content)  # well-formed XML
    items = root.findall("./channel/item")
    assert len(items) == 3
    assert items[0].find("link").text == event.get_full_url()
    assert "(Geannuleerd)" in items[1].find("title").text

    atom = client.get(agenda.url + "atom/")
    entries = ET.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 3

    feed = client.get(agenda.url + "json/").json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["items"][0]["_event"]["start"] == "2030-01-16T20:00:00+01:00"


def test_feed_with_nonsense_parameters_is_not_an_error(site_a, event):
    agenda = agenda_of(site_a.home)
    response = site_a.client_for().get(agenda.url + "rss/", {"van": "nooit", "leeftijd": "x"})
    assert response.status_code == 200


def test_related_events_share_theme(site_a, event):
    EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Dichters in de bib",
        theme="1.10.5.0.0",
        dates=[event_date(dt.date(2030, 2, 5))],
    )
    EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Techniekdag",
        theme="1.21.0.0.0",
        dates=[event_date(dt.date(2030, 2, 6))],
    )
    soup = BeautifulSoup(site_a.client_for().get(event.url).content, "html.parser")
    related = [a.get_text(strip=True) for a in soup.select(".card-grid .card__title a")]
    assert related == ["Dichters in de bib"]


def test_upcoming_block_on_the_home_page(site_a, event):
    home = site_a.home
    home.body = [{"type": "upcoming_events", "value": {"title": "Binnenkort", "count": 2}}]
    home.save_revision().publish()
    soup = BeautifulSoup(site_a.client_for().get("/").content, "html.parser")
    block = soup.select_one(".block-upcoming-events")
    assert block is not None
    assert [a.get_text(strip=True) for a in block.select(".card__title a")] == [
        "Poëzieavond met Lies"
    ]


CARD_TEMPLATE = "events/components/event_card.html"


def _templates(response) -> list[str]:
    return [template.name for template in response.templates]


def test_upcoming_block_cards_come_from_the_card_cache_until_the_event_changes(site_a, event):
    home = site_a.home
    home.body = [{"type": "upcoming_events", "value": {"title": "Binnenkort", "count": 2}}]
    home.save_revision().publish()
    client = site_a.client_for()
    first = client.get("/")
    assert CARD_TEMPLATE in _templates(first)
    second = client.get("/")
    assert CARD_TEMPLATE not in _templates(second)
    block = lambda response: str(  # noqa: E731
        BeautifulSoup(response.content, "html.parser").select_one(".block-upcoming-events")
    )
    assert block(second) == block(first)

    event.title = "Poëzieavond met Lies en Jan"
    event.save_revision().publish()
    third = BeautifulSoup(client.get("/").content, "html.parser")
    titles = [a.get_text(strip=True) for a in third.select(".block-upcoming-events .card__title a")]
    assert titles == ["Poëzieavond met Lies en Jan"]


def test_related_event_cards_come_from_the_card_cache_and_follow_a_publish(site_a, event):
    other = EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Dichters in de bib",
        theme="1.10.5.0.0",
        dates=[event_date(dt.date(2030, 2, 5))],
    )
    client = site_a.client_for()
    first = client.get(event.url)
    assert CARD_TEMPLATE in _templates(first)
    second = client.get(event.url)
    assert CARD_TEMPLATE not in _templates(second)
    assert second.content.count(b"event-card") == first.content.count(b"event-card") > 0

    other.title = "Dichters in de bibliotheek"
    other.save_revision().publish()
    soup = BeautifulSoup(client.get(event.url).content, "html.parser")
    related = [a.get_text(strip=True) for a in soup.select(".card-grid .card__title a")]
    assert related == ["Dichters in de bibliotheek"]


def test_event_that_needs_registration_takes_registrations(site_a, frozen_now):
    from registrations.models import Registration

    start = dt.date.today() + dt.timedelta(days=10)
    event = EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Workshop zeefdruk",
        registration_required=True,
        capacity=1,
        dates=[event_date(start, "14:00", "16:00")],
    )
    event.refresh_from_db()
    assert event.offer_starts_at is not None
    client = site_a.client_for()
    soup = BeautifulSoup(client.get(event.url).content, "html.parser")
    form = soup.select_one("#inschrijven form")
    assert form is not None
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") not in ("checkbox",)
    }
    data.update(name="An Peeters", email="an@example.org", consent="on", places="1")
    response = client.post(form["action"], data)
    # The confirmation is rendered in place (no redirect).
    assert response.status_code == 200
    registration = Registration.objects.get(page=event)
    assert registration.email == "an@example.org" and registration.status == "confirmed"


def test_event_without_registration_shows_no_form(site_a, event):
    soup = BeautifulSoup(site_a.client_for().get(event.url).content, "html.parser")
    assert soup.select_one("#inschrijven") is None


def test_event_page_queries_do_not_grow_with_occurrences(site_a, frozen_now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agenda = agenda_of(site_a.home)
    few = EventPageFactory(
        parent=agenda, dates=[event_date(dt.date(2030, 2, 1))], theme="1.42.0.0.0"
    )
    many = EventPageFactory(
        parent=agenda,
        theme="1.42.0.0.0",
        dates=[event_date(dt.date(2030, 2, 1) + dt.timedelta(days=n)) for n in range(30)],
    )
    client = site_a.client_for()
    counts = []
    for event in (few, many):
        client.get(event.url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(event.url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
