"""Agenda and UiTdatabank import figures at network scale, on PostgreSQL.

    make bench-events   (or: .venv/bin/python benchmarks/events.py [--sites 300]
                         [--events 100000] [--import-docs 10000] [--requests 100])

Creates a fresh database (BENCH_EVENTS_DATABASE_URL, default bibnet_bench_events), then:
  1. provisions the sites with `sitegen bulk` (generated municipalities);
  2. generates the events in bulk (page and event rows with treebeard paths built here, and
     their occurrence rows): creating 100,000 pages one by one through Wagtail would take hours;
  3. measures the agenda of one site through the Django test client on the site's hostname
     (first page unfiltered and by every filter, a later page, the free-text search): queries,
     median and p95 server time, median CPU time;
  4. writes generated UiTdatabank documents (every calendar type) to files, imports them into
     one site and reports documents per second; then imports the same files again (unchanged);
  5. gives every site a selection and a previous sync, and times the 15-minute incremental
     sync of the whole network against a local Search API stand-in with nothing changed.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402
from benchmarks.provisioning import register_csv  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_events"
THEME = "1.10.0.0.0"  # Literatuur
AGE = "8"
# The free-text filter: the generated titles are "Activiteit <n> in <agenda>", so this matches
# about one event in ninety.
SEARCH = "activiteit 12"


def sites_provision(count: int) -> None:
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "municipalities.csv"
        register_csv(path, count)
        with open(os.devnull, "w") as devnull:
            call_command("sitegen", "bulk", "--csv", str(path), stdout=devnull)


def events_generate(total: int, seed: int = 7, heavy: dict[int, int] | None = None) -> int:
    """Page rows, event rows and occurrence rows in bulk, spread evenly over the agendas;
    `heavy` gives some agendas (by page id) a number of their own out of the total."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Locale, Page

    from events import taxonomy
    from events.models import (
        OCCURRENCE_EVENT_FIELDS,
        EventIndexPage,
        EventPage,
        Occurrence,
        occurrence_event_values,
    )

    rng = random.Random(seed)
    agendas = list(EventIndexPage.objects.order_by("path"))
    content_type = ContentType.objects.get_for_model(EventPage)
    locale = Locale.get_default()
    themes = list(taxonomy.THEMES)
    types = list(taxonomy.EVENT_TYPES)
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    heavy = heavy or {}
    spread = [agenda for agenda in agendas if agenda.pk not in heavy]
    rest = max(total - sum(heavy.values()), 0)
    per_agenda = rest // max(len(spread), 1)
    fields = [
        field for field in EventPage._meta.local_concrete_fields if field.column != "page_ptr_id"
    ]
    columns = ", ".join(['"page_ptr_id"'] + [f'"{field.column}"' for field in fields])
    placeholders = ", ".join(["%s"] * (len(fields) + 1))
    insert = f"INSERT INTO events_eventpage ({columns}) VALUES ({placeholders})"
    created = 0
    position = {agenda.pk: number for number, agenda in enumerate(spread)}
    for agenda in agendas:
        if agenda.pk in heavy:
            count = heavy[agenda.pk]
        else:
            count = per_agenda + (1 if position[agenda.pk] < rest % len(spread) else 0)
        with transaction.atomic():
            pages, events = [], []
            start_step = agenda.numchild + 1
            for number in range(count):
                slug = f"activiteit-{start_step + number}"
                pages.append(
                    Page(
                        path=Page._get_path(agenda.path, agenda.depth + 1, start_step + number),
                        depth=agenda.depth + 1,
                        numchild=0,
                        title=f"Activiteit {start_step + number} in {agenda.title}",
                        draft_title=f"Activiteit {start_step + number}",
                        slug=slug,
                        content_type=content_type,
                        live=True,
                        has_unpublished_changes=False,
                        url_path=f"{agenda.url_path}{slug}/",
                        first_published_at=now,
                        last_published_at=now,
                        locale=locale,
                        translation_key=uuid.uuid4(),
                    )
                )
            Page.objects.bulk_create(pages, batch_size=2000)
            rows, occurrences = [], []
            for page in pages:
                age_min = rng.choice([None, None, 3, 6, 8, 12, 16, 18])
                age_max = rng.choice([None, age_min + 4]) if age_min is not None else None
                event = EventPage(
                    page_ptr_id=page.pk,
                    intro="Een gegenereerde activiteit.",
                    event_type=rng.choice(types),
                    theme=rng.choice(themes),
                    age_min=age_min,
                    age_max=age_max,
                    is_free=rng.random() < 0.3,
                    place_name="De bib",
                    city="Gemeente",
                )
                rows.append(
                    [page.pk]
                    + [
                        field.get_db_prep_save(getattr(event, field.attname), connection)
                        for field in fields
                    ]
                )
                copied = dict(
                    zip(OCCURRENCE_EVENT_FIELDS, occurrence_event_values(event), strict=True)
                )
                first = now + dt.timedelta(hours=rng.randrange(1, 24 * 365))
                repeats = 8 if rng.random() < 0.1 else 1  # some weekly series
                for week in range(repeats):
                    start = first + dt.timedelta(weeks=week)
                    occurrences.append(
                        Occurrence(
                            page_id=page.pk,
                            agenda_id=agenda.pk,
                            start=start,
                            end=start + dt.timedelta(hours=2),
                            is_last=week == repeats - 1,
                            **copied,
                        )
                    )
                events.append(event)
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
            Occurrence.objects.bulk_create(occurrences, batch_size=5000)
            Page.objects.filter(pk=agenda.pk).update(numchild=agenda.numchild + count)
        created += count
    with connection.cursor() as cursor:
        # A steady database: statistics, and the visibility map that index-only scans need.
        cursor.execute("VACUUM ANALYZE")
    return created


