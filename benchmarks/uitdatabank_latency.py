"""From a UiTdatabank change to the agenda, through the real scheduler and worker.

    make bench-sync-latency   (or: .venv/bin/python benchmarks/uitdatabank_latency.py
                               [--sites 3] [--rounds 5] [--max-minutes 10])

Creates a fresh PostgreSQL database (BENCH_LATENCY_DATABASE_URL, default bibnet_bench_latency),
migrates it, provisions a few libraries with a UiTdatabank selection each, and starts a local
stand-in of the Search API (127.0.0.1, a free port, in a thread: `totalItems`/`member`, paging
with `start`/`limit`, `modifiedFrom` honoured, one organizer per site). Each site's first (full)
sync runs in this process; then `manage.py run_scheduler` and `manage.py jobs_worker` start as
subprocesses on the database task backend with `SCHEDULE_UITDATABANK_SYNC="* * * * *"` (the
scheduler has minute resolution: every minute is the shortest honest schedule) and every other
schedule at its default, as in production.

Each round changes, at a chosen second of the minute, one site's documents at the stand-in: one
new title (and a new `modified`), one new event and one withdrawn event (workflowStatus
DELETED). It then polls the database (the page's title, live) and renders the site's agenda with
Django's test client on the site's hostname, until all three show. The latency is split with
the jobs records: waiting for the schedule tick (change -> the scheduler's claim of the tick,
`jobs.ScheduleFire`), queue and fan-out (-> the site's import run starts, `events.ImportRun`),
the import itself, and this process noticing it (poll interval 0.2 s).

Only 127.0.0.1 is contacted. The subprocesses are stopped on exit, error and Ctrl-C; the whole
run stops after --max-minutes.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
import zoneinfo
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_latency"
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The second of the minute at which each round changes a document: spread over the minute so
# that the wait for the tick varies, and never in the first seconds (where a change could race
# the tick that just fired).
CHANGE_SECONDS = [15, 30, 45, 55, 22, 38, 50, 18]
DOCUMENTS_PER_SITE = 5
POLL_SECONDS = 0.2
PRODUCTION_CRON_MINUTES = 15


class Timeout(Exception):
    pass


# --- The Search API stand-in -------------------------------------------------------------------


def event_document(*, organizer: str, number: int, title: str, modified: dt.datetime) -> dict:
    start = (dt.datetime.now(BRUSSELS) + dt.timedelta(days=7 + number)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    ident = uuid.uuid5(uuid.NAMESPACE_URL, f"{organizer}/{number}")
    return {
        "@id": f"https://io.uitdatabank.be/events/{ident}",
        "mainLanguage": "nl",
        "name": {"nl": title},
        "calendarType": "single",
        "startDate": start.isoformat(),
        "endDate": (start + dt.timedelta(hours=1)).isoformat(),
        "workflowStatus": "APPROVED",
        "modified": modified.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }


class SearchStandIn:
    """The documents of every organizer, as the Search API would serve them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.documents: dict[str, list[dict]] = {}  # organizer id -> documents
        self.requests = 0

    def answer(self, query: dict[str, str]) -> dict:
        organizers = set(UUID_PATTERN.findall(query.get("q", "")))
        start, limit = int(query.get("start", 0)), int(query.get("limit", 30))
        with self.lock:
            self.requests += 1
            selected = [
                document
                for organizer in sorted(organizers)
                for document in self.documents.get(organizer, [])
            ]
        if "modifiedFrom" in query:
            since = dt.datetime.fromisoformat(query["modifiedFrom"])
            selected = [d for d in selected if dt.datetime.fromisoformat(d["modified"]) >= since]
        return {
            "@context": "http://www.w3.org/ns/hydra/context.jsonld",
            "@type": "PagedCollection",
            "itemsPerPage": limit,
            "totalItems": len(selected),
            "member": selected[start : start + limit],
        }

    def replace(self, organizer: str, number: int, document: dict) -> None:
        with self.lock:
            documents = self.documents[organizer]
            for index, existing in enumerate(documents):
                if existing["@id"] == document["@id"]:
                    documents[index] = document
                    return
            documents.append(document)


