"""The network agenda and search at network scale, on PostgreSQL.

    make bench-network-agenda   (or: .venv/bin/python benchmarks/network_agenda.py
                                 [--sites 471] [--events 100000] [--requests 60] [--reuse]
                                 [--rebuild] [--only LABEL])

Creates a fresh database (BENCH_NETWORK_AGENDA_DATABASE_URL, default bibnet_bench_network)
unless --reuse; the cache is Redis when REDIS_URL is set (as in production, keys under a
prefix of the run, dropped at its end), else the test settings' memory cache. Then:
  1. provisions the sites with `sitegen bulk` (generated municipalities over the five
     provinces), makes a third of them cultural and a third community centres, and groups
     them into regions (`region_provision`, five member municipalities each);
  2. generates the events in bulk (benchmarks/events.py's generator: page, event and
     occurrence rows, a tenth of them weekly series of eight dates, over the coming year)
     and copies them into the network agenda's rows (network.services);
  3. provisions the network site and requests its agenda through the Django test client
     (the page cache is off in the test settings, so every request runs the view) with one
     filter after another: queries, median and p95 server time per filter, warm (repeated
     requests) and cold (the counts retired before each request: as an event's publish
     retires them, the shard of one agenda, and every count, as for the first request of a
     set of filters); then the search over every site's pages;
  4. "in de buurt": gives every site's agenda a location page (generated positions over
     Flanders, clustered around Antwerpen and Gent, with weekly hours), puts half the events
     at their site's location and the other half at a position of their own near it, as
     UiTdatabank's imports give (once per database: --reuse keeps them); then requests the
     network's "in de buurt" page at a few positions (a dense city, a rural area, the French
     and Dutch borders, a postcode, "open now"), warm and cold (the list of places rebuilt
     before each request, as after a location's change or with an empty cache).
`--only LABEL` measures the cases whose label holds LABEL ("region agenda", "search
activiteit", "nearby ..." included).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402
from benchmarks.events import events_generate, sites_provision  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_network"
NETWORK_HOST = "netwerk.localhost"
REGION_SIZE = 5
REGIONS = 20
# "In de buurt": where the generated places cluster (a city's branches and its suburbs), the
# box the other places are spread over (Flanders, roughly), and the positions measured.
CITIES = {"2000": ("Antwerpen", 51.2194, 4.4025), "9000": ("Gent", 51.0543, 3.7250)}
CITY_SHARE = 8  # one site in CITY_SHARE around each city
CITY_RADIUS_DEGREES = 0.08
FLANDERS_LATITUDE = (50.76, 51.36)
FLANDERS_LONGITUDE = (2.62, 5.82)
OWN_POSITION_SHARE = 2  # one event in this many at a position of its own
NEARBY_CASES = [
    ("nearby dense city (Antwerpen)", {"lat": "51.22", "lon": "4.40"}),
    ("nearby dense city, open now", {"lat": "51.22", "lon": "4.40", "nu-open": "1"}),
    ("nearby postcode 2000", {"postcode": "2000"}),
    ("nearby rural (Hageland)", {"lat": "50.87", "lon": "5.05"}),
    ("nearby border France (Westhoek)", {"lat": "50.85", "lon": "2.73"}),
    ("nearby border Netherlands (Maaseik)", {"lat": "51.09", "lon": "5.80"}),
]


def kinds_mix() -> None:
    """Every third site a cultural centre, every third a community centre (identity and
    tenant; their pages stay those of a library, which the agenda does not look at)."""
    from home.models import IdentitySettings, SiteKind, Tenant

    site_ids = list(Tenant.objects.order_by("slug").values_list("site_id", flat=True))
    for offset, kind in ((1, SiteKind.CULTURAL_CENTRE), (2, SiteKind.COMMUNITY_CENTRE)):
        chosen = site_ids[offset::3]
        Tenant.objects.filter(site_id__in=chosen).update(kind=kind)
        IdentitySettings.objects.filter(site_id__in=chosen).update(kind=kind)


def regions_provision() -> None:
    from home.models import IdentitySettings, SiteKind
    from sitegen.csv_import import RegionMember, RegionSpec
    from sitegen.services import region_provision

    rows = list(
        IdentitySettings.objects.filter(kind=SiteKind.LIBRARY)
        .order_by("province", "nis_code")
        .values_list("province", "nis_code", "municipality")
    )
    for number in range(REGIONS):
        chunk = rows[number * REGION_SIZE : (number + 1) * REGION_SIZE]
        if len({province for province, _code, _name in chunk}) != 1:
            continue
        region_provision(
            spec=RegionSpec(
                slug=f"regio-{number:02d}",
                name=f"Regiobib {number:02d}",
                kind=SiteKind.REGIONAL_LIBRARY,
                province=chunk[0][0],
                members=[
                    RegionMember(nis_code=code, municipality=name) for _p, code, name in chunk
                ],
            )
        )


def events_search_index() -> int:
    """The generator writes no search index entries: the events' entries in Wagtail's database
    search index, written in SQL as its indexer would (title with weight B, the intro and
    place as text), so that the network search reads an index of every page."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title_norm, "
            "title, body, autocomplete, title_text, body_text) "
            "SELECT p.content_type_id, p.id::text, 1.0, setweight(to_tsvector(p.title), 'B'), "
            "to_tsvector(concat_ws(' ', e.intro, e.place_name)), "
            "to_tsvector('simple', p.title), p.title, concat_ws(' ', e.intro, e.place_name) "
            "FROM events_eventpage e JOIN wagtailcore_page p ON p.id = e.page_ptr_id "
            "ON CONFLICT (content_type_id, object_id) DO NOTHING"
        )
        created = cursor.rowcount
        cursor.execute("ANALYZE wagtailsearch_indexentry")
    return created