def agenda_cases() -> list[tuple[str, dict]]:
    """The agenda pages measured: unfiltered and every filter of the form (free text and
    location aside), alone and combined."""
    from events import taxonomy

    today = dt.date.today()
    event_type = next(iter(taxonomy.EVENT_TYPES))
    return [
        ("unfiltered", {}),
        (f"type {event_type}", {"type": event_type}),
        (f"theme {THEME}", {"thema": THEME}),
        ("age group kinderen", {"leeftijdsgroep": "kinderen"}),
        ("age group gezinnen", {"leeftijdsgroep": "gezinnen"}),
        (f"age {AGE}", {"leeftijd": AGE}),
        ("free", {"gratis": "1"}),
        ("this week", {"wanneer": "week"}),
        (
            "dates +30..+60 days",
            {
                "van": (today + dt.timedelta(days=30)).isoformat(),
                "tot": (today + dt.timedelta(days=60)).isoformat(),
            },
        ),
        ("theme + age group + free", {"thema": THEME, "leeftijdsgroep": "kinderen", "gratis": "1"}),
        ("this month + age", {"wanneer": "maand", "leeftijd": AGE}),
        ("page 20", {"pagina": "20"}),
        (f"search {SEARCH!r}", {"q": SEARCH}),
    ]


def page_figures(
    host: str, url: str, params: dict, requests: int
) -> tuple[int, float, float, float]:
    """Queries, median and p95 server time (ms, wall clock) and median CPU time of this
    process (ms: what the request cost in Python, whatever the machine's load)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    client.get(url, params)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    queries = len(captured)
    timings, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    reset_queries()
    timings.sort()
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    return queries, statistics.median(timings), p95, statistics.median(cpu)


def uitdatabank_documents(count: int, seed: int = 11) -> list[dict]:
    from events import taxonomy

    rng = random.Random(seed)
    themes, types = list(taxonomy.THEMES), list(taxonomy.EVENT_TYPES)
    base = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    documents = []
    for number in range(count):
        start = base + dt.timedelta(hours=rng.randrange(24, 24 * 300))
        kind = ("single", "multiple", "periodic", "permanent")[number % 4]
        document = {
            "@id": f"https://io.uitdatabank.be/events/bench-{number:06d}",
            "mainLanguage": "nl",
            "name": {"nl": f"Gegenereerde activiteit {number}"},
            "description": {"nl": f"<p>Beschrijving {number} met <strong>opmaak</strong>.</p>"},
            "calendarType": kind,
            "location": {
                "name": {"nl": "Bibliotheek"},
                "address": {
                    "nl": {
                        "streetAddress": "Kerkstraat 1",
                        "postalCode": "9000",
                        "addressLocality": "Gent",
                    }
                },
            },
            "terms": [
                {"id": rng.choice(types), "domain": "eventtype"},
                {"id": rng.choice(themes), "domain": "theme"},
            ],
            "typicalAgeRange": rng.choice(["-", "6-12", "18-", "3-5"]),
            "priceInfo": [{"category": "base", "price": rng.choice([0, 5, 12])}],
            "workflowStatus": "APPROVED",
        }
        if kind == "single":
            document["startDate"] = start.isoformat()
            document["endDate"] = (start + dt.timedelta(hours=2)).isoformat()
        elif kind == "multiple":
            document["subEvent"] = [
                {
                    "startDate": (start + dt.timedelta(weeks=week)).isoformat(),
                    "endDate": (start + dt.timedelta(weeks=week, hours=2)).isoformat(),
                }
                for week in range(3)
            ]
        elif kind == "periodic":
            document["startDate"] = start.isoformat()
            document["endDate"] = (start + dt.timedelta(days=60)).isoformat()
            document["openingHours"] = [
                {"opens": "10:00", "closes": "12:00", "dayOfWeek": ["saturday"]}
            ]
        documents.append(document)
    return documents


def database_cpu_seconds() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend process so far, when the server runs
    on this machine (read from /proc); None otherwise. With Python CPU it tells the import's
    work apart from the waiting a loaded machine adds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def import_figures(site, count: int, out, *, kinds: tuple[str, ...] = (), label: str = "") -> None:
    """Import `count` generated documents into the site from files, twice (first run, then
    unchanged); `kinds` keeps only those calendar types."""
    from events.models import Occurrence
    from events.services import items_from_files, uitdatabank_import

    documents = uitdatabank_documents(count * (4 if kinds else 1))
    if kinds:
        documents = [d for d in documents if d["calendarType"] in kinds][:count]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(0, count, 500):
            path = Path(folder) / f"uitdatabank-{index // 500:03d}.json"
            path.write_text(
                json.dumps({"totalItems": count, "member": documents[index : index + 500]})
            )
            paths.append(path)
        for run_label in ("first run", "second run (unchanged)"):
            rows_before = Occurrence.objects.count()
            database_before = database_cpu_seconds()
            started, cpu = time.perf_counter(), time.process_time()
            run = uitdatabank_import(site=site, items=items_from_files(paths), source="bench")
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            database_after = database_cpu_seconds()
            database = (
                f", database CPU {database_after - database_before:.1f} s"
                if database_before is not None and database_after is not None
                else ""
            )
            rows = Occurrence.objects.count() - rows_before
            out.write(
                f"import {count} {label}UiTdatabank documents, {run_label}: {elapsed:.1f} s, "
                f"{count / elapsed:.0f} documents/s, Python CPU {cpu:.1f} s{database}, "
                f"load average {os.getloadavg()[0]:.1f} "
                f"(created {run.created}, updated "
                f"{run.updated}, unchanged {run.unchanged}, rejected {run.rejected}; "
                f"{rows} occurrence rows written)\n"
            )


def incremental_figures(out) -> None:
    """Every site gets a selection and a previous successful sync; a stand-in Search API
    answers "nothing modified". Measures the 15-minute sync over the whole network."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from django.db import connection

    from events.models import ImportRun
    from events.tasks import uitdatabank_sync_all_task
    from home.models import IntegrationSettings, Tenant

    asked: list[str] = []

    class Empty(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            asked.append(self.path)
            body = json.dumps({"@type": "PagedCollection", "totalItems": 0, "member": []})
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Empty)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["UITDATABANK_SEARCH_URL"] = f"http://127.0.0.1:{server.server_address[1]}/events/"
    tenants = list(Tenant.objects.select_related("site"))
    for tenant in tenants:
        settings = IntegrationSettings.for_site(tenant.site)
        settings.uitdatabank_organizer_ids = str(uuid.uuid5(uuid.NAMESPACE_URL, tenant.slug))
        settings.save()
    ImportRun.objects.bulk_create(
        ImportRun(
            site=tenant.site,
            source="bench",
            selection=True,
            full=True,
            outcome=ImportRun.Outcome.DONE,
            finished=dt.datetime.now(dt.UTC),
        )
        for tenant in tenants
    )
    connection.queries_log.clear()
    started = time.perf_counter()
    enqueued = uitdatabank_sync_all_task.enqueue(full=False).return_value
    elapsed = time.perf_counter() - started
    incremental = sum("modifiedFrom" in path for path in asked)
    out.write(
        f"incremental sync, nothing changed, {enqueued} sites: {elapsed:.1f} s "
        f"({incremental} Search API requests with modifiedFrom)\n"
    )
    server.shutdown()
    server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--import-docs", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--site-events",
        type=int,
        default=10_000,
        help="events of the measured site's own agenda, out of --events (the issue: 10,000)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of a previous run: measure only"
    )
    parser.add_argument(
        "--site-index", type=int, default=None, help="which site's agenda (default: the middle)"
    )
    args = parser.parse_args()

    url = os.environ.get("BENCH_EVENTS_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if not args.reuse:
        database_recreate(url)

    import django

    django.setup()
    from django.core.management import call_command

    from events.models import EventIndexPage, EventPage, Occurrence
    from home.models import Tenant

    out = sys.stdout
    sys.stdout.reconfigure(line_buffering=True)
    call_command("migrate", verbosity=0)
    if not args.reuse:
        started = time.perf_counter()
        sites_provision(args.sites)
        out.write(
            f"provisioned {Tenant.objects.count()} sites in {time.perf_counter() - started:.0f} s\n"
        )
    tenants = Tenant.objects.select_related("site").order_by("slug")
    index = args.site_index if args.site_index is not None else tenants.count() // 2
    tenant = tenants[index]
    agenda = EventIndexPage.objects.child_of(tenant.site.root_page).get()
    if not args.reuse:
        started = time.perf_counter()
        created = events_generate(args.events, heavy={agenda.pk: args.site_events})
        out.write(
            f"generated {created} events ({Occurrence.objects.count()} occurrences) over "
            f"{EventIndexPage.objects.count()} agendas in {time.perf_counter() - started:.0f} s\n"
        )
    created = EventPage.objects.count()
    stored = EventPage.objects.child_of(agenda).count()
    host = tenant.site.hostname
    path = agenda.url_path[len(tenant.site.root_page.url_path) - 1 :]
    out.write(f"agenda of {host}{path}: {stored} events of its own, {created} in the network\n")
    for label, params in agenda_cases():
        queries, median, p95, cpu = page_figures(host, path, params, args.requests)
        out.write(
            f"agenda, {label}: {queries} queries, median {median:.1f} ms, "
            f"p95 {p95:.1f} ms, CPU median {cpu:.1f} ms ({args.requests} requests)\n"
        )
    if args.import_docs and not args.reuse:
        # into another site, so that a re-measurement with --reuse sees a typical agenda
        import_figures(tenants[0].site, args.import_docs, out)
        # The occurrence-row cost alone: permanent events without hours (one row a day).
        import_figures(
            tenants[1].site,
            max(args.import_docs // 4, 1),
            out,
            kinds=("permanent",),
            label="permanent (no hours) ",
        )
    if not args.reuse and args.import_docs:
        incremental_figures(out)


if __name__ == "__main__":
    main()
