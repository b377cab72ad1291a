"""The location page: closures and changed hours of the coming 60 days, its own phone and
e-mail, and a map from the configured tile server (the address link stays)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from library_pages.models import ExceptionalHours, LocationIndexPage
from library_pages.opening_hours import exceptions_upcoming
from tests.factories.html import soup_of
from tests.factories.pages import LocationPageFactory

pytestmark = pytest.mark.django_db


def _location(site, **fields):
    index = LocationIndexPage.objects.child_of(site.home).get()
    today = timezone.localdate()
    location = LocationPageFactory.build(
        latitude="51.048600",
        longitude="3.727000",
        phone="09 111 22 33",
        email="krook@gent.example",
        **fields,
    )
    location.exceptional_hours = [
        ExceptionalHours(start_date=today + dt.timedelta(days=5), reason="Personeelsdag"),
        ExceptionalHours(
            start_date=today + dt.timedelta(days=20),
            end_date=today + dt.timedelta(days=24),
            closed=False,
            opens=dt.time(10),
            closes=dt.time(14),
            reason="Zomeruren",
        ),
        ExceptionalHours(start_date=today + dt.timedelta(days=61), reason="Te ver weg"),
        ExceptionalHours(start_date=today - dt.timedelta(days=3), reason="Voorbij"),
    ]
    index.add_child(instance=location)
    location.save_revision().publish()
    return location


def test_upcoming_exceptions_are_those_of_the_next_60_days_in_order(site_a):
    location = _location(site_a)
    today = timezone.localdate()
    upcoming = exceptions_upcoming(location=location, start=today)
    assert [item.reason for item in upcoming] == ["Personeelsdag", "Zomeruren"]
    assert upcoming[0].closed and not upcoming[1].closed
    assert upcoming[1].end == today + dt.timedelta(days=24)


@override_settings(MAP_TILE_URL="https://tiles.example/{z}/{x}/{y}.png")
def test_location_page_shows_closures_contact_and_a_map(site_a):
    location = _location(site_a)
    soup = soup_of(site_a.client_for().get(location.url))
    items = [li.get_text(" ", strip=True) for li in soup.select(".location-exceptions__list li")]
    assert len(items) == 2
    assert "gesloten (Personeelsdag)" in items[0]
    assert "open van 10:00 tot 14:00 (Zomeruren)" in items[1]
    assert soup.select_one('a[href="tel:091112233"]') is not None
    assert soup.select_one('a[href="mailto:krook@gent.example"]') is not None
    map_element = soup.select_one("[data-location-map]")
    assert map_element["data-tiles"] == "https://tiles.example/{z}/{x}/{y}.png"
    assert map_element["data-lat"] == "51.048600"
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert all(src.startswith("/static/") for src in scripts)
    assert any(src.endswith("js/location-map.js") for src in scripts)
    # Leaflet itself is loaded by location-map.js when the map comes near the screen, from
    # this site's static files.
    assert not any("leaflet" in src for src in scripts)
    assert map_element["data-leaflet-js"].startswith("/static/")
    assert map_element["data-leaflet-js"].endswith("vendor/leaflet/leaflet.js")
    assert map_element["data-leaflet-css"].endswith("vendor/leaflet/leaflet.css")
    assert soup.select_one('a[href^="https://www.openstreetmap.org/?mlat=51.048600"]') is not None


@override_settings(MAP_TILE_URL="")
def test_without_a_tile_server_only_the_address_link_remains(site_a):
    location = _location(site_a)
    soup = soup_of(site_a.client_for().get(location.url))
    assert soup.select_one("[data-location-map]") is None
    assert not any(
        "leaflet" in s["src"] or "location-map" in s["src"] for s in soup.select("script[src]")
    )
    assert soup.select_one('a[href^="https://www.openstreetmap.org/?mlat=51.048600"]') is not None