def places_locate(out) -> None:
    """A location page with weekly hours under every agenda's site (generated positions: one
    site in CITY_SHARE around each of CITIES, the rest spread over Flanders), and the events'
    places: one in OWN_POSITION_SHARE at a position of its own within about 5 km of its
    site's location, the others at that location; their occurrence rows carry the location
    and the position as publishing writes them."""
    import datetime as dt
    from decimal import Decimal

    from django.db import connection, transaction

    from events.models import EventIndexPage, Occurrence
    from library_pages.models import LocationIndexPage, LocationPage, OpeningHoursSpan
    from places.selectors import places_changed

    rng = random.Random(17)
    cities = list(CITIES.items())
    located: dict[int, tuple[int, float, float]] = {}  # agenda id -> location id, position
    started = time.perf_counter()
    with transaction.atomic():
        for number, agenda in enumerate(EventIndexPage.objects.order_by("path")):
            home = agenda.get_parent()
            parent = LocationIndexPage.objects.child_of(home).first() or home
            cluster = number % CITY_SHARE
            if cluster < len(cities):
                postcode, (city, lat, lon) = cities[cluster]
                lat += rng.uniform(-CITY_RADIUS_DEGREES, CITY_RADIUS_DEGREES)
                lon += rng.uniform(-CITY_RADIUS_DEGREES, CITY_RADIUS_DEGREES) * 1.6
            else:
                postcode, city = f"{3500 + number % 400}", home.title
                lat, lon = rng.uniform(*FLANDERS_LATITUDE), rng.uniform(*FLANDERS_LONGITUDE)
            location = LocationPage(
                title=f"Vestiging {number}",
                slug=f"vestiging-{number}",
                street="Kerkstraat 1",
                postal_code=postcode,
                city=city,
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lon:.6f}"),
                live=True,
                weekly_hours=[
                    OpeningHoursSpan(weekday=day, opens=dt.time(9 + number % 3), closes=dt.time(18))
                    for day in range(6 - number % 2)
                ],
            )
            parent.add_child(instance=location)
            located[agenda.pk] = (location.pk, lat, lon)
        events = dict(Occurrence.objects.order_by().values_list("page_id", "agenda_id").distinct())
        at_location, own = ([], []), ([], [], [])
        for page_id, agenda_id in sorted(events.items()):
            location_id, lat, lon = located[agenda_id]
            if page_id % OWN_POSITION_SHARE:
                at_location[0].append(page_id)
                at_location[1].append(location_id)
            else:
                own[0].append(page_id)
                own[1].append(round(lat + rng.uniform(-0.045, 0.045), 6))
                own[2].append(round(lon + rng.uniform(-0.07, 0.07), 6))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE events_eventpage e SET location_page_id = v.location_id "
                "FROM unnest(%s::int[], %s::int[]) AS v(id, location_id) "
                "WHERE e.page_ptr_id = v.id",
                list(at_location),
            )
            cursor.execute(
                "UPDATE events_eventpage e SET latitude = v.lat, longitude = v.lon "
                "FROM unnest(%s::int[], %s::numeric[], %s::numeric[]) AS v(id, lat, lon) "
                "WHERE e.page_ptr_id = v.id",
                list(own),
            )
            cursor.execute(
                "UPDATE events_occurrence o SET location_page_id = e.location_page_id, "
                "latitude = e.latitude, longitude = e.longitude "
                "FROM events_eventpage e WHERE e.page_ptr_id = o.page_id"
            )
    with connection.cursor() as cursor:
        for table in ("events_eventpage", "events_occurrence", "library_pages_locationpage"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    places_changed()
    out.write(
        f"in de buurt: {len(located)} located places, {len(at_location[0])} events at one, "
        f"{len(own[0])} at a position of their own, in {time.perf_counter() - started:.0f} s\n"
    )


def _retire(cold: str, agendas: list[int], number: int) -> None:
    """Before a cold request: "publish" retires the counts as an event's publish does (the
    shard of its agenda: each time another agenda of the network), "all" every count (the
    first request of a set of filters, or one after the shards expired together). Both as
    if the numbers changed (a new event, not an edited text): the filter fields, kept under
    a digest of the counts, are rendered again. "places": the network's list of places is
    built again (a location changed, or the cache is empty)."""
    from network import selectors
    from network.selectors import network_rows_retire

    if not cold:
        return
    if cold == "places":
        from places.selectors import places_changed

        places_changed()
        return
    if cold == "publish":
        network_rows_retire(agenda_ids=[agendas[number * 7 % len(agendas)]])
    else:
        network_rows_retire()
    digest = getattr(selectors._counts_digest, "original", selectors._counts_digest)

    def changed(**kwargs) -> str:
        return f"{digest(**kwargs)}:{cold}:{number}"

    changed.original = digest
    selectors._counts_digest = changed


def figures(
    client, path: str, params: dict, requests: int, *, cold: str = ""
) -> tuple[int, float, float, int]:
    """Queries of one request, then median and p95 server time over `requests`. `cold`: the
    counts are retired before each request (_retire), so each one computes counts again (of
    one shard, or of all), its page of events and its filter fields."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from network.selectors import network_map

    client.get(path, params)  # the network map is built once and cached, as in production
    agendas = sorted(network_map().agendas)
    reset_queries()
    _retire(cold, agendas, requests)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    queries = len(captured)
    timings, cpu = [], []
    for number in range(requests):
        _retire(cold, agendas, number)
        started, started_cpu = time.perf_counter(), time.thread_time()
        client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    reset_queries()
    timings.sort()
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    CPU_MEDIANS[path, tuple(sorted(params.items())), cold] = statistics.median(cpu)
    return queries, statistics.median(timings), p95, len(response.content)


COLD = {
    "publish": "after a publish: one shard of the counts retired",
    "all": "every count retired",
    "places": "the list of places rebuilt",
}


# This process's CPU time per request (median): the Python side without the waits for a
# busy machine's cores or for the database.
CPU_MEDIANS: dict[tuple, float] = {}


def cpu_of(path: str, params: dict, cold: str = "") -> str:
    return f"{CPU_MEDIANS.get((path, tuple(sorted(params.items())), cold), 0):.1f} ms"


def counts_uncached(params: dict, repeat: int = 5) -> float:
    """The median time of the grouped counts query alone, without the cache before it."""
    from django.utils import timezone

    from events.selectors import when_window
    from network.forms import NetworkAgendaFilterForm
    from network.selectors import _counts, network_map, network_rows

    network = network_map()
    filters = NetworkAgendaFilterForm(params or None, network=network).valid_filters()
    timings = []
    for _ in range(repeat):
        now = timezone.now()
        _start, end = when_window(filters=filters, now=now)
        started = time.perf_counter()
        _counts(
            rows=network_rows(network=network, filters=filters, now=now), windowed=end is not None
        )
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def events_nearby_alone(params: dict, repeat: int = 5) -> float:
    """The median time of places.selectors.events_nearby alone (its queries and the events'
    URLs, for a request of the network site as the page's)."""
    from django.test import RequestFactory
    from django.utils import timezone

    from places.selectors import events_nearby, network_places, postcode_centre

    if "lat" in params:
        origin = (float(params["lat"]), float(params["lon"]))
    else:
        origin = postcode_centre(postcode=params["postcode"], places=network_places())
    timings = []
    for _ in range(repeat):
        request = RequestFactory().get("/", HTTP_HOST=NETWORK_HOST)
        started = time.perf_counter()
        events_nearby(origin=origin, now=timezone.now(), request=request)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def search_selectors(term: str, repeat: int = 5) -> tuple[float, float]:
    """Median ms of the first page of results and their count: Wagtail's search over the
    pages (network_pages_search, the way before) and the read of its index (network_search)."""
    from django.core.paginator import Paginator

    from network.selectors import (
        SEARCH_PER_PAGE,
        network_pages_search,
        network_search,
        search_pages_load,
    )

    def wagtail() -> None:
        page = Paginator(network_pages_search(query=term), SEARCH_PER_PAGE).page(1)
        list(page.object_list)

    def index() -> None:
        found = network_search(query=term)
        search_pages_load(ids=found.ids[:SEARCH_PER_PAGE], content_types=found.content_types)

    medians = []
    for run in (wagtail, index):
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(timings))
    return medians[0], medians[1]


def cache_redis(redis_url: str) -> str:
    """With REDIS_URL, the cache of production (config.settings.base: Django's Redis cache, one
    round trip per read of many keys) instead of the test settings' memory cache, under a key
    prefix of this run's own; its prefix ("" without REDIS_URL)."""
    if not redis_url:
        return ""
    from django.conf import settings

    prefix = f"bench-network-{os.getpid()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
            "TIMEOUT": 300,
        }
    }
    return prefix


