"""Reads for the network map and "in de buurt": every live location of every site with today's
hours and opening status, the nearest places to a point, the coming events around it.

Nothing here stores or logs the visitor's position; the caller rounds it first."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, Site

from events.models import EventPage, EventStatus, Occurrence
from home.generations import generation_token, generation_token_renew
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


# The list this process read last, by its cache key: reading the generation is one small
# cache read, unpickling the list of 500 places with their hours is not.
_process_places: dict[str, tuple[dt.datetime, list[Place]]] = {}


def places_generation() -> str:
    """A token that changes whenever the list must be built again (random, so that a list
    kept in a process is never taken for one of an emptied cache's new generation)."""
    return generation_token(GENERATION_KEY)


def network_places(*, now: dt.datetime | None = None) -> list[Place]:
    """Every live, public location of every site, with today's hours and status, ordered by
    municipality and name.

    Computing the statuses of a thousand locations takes a second, so the list is kept in
    Django's cache until the first opening, closing or staffing change of any place (or
    midnight), under the places generation that any location change bumps
    (`places_changed`); each process keeps the one it read last, as long. Either way the
    page being rendered lives no longer than the list. The places are shared: read them,
    never change them (`places_nearest` gives copies)."""
    moment = now or timezone.now()
    key = f"network-places:{places_generation()}"
    entry = _process_places.get(key)
    if entry is None or entry[0] <= moment:
        entry = cache.get(key)
        if entry is None or entry[0] <= moment:
            places = _places_build(now=moment)
            valid_until = _next_change(places, moment)
            seconds = max(1, min(3600, int((valid_until - moment).total_seconds())))
            entry = (valid_until, places)
            cache.set(key, entry, timeout=seconds)
        _process_places.clear()  # as the network map's: simple, and safe between threads
        _process_places[key] = entry
    valid_until, places = entry
    expires_at(None, valid_until)
    return list(places)


def places_changed(sender=None, instance=None, **kwargs) -> None:
    """A location was published, withdrawn, moved or deleted: rebuild the network's list."""
    if instance is None or isinstance(instance, (LocationPage, Site)):
        generation_token_renew(GENERATION_KEY)


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
    those open right now: copies with their distance (the list's places are shared)."""
    nearest = [
        (distance_km(origin, (place.latitude, place.longitude)), place.title, place.pk, place)
        for place in places
        if place.located and not (open_now and not place.status.is_open)
    ]
    nearest.sort(key=lambda item: item[:3])
    return [replace(place, distance_km=distance) for distance, _t, _pk, place in nearest[:limit]]


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
    """Live events within `radius_km` of `origin` with a session in the next `days`, each once
    at its next session, soonest first.

    An event lies where the place it shows lies (EventPage.place): at its location page when
    it has one, else at its own position. Three queries: the location pages in a box around
    the origin; the coming rows at those or at a position of their own in the box, soonest
    first, through the two indexes kept for this (Occurrence: by location page, by the
    position copied from the event), with what places them; the events of the nearest. The
    exact distance is checked here; when the box's corners (outside the circle) or the
    further sessions of the same events held too many of the rows read, the next ones are
    read."""
    moment = now or timezone.now()
    lat, lon = origin
    d_lat = radius_km / KM_PER_DEGREE_LATITUDE
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.1)
    lat_range, lon_range = (lat - d_lat, lat + d_lat), (lon - d_lon, lon + d_lon)
    located = {
        pk: (float(latitude), float(longitude))
        for pk, latitude, longitude in LocationPage.objects.filter(
            latitude__range=lat_range, longitude__range=lon_range
        ).values_list("pk", "latitude", "longitude")
    }
    # The period in each branch: PostgreSQL then bounds both index scans with it.
    window = Q(live=True, end__gte=moment, start__lt=moment + dt.timedelta(days=days))
    in_box = window & Q(
        location_page__isnull=True,
        latitude__isnull=False,
        latitude__range=lat_range,
        longitude__range=lon_range,
    )
    if located:
        in_box |= window & Q(location_page__isnull=False, location_page__in=sorted(located))
    # Every row of an event lies where the event does: its rows in the box, soonest first,
    # give its next session first. The rows alone (with what places them), then the events
    # of the nearest: joined to the pages before the sort, every row in the box (a thousand
    # in a city) would be.
    rows = (
        Occurrence.objects.filter(in_box)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("start", "pk")
        .values_list("page_id", "start", "all_day", "location_page_id", "latitude", "longitude")
    )
    found: list[tuple[int, dt.datetime, bool, float]] = []
    seen: set[int] = set()
    offset, batch = 0, limit * 4
    while len(found) < limit:
        fetched = list(rows[offset : offset + batch])
        for page_id, start, all_day, location_id, latitude, longitude in fetched:
            # An event with daily sessions would otherwise fill the list alone, all at one
            # distance: each event once, at its first row.
            if page_id in seen:
                continue
            seen.add(page_id)
            if location_id is not None:
                position = located[location_id]
            else:
                position = (float(latitude), float(longitude))
            distance = distance_km(origin, position)
            if distance <= radius_km:
                found.append((page_id, start, all_day, distance))
                if len(found) == limit:
                    break
        if len(fetched) < batch:
            break
        offset += batch
        batch *= 4
    pages = EventPage.objects.select_related("location_page").in_bulk(
        [page_id for page_id, _start, _all_day, _distance in found]
    )
    events = []
    for page_id, start, all_day, distance in found:
        page = pages.get(page_id)
        if page is None:  # deleted meanwhile
            continue
        place = page.place
        events.append(
            NearbyEvent(
                title=page.title,
                url=page.get_url(request=request) or "",
                start=start,
                all_day=all_day,
                place_name=", ".join(part for part in (place["name"], place["city"]) if part),
                distance_km=distance,
            )
        )
    return events
