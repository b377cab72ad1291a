"""Central push figures on PostgreSQL.

    make bench-sync     (or: .venv/bin/python benchmarks/sync.py [--sites 300] [--requests 200])

Creates a fresh database (BENCH_DATABASE_URL, default bibnet_bench_push on the local PostgreSQL),
then measures:
  1. provisioning N library sites with the library blueprint as it was at version 1 (without
     "Digitale collectie"), with provision_site;
  2. `sitegen sync --kind bibliotheek` bringing all N sites to version 2 (one page per site),
     then a second run that has nothing to do;
  3. a standard page with three shared sections and an active campaign banner, against the
     same page without them: queries and server time (median, p95) per request.
"""

import argparse
import dataclasses
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_push"


def page_figures(host: str, path: str, requests: int) -> tuple[int, float, float]:
    from django.db import connection
    from django.test import Client

    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    client = Client(HTTP_HOST=host)
    client.get(path)  # warm caches (site root paths, templates)
    # An execute wrapper counts every query, whatever happens to the connection's query log
    # when the request starts and ends.
    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return len(executed), statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    database_recreate(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from central.models import Campaign, SharedSection
    from library_pages.models import StandardPage
    from sitegen.blueprints import BLUEPRINTS
    from sitegen.services import SiteRequest, provision_site

    call_command("migrate", verbosity=0)
    out = sys.stdout
    library = BLUEPRINTS["bibliotheek"]
    library_v1 = dataclasses.replace(library, version=1)
    new_pages = [spec.key for spec, _ in library.all_pages() if spec.since_version > 1]

    started = time.perf_counter()
    tenants = []
    for number in range(args.sites):
        slug = f"gemeente-{number:03d}"
        tenants.append(
            provision_site(
                blueprint=library_v1,
                request=SiteRequest(name=f"Bibliotheek Gemeente {number:03d}", slug=slug),
            ).tenant
        )
        if (number + 1) % 50 == 0:
            out.write(f"  provisioned {number + 1}/{args.sites}\n")
    provisioning = time.perf_counter() - started
    out.write(
        f"provision {args.sites} sites at blueprint v1: {provisioning:.1f} s "
        f"({provisioning / args.sites * 1000:.0f} ms per site)\n"
    )

    stdout = io.StringIO()
    started = time.perf_counter()
    call_command("sitegen", "sync", "--kind", "bibliotheek", stdout=stdout)
    sync = time.perf_counter() - started
    summary = stdout.getvalue().strip().splitlines()[-1]
    out.write(
        f"sitegen sync over {args.sites} sites (adds {', '.join(new_pages)} to each): "
        f"{sync:.1f} s ({sync / args.sites * 1000:.0f} ms per site); {summary}\n"
    )
    stdout = io.StringIO()
    started = time.perf_counter()
    call_command("sitegen", "sync", "--kind", "bibliotheek", stdout=stdout)
    second = time.perf_counter() - started
    out.write(
        f"second sitegen sync (nothing to do): {second:.1f} s; "
        f"{stdout.getvalue().strip().splitlines()[-1]}\n"
    )

    home = tenants[0].site.root_page
    host = tenants[0].site.hostname
    body = [
        {"type": "paragraph", "value": "<p>Praktische informatie over de bibliotheek.</p>"},
    ]
    plain = StandardPage(title="Praktisch", slug="praktisch", intro="Alles op een rij.", body=body)
    home.add_child(instance=plain)
    plain.save_revision().publish()
    sections = [
        SharedSection.objects.create(
            title=title,
            body=[
                {"type": "heading", "value": {"text": title, "level": "h3"}},
                {"type": "paragraph", "value": f"<p>{title}: centrale tekst.</p>"},
            ],
        )
        for title in ("Lidmaatschap en tarieven", "Privacyverklaring", "Wat is Mijn Bibliotheek?")
    ]
    shared = StandardPage(
        title="Praktisch met secties",
        slug="praktisch-met-secties",
        intro="Alles op een rij.",
        body=[*body, *({"type": "shared_section", "value": s.pk} for s in sections)],
    )
    home.add_child(instance=shared)
    shared.save_revision().publish()

    queries_plain, median_plain, p95_plain = page_figures(host, plain.url, args.requests)
    now = timezone.now()
    Campaign.objects.create(
        title="Storing Mijn Bibliotheek",
        message="Vanavond van 20 tot 22 uur kan je niet inloggen.",
        tone="alert",
        audience="kind",
        target_kind="bibliotheek",
        starts_at=now - timezone.timedelta(hours=1),
        ends_at=now + timezone.timedelta(hours=3),
    )
    queries_shared, median_shared, p95_shared = page_figures(host, shared.url, args.requests)
    out.write(
        f"standard page without shared sections or campaign: {queries_plain} queries, "
        f"median {median_plain:.1f} ms, p95 {p95_plain:.1f} ms\n"
        f"same page with 3 shared sections and an active campaign: {queries_shared} queries, "
        f"median {median_shared:.1f} ms, p95 {p95_shared:.1f} ms "
        f"(network of {args.sites} sites)\n"
    )


if __name__ == "__main__":
    main()
