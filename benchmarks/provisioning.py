"""Provisioning, sync and home-page figures at network scale, on PostgreSQL.

    make bench-network    (or: .venv/bin/python benchmarks/network.py [--sites 471])

Creates a fresh database (BENCH_DATABASE_URL, default bibnet_bench on the local PostgreSQL),
then measures:
  1. the time and queries to provision one site;
  2. the home page of a network of 2 sites: queries and server time (median, p95 of 200 requests);
  3. the whole network with `sitegen bulk`, each site atomic: a library for every Flemish
     municipality of the register of Belgian municipalities
     (../shared/data/belgian_municipalities_2020.csv, 300 Flemish rows; --csv names another
     copy; without one, a generated CSV in the same layout), the 69 cultuurcentra and 94
     gemeenschapscentra of sitegen/data/, and generated libraries up to --sites if the lists
     hold fewer: total time, per site, queries per site, and the CPU time of the benchmark's
     process plus its PostgreSQL backend (a figure that does not depend on the machine's load);
  4. `sitegen sync` of every kind over the whole network, with each blueprint one version
     newer than the sites (one extra page per site), and a second run with nothing to do;
  5. the home page again with the whole network.
"""

import argparse
import contextlib
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench"
REGISTER = ROOT.parent / "shared" / "data" / "belgian_municipalities_2020.csv"
CENTRES = [
    ROOT / "sitegen" / "data" / "cultuurcentra.csv",
    ROOT / "sitegen" / "data" / "gemeenschapscentra.csv",
]
PROVINCES = ["Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"]
REGISTER_HEADER = [
    "NIS_code",
    "municipality_NL",
    "municipality_FR",
    "arrondissement_NL",
    "arrondissement_FR",
    "province_NL",
    "province_FR",
    "region_NL",
    "region_FR",
    "inhabitants",
    "zip",
]


def register_csv(path: Path, count: int) -> None:
    """Synthetic municipalities in the register layout: invented names, Flemish region."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTER_HEADER)
        for number in range(count):
            province = PROVINCES[number % len(PROVINCES)]
            name = f"Gemeente {number:03d}"
            writer.writerow(
                [
                    f"{10000 + number * 7:05d}",
                    name,
                    name,
                    province,
                    province,
                    province,
                    province,
                    "Vlaams Gewest",
                    "Région flamande",
                    10000 + number,
                    1000 + number * 29 % 8999,
                ]
            )


def home_page_figures(host: str, requests: int = 200) -> tuple[int, float, float]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    client.get("/")  # warm caches (site root paths, templates)
    # request_started clears the query log (django.db.reset_queries); a log that is already
    # full would make the capture below look empty, so start it empty.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200, response.status_code
    queries = len(captured)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get("/")
        timings.append((time.perf_counter() - started) * 1000)
    reset_queries()
    timings.sort()
    return queries, statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


class QueryCounter:
    """Counts every query of the connection, whatever happens to its query log."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def database_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (local server, Linux), or
    None where /proc cannot tell. With the benchmark's own CPU time it gives a figure that does
    not depend on what else the machine is doing."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class Run:
    """One management command: wall time, queries, CPU time of this process and of the
    database backend, and the last line it wrote."""

    def __init__(self, *args: str) -> None:
        import io

        from django.core.management import call_command
        from django.db import connection

        counter = QueryCounter()
        out = io.StringIO()
        database_before = database_cpu_seconds()
        cpu_before = time.process_time()
        started = time.perf_counter()
        # sitegen bulk exits 1 when a row failed; the summary line says how many.
        with connection.execute_wrapper(counter), contextlib.suppress(SystemExit):
            call_command(*args, stdout=out, stderr=out)
        self.elapsed = time.perf_counter() - started
        self.cpu = time.process_time() - cpu_before
        database_after = database_cpu_seconds()
        self.database_cpu = (
            database_after - database_before
            if database_before is not None and database_after is not None
            else 0.0
        )
        self.queries = counter.count
        lines = out.getvalue().strip().splitlines()
        self.summary = lines[-1] if lines else ""


def runs_line(label: str, runs: list["Run"], sites: int) -> str:
    elapsed = sum(run.elapsed for run in runs)
    cpu = sum(run.cpu + run.database_cpu for run in runs)
    queries = sum(run.queries for run in runs)
    return (
        f"{label}: {elapsed:.1f} s ({elapsed / sites * 1000:.0f} ms, "
        f"{queries / sites:.0f} queries per site); CPU time (Python + PostgreSQL backend) "
        f"{cpu:.1f} s ({cpu / sites * 1000:.0f} ms per site): about the wall time on an idle "
        "machine, less its I/O waits\n"
    )


