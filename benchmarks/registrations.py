"""Registration latency and correctness with 50 concurrent submitters, on PostgreSQL.

    make bench-registrations   (or: .venv/bin/python benchmarks/registrations.py [--rounds 5])

Creates a fresh database (BENCH_DATABASE_URL, default bibnet_bench_makerspace on the local
PostgreSQL), provisions one library with a makerspace, then per round publishes a course with
10 places and releases 50 threads together (threading.Barrier). Each thread posts the real
registration form through the whole Django stack (its own django.test.Client, its own database
connection, a distinct client address, so the rate limit does not interfere) and times it.
E-mails are rendered and "sent" to the in-memory backend after commit, inside the request, as
with the immediate task backend.

Prints per round: confirmed, waitlisted, errors, whether the waiting-list positions are 1..40,
and the latency (median, p95, max); then the same request one submitter at a time (no
contention), and p95 over all concurrent rounds.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_makerspace"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[index]


def race_round(*, host: str, url: str, racers: int, round_number: int):
    from django.db import connection
    from django.test import Client

    barrier = threading.Barrier(racers)
    timings: list[float] = []
    statuses: list[int] = []
    exceptions: list[str] = []
    lock = threading.Lock()

    def submit(number: int) -> None:
        client = Client(
            HTTP_HOST=host, REMOTE_ADDR=f"10.{round_number}.{number // 250}.{number % 250}"
        )
        data = {
            "name": f"Deelnemer {round_number}-{number}",
            "email": f"deelnemer{round_number}-{number}@example.org",
            "places": "1",
            "consent": "on",
        }
        try:
            barrier.wait(timeout=60)
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.append(elapsed)
                statuses.append(response.status_code)
        except Exception as error:  # every failure is counted, none is hidden
            with lock:
                exceptions.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, statuses, exceptions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--racers", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=10)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    database_recreate(url)

    import django

    django.setup()
    from django.core.management import call_command

    from makerspace.models import CourseIndexPage
    from registrations.models import Registration, RegistrationStatus
    from sitegen.blueprints import BLUEPRINTS
    from sitegen.services import SiteRequest, provision_site
    from tests.factories.makerspace import CoursePageFactory

    call_command("migrate", verbosity=0)
    out = sys.stdout
    tenant = provision_site(
        blueprint=BLUEPRINTS["bibliotheek"],
        request=SiteRequest(name="Bibliotheek Gent", slug="gent", municipality="Gent"),
    ).tenant
    host = tenant.site.hostname
    index = CourseIndexPage.objects.child_of(tenant.site.root_page).get()

    waitlisted_expected = args.racers - args.capacity
    out.write(
        f"{args.racers} concurrent registrations for {args.capacity} places, "
        f"{args.rounds} rounds, PostgreSQL, through the real view\n"
    )
    all_timings: list[float] = []
    for round_number in range(1, args.rounds + 1):
        course = CoursePageFactory(parent=index, capacity=args.capacity)
        timings, statuses, exceptions = race_round(
            host=host,
            url=f"{course.url}inschrijven/",
            racers=args.racers,
            round_number=round_number,
        )
        registrations = Registration.objects.filter(page=course)
        confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        waitlisted = registrations.filter(status=RegistrationStatus.WAITLISTED)
        positions = sorted(waitlisted.values_list("waitlist_position", flat=True))
        errors = len(exceptions) + sum(1 for status in statuses if status != 200)
        all_timings.extend(timings)
        out.write(
            f"round {round_number}: confirmed {confirmed}, waitlisted {len(positions)}, "
            f"errors {errors}, positions 1..{waitlisted_expected} "
            f"{'ok' if positions == list(range(1, waitlisted_expected + 1)) else 'WRONG'}; "
            f"latency median {statistics.median(timings):.0f} ms, "
            f"p95 {percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms\n"
        )
        for problem in exceptions[:3]:
            out.write(f"  exception: {problem}\n")
    # the same request without contention, for scale: one submitter after the other
    from django.test import Client

    course = CoursePageFactory(parent=index, capacity=args.capacity)
    sequential = []
    for number in range(args.racers):
        client = Client(HTTP_HOST=host, REMOTE_ADDR=f"10.200.0.{number}")
        started = time.perf_counter()
        client.post(
            f"{course.url}inschrijven/",
            {"name": "Sequentieel", "email": f"s{number}@example.org", "consent": "on"},
        )
        sequential.append((time.perf_counter() - started) * 1000)
    out.write(
        f"one submitter at a time ({len(sequential)} registrations): median "
        f"{statistics.median(sequential):.0f} ms, p95 {percentile(sequential, 0.95):.0f} ms\n"
    )
    out.write(
        f"all rounds ({len(all_timings)} registrations): median "
        f"{statistics.median(all_timings):.0f} ms, p95 {percentile(all_timings, 0.95):.0f} ms, "
        f"max {max(all_timings):.0f} ms\n"
    )


if __name__ == "__main__":
    main()
