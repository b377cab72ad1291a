"""Reads for the network map and "in de buurt": every live location of every site with today's
hours and opening status, the nearest places to a point, the coming events around it.

Nothing here stores or logs the visitor's position; the caller rounds it first."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page, Site

from events.models import EventStatus, Occurrence
from library_pages.models import LocationPage
from library_pages.models.locations import hours_prefetches
from library_pages.opening_hours import DayHours, OpeningStatus, location_today
from places.postcodes import nis_codes_for

# A box around Belgium (WGS84): a position outside it gets an explanation, not a list.
BELGIUM_LATITUDE = (49.45, 51.56)
BELGIUM_LONGITUDE = (2.50, 6.45)
EARTH_RADIUS_KM = 6371.0
# Degrees of latitude per km, for the bounding box of the events query.
KM_PER_DEGREE_LATITUDE = 111.2


@dataclass
class Place:
    location: LocationPage
    site_name: str
    kind: str
    url: str
    today: DayHours
    status: OpeningStatus
    distance_km: float | None = None

    @property
    def latitude(self) -> float | None:
        value = self.location.latitude
        return float(value) if value is not None else None

    @property
    def longitude(self) -> float | None:
        value = self.location.longitude
        return float(value) if value is not None else None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def in_belgium(latitude: float, longitude: float) -> bool:
    return (
        BELGIUM_LATITUDE[0] <= latitude <= BELGIUM_LATITUDE[1]
        and BELGIUM_LONGITUDE[0] <= longitude <= BELGIUM_LONGITUDE[1]
    )


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _sites_by_root_path() -> dict[str, Site]:
    return {
        site.root_page.path: site
        for site in Site.objects.select_related("root_page", "tenant").order_by("pk")
    }


def _site_of(path: str, sites: dict[str, Site]) -> Site | None:
    for end in range(len(path), 0, -Page.steplen):
        site = sites.get(path[:end])
        if site is not None:
            return site
    return None


def network_places(*, now: dt.datetime | None = None) -> list[Place]:
    """Every live, public location of every site, with today's hours and status, ordered by
    municipality and name. Four queries whatever the number of sites and locations; the
    opening statuses lower the lifetime of the page being rendered to the next change."""
    moment = now or timezone.now()
    sites = _sites_by_root_path()
    places = []
    locations = (
        LocationPage.objects.live()
        .public()
        .order_by("city", "title", "pk")
        .prefetch_related(*hours_prefetches())
    )
    for location in locations:
        site = _site_of(location.path, sites)
        if site is None:
            continue
        tenant = getattr(site, "tenant", None)
        root = site.root_page.url_path
        url = site.root_url + "/" + location.url_path[len(root) :]
        today = location_today(location=location, now=moment)
        places.append(
            Place(
                location=location,
                site_name=site.site_name or site.hostname,
                kind=tenant.kind if tenant else "",
                url=url,
                today=today.today,
                status=today.status,
            )
        )
    return places


def postcode_centre(*, postcode: str, places: list[Place]) -> tuple[float, float] | None:
    """Where a postcode lies, derived from the network's own located places: the mean of those
    with this postcode, else of those in the same municipality (by NIS code). None when no
    located place is there."""
    located = [p for p in places if p.located]
    same = [p for p in located if p.location.postal_code == postcode]
    if not same:
        wanted = nis_codes_for(postcode)
        same = [p for p in located if nis_codes_for(p.location.postal_code) & wanted]
    if not same:
        return None
    return (
        sum(p.latitude for p in same) / len(same),
        sum(p.longitude for p in same) / len(same),
    )


def places_nearest(
    *, places: list[Place], origin: tuple[float, float], open_now: bool = False, limit: int = 10
) -> list[Place]:
    """The located places nearest to `origin`, nearest first (ties by name), optionally only
    those open right now."""
    nearest = []
    for place in places:
        if not place.located or (open_now and not place.status.is_open):
            continue
        place.distance_km = distance_km(origin, (place.latitude, place.longitude))
        nearest.append(place)
    nearest.sort(key=lambda p: (p.distance_km, p.location.title, p.location.pk))
    return nearest[:limit]


@dataclass
class NearbyEvent:
    title: str
    url: str
    start: dt.datetime
    all_day: bool
    place_name: str
    distance_km: float


def events_nearby(
    *,
    origin: tuple[float, float],
    now: dt.datetime | None = None,
    radius_km: float = 15.0,
    days: int = 30,
    limit: int = 8,
    request=None,
) -> list[NearbyEvent]:
    """Coming occurrences of live events within `radius_km` of `origin` (at the event's own
    coordinates or its location page's), soonest first. One query."""
    moment = now or timezone.now()
    lat, lon = origin
    d_lat = radius_km / KM_PER_DEGREE_LATITUDE
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.1)
    rows = (
        Occurrence.objects.filter(
            live=True,
            end__gte=moment,
            start__lt=moment + dt.timedelta(days=days),
        )
        .exclude(status=EventStatus.CANCELLED)
        .annotate(
            lat=Coalesce(F("page__latitude"), F("page__location_page__latitude")),
            lon=Coalesce(F("page__longitude"), F("page__location_page__longitude")),
        )
        .filter(lat__range=(lat - d_lat, lat + d_lat), lon__range=(lon - d_lon, lon + d_lon))
        .select_related("page", "page__location_page")
        .order_by("start", "pk")[: limit * 4]
    )
    events = []
    for row in rows:
        distance = distance_km(origin, (float(row.lat), float(row.lon)))
        if distance > radius_km:
            continue
        page = row.page
        place = page.place
        events.append(
            NearbyEvent(
                title=page.title,
                url=page.get_url(request=request) or "",
                start=row.start,
                all_day=row.all_day,
                place_name=", ".join(part for part in (place["name"], place["city"]) if part),
                distance_km=distance,
            )
        )
        if len(events) == limit:
            break
    return events
