"""Provisioning and home-page figures at network scale, on PostgreSQL.

    make bench        (or: .venv/bin/python benchmarks/network.py [--sites 300])

Creates a fresh database (BENCH_DATABASE_URL, default bibnet_bench on the local PostgreSQL),
then measures:
  1. the time to provision one site;
  2. the home page of a network of 2 sites: queries and server time (median, p95 of 200 requests);
  3. the time to provision a library for every Flemish municipality with `sitegen bulk` from the
     register of Belgian municipalities (../shared/data/belgian_municipalities_2020.csv, 300
     Flemish rows; --csv names another copy; without one, a generated CSV in the same layout);
  4. the home page again with 300 sites.
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench"
REGISTER = ROOT.parent / "shared" / "data" / "belgian_municipalities_2020.csv"
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


def database_recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=300, help="sites of a generated CSV")
    parser.add_argument("--csv", type=Path, default=REGISTER, help="municipalities register")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    database_recreate(url)

    import django

    django.setup()
    from django.core.management import call_command

    from home.models import Tenant
    from sitegen.blueprints import BLUEPRINTS
    from sitegen.services import SiteRequest, provision_site

    call_command("migrate", verbosity=0)
    out = sys.stdout

    started = time.perf_counter()
    first = provision_site(
        blueprint=BLUEPRINTS["bibliotheek"],
        request=SiteRequest(name="Bibliotheek Gent", slug="gent", municipality="Gent"),
    )
    one_site = time.perf_counter() - started
    provision_site(
        blueprint=BLUEPRINTS["cultuurcentrum"],
        request=SiteRequest(name="Cultuurcentrum Strombeek", slug="strombeek"),
    )
    out.write(f"provision one site: {one_site * 1000:.0f} ms\n")

    host = first.tenant.site.hostname
    queries_2, median_2, p95_2 = home_page_figures(host)
    out.write(
        f"home page, 2 sites: {queries_2} queries, median {median_2:.1f} ms, p95 {p95_2:.1f} ms\n"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = args.csv
        if not path.is_file():
            path = Path(folder) / "municipalities.csv"
            register_csv(path, args.sites - 2)
        before = Tenant.objects.count()
        started = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            call_command("sitegen", "bulk", "--csv", str(path), stdout=devnull)
        bulk = time.perf_counter() - started
    total = Tenant.objects.count()
    created = total - before
    out.write(
        f"provision {created} sites with sitegen bulk from {path.name}: {bulk:.1f} s "
        f"({bulk / max(created, 1) * 1000:.0f} ms per site); network now {total} sites\n"
    )

    queries_n, median_n, p95_n = home_page_figures(host)
    out.write(
        f"home page, {total} sites: {queries_n} queries, median {median_n:.1f} ms, "
        f"p95 {p95_n:.1f} ms\n"
    )
    out.write(f"ratio of medians ({total} vs 2 sites): {median_n / median_2:.2f}\n")


if __name__ == "__main__":
    main()
