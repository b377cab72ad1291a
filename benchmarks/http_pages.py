"""Every public page type over HTTP at network scale, cached and uncached, against bare Django.

    make bench-http   (or: .venv/bin/python benchmarks/http_pages.py [--sites 471] [--events 20000]
                       [--records 20000] [--duration 10] [--connections 8] [--reuse]
                       [--in-process [--renders 30] [--profile "home"]])

Needs wrk (Debian package `wrk`: apt-get install wrk) and Redis on 127.0.0.1:6379 (REDIS_URL
overrides; the benchmark uses its own key prefix). Creates a fresh database
(BENCH_HTTP_DATABASE_URL, default bibnet_bench_http), then:
  1. builds the network: every site of benchmarks/provisioning.py (libraries of the municipality
     register, the cultuurcentra and gemeenschapscentra, generated libraries up to --sites) with
     `sitegen bulk`; events in bulk over every agenda (benchmarks/events.py); synthetic MARC
     records imported with `import_marc` (benchmarks/catalogue.py); a news item and a makerspace
     course on the first 40 libraries (published one by one, as editors do);
  2. starts, under the same gunicorn (2 sync workers), a one-file bare Django "hello", the
     project with production settings, Redis and persistent connections, the same project
     with the page cache off, and the same project served by Django's own WSGI handler
     (config.wsgi without the page cache's WSGI layer: hits answered by the middleware);
  3. runs wrk (a Lua script that rotates over the hostnames of every site) per page type:
     bare Django, cached (after one request to every URL), cached without the WSGI layer and
     uncached, all in this run, and prints req/s, p50 and p99, the ratio of req/s to bare
     Django and the workers' CPU time per request. The project's runs send
     `Accept-Encoding: gzip` as every browser does (cached pages are stored compressed and
     answered as stored); one more cached run without it (`plain x`: the page decompressed
     for each answer) shows the other case. Uncached has two figures: `first`, one request
     per URL before anything else asked for it (timed; as after a purge of the page), and
     `warm`, wrk after every URL was requested (as a site's pages are between purges);
  4. worker memory (RSS of the two workers) of a fresh project server after 10,000 requests
     spread over every hostname, and after 10,000 over 6 hostnames.
"""

import argparse
import concurrent.futures
import contextlib
import http.client  # noqa: F401
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402
from benchmarks.provisioning import CENTRES, REGISTER, extra_sites_csv, register_csv  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_http"
LIBRARIES_WITH_PAGES = 40
CACHE_PREFIX = "bench-http"
PORTS = {"bare": 8731, "cached": 8732, "uncached": 8733, "memory": 8734, "middleware": 8735}
PAGE_TYPES = (
    "home",
    "content",
    "news index",
    "news item",
    "agenda",
    "event",
    "course index",
    "course",
    "location",
    "catalogue search",
    "record",
)

BARE_DJANGO = '''"""Bare Django: one view that answers "hello"."""
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)


def hello(request, anything=""):
    return HttpResponse("hello")


urlpatterns = [path("<path:anything>", hello), path("", hello)]
application = get_wsgi_application()
'''

# Rotates over "host path" lines; prints req/s and latency percentiles as one line.
WRK_SCRIPT = """
local lines = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  local host, path = line:match("^(%S+) (%S+)$")
  table.insert(lines, {host, path})
end
local encoding = os.getenv("BENCH_ACCEPT_ENCODING") or ""
local counter = 0
request = function()
  counter = counter + 1
  local entry = lines[(counter % #lines) + 1]
  local headers = {["Host"] = entry[1]}
  if encoding ~= "" then
    headers["Accept-Encoding"] = encoding
  end
  return wrk.format("GET", entry[2], headers)
end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\\n",
    summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.requests))
end
"""


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- 1. the network ------------------------------------------------------------------------