def extra_sites_csv(path: Path, count: int) -> None:
    """Generated libraries (own layout) that top the network up to the requested size."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "name", "slug"])
        for number in range(count):
            writer.writerow(
                ["bibliotheek", f"Bibliotheek Extra {number:03d}", f"extra-{number:03d}"]
            )


def blueprints_one_version_newer() -> dict:
    """Every blueprint with one more version that adds one standard page: what `sitegen sync`
    does when central content gains a page for all sites."""
    import dataclasses

    from sitegen.blueprints import BLUEPRINTS, PageSpec

    newer = {}
    for kind, blueprint in BLUEPRINTS.items():
        version = blueprint.version + 1
        extra = PageSpec(
            key="toegankelijkheid",
            model="library_pages.StandardPage",
            title="Toegankelijkheid",
            slug="toegankelijkheid",
            since_version=version,
            in_footer_menu=True,
            fields={"intro": "Zo is ons gebouw toegankelijk voor iedereen."},
        )
        newer[kind] = dataclasses.replace(
            blueprint, version=version, pages=(*blueprint.pages, extra)
        )
    return newer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=471, help="sites in the whole network")
    parser.add_argument("--csv", type=Path, default=REGISTER, help="municipalities register")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    database_recreate(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from home.models import Tenant
    from sitegen.blueprints import BLUEPRINTS
    from sitegen.services import SiteRequest, provision_site

    call_command("migrate", verbosity=0)
    out = sys.stdout

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        first = provision_site(
            blueprint=BLUEPRINTS["bibliotheek"],
            request=SiteRequest(name="Bibliotheek Gent", slug="gent", municipality="Gent"),
        )
    one_site = time.perf_counter() - started
    provision_site(
        blueprint=BLUEPRINTS["cultuurcentrum"],
        request=SiteRequest(name="Cultuurcentrum Strombeek", slug="strombeek"),
    )
    out.write(f"provision one site: {one_site * 1000:.0f} ms, {counter.count} queries\n")

    host = first.tenant.site.hostname
    queries_2, median_2, p95_2 = home_page_figures(host)
    out.write(
        f"home page, 2 sites: {queries_2} queries, median {median_2:.1f} ms, p95 {p95_2:.1f} ms\n"
    )

    with tempfile.TemporaryDirectory() as folder:
        register = args.csv
        if not register.is_file():
            register = Path(folder) / "municipalities.csv"
            register_csv(register, 300)
        csvs = [(register, ["--kind", "bibliotheek"]), *((path, []) for path in CENTRES)]
        before = Tenant.objects.count()
        runs = []
        for path, extra in csvs:
            runs.append(Run("sitegen", "bulk", "--csv", str(path), *extra))
            out.write(f"  sitegen bulk {path.name}: {runs[-1].elapsed:.1f} s; {runs[-1].summary}\n")
        missing = args.sites - Tenant.objects.count()
        if missing > 0:
            path = Path(folder) / "extra.csv"
            extra_sites_csv(path, missing)
            runs.append(Run("sitegen", "bulk", "--csv", str(path)))
            out.write(
                f"  sitegen bulk, {missing} generated libraries: {runs[-1].elapsed:.1f} s; "
                f"{runs[-1].summary}\n"
            )
    total = Tenant.objects.count()
    created = max(total - before, 1)
    out.write(runs_line(f"provision {created} sites with sitegen bulk", runs, created))
    out.write(f"network now {total} sites\n")

    newer = blueprints_one_version_newer()
    current = dict(BLUEPRINTS)
    try:
        BLUEPRINTS.update(newer)
        runs = []
        for kind in newer:
            runs.append(Run("sitegen", "sync", "--kind", kind))
            out.write(
                f"  sitegen sync --kind {kind}: {runs[-1].elapsed:.1f} s; {runs[-1].summary}\n"
            )
        out.write(
            runs_line(f"sitegen sync over {total} sites (one page added to each)", runs, total)
        )
        second = sum(Run("sitegen", "sync", "--kind", kind).elapsed for kind in newer)
        out.write(f"second sitegen sync over {total} sites (nothing to do): {second:.1f} s\n")
    finally:
        BLUEPRINTS.update(current)

    queries_n, median_n, p95_n = home_page_figures(host)
    out.write(
        f"home page, {total} sites: {queries_n} queries, median {median_n:.1f} ms, "
        f"p95 {p95_n:.1f} ms\n"
    )
    out.write(f"ratio of medians ({total} vs 2 sites): {median_n / median_2:.2f}\n")


if __name__ == "__main__":
    main()
