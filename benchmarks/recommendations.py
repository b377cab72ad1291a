"""Recommendation figures at Open Vlacc scale, on PostgreSQL.

    make bench-recommendations   (or: .venv/bin/python benchmarks/recommendations.py
                                  [--records 1000000] [--skip-import])

Creates a fresh database (BENCH_RECOMMENDATIONS_DATABASE_URL, default
bibnet_bench_recommendations on the local PostgreSQL), imports N synthetic records
(catalogue.synthetic, the generator of bench-catalogue, with its 20 library profiles) with
`manage.py import_marc --no-recommendations`, then:
  1. runs the batch (catalogue.recommendations.recommendations_refresh) and prints its time per
     stage, the number of works, candidate pairs and stored rows, and the table size;
  2. serves the recommendations of 1,000 random records for a library profile
     (recommendations_for: one query) and prints p50/p95/max.
"""

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.catalogue import generate  # noqa: E402
from benchmarks.database import database_recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_recommendations"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--serve", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--file", type=Path, default=Path("/tmp/bibnet_bench_recommendations.mrc"))
    parser.add_argument("--skip-import", action="store_true", help="reuse the database")
    parser.add_argument(
        "--skip-batch",
        action="store_true",
        help="with --skip-import: serve the recommendations already stored",
    )
    parser.add_argument(
        "--in-memory",
        type=int,
        default=0,
        help="only time the numpy stages on N works generated in memory (no database)",
    )
    args = parser.parse_args()
    if args.in_memory:
        in_memory(args.in_memory)
        return

    url = os.environ.get("BENCH_RECOMMENDATIONS_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    python = sys.executable
    env = {**os.environ, "DATABASE_URL": url}
    say(f"Recommendation benchmark on {url.rsplit('@', 1)[-1]}")
    if not args.skip_import:
        database_recreate(url)
        subprocess.run(
            [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        if not args.file.exists() or args.file.stat().st_size == 0:
            say(f"Generating {args.records:,} MARC21 records into {args.file} ...")
            generate(args.file, args.records)
        say("Importing (manage.py import_marc --no-recommendations --bulk) ...")
        started = time.monotonic()
        subprocess.run(
            [
                python,
                "manage.py",
                "import_marc",
                str(args.file),
                "--workers",
                str(args.workers),
                "--batch-size",
                "5000",
                "--no-recommendations",
                "--bulk",
                "-v0",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        say(f"   {time.monotonic() - started:.0f} s")

    import django

    django.setup()
    from django.db import connection

    from catalogue.recommendations import (
        AVAILABLE_HERE,
        HELD_HERE,
        SERVE_SQL,
        describe,
        recommendations_for,
        recommendations_refresh,
    )

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalogue_record")
        cursor.execute("VACUUM ANALYZE catalogue_holding")
    if not args.skip_batch:
        say(f"1. Batch (uptime: {os.getloadavg()[0]:.2f} load) ...")
        report = recommendations_refresh()
        say("   " + describe(report))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('catalogue_recommendation')),"
            " count(DISTINCT work_key) FROM catalogue_recommendation"
        )
        size, works = cursor.fetchone()
        cursor.execute(
            "SELECT record_id FROM catalogue_record TABLESAMPLE SYSTEM (1) LIMIT %s", [args.serve]
        )
        ids = [row[0] for row in cursor.fetchall()]
    say(f"   table with its index: {size}; works with recommendations: {works:,}")
    rng = random.Random(14)
    rng.shuffle(ids)
    # What is loaded lives as long as the process (gunicorn.conf.py freezes it in every web
    # worker): full collections leave it alone.
    gc.collect()
    gc.freeze()
    timings, cpu, trip = [], [], []
    found = 0
    for record_id in ids:
        started, cpu_started = time.perf_counter(), time.thread_time()
        found += bool(recommendations_for(record_id=record_id, profile="gent"))
        cpu.append((time.thread_time() - cpu_started) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
        # The floor a loaded machine puts under any statement: one empty round trip.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()
        trip.append((time.perf_counter() - started) * 1000)
    server = []
    with connection.cursor() as cursor:
        for record_id in ids[:200]:
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + SERVE_SQL,
                {
                    "record_id": record_id,
                    "profile": "gent",
                    "available": AVAILABLE_HERE,
                    "held": HELD_HERE,
                    "limit": 6,
                },
            )
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            server.append(plan["Planning Time"] + plan["Execution Time"])
    say(
        f"2. Serving {len(ids)} record pages' recommendations (one query each; load "
        f"{os.getloadavg()[0]:.2f}): {_spread(timings)}; {found} with recommendations"
    )
    say(f"   of which CPU in this process: {_spread(cpu)}")
    say(f"   in PostgreSQL (planning and execution, EXPLAIN ANALYZE): {_spread(server)}")
    say(
        f"   an empty round trip (SELECT 1) after each, the same run: {_spread(trip)} "
        "(the rest of the tail is the wait for a core on the loaded machine)"
    )


def _spread(values: list[float]) -> str:
    values = sorted(values)
    return (
        f"p50 {statistics.median(values):.2f} ms, "
        f"p95 {values[int(0.95 * (len(values) - 1))]:.2f} ms, max {values[-1]:.2f} ms"
    )


def in_memory(count: int) -> None:
    """The candidate and scoring stages on `count` works drawn like catalogue.synthetic's
    (1,716 authors, 1-3 of 35 theme words, a series for 15%, a genre for 70%, 5 audiences, 7
    languages), without reading or writing a database: what the batch costs when PostgreSQL
    is busy with something else."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    import numpy as np

    from catalogue import recommendations as r

    rng = np.random.default_rng(14)
    authors = rng.integers(0, 1716, count)
    series = np.where(rng.random(count) < 0.15, rng.integers(0, 90, count), -1)
    genres = np.where(rng.random(count) < 0.7, rng.integers(0, 12, count), -1)
    themes = [rng.integers(0, 35, count) for _ in range(3)]
    nthemes = rng.integers(1, 4, count)
    names = (
        [f"a:{n}" for n in range(1716)]
        + [f"s:{n}" for n in range(90)]
        + [f"g:{n}" for n in range(12)]
        + [f"t:{n}" for n in range(35)]
    )
    member_work = [np.arange(count)]
    member_feature = [authors]
    has = series >= 0
    member_work.append(np.flatnonzero(has))
    member_feature.append(1716 + series[has])
    has = genres >= 0
    member_work.append(np.flatnonzero(has))
    member_feature.append(1806 + genres[has])
    for k in range(3):
        has = nthemes > k
        member_work.append(np.flatnonzero(has))
        member_feature.append(1818 + themes[k][has])
    works = r._Works(
        keys=[f"w{n}" for n in range(count)],
        work=np.arange(count, dtype=np.int32),
        representative=[str(n) for n in range(count)],
        audience=rng.choice(5, count, p=[0.62, 0.12, 0.10, 0.09, 0.07]).astype(np.int32),
        language=rng.choice(7, count, p=[0.76, 0.12, 0.06, 0.02, 0.02, 0.01, 0.01]).astype(
            np.int32
        ),
        title=np.arange(count, dtype=np.int32),
        copies=rng.integers(0, 4, count).astype(np.float32),
        member_work=np.concatenate(member_work).astype(np.int32),
        member_feature=np.concatenate(member_feature).astype(np.int32),
        feature_names=names,
    )
    cpu = time.process_time()
    started = time.perf_counter()
    weights = r._weights(works)
    i, j = r._candidates(works, weights)
    candidates = time.perf_counter() - started
    started = time.perf_counter()
    scores = r._scores(works, weights, i, j)
    order = np.lexsort((j, -scores, i))
    i = i[order]
    top = (np.arange(len(i)) - np.searchsorted(i, i)) < r.STORED
    scoring = time.perf_counter() - started
    say(
        f"In memory, {count:,} works ({len(works.member_work):,} features): candidates "
        f"{candidates:.1f} s ({len(i):,} pairs), scoring and top {r.STORED} {scoring:.1f} s, "
        f"{int(top.sum()):,} kept; {time.process_time() - cpu:.1f} s CPU; "
        f"load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