def network_build(*, sites: int, events: int, records: int, folder: Path) -> None:
    from django.core.management import call_command

    from home.models import Tenant

    started = time.monotonic()
    register = REGISTER
    if not register.is_file():
        register = folder / "municipalities.csv"
        register_csv(register, 300)
    csvs = [(register, ["--kind", "bibliotheek"]), *((path, []) for path in CENTRES)]
    if sites < 463:  # a quick trial run: generated libraries only
        register = folder / "municipalities.csv"
        register_csv(register, sites)
        csvs = [(register, ["--kind", "bibliotheek"])]
    with open(os.devnull, "w") as devnull:
        for path, extra in csvs:
            # A refused row exits 1; the count below says what was built.
            with contextlib.suppress(SystemExit):
                call_command("sitegen", "bulk", "--csv", str(path), *extra, stdout=devnull)
        missing = sites - Tenant.objects.count()
        if missing > 0:
            extra_csv = folder / "extra.csv"
            extra_sites_csv(extra_csv, missing)
            call_command("sitegen", "bulk", "--csv", str(extra_csv), stdout=devnull)
    say(f"  {Tenant.objects.count()} sites provisioned in {time.monotonic() - started:.0f} s")


def content_add(*, events: int, records: int, folder: Path) -> None:
    from django.core.management import call_command

    from benchmarks.catalogue import generate
    from benchmarks.events import events_generate

    started = time.monotonic()
    created = events_generate(events)
    say(f"  {created:,} events in bulk in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    marc = folder / "records.mrc"
    generate(marc, records)
    with open(os.devnull, "w") as devnull:
        call_command("import_marc", str(marc), stdout=devnull, stderr=devnull)
    say(f"  {records:,} catalogue records imported in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    libraries = per_library_pages()
    say(
        f"  a news item, a course and a location on {libraries} libraries in "
        f"{time.monotonic() - started:.0f} s"
    )


def per_library_pages() -> int:
    """One news item, one course (index included) and one location with opening hours under
    every library home page, created the way editors do (a published revision each)."""
    import datetime as dt

    from django.utils import timezone

    from home.models import Tenant
    from library_pages.models import (
        LocationIndexPage,
        LocationPage,
        NewsIndexPage,
        NewsPage,
        OpeningHoursSpan,
    )
    from makerspace.models import CourseIndexPage, CoursePage, CourseSession

    count = 0
    libraries = Tenant.objects.select_related("site__root_page").filter(kind="bibliotheek")
    # Through Wagtail's publish (about 0.1 s a page): the first LIBRARIES_WITH_PAGES libraries.
    for tenant in libraries.order_by("slug")[:LIBRARIES_WITH_PAGES]:
        home = tenant.site.root_page
        news_index = NewsIndexPage.objects.child_of(home).first()
        if news_index is not None:
            item = NewsPage(
                title="Nieuwe openingsuren vanaf januari",
                slug="nieuwe-openingsuren",
                date=dt.date.today(),
                intro="Vanaf januari is de bib ook op zondag open.",
            )
            news_index.add_child(instance=item)
            item.save_revision().publish()
        index = CourseIndexPage.objects.descendant_of(home).first()
        if index is None:
            index = CourseIndexPage(title="Makerspace", slug="makerspace", intro="Leer maken.")
            home.add_child(instance=index)
            index.save_revision().publish()
        course = CoursePage(
            title="3D-printen voor beginners",
            slug="3d-printen",
            intro="Een praktische cursus in de makerspace.",
            capacity=10,
            max_places_per_registration=1,
            location_text="Makerspace, eerste verdieping",
        )
        start = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
        course.sessions = [
            CourseSession(starts_at=start, ends_at=start + dt.timedelta(hours=3), title="")
        ]
        index.add_child(instance=course)
        course.save_revision().publish()
        locations = LocationIndexPage.objects.child_of(home).first() or home
        if not LocationPage.objects.descendant_of(home).exists():
            location = LocationPage(
                title="Hoofdbibliotheek",
                slug="hoofdbibliotheek",
                street="Kerkstraat 1",
                postal_code="9000",
                city=tenant.site.site_name.split()[-1],
                weekly_hours=[
                    OpeningHoursSpan(weekday=day, opens=dt.time(9), closes=dt.time(18))
                    for day in range(6)
                ],
            )
            locations.add_child(instance=location)
            location.save_revision().publish()
        count += 1
    return count


def urls_by_page_type() -> dict[str, list[tuple[str, str]]]:
    """(hostname, path) of every page type on every site that has one."""
    from wagtail.models import Site

    from catalogue.models import CatalogueSearchPage, Record
    from events.models import EventIndexPage, EventPage
    from library_pages.models import LocationPage, NewsIndexPage, NewsPage, StandardPage
    from makerspace.models import CourseIndexPage, CoursePage

    record_id = Record.objects.values_list("record_id", flat=True).first()
    result: dict[str, list[tuple[str, str]]] = {name: [] for name in PAGE_TYPES}
    models = {
        "content": StandardPage,
        "news index": NewsIndexPage,
        "news item": NewsPage,
        "agenda": EventIndexPage,
        "event": EventPage,
        "course index": CourseIndexPage,
        "course": CoursePage,
        "location": LocationPage,
    }
    for site in Site.objects.select_related("root_page").order_by("hostname"):
        root = site.root_page
        result["home"].append((site.hostname, "/"))
        for name, model in models.items():
            page = model.objects.live().descendant_of(root).order_by("path").first()
            if page is not None:
                result[name].append((site.hostname, page.relative_url(site)))
        catalogue = CatalogueSearchPage.objects.live().descendant_of(root).first()
        if catalogue is not None:
            base = catalogue.relative_url(site)
            result["catalogue search"].append((site.hostname, f"{base}?q=roman"))
            if record_id:
                result["record"].append((site.hostname, f"{base}titel/{record_id}/"))
    return result


# --- 2. servers -------------------------------------------------------------------------------


class Server:
    # Every server started, so that an interrupted run leaves none behind (main()).
    started: list["Server"] = []

    def __init__(self, name: str, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.port = PORTS[name]
        log = open(Path(tempfile.gettempdir()) / f"bench-http-{name}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                *args,
            ],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        Server.started.append(self)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=2
                ) as response:
                    response.read()
                break
            except OSError as error:  # not listening yet, or an error page
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(
                        f"{name} server does not answer /healthz with 200 ({error}); see {log.name}"
                    ) from error
                time.sleep(0.5)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_cpu_seconds(self) -> float:
        """User and system CPU time of the workers so far (a figure the machine's load does
        not change much, unlike req/s)."""
        ticks = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_mb(self) -> float:
        total = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def project_env(*, database_url: str, redis_url: str, cached: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "bench-http-only-not-secret",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": CACHE_PREFIX,
            "SECURE_SSL_REDIRECT": "false",
            "PAGECACHE_ENABLED": "true" if cached else "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


# --- 3. wrk ------------------------------------------------------------------------------------


# What the project's runs send, as browsers do (bare Django's answer is not compressed either way).
BROWSER_ENCODING = "gzip, deflate, br"
# The measured runs of each page type: (kind, server, Accept-Encoding). Bare Django follows them.
RUN_KINDS = (
    ("cached", "cached", BROWSER_ENCODING),
    # The same without Accept-Encoding: each answer decompressed from the entry.
    ("plain", "cached", ""),
    # Hits answered by PageCacheMiddleware (no pagecache.wsgi layer): the layer's gain.
    ("middleware", "middleware", BROWSER_ENCODING),
    ("uncached", "uncached", BROWSER_ENCODING),
)


def wrk(
    *,
    port: int,
    urls: list[tuple[str, str]],
    duration: int,
    connections: int,
    folder: Path,
    accept_encoding: str = "",
):
    listing = folder / "urls.txt"
    listing.write_text("".join(f"{host} {path}\n" for host, path in urls))
    script = folder / "rotate.lua"
    script.write_text(WRK_SCRIPT)
    completed = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{duration}s",
            "--script",
            str(script),
            f"http://127.0.0.1:{port}/",
        ],
        env={**os.environ, "BENCH_URLS": str(listing), "BENCH_ACCEPT_ENCODING": accept_encoding},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT"))
    rate, p50, p99, errors, requests = line.split()[1:]
    return float(rate), float(p50), float(p99), int(errors), int(requests)


def fetch_all(
    port: int, urls: list[tuple[str, str]], workers: int = 4, accept_encoding: str = ""
) -> int:
    """One request per URL (fills the cache); the number of answers other than 200."""
    extra = {"Accept-Encoding": accept_encoding} if accept_encoding else {}

    def fetch(entry: tuple[str, str]) -> int:
        host, path = entry
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Host": host, **extra}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return sum(1 for status in pool.map(fetch, urls) if status != 200)


@dataclass(frozen=True)
class Run:
    """One measured run against one server: req/s, latency percentiles (ms), answers other
    than 2xx/3xx, requests, and the workers' CPU time per request (seconds)."""

    rate: float
    p50: float
    p99: float
    errors: int
    requests: int
    cpu: float


@dataclass(frozen=True)
class Runner:
    """The settings every wrk run of this benchmark shares."""

    folder: Path
    duration: int
    connections: int

    def measure(
        self,
        server: "Server",
        urls: list[tuple[str, str]],
        *,
        accept_encoding: str = "",
        duration: int | None = None,
    ) -> Run:
        """wrk rotating over `urls` for `duration` seconds, with the workers' CPU time."""
        before = server.worker_cpu_seconds()
        rate, p50, p99, errors, requests = wrk(
            port=server.port,
            urls=urls,
            duration=duration or self.duration,
            connections=self.connections,
            folder=self.folder,
            accept_encoding=accept_encoding,
        )
        cpu = (server.worker_cpu_seconds() - before) / max(requests, 1)
        return Run(rate, p50, p99, errors, requests, cpu)

    def warm(self, server: "Server", urls: list[tuple[str, str]], accept_encoding: str) -> None:
        """Unrecorded: every worker past its first requests of these URLs."""
        self.measure(server, urls, accept_encoding=accept_encoding, duration=2)

    def first_requests(
        self, server: "Server", urls: list[tuple[str, str]], *, accept_encoding: str
    ) -> Run:
        """One request per URL, `connections` at a time, timed: the first render of each URL
        on this server (no latency percentiles)."""
        before = server.worker_cpu_seconds()
        started = time.monotonic()
        errors = fetch_all(
            server.port, urls, workers=self.connections, accept_encoding=accept_encoding
        )
        elapsed = time.monotonic() - started
        cpu = (server.worker_cpu_seconds() - before) / len(urls)
        return Run(len(urls) / elapsed, math.nan, math.nan, errors, len(urls), cpu)


# --- in-process timing -------------------------------------------------------------------------


def in_process_settings() -> None:
    """Production settings as the uncached server runs them (DEBUG off, the cached template
    loader, Redis), the page cache off; set before Django starts."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-http-only-not-secret"),
            # A prefix of its own (CACHE_KEY_PREFIX) keeps two trials apart in one Redis
            # database; cache_forget() deletes the default one only.
            "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", CACHE_PREFIX),
            "SECURE_SSL_REDIRECT": "false",
            "PAGECACHE_ENABLED": "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")


def in_process(
    urls: dict[str, list[tuple[str, str]]], *, renders: int, repeat: int = 1, profile: str = ""
) -> None:
    """Milliseconds per uncached render and queries of every page type, through Django's test
    client in this process, over up to `renders` URLs of each type (each rendered once before
    it is timed, as a warm worker has)."""
    import cProfile
    import io
    import pstats

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    load = os.getloadavg()[0]
    say(
        f"Uncached renders in process (load average {load:.1f}): wall and CPU ms per render, "
        "queries (the most of any URL), size of the last page, Python function calls (median)"
    )
    say(
        f"{'page type':<17}{'URLs':>5}{'p50 ms':>9}{'min ms':>8}{'CPU p50 ms':>12}"
        f"{'CPU min ms':>12}{'queries':>9}{'KB':>6}{'calls':>10}"
    )
    for name in urls:
        chosen = urls[name][:renders]
        if not chosen:
            continue
        times, cpu, queries = [], [], []
        for host, path in chosen:
            client.get(path, HTTP_HOST=host)  # warm: the shell, routing's map, templates
        # CPU time of this process: what the render costs whatever the machine's load (the
        # database's own work is not in it; its round trips are in the wall time).
        profiler = cProfile.Profile(time.process_time) if profile == name else None
        for host, path in chosen * max(1, repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                cpu_started = time.process_time()
                if profiler:
                    profiler.enable()
                response = client.get(path, HTTP_HOST=host)
                if profiler:
                    profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 200:
                say(f"  {name} {host}{path}: {response.status_code}")
            queries.append(len(captured))
        # Python function calls per render (one more render of each URL under cProfile): a
        # measure of the work that the machine's load does not change.
        calls = []
        for host, path in chosen:
            counter = cProfile.Profile()
            counter.enable()
            client.get(path, HTTP_HOST=host)
            counter.disable()
            calls.append(pstats.Stats(counter).total_calls)
        say(
            f"{name:<17}{len(chosen):>5}{statistics.median(times):>9.1f}{min(times):>8.1f}"
            f"{statistics.median(cpu):>12.1f}{min(cpu):>12.1f}{max(queries):>9}"
            f"{len(response.content) / 1024:>6.0f}{statistics.median(calls):>10,.0f}"
        )
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
            sys.stdout.write(out.getvalue())


def cache_forget(redis_url: str) -> None:
    """Delete the benchmark's own keys (CACHE_KEY_PREFIX below), not the whole Redis database:
    other programs may share it."""
    import redis

    client = redis.Redis.from_url(redis_url)
    names = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
    for start in range(0, len(names), 1000):
        client.delete(*names[start : start + 1000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=471)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--port-base",
        type=int,
        default=int(os.environ.get("BENCH_HTTP_PORT_BASE", "8731")),
        help="first of the four ports of the servers (another run on the machine uses others)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the network a previous run built in the same database (no rebuild)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no servers: time every page type uncached in this process (production settings, "
        "the page cache off) and print ms per render and queries",
    )
    parser.add_argument(
        "--renders", type=int, default=30, help="renders per page type with --in-process"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the cached gzip run per page type, bare Django between two; the median "
        "round's ratio is the page type's",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip part 4 (worker memory)")
    parser.add_argument(
        "--page-types",
        default="",
        help="comma-separated page types (default: every one)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="with --in-process: renders of each URL timed"
    )
    parser.add_argument(
        "--profile", default="", help="with --in-process: cProfile this page type, print the top"
    )
    args = parser.parse_args()
    for offset, name in enumerate(PORTS):
        PORTS[name] = args.port_base + offset
    if args.in_process:
        in_process_settings()
    elif shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (Debian package)")

    url = os.environ.get("BENCH_HTTP_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if not args.reuse:
        database_recreate(url)

    import django

    django.setup()
    from django.core.management import call_command

    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    # Also on --reuse: a network built by older code gets the migrations added since.
    call_command("migrate", verbosity=0)
    if not args.reuse:
        say("1. Network")
        network_build(sites=args.sites, events=args.events, records=args.records, folder=folder)
        content_add(events=args.events, records=args.records, folder=folder)
    urls = urls_by_page_type()
    wanted = [name.strip() for name in args.page_types.split(",") if name.strip()] or PAGE_TYPES
    # The production settings' static storage serves hashed names from a manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=project_env(database_url=url, redis_url=redis_url, cached=True),
        check=True,
    )
    if args.in_process:
        # The storage may have read the manifest before it existed (a fresh checkout: the
        # migrations' checks run first): read it again.
        from django.contrib.staticfiles.storage import staticfiles_storage

        if hasattr(staticfiles_storage, "load_manifest"):
            manifest = staticfiles_storage.load_manifest()
            staticfiles_storage.hashed_files, staticfiles_storage.manifest_hash = manifest
        in_process(
            {name: urls[name] for name in wanted},
            renders=args.renders,
            repeat=args.repeat,
            profile=args.profile,
        )
        return
    hosts = sorted({host for host, _path in urls["home"]})
    say("  URLs per page type: " + ", ".join(f"{n} {len(u)}" for n, u in urls.items()))
    cache_forget(redis_url)

    say("2. Servers (gunicorn, 2 sync workers each)")
    (folder / "hello.py").write_text(BARE_DJANGO)
    bare = Server("bare", ["hello:application"], dict(os.environ), folder)
    cached = Server(
        "cached",
        ["config.wsgi:application"],
        project_env(database_url=url, redis_url=redis_url, cached=True),
        ROOT,
    )
    uncached = Server(
        "uncached",
        ["config.wsgi:application"],
        project_env(database_url=url, redis_url=redis_url, cached=False),
        ROOT,
    )
    # Hits answered by PageCacheMiddleware (Django's handler, no pagecache.wsgi layer), on the
    # same cache entries as `cached`: the layer's gain in this run.
    middleware = Server(
        "middleware",
        ["django.core.wsgi:get_wsgi_application()"],
        project_env(database_url=url, redis_url=redis_url, cached=True),
        ROOT,
    )
    runner = Runner(folder=folder, duration=args.duration, connections=args.connections)
    servers = {"bare": bare, "cached": cached, "middleware": middleware, "uncached": uncached}
    rows = []
    try:
        bare_urls = [(host, "/") for host in hosts]
        runner.warm(bare, bare_urls, "")
        first_bare = runner.measure(bare, bare_urls)
        say(
            f"  bare Django: {first_bare.rate:,.0f} req/s, p50 {first_bare.p50:.1f} ms, "
            f"p99 {first_bare.p99:.1f} ms"
        )
        previous_bare = first_bare.rate
        say("3. Page types (wrk over every hostname that has one)")
        for name in wanted:
            page_urls = urls[name]
            if not page_urls:
                say(f"  {name}: no such page in the network")
                continue
            # The uncached server's first request of each URL, before anything else asks for
            # them: its route and main-content fragment are not cached yet (as after a purge
            # of the page), the site's shell is when an earlier page type rendered it.
            first = runner.first_requests(uncached, page_urls, accept_encoding=BROWSER_ENCODING)
            failures = fetch_all(cached.port, page_urls) + first.errors
            for server in (cached, middleware, uncached):
                runner.warm(server, page_urls, BROWSER_ENCODING)
            # The cached gzip run (the goal's figure) in `--rounds` rounds, bare Django between
            # two: each round's ratio is to the bare runs just before and after it, and the
            # median round stands for the page type (one run's ratio moves by a few hundredths
            # with the machine's load).
            rounds: list[tuple[Run, float]] = []
            bare_before = previous_bare
            for number in range(args.rounds):
                run = runner.measure(cached, page_urls, accept_encoding=BROWSER_ENCODING)
                if number < args.rounds - 1:
                    bare_after = runner.measure(bare, bare_urls).rate
                    rounds.append((run, run.rate / ((bare_before + bare_after) / 2)))
                    bare_before = bare_after
                else:
                    rounds.append((run, 0.0))  # closed by the bare run after the page type
            runs = {
                kind: runner.measure(servers[server], page_urls, accept_encoding=encoding)
                for kind, server, encoding in RUN_KINDS
                if kind != "cached"
            }
            # Bare Django again, right after: on a shared machine the load changes during a
            # run, so each page type is compared with the bare runs just before and after it.
            runs["bare"] = runner.measure(bare, bare_urls)
            last_run = rounds[-1][0]
            rounds[-1] = (last_run, last_run.rate / ((bare_before + runs["bare"].rate) / 2))
            ratios = sorted(ratio for _run, ratio in rounds)
            runs["cached"] = next(
                run for run, ratio in rounds if ratio == statistics.median_low(ratios)
            )
            bare_rate = (previous_bare + runs["bare"].rate) / 2
            previous_bare = runs["bare"].rate
            rows.append((name, len(page_urls), failures, runs, first, bare_rate, ratios))
            c, u = runs["cached"], runs["uncached"]
            say(
                f"  {name}: bare {bare_rate:,.0f} req/s, cached gzip {c.rate:,.0f} req/s "
                f"({statistics.median_low(ratios):.2f}, rounds "
                + " ".join(f"{ratio:.2f}" for ratio in ratios)
                + "; without Accept-Encoding "
                f"{runs['plain'].rate / bare_rate:.2f}; without the WSGI layer "
                f"{runs['middleware'].rate / bare_rate:.2f}), uncached first request per URL "
                f"{first.rate:,.1f} req/s ({first.rate / bare_rate:.3f}), uncached warm "
                f"{u.rate:,.1f} req/s ({u.rate / bare_rate:.3f}); worker CPU per request: "
                + ", ".join(f"{kind} {run.cpu * 1e6:,.0f} us" for kind, run in runs.items())
                + f", uncached first {first.cpu * 1e6:,.0f} us"
            )
    finally:
        for server in (cached, middleware, uncached):
            server.stop()

    say("")
    say(
        f"bare Django (same gunicorn, same run), first run: {first_bare.rate:,.0f} req/s, p50 "
        f"{first_bare.p50:.2f} ms, p99 {first_bare.p99:.2f} ms; {args.connections} connections, "
        f"{args.duration} s per run; 'x bare' is the ratio to the mean of the bare runs just "
        "before and after the page type's runs (column 'bare'); for the cached gzip run, "
        f"the median of {args.rounds} rounds, each against the bare runs around it ('rounds': "
        "the lowest and highest); the project's runs send "
        f"'Accept-Encoding: {BROWSER_ENCODING}' (cached answers compressed) except 'plain x', "
        "cached without Accept-Encoding (answers decompressed); 'mw x' is cached without the "
        "WSGI layer (hits answered by the middleware). Uncached (the page cache off, the "
        "shell and fragment caches on): 'first' is one request per URL, "
        f"{args.connections} at a time, before any other request for it (its route and main "
        "content not cached yet, as after a purge of the page); 'warm' is wrk after that "
        "request and 2 s of wrk over every URL. 'CPU' columns: the workers' CPU time per "
        "request (user + system)."
    )
    header = (
        f"{'page type':<17}{'URLs':>5}{'bare':>7} | {'cached req/s':>12}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'x bare':>8}{'rounds':>11}{'plain x':>8}{'mw x':>6}{'CPU us':>8} | {'first req/s':>11}"
        f"{'x bare':>8}{'CPU ms':>8} | {'warm req/s':>10}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'x bare':>8}{'CPU ms':>8} | {'bare CPU us':>11}"
    )
    say(header)
    say("-" * len(header))
    for name, count, failures, runs, first, bare_rate, ratios in rows:
        c, u, plain, m = runs["cached"], runs["uncached"], runs["plain"], runs["middleware"]
        errors = {kind: run.errors for kind, run in runs.items() if run.errors}
        say(
            f"{name:<17}{count:>5}{bare_rate:>7,.0f} | {c.rate:>12,.0f}{c.p50:>8.2f}{c.p99:>8.2f}"
            f"{statistics.median_low(ratios):>8.2f}{ratios[0]:>6.2f}-{ratios[-1]:.2f}"
            f"{plain.rate / bare_rate:>8.2f}{m.rate / bare_rate:>6.2f}"
            f"{c.cpu * 1e6:>8,.0f} | {first.rate:>11,.1f}{first.rate / bare_rate:>8.3f}"
            f"{first.cpu * 1e3:>8.1f} | {u.rate:>10,.1f}{u.p50:>8.1f}{u.p99:>8.1f}"
            f"{u.rate / bare_rate:>8.3f}{u.cpu * 1e3:>8.1f} | {runs['bare'].cpu * 1e6:>11,.0f}"
            + (f"   ({failures} non-200 answers)" if failures else "")
            + (f"   (non-2xx: {errors})" if errors else "")
        )
    bare.stop()
    if args.no_memory:
        shutil.rmtree(folder, ignore_errors=True)
        return

    say("4. Worker memory after 10,000 requests (fresh server each, page cache on)")
    mixed = [entry for name in PAGE_TYPES for entry in urls[name]]
    for label, chosen_hosts in (
        (f"{len(hosts)} hostnames", set(hosts)),
        ("6 hostnames", set(hosts[:6])),
    ):
        entries = [entry for entry in mixed if entry[0] in chosen_hosts]
        sequence = [entries[n % len(entries)] for n in range(10_000)]
        cache_forget(redis_url)
        server = Server(
            "memory",
            ["config.wsgi:application"],
            project_env(database_url=url, redis_url=redis_url, cached=True),
            ROOT,
        )
        try:
            fetch_all(
                server.port, sequence, workers=args.connections, accept_encoding=BROWSER_ENCODING
            )
            say(f"  {label}: worker RSS {server.worker_rss_mb():.0f} MB (2 workers)")
        finally:
            server.stop()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        for server in Server.started:
            server.stop()