def stand_in_start(stand_in: SearchStandIn) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            body = json.dumps(stand_in.answer(query)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- Sites ---------------------------------------------------------------------------------------


@dataclass
class BenchSite:
    slug: str
    hostname: str
    site_id: int
    agenda_path: str
    organizer: str
    next_number: int = DOCUMENTS_PER_SITE + 1
    live_numbers: list[int] = field(default_factory=list)


def title_for(site: "BenchSite", number: int, round_number: int | None = None) -> str:
    title = f"Voorleesuur {site.slug} nr. {number:03d}"
    return title if round_number is None else f"{title} (gewijzigd in ronde {round_number})"


def sites_provision(count: int, stand_in: SearchStandIn) -> list[BenchSite]:
    from events.services import agenda_for_site
    from home.models import IntegrationSettings, SiteKind
    from sitegen.blueprints import BLUEPRINTS
    from sitegen.services import SiteRequest, provision_site

    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    sites = []
    for number in range(1, count + 1):
        slug = f"latency-{number}"
        result = provision_site(
            blueprint=BLUEPRINTS[SiteKind.LIBRARY],
            request=SiteRequest(name=f"Bibliotheek Latency {number}", slug=slug),
        )
        site = result.tenant.site
        organizer = str(uuid.uuid5(uuid.NAMESPACE_URL, slug))
        settings = IntegrationSettings.for_site(site)
        settings.uitdatabank_organizer_ids = organizer
        settings.save()
        agenda = agenda_for_site(site=site)
        bench_site = BenchSite(
            slug=slug,
            hostname=site.hostname,
            site_id=site.pk,
            agenda_path=agenda.url_path[len(site.root_page.url_path) - 1 :],
            organizer=organizer,
            live_numbers=list(range(1, DOCUMENTS_PER_SITE + 1)),
        )
        stand_in.documents[organizer] = [
            event_document(
                organizer=organizer,
                number=n,
                title=title_for(bench_site, n),
                modified=long_ago,
            )
            for n in bench_site.live_numbers
        ]
        sites.append(bench_site)
    return sites


# --- Subprocesses --------------------------------------------------------------------------------


class Processes:
    """The scheduler and the worker; stopped (SIGTERM, then SIGKILL) whatever happens."""

    def __init__(self, env: dict, folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *arguments: str) -> None:
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Own process group: the benchmark decides when they stop (also on Ctrl-C).
            start_new_session=True,
        )
        self.running.append((name, process))

    def check(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                raise SystemExit(f"{name} stopped (exit {process.returncode}):\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.folder / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        for _, process in self.running:
            if process.poll() is None:
                process.terminate()
        for _, process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running = []


# --- Observing the agenda ------------------------------------------------------------------------


def agenda_text(client, site: BenchSite) -> str:
    from bs4 import BeautifulSoup

    response = client.get(site.agenda_path, HTTP_HOST=site.hostname)
    if response.status_code != 200:
        raise SystemExit(f"agenda of {site.hostname} answered {response.status_code}")
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def database_state(site: BenchSite) -> dict[str, bool]:
    """Title -> live, for the site's imported events."""
    from events.models import EventPage

    rows = (
        EventPage.objects.filter(path__startswith=_site_path(site))
        .exclude(uitdatabank_id="")
        .values_list("title", "live")
    )
    return dict(rows)


def _site_path(site: BenchSite) -> str:
    from wagtail.models import Site

    return Site.objects.get(pk=site.site_id).root_page.path


@dataclass
class RoundResult:
    number: int
    site: str
    changed_at: dt.datetime
    seen_in_database: dict[str, dt.datetime] = field(default_factory=dict)
    seen_in_agenda: dict[str, dt.datetime] = field(default_factory=dict)
    tick: dt.datetime | None = None  # the scheduler's claim of the tick (ScheduleFire)
    tick_minute: dt.datetime | None = None
    import_started: dt.datetime | None = None
    import_finished: dt.datetime | None = None
    import_counts: str = ""

    @property
    def seen(self) -> dt.datetime:
        return max(self.seen_in_agenda.values())

    def seconds(self, start: dt.datetime | None, end: dt.datetime | None) -> float:
        if start is None or end is None:
            return float("nan")
        return (end - start).total_seconds()


def wait_until(moment: float, deadline: float, processes: Processes) -> None:
    while time.time() < moment:
        if time.time() > deadline:
            raise Timeout
        processes.check()
        time.sleep(min(0.5, max(moment - time.time(), 0)))


def queue_drain(*, processes: Processes, deadline: float) -> int:
    """Wait until the worker has run what provisioning and the first sync queued (Wagtail's
    search and reference index updates), so that round 1 does not queue behind them."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    backlog = DBTaskResult.objects.count()
    from django.utils import timezone

    while DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        run_after__lte=timezone.now(),
    ).exists():
        if time.time() > deadline:
            raise Timeout
        processes.check()
        time.sleep(POLL_SECONDS)
    return backlog


def round_run(
    *,
    number: int,
    site: BenchSite,
    stand_in: SearchStandIn,
    client,
    processes: Processes,
    deadline: float,
) -> RoundResult:
    from events.models import ImportRun
    from jobs.models import ScheduleFire

    # Wait for this round's second of the minute (this minute or the next).
    second = CHANGE_SECONDS[(number - 1) % len(CHANGE_SECONDS)]
    now = time.time()
    minute_start = now - now % 60
    moment = minute_start + second
    if moment <= now + 1:
        moment += 60
    wait_until(moment, deadline, processes)

    changed_number = site.live_numbers[0]
    withdrawn_number = site.live_numbers[1]
    new_number = site.next_number
    changed_title = title_for(site, changed_number, number)
    new_title = title_for(site, new_number)
    withdrawn_title = title_for(site, withdrawn_number)
    changed_at = dt.datetime.now(dt.UTC)
    for doc_number, title, status in (
        (changed_number, changed_title, "APPROVED"),
        (new_number, new_title, "APPROVED"),
        (withdrawn_number, withdrawn_title, "DELETED"),
    ):
        document = event_document(
            organizer=site.organizer, number=doc_number, title=title, modified=changed_at
        )
        document["workflowStatus"] = status
        stand_in.replace(site.organizer, doc_number, document)
    site.live_numbers = [n for n in site.live_numbers if n != withdrawn_number] + [new_number]
    site.next_number += 1
    # The changed event moves to the back, so that every round changes another one.
    site.live_numbers.remove(changed_number)
    site.live_numbers.append(changed_number)

    result = RoundResult(number=number, site=site.hostname, changed_at=changed_at)
    checks = {
        "gewijzigde titel": lambda state, text: (
            state.get(changed_title) is True and changed_title in text
        ),
        "nieuwe activiteit": lambda state, text: state.get(new_title) is True and new_title in text,
        "ingetrokken activiteit": lambda state, text: (
            state.get(withdrawn_title) is False and withdrawn_title not in text
        ),
    }
    database_checks = {
        "gewijzigde titel": lambda state: state.get(changed_title) is True,
        "nieuwe activiteit": lambda state: state.get(new_title) is True,
        "ingetrokken activiteit": lambda state: state.get(withdrawn_title) is False,
    }
    while len(result.seen_in_agenda) < len(checks):
        if time.time() > deadline:
            raise Timeout
        processes.check()
        state = database_state(site)
        observed = dt.datetime.now(dt.UTC)
        for name, check in database_checks.items():
            if name not in result.seen_in_database and check(state):
                result.seen_in_database[name] = observed
        if result.seen_in_database:
            text = agenda_text(client, site)
            observed = dt.datetime.now(dt.UTC)
            for name, check in checks.items():
                if name not in result.seen_in_agenda and check(state, text):
                    result.seen_in_agenda[name] = observed
        if len(result.seen_in_agenda) < len(checks):
            time.sleep(POLL_SECONDS)

    # The import run that brought the change, and the tick that started it.
    run = (
        ImportRun.objects.filter(
            site_id=site.site_id,
            selection=True,
            started__lte=min(result.seen_in_database.values()),
        )
        .filter(created__gt=0)
        .order_by("-started")
        .first()
    )
    if run is not None:
        result.import_started, result.import_finished = run.started, run.finished
        result.import_counts = (
            f"{run.created} nieuw, {run.updated} gewijzigd, {run.withdrawn} ingetrokken, "
            f"{run.unchanged} ongewijzigd"
        )
        fire = (
            ScheduleFire.objects.filter(schedule="uitdatabank_sync", enqueued_at__lte=run.started)
            .order_by("-enqueued_at")
            .first()
        )
        if fire is not None:
            result.tick, result.tick_minute = fire.enqueued_at, fire.fire_time
    return result


# --- Report --------------------------------------------------------------------------------------


def summary_line(label: str, values: list[float]) -> str:
    values = [v for v in values if v == v]  # without NaN
    if not values:
        return f"  {label:<46} -\n"
    return (
        f"  {label:<46} min {min(values):6.1f} s   median {statistics.median(values):6.1f} s"
        f"   max {max(values):6.1f} s\n"
    )


def clock(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(BRUSSELS):%H:%M:%S}" if moment else "   -    "


def report(out, results: list[RoundResult], sites: int) -> None:
    out.write("\ntimes of day in Europe/Brussels; durations in seconds\n")
    out.write(
        "\nround  site                    change   tick     wait tick  queue  import  noticed"
        "  total (title / new / withdrawn)\n"
    )
    for r in results:
        total = {name: r.seconds(r.changed_at, when) for name, when in r.seen_in_agenda.items()}
        out.write(
            f"{r.number:>5}  {r.site:<22}  {clock(r.changed_at)} "
            f"{clock(r.tick)}  "
            f"{r.seconds(r.changed_at, r.tick):8.1f}  "
            f"{r.seconds(r.tick, r.import_started):5.1f}  "
            f"{r.seconds(r.import_started, r.import_finished):6.2f}  "
            f"{r.seconds(r.import_finished, r.seen):7.2f}  "
            f"{total['gewijzigde titel']:6.1f} / {total['nieuwe activiteit']:.1f} / "
            f"{total['ingetrokken activiteit']:.1f} s   [{r.import_counts}]\n"
        )
    out.write(f"\nover {len(results)} rounds (change -> all three visible on the agenda):\n")
    out.write(summary_line("total", [r.seconds(r.changed_at, r.seen) for r in results]))
    waits = [r.seconds(r.changed_at, r.tick) for r in results]
    out.write(summary_line("waiting for the schedule tick", waits))
    run_seconds = [r.seconds(r.tick, r.seen) for r in results]
    out.write(summary_line("the run itself (tick -> agenda)", run_seconds))
    out.write(
        summary_line(
            "  of which queue and fan-out (tick -> import)",
            [r.seconds(r.tick, r.import_started) for r in results],
        )
    )
    import_seconds = [r.seconds(r.import_started, r.import_finished) for r in results]
    out.write(summary_line("  of which the site's import", import_seconds))
    out.write(
        summary_line(
            "  of which noticing it here (poll 0.2 s)",
            [r.seconds(r.import_finished, r.seen) for r in results],
        )
    )
    worst_run = max((v for v in run_seconds if v == v), default=float("nan"))
    out.write(
        f"\nworst case with this schedule (every minute): 60 s + the run ({worst_run:.1f} s "
        f"here).\nexpected worst case with the production schedule (*/{PRODUCTION_CRON_MINUTES}"
        f" * * * *): a change just after the run read the Search API waits "
        f"{PRODUCTION_CRON_MINUTES} min for the next tick, plus the run: "
        f"{PRODUCTION_CRON_MINUTES} min + {worst_run:.0f} s with {sites} sites and one worker; "
        "the median change waits half that. At network scale the run grows with the site's "
        "place in the queue (one worker imports the sites one after the other; "
        "docs/operations.md has the estimate).\n"
    )


# --- Main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-minutes", type=float, default=10.0)
    args = parser.parse_args()
    started = time.time()
    deadline = started + args.max_minutes * 60

    url = os.environ.get("BENCH_LATENCY_DATABASE_URL", DEFAULT_URL)
    database_recreate(url)
    stand_in = SearchStandIn()
    server = stand_in_start(stand_in)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DATABASE_CONN_MAX_AGE": "60",
        "UITDATABANK_SEARCH_URL": f"http://127.0.0.1:{server.server_address[1]}/events/",
        "SCHEDULE_UITDATABANK_SYNC": "* * * * *",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from events.services import uitdatabank_import_site

    out = sys.stdout
    sys.stdout.reconfigure(line_buffering=True)
    # SIGTERM (a CI runner, `timeout`) stops the subprocesses like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)

    call_command("migrate", verbosity=0)
    sites = sites_provision(args.sites, stand_in)
    for site in sites:
        # The first sync of a selection is a full one; the rounds measure the incremental sync.
        run = uitdatabank_import_site(site=_site(site))
        if run.outcome != "klaar" or run.created != DOCUMENTS_PER_SITE:
            raise SystemExit(f"first sync of {site.hostname}: {run.outcome} {run.error}")
    client = Client()
    for site in sites:
        text = agenda_text(client, site)
        if title_for(site, 1) not in text:
            raise SystemExit(f"the agenda of {site.hostname} does not show its first sync")
    out.write(
        f"{len(sites)} libraries provisioned, {DOCUMENTS_PER_SITE} events each from the stand-in "
        f"Search API ({env['UITDATABANK_SEARCH_URL']}), in {time.time() - started:.0f} s\n"
        "scheduler: SCHEDULE_UITDATABANK_SYNC='* * * * *' (minute resolution; other schedules at "
        "their defaults); worker: jobs_worker --queue-name '*' (poll interval 1 s), "
        "TASKS_BACKEND=django_tasks_db.DatabaseBackend, DATABASE_CONN_MAX_AGE=60\n"
    )

    results: list[RoundResult] = []
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as folder:
        processes = Processes(env, Path(folder))
        try:
            processes.start("scheduler", "run_scheduler")
            processes.start("worker", "jobs_worker", "--queue-name", "*", "--no-reload")
            backlog = queue_drain(processes=processes, deadline=deadline)
            out.write(
                f"worker caught up with {backlog} task(s) left by provisioning and the first "
                f"sync (search and reference index updates) after {time.time() - started:.0f} s\n"
            )
            for number in range(1, args.rounds + 1):
                site = sites[(number - 1) % len(sites)]
                result = round_run(
                    number=number,
                    site=site,
                    stand_in=stand_in,
                    client=client,
                    processes=processes,
                    deadline=deadline,
                )
                results.append(result)
                out.write(
                    f"round {number}: {site.hostname} changed at "
                    f"{result.changed_at.astimezone(BRUSSELS):%H:%M:%S}, on the agenda after "
                    f"{result.seconds(result.changed_at, result.seen):.1f} s\n"
                )
        except Timeout:
            out.write(
                f"stopped after {args.max_minutes:g} minutes with {len(results)} rounds done\n"
                f"--- scheduler ---\n{processes.tail('scheduler')}\n"
                f"--- worker ---\n{processes.tail('worker')}\n"
            )
        except KeyboardInterrupt:
            out.write(f"interrupted with {len(results)} rounds done\n")
        finally:
            processes.stop()
            server.shutdown()
            server.server_close()
    if results:
        report(out, results, len(sites))
    out.write(f"\n{stand_in.requests} Search API requests; {time.time() - started:.0f} s in all\n")
    if len(results) < args.rounds:
        raise SystemExit(1)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def _site(site: BenchSite):
    from wagtail.models import Site

    return Site.objects.get(pk=site.site_id)


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        main()
