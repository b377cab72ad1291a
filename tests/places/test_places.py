"""The network map and "in de buurt": every place of every site with today's hours, the
nearest places in the right order on known coordinates, events around, and bad input answered
with a normal page and a Dutch explanation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from library_pages.models import LocationPage
from places.models import NearbyPage, NetworkMapPage
from places.postcodes import municipalities_for
from places.selectors import (
    distance_km,
    events_nearby,
    network_places,
    places_changed,
    places_nearest,
)
from tests.conftest import postgres_only
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of
from tests.factories.pages import LocationPageFactory

pytestmark = pytest.mark.django_db

ALL_WEEK = [(day, 9, 17) for day in range(7)]
# (title, postcode, city, latitude, longitude)
GENT = ("Bib Gent", "9000", "Gent", "51.054300", "3.725000")
BRUGGE = ("Bib Brugge", "8000", "Brugge", "51.209300", "3.224700")
ANTWERPEN = ("Bib Antwerpen", "2000", "Antwerpen", "51.219400", "4.402500")
LEUVEN = ("Bib Leuven", "3000", "Leuven", "50.879800", "4.700500")


@pytest.fixture
def clock(monkeypatch):
    day = timezone.localdate() + dt.timedelta(days=2)
    moment = {"now": timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def _place(parent, spec, hours=ALL_WEEK):
    title, postcode, city, lat, lon = spec
    return LocationPageFactory(
        parent=parent,
        title=title,
        postal_code=postcode,
        city=city,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        hours=hours,
    )


@pytest.fixture
def network(site_a, site_b, clock):
    """Four places over two sites; Brugge is closed today."""
    return {
        "gent": _place(site_a.home, GENT),
        "brugge": _place(site_b.home, BRUGGE, hours=[]),
        "antwerpen": _place(site_b.home, ANTWERPEN),
        "leuven": _place(site_a.home, LEUVEN),
    }


def _page(site, model, slug):
    page = model(title=slug.capitalize(), slug=slug)
    site.home.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def nearby(site_a):
    return _page(site_a, NearbyPage, "in-de-buurt")


def _nearest(site, page, **params):
    response = site.client_for().get(page.relative_url(site.site), params)
    assert response.status_code == 200
    soup = soup_of(response)
    names = [h.get_text(strip=True) for h in soup.select(".places--nearest .place__name")]
    message = soup.select_one(".nearby__message")
    return names, (message.get_text(" ", strip=True) if message else ""), soup


def test_haversine_on_known_distances():
    # Gent - Brussel is about 50 km as the crow flies.
    assert distance_km((51.0543, 3.7174), (50.8503, 4.3517)) == pytest.approx(49.6, abs=0.5)
    assert distance_km((51.0, 4.0), (51.0, 4.0)) == 0


def test_nearest_place_order_on_known_coordinates(network):
    places = network_places()
    order = [p.title for p in places_nearest(places=places, origin=(51.05, 3.73))]
    assert order == ["Bib Gent", "Bib Brugge", "Bib Antwerpen", "Bib Leuven"]
    order = [p.title for p in places_nearest(places=places, origin=(50.88, 4.69))]
    assert order == ["Bib Leuven", "Bib Antwerpen", "Bib Gent", "Bib Brugge"]
    distances = [p.distance_km for p in places_nearest(places=places, origin=(50.88, 4.69))]
    assert distances == sorted(distances) and distances[0] < 1


def test_nearby_by_position_lists_places_of_every_site_nearest_first(site_a, network, nearby):
    names, message, soup = _nearest(site_a, nearby, lat="51.2", lon="3.3")
    assert message == ""
    assert names == ["Bib Brugge", "Bib Gent", "Bib Antwerpen", "Bib Leuven"]
    first = soup.select_one(".places--nearest .place")
    assert first.select_one("a")["href"].startswith("http://")  # Brugge is on site B
    assert "gesloten" in first.select_one(".place__today").get_text()


def test_only_open_now(site_a, network, nearby):
    names, _message, _soup = _nearest(site_a, nearby, lat="51.2", lon="3.3", **{"nu-open": "1"})
    assert names == ["Bib Gent", "Bib Antwerpen", "Bib Leuven"]


def test_nearby_by_postcode_and_by_municipality(site_a, network, nearby):
    names, message, soup = _nearest(site_a, nearby, postcode="3000")
    assert message == "" and names[0] == "Bib Leuven"
    assert "3000 Leuven" in soup.select_one("main h2").get_text(" ", strip=True)
    # 9030 (Mariakerke) has no place of its own: the places of Gent, its municipality.
    assert municipalities_for("9030") == (("44021", "Gent"),)
    names, message, _soup = _nearest(site_a, nearby, postcode="9030")
    assert message == "" and names[0] == "Bib Gent"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"postcode": "12"}, "4 cijfers"),
        ({"postcode": "abcd"}, "4 cijfers"),
        ({"postcode": "0999"}, "bestaat niet in België"),
        ({"postcode": "6700"}, "kennen de ligging van postcode 6700"),
        ({"lat": "48.86", "lon": "2.35"}, "buiten België"),
        ({"lat": "nan", "lon": "4"}, "begrijpen deze ligging niet"),
        ({"lat": "1e400", "lon": "4"}, "begrijpen deze ligging niet"),
        ({"lat": "51.05"}, "begrijpen deze ligging niet"),
        ({"lat": "91", "lon": "4"}, "begrijpen deze ligging niet"),
        ({"lat": "91", "lon": "4", "postcode": "x" * 5000}, "4 cijfers"),
    ],
)
def test_bad_input_gets_a_normal_page_with_a_dutch_explanation(
    site_a, network, nearby, params, expected
):
    names, message, _soup = _nearest(site_a, nearby, **params)
    assert names == []
    assert expected in message


def test_events_around_the_origin(site_a, site_b, network, nearby, clock):
    day = timezone.localdate() + dt.timedelta(days=3)
    EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Voorlezen in Gent",
        location_page=network["gent"],
        dates=[event_date(day)],
    )
    EventPageFactory(
        parent=agenda_of(site_b.home),
        title="Concert in Antwerpen",
        latitude=Decimal("51.2194"),
        longitude=Decimal("4.4025"),
        dates=[event_date(day)],
    )
    _names, _message, soup = _nearest(site_a, nearby, lat="51.05", lon="3.72")
    events = [a.get_text(strip=True) for a in soup.select(".nearby-events a")]
    assert events == ["Voorlezen in Gent"]
    _names, _message, soup = _nearest(site_a, nearby, postcode="2000")
    assert [a.get_text(strip=True) for a in soup.select(".nearby-events a")] == [
        "Concert in Antwerpen"
    ]


def test_map_page_lists_every_place_with_todays_hours(site_a, site_b, network, settings):
    settings.MAP_TILE_URL = "https://tiles.example.be/{z}/{x}/{y}.png"
    page = _page(site_a, NetworkMapPage, "kaart")
    response = site_a.client_for().get(page.relative_url(site_a.site))
    soup = soup_of(response)
    items = soup.select("#network-places [data-place]")
    assert [item["data-name"] for item in items] == [
        "Bib Antwerpen",
        "Bib Brugge",
        "Bib Gent",
        "Bib Leuven",
    ]
    gent = next(item for item in items if item["data-name"] == "Bib Gent")
    assert (gent["data-lat"], gent["data-lon"]) == ("51.054300", "3.725000")
    assert gent.select_one(".place__today").get_text(strip=True) == "Vandaag: 09:00–17:00"
    assert gent["data-status"] == "Nu open tot 17:00"
    assert soup.select_one("[data-network-map]")["data-tiles"] == settings.MAP_TILE_URL
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert all(src.startswith("/") for src in scripts)  # no third-party scripts


def test_map_page_without_tiles_is_a_plain_list(site_a, network, settings):
    settings.MAP_TILE_URL = ""
    page = _page(site_a, NetworkMapPage, "kaart")
    soup = soup_of(site_a.client_for().get(page.relative_url(site_a.site)))
    assert soup.select_one("[data-network-map]") is None
    assert not [s for s in soup.select("script[src]") if "leaflet" in s["src"]]
    assert len(soup.select("#network-places .place")) == 4


def test_map_page_queries_do_not_grow_with_places(site_a, site_b, clock):
    page = _page(site_a, NetworkMapPage, "kaart")
    client = site_a.client_for()
    path = page.relative_url(site_a.site)
    _place(site_a.home, GENT)
    client.get(path)
    places_changed()  # measure a build of the list, not the cached list
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for spec in (BRUGGE, ANTWERPEN, LEUVEN):
        _place(site_b.home, spec)
        _place(site_a.home, spec)
    client.get(path)  # the new locations retired the cached page shell: rebuild it first
    places_changed()
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert len(soup_of(response).select("#network-places .place")) == 7
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as cached:
        client.get(path)
    assert len(cached) < len(many)


def test_map_list_is_kept_until_the_next_change_and_follows_publishing(site_a, network, clock):
    page = _page(site_a, NetworkMapPage, "kaart")
    client = site_a.client_for()
    path = page.relative_url(site_a.site)

    def statuses():
        soup = soup_of(client.get(path))
        return {item["data-name"]: item["data-status"] for item in soup.select("[data-place]")}

    assert statuses()["Bib Gent"] == "Nu open tot 17:00"
    clock["now"] = clock["now"].replace(hour=17, minute=0, second=1)
    assert statuses()["Bib Gent"].startswith("Gesloten, opent morgen")
    _place(site_a.home, ("Bib Mariakerke", "9030", "Gent", "51.07", "3.68"))
    assert "Bib Mariakerke" in statuses()
    network["leuven"].unpublish()
    assert "Bib Leuven" not in statuses()


def test_nearby_page_declares_its_query_parameters_to_the_page_cache():
    assert set(NearbyPage.cache_query_params) == {"postcode", "lat", "lon", "nu-open"}


def test_events_around_list_each_event_once_at_its_next_session(site_a, network, nearby, clock):
    first = timezone.localdate() + dt.timedelta(days=3)
    EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Expo in Gent",
        location_page=network["gent"],
        dates=[event_date(first + dt.timedelta(days=offset)) for offset in (2, 0, 1)],
    )
    EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Voorlezen in Gent",
        location_page=network["gent"],
        dates=[event_date(first + dt.timedelta(days=1))],
    )
    _names, _message, soup = _nearest(site_a, nearby, lat="51.05", lon="3.72")
    items = soup.select(".nearby-events li")
    assert [li.a.get_text(strip=True) for li in items] == ["Expo in Gent", "Voorlezen in Gent"]
    expo_when = items[0].select_one(".nearby-events__when").get_text(strip=True)
    # "l j F, H:i": the weekday, then the day of the month of its first session.
    assert expo_when.split(",")[0].split()[1] == str(first.day)


def _event(site, title, day, **place):
    return EventPageFactory(
        parent=agenda_of(site.home), title=title, dates=[event_date(day)], **place
    )


def test_an_event_lies_where_the_place_it_shows_lies(site_a, network, clock):
    """At its location page when it has one (its own coordinates are then not shown), else
    at its own position."""
    day = timezone.localdate() + dt.timedelta(days=3)
    _event(
        site_a,
        "Voorlezen in de Krook",
        day,
        location_page=network["gent"],
        latitude=Decimal("50.8798"),
        longitude=Decimal("4.7005"),
    )
    _event(site_a, "Concert in Leuven", day, latitude=Decimal("50.88"), longitude=Decimal("4.70"))
    near_gent = events_nearby(origin=(51.05, 3.72))
    assert [e.title for e in near_gent] == ["Voorlezen in de Krook"]
    assert near_gent[0].place_name == "Bib Gent, Gent" and near_gent[0].distance_km < 1
    assert [e.title for e in events_nearby(origin=(50.88, 4.70))] == ["Concert in Leuven"]


def test_events_around_read_on_past_the_rows_outside_the_circle(site_a, network, clock):
    """The box around the origin holds rows beyond the radius (its corners): when the first
    rows read are all there, the next ones are read."""
    first = timezone.localdate() + dt.timedelta(days=1)
    # North-east of Gent, inside the box (0.135 by 0.214 degrees) but 18 km away.
    corner = {"latitude": Decimal("51.1743"), "longitude": Decimal("3.9100")}
    for number in range(5):
        _event(site_a, f"Ver weg {number}", first + dt.timedelta(days=number), **corner)
    _event(site_a, "Dichtbij", first + dt.timedelta(days=9), location_page=network["gent"])
    origin = (51.05, 3.72)
    assert distance_km(origin, (51.1743, 3.91)) > 15
    with CaptureQueriesContext(connection) as captured:
        found = events_nearby(origin=origin, limit=1)
    assert [e.title for e in found] == ["Dichtbij"]
    # the places in the box, two reads of rows (4, then 16), the event found
    assert len(captured) == 4


def test_events_around_take_three_queries_whatever_the_number_of_events(site_a, network, clock):
    day = timezone.localdate() + dt.timedelta(days=2)
    _event(site_a, "Eerste", day, location_page=network["gent"])
    with CaptureQueriesContext(connection) as few:
        assert len(events_nearby(origin=(51.05, 3.72))) == 1
    for number in range(6):
        _event(site_a, f"Nog {number}", day, latitude=Decimal("51.06"), longitude=Decimal("3.73"))
    with CaptureQueriesContext(connection) as many:
        assert len(events_nearby(origin=(51.05, 3.72))) == 7
    assert len(few) == len(many) == 3


@postgres_only
def test_events_around_are_read_through_their_two_indexes(site_a, network, clock):
    """The rows query can use both partial indexes (its conditions imply their predicates):
    with sequential scans priced out, PostgreSQL reads it through them."""
    day = timezone.localdate() + dt.timedelta(days=2)
    _event(site_a, "Eerste", day, location_page=network["gent"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as captured:
        events_nearby(origin=(51.05, 3.72))
    (rows_sql,) = [q["sql"] for q in captured if "events_occurrence" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + rows_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "events_occ_location_end_live" in plan
    assert "events_occ_position_live" in plan


def test_the_list_kept_in_a_process_follows_an_emptied_cache(site_a, network, clock):
    """A process keeps the list it read last under its generation: a random token, so the
    new generation of an emptied cache is never taken for the old one."""
    assert "Bib Gent" in [p.title for p in network_places()]
    LocationPage.objects.filter(pk=network["gent"].pk).update(title="Bib Gent-Centrum")
    assert "Bib Gent" in [p.title for p in network_places()]  # no signal: kept
    cache.clear()
    assert "Bib Gent-Centrum" in [p.title for p in network_places()]


def test_nearest_places_are_copies_the_shared_list_keeps_no_distance(site_a, network, clock):
    nearest = places_nearest(places=network_places(), origin=(51.05, 3.73), limit=2)
    assert [p.title for p in nearest] == ["Bib Gent", "Bib Brugge"]
    assert all(p.distance_km is not None for p in nearest)
    assert all(p.distance_km is None for p in network_places())
