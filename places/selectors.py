"""Reads for the network map and "in de buurt": every live location of every site with today's
hours and opening status, the nearest places to a point, the coming events around it.

Nothing here stores or logs the visitor's position; the caller rounds it first."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page, Site

from events.models import EventStatus, Occurrence
from library_pages.models import LocationPage
from library_pages.models.locations import hours_prefetches
from library_pages.opening_hours import BRUSSELS, DayHours, OpeningStatus, location_today
from pagecache import expires_at
from places.postcodes import nis_codes_for

# A box around Belgium (WGS84): a position outside it gets an explanation, not a list.
BELGIUM_LATITUDE = (49.45, 51.56)
BELGIUM_LONGITUDE = (2.50, 6.45)
EARTH_RADIUS_KM = 6371.0
GENERATION_KEY = "places-generation"
# Degrees of latitude per km, for the bounding box of the events query.
KM_PER_DEGREE_LATITUDE = 111.2


@dataclass
class Place:
    """A location of some site, as the map and "in de buurt" show it (plain data: cacheable)."""

    pk: int
    title: str
    street: str
    postal_code: str
    city: str
    latitude: float | None
    longitude: float | None
    url: str
    site_name: str
    kind: str
    today: DayHours
    status: OpeningStatus
    distance_km: float | None = None

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


def _next_change(places: list[Place], now: dt.datetime) -> dt.datetime:
    """The next opening, closing or staffing change of any place, or midnight in Brussels."""
    local = now.astimezone(BRUSSELS)
    moments = [dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), BRUSSELS)]
    for place in places:
        status = place.status
        moments.extend(
            m for m in (status.opens_at, status.closes_at, status.changes_at) if m and m > now
        )
    return min(moments)


def _places_build(*, now: dt.datetime) -> list[Place]:
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
        today = location_today(location=location, now=now)
        places.append(
            Place(
                pk=location.pk,
                title=location.title,
                street=location.street,
                postal_code=location.postal_code,
                city=location.city,
                latitude=float(location.latitude) if location.latitude is not None else None,
                longitude=float(location.longitude) if location.longitude is not None else None,
                url=site.root_url + "/" + location.url_path[len(root) :],
                site_name=site.site_name or site.hostname,
                kind=tenant.kind if tenant else "",
                today=today.today,
                status=today.status,
            )
        )
    return places


def network_places(*, now: dt.datetime | None = None) -> list[Place]:
    """Every live, public location of every site, with today's hours and status, ordered by
    municipality and name.

    Computing the statuses of a thousand locations takes a second, so the list is kept in
    Django's cache until the first opening, closing or staffing change of any place (or
    midnight), under the places generation that any location change bumps
    (`places_changed`). Either way the page being rendered lives no longer than the list."""
    moment = now or timezone.now()
    key = f"network-places:{cache.get_or_set(GENERATION_KEY, 1, timeout=None)}"
    entry = cache.get(key)
    if entry is None or entry[0] <= moment:
        places = _places_build(now=moment)
        valid_until = _next_change(places, moment)
        seconds = max(1, min(3600, int((valid_until - moment).total_seconds())))
        cache.set(key, (valid_until, places), timeout=seconds)
    else:
        valid_until, places = entry
    expires_at(None, valid_until)
    return [replace(place) for place in places]


def places_changed(sender=None, instance=None, **kwargs) -> None:
    """A location was published, withdrawn, moved or deleted: rebuild the network's list."""
    if instance is None or isinstance(instance, (LocationPage, Site)):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 2, timeout=None)


def postcode_centre(*, postcode: str, places: list[Place]) -> tuple[float, float] | None:
    """Where a postcode lies, derived from the network's own located places: the mean of those
    with this postcode, else of those in the same municipality (by NIS code). None when no
    located place is there."""
    located = [p for p in places if p.located]
    same = [p for p in located if p.postal_code == postcode]
    if not same:
        wanted = nis_codes_for(postcode)
        same = [p for p in located if nis_codes_for(p.postal_code) & wanted]
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
    nearest.sort(key=lambda p: (p.distance_km, p.title, p.pk))
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
    """Live events within `radius_km` of `origin` (at the event's own coordinates or its
    location page's) with a session in the next `days`, each once at its next session,
    soonest first. One query."""
    moment = now or timezone.now()
    lat, lon = origin
    d_lat = radius_km / KM_PER_DEGREE_LATITUDE
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.1)
    coming = Occurrence.objects.filter(
        live=True,
        end__gte=moment,
        start__lt=moment + dt.timedelta(days=days),
    ).exclude(status=EventStatus.CANCELLED)
    # An event with daily sessions would otherwise fill the list alone, all at one distance.
    next_session = coming.filter(page=OuterRef("page")).order_by("start", "pk").values("pk")[:1]
    rows = (
        coming.filter(pk=Subquery(next_session))
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