def cache_redis_drop(prefix: str) -> None:
    """This run's keys (the generations are kept without a timeout)."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=471)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="measure a previous run's data")
    parser.add_argument(
        "--rebuild", action="store_true", help="with --reuse: copy the network agenda rows again"
    )
    parser.add_argument("--only", default="", help="measure only the cases whose label has this")
    args = parser.parse_args()

    url = os.environ.get("BENCH_NETWORK_AGENDA_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if not args.reuse:
        database_recreate(url)

    import django

    redis_prefix = cache_redis(os.environ.get("REDIS_URL", ""))
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from events.models import EventPage, Occurrence
    from home.models import Tenant
    from library_pages.models import LocationPage
    from network.models import NetworkAgendaPage, NetworkSearchPage
    from network.rows import NetworkOccurrence
    from network.services import network_occurrences_rebuild
    from places.models import NearbyPage
    from sitegen.services import network_site_provision

    out = sys.stdout
    sys.stdout.reconfigure(line_buffering=True)
    call_command("migrate", verbosity=0)
    if not args.reuse:
        started = time.perf_counter()
        sites_provision(args.sites)
        kinds_mix()
        regions_provision()
        out.write(
            f"provisioned {Tenant.objects.count()} sites in {time.perf_counter() - started:.0f} s\n"
        )
        started = time.perf_counter()
        created = events_generate(args.events)
        out.write(
            f"generated {created} events ({Occurrence.objects.count()} occurrences) in "
            f"{time.perf_counter() - started:.0f} s\n"
        )
        network_site_provision(hostname=NETWORK_HOST, port=80)
    if not args.reuse or args.rebuild:
        # The generator writes rows in bulk without the import's pages_changed signal.
        started = time.perf_counter()
        rows = network_occurrences_rebuild()
        with connection.cursor() as cursor:
            # Fresh statistics and the visibility map, as autovacuum would give a table
            # rewritten whole (the counts read an index only; without the map every row is
            # fetched from the table too, and a server may run without autovacuum).
            cursor.execute(f"VACUUM ANALYZE {NetworkOccurrence._meta.db_table}")
        out.write(f"network agenda rows: {rows} in {time.perf_counter() - started:.1f} s\n")
        started = time.perf_counter()
        entries = events_search_index()
        out.write(
            f"search index entries of events: {entries} in {time.perf_counter() - started:.1f} s\n"
        )
    if not LocationPage.objects.filter(latitude__isnull=False).exists():
        places_locate(out)
    out.write(f"{EventPage.objects.count()} events, {Tenant.objects.count()} sites\n")

    network = Tenant.objects.get(slug="netwerk").site
    agenda = NetworkAgendaPage.objects.descendant_of(network.root_page).get()
    search = NetworkSearchPage.objects.descendant_of(network.root_page).get()
    client = Client(HTTP_HOST=NETWORK_HOST)
    region = Tenant.objects.filter(slug__startswith="regio-").order_by("slug").first()
    some_nis = (
        Tenant.objects.filter(kind="bibliotheek")
        .order_by("slug")
        .values_list("site__identitysettings__nis_code", flat=True)
        .first()
    )
    cases = [
        ("unfiltered", {}),
        ("province", {"provincie": "limburg"}),
        ("kind cultuurcentrum", {"soort": "cultuurcentrum"}),
        ("municipality", {"gemeente": some_nis}),
        ("type", {"type": "0.3.1.0.0"}),
        ("theme", {"thema": "1.10.0.0.0"}),
        ("age group kinderen", {"leeftijdsgroep": "kinderen"}),
        ("this week", {"wanneer": "week"}),
        (
            "province + kind + theme + age",
            {
                "provincie": "antwerpen",
                "soort": "bibliotheek",
                "thema": "1.10.0.0.0",
                "leeftijd": "8",
            },
        ),
        ("page 5", {"pagina": "5"}),
    ]
    if region is not None:
        cases.append(("region", {"regio": region.slug}))
    all_timings: list[float] = []
    cold_timings: dict[str, list[float]] = {"publish": [], "all": []}
    out.write(
        f"network agenda {NETWORK_HOST}{agenda.url_path[len(network.root_page.url_path) - 1 :]}\n"
    )
    path = agenda.relative_url(network)
    home_path = network.root_page.specific.relative_url(network)
    queries, median, p95, _size = figures(client, home_path, {}, args.requests)
    out.write(
        f"  reference, the network's home page: {queries} queries, median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, Python CPU {cpu_of(home_path, {})}\n"
    )
    for label, params in cases:
        if args.only and args.only not in label:
            continue
        queries, median, p95, _size = figures(client, path, params, args.requests)
        all_timings.append(p95)
        out.write(
            f"  {label}: warm {queries} queries, median {median:.1f} ms, p95 {p95:.1f} ms, "
            f"Python CPU {cpu_of(path, params)} ({args.requests} requests); "
            f"counts query alone {counts_uncached(params):.1f} ms\n"
        )
        for cold in ("publish", "all"):
            queries, median, p95, _size = figures(client, path, params, args.requests, cold=cold)
            cold_timings[cold].append(p95)
            out.write(
                f"  {label}: cold ({COLD[cold]}) {queries} queries, median {median:.1f} ms, "
                f"p95 {p95:.1f} ms, Python CPU {cpu_of(path, params, cold=cold)}\n"
            )
    if region is not None and (not args.only or args.only in "region agenda"):
        region_agenda = NetworkAgendaPage.objects.descendant_of(region.site.root_page).get()
        region_client = Client(HTTP_HOST=region.site.hostname)
        region_path = region_agenda.relative_url(region.site)
        for cold in ("", "publish", "all"):
            queries, median, p95, _size = figures(
                region_client, region_path, {}, args.requests, cold=cold
            )
            out.write(
                f"region agenda ({region.slug}): {COLD.get(cold, 'warm')} {queries} "
                f"queries, median {median:.1f} ms, p95 {p95:.1f} ms\n"
            )
    path = search.relative_url(network)
    for term in ("activiteit", "bibliotheek openingsuren", "privacyverklaring"):
        if args.only and args.only not in f"search {term}":
            continue
        queries, median, p95, _size = figures(client, path, {"q": term}, args.requests)
        wagtail, index = search_selectors(term)
        out.write(
            f"network search {term!r}: {queries} queries, median {median:.1f} ms, "
            f"p95 {p95:.1f} ms, Python CPU {cpu_of(path, {'q': term})}; selector alone: "
            f"Wagtail's search {wagtail:.1f} ms, its index read directly {index:.1f} ms\n"
        )
    nearby = NearbyPage.objects.descendant_of(network.root_page).get()
    path = nearby.relative_url(network)
    for label, params in NEARBY_CASES:
        if args.only and args.only not in label:
            continue
        for cold in ("", "places"):
            queries, median, p95, _size = figures(client, path, params, args.requests, cold=cold)
            out.write(
                f"{label}: {COLD.get(cold, 'warm')} {queries} queries, median {median:.1f} ms, "
                f"p95 {p95:.1f} ms, Python CPU {cpu_of(path, params, cold=cold)}; "
                f"events around alone {events_nearby_alone(params):.1f} ms\n"
            )
    if all_timings:
        out.write(
            f"agenda: worst p95 over the filters {max(all_timings):.1f} ms warm, "
            f"{max(cold_timings['publish']):.1f} ms cold ({COLD['publish']}), "
            f"{max(cold_timings['all']):.1f} ms cold ({COLD['all']})\n"
        )
    out.write(f"load: {os.getloadavg()[0]:.1f}\n")
    if redis_prefix:
        cache_redis_drop(redis_prefix)


if __name__ == "__main__":
    main()
