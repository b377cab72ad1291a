"""Catalogue figures at Open Vlacc scale, on PostgreSQL.

    make bench-catalogue   (or: .venv/bin/python benchmarks/catalogue.py [--records 1000000])

Creates a fresh database (BENCH_CATALOGUE_DATABASE_URL, default bibnet_bench_catalogue on the
local PostgreSQL), then:
  1. generates N synthetic but realistic MARC21 records (catalogue.synthetic: Dutch titles,
     authors, Flemish theme words, genres, ten material types, years, seven languages, about
     12% further editions of one work, 0-2 holdings at 20 library profiles) into an ISO 2709 file;
  2. imports it with the real `manage.py import_marc` command and reports records per second;
  3. reports table and index sizes (pg_relation_size, pg_indexes_size, pg_total_relation_size);
  4. runs >= 200 varied searches (titles, words, authors, subjects, typos, ISBNs; with and
     without facets and sorts; later pages) through the local backend and reports p50/p95/max,
     where the time went (SQL per statement, the count index in the process, other Python,
     garbage collector) for the slowest (--breakdown N), and checks a dozen broad counts
     against SQL counting every match. --skip-import re-runs the searches on the database.
"""

import argparse
import contextlib
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_catalogue"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def profiles() -> dict[str, tuple[str, ...]]:
    from catalogue.synthetic import BRANCHES

    result = dict(BRANCHES)
    towns = "aalst antwerpen dendermonde genk ieper kortrijk lier mechelen oostende roeselare"
    for town in [*towns.split(" "), "sint-niklaas", "tienen", "turnhout", "waregem", "wetteren"]:
        result[town] = ("Hoofdbibliotheek", "Filiaal Noord", "Filiaal Zuid")
    return result


def generate(path: Path, count: int) -> float:
    from catalogue.synthetic import synthetic_records

    started = time.monotonic()
    with path.open("wb") as handle:
        for number, record in enumerate(synthetic_records(count, profiles=profiles()), 1):
            handle.write(record.as_marc())
            if number % 100_000 == 0:
                say(f"  generated {number:,}")
    return time.monotonic() - started


def queries(count: int, isbns: list[str]):
    """Varied visitor searches: (text, facets, sort, page)."""
    from catalogue.synthetic import ADJECTIVES, FIRST_NAMES, NOUNS, PLACES, SUBJECTS, SURNAMES

    rng = random.Random(11)
    facet_options = [
        {},
        {},
        {"materiaal": ("boek",)},
        {"taal": ("dut",)},
        {"doelgroep": ("kinderen",)},
        {"materiaal": ("dvd", "cd")},
        {"fictie": ("fictie",), "taal": ("dut",)},
        {"genre": ("Thrillers",)},
        {"jaar": ("2024",)},
    ]

    def typo(word: str) -> str:
        if len(word) < 5:
            return word
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1 :]

    result = []
    for number in range(count):
        kind = number % 8
        if kind == 0:
            text = f"de {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        elif kind == 1:
            text = rng.choice(NOUNS)
        elif kind == 2:
            text = rng.choice(SURNAMES)
        elif kind == 3:
            text = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        elif kind == 4:
            text = rng.choice(SUBJECTS).split(" ;")[0].lower()
        elif kind == 5:
            text = f"het geheim van de {typo(rng.choice(NOUNS))}x"
        elif kind == 6:
            text = rng.choice(isbns) if isbns else rng.choice(NOUNS)
            if rng.random() < 0.5 and len(text) == 13:
                text = f"{text[:3]}-{text[3:5]}-{text[5:9]}-{text[9:12]}-{text[12]}"
        else:
            text = f"{rng.choice(NOUNS)} {rng.choice(PLACES)}"
        facets = rng.choice(facet_options)
        sort = rng.choice(["relevantie", "relevantie", "relevantie", "nieuwste", "titel"])
        page = 2 if rng.random() < 0.1 else 1
        result.append((text, facets, sort, page))
    return result


def exactness(local, backend, broad) -> None:
    """Check the counts of some broad searches against SQL counting every match (slow)."""
    bound = local.CANDIDATES
    local.CANDIDATES = 10**8
    differing = 0
    try:
        for query, counted in broad:
            exact = backend.search(query)
            counts = {(f.name, v.value): v.count for f in counted.facets for v in f.values}
            exact_counts = {(f.name, v.value): v.count for f in exact.facets for v in f.values}
            if counted.total != exact.total or counts != exact_counts:
                differing += 1
                say(f"     differs: {query.text!r} {query.facets} {counted.total} != {exact.total}")
    finally:
        local.CANDIDATES = bound
    say(
        f"   counts of {len(broad)} broad searches checked against SQL counting every match: "
        f"{len(broad) - differing} equal, {differing} differ"
    )


class Breakdown:
    """Where the time of one search goes: each SQL statement (from the cursor's side, so the
    round trip included), the count index's evaluation in this process (its statement
    excluded), and the rest of the Python code."""

    def __init__(self) -> None:
        self.last = ""
        self.totals: dict[str, float] = {"sql": 0.0, "count index": 0.0, "python": 0.0}

    @staticmethod
    def _label(sql: str) -> str:
        text = " ".join(sql.split())
        for marker, label in (
            ("websearch_to_tsquery('bibnet_dutch', %(q)s)::text", "postings"),
            ("SET LOCAL", "settings"),
            ("FROM catalogue_holding", "holdings"),
            ("SAVEPOINT", "savepoint"),
            ("RELEASE", "release"),
            ("WITH m AS (", "ranked"),
            ("num = ANY", "by numbers"),
            ("catalogue_record_order", "order"),
        ):
            if marker in text:
                return label
        return text[:40]

    @contextlib.contextmanager
    def measuring(self):
        from django.db import connection

        from catalogue.backends.local import countindex

        statements: list[tuple[str, float]] = []

        def wrapper(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append((self._label(sql), (time.perf_counter() - started) * 1000))

        original = countindex.INDEX.count
        counting = [0.0]

        def count(*args, **kwargs):
            started = time.perf_counter()
            first = len(statements)
            try:
                return original(*args, **kwargs)
            finally:
                inner = sum(ms for _l, ms in statements[first:])
                counting[0] += (time.perf_counter() - started) * 1000 - inner

        countindex.INDEX.count = count
        collecting = [0.0, 0.0]

        def collector(phase, info):
            if phase == "start":
                collecting[1] = time.perf_counter()
            else:
                collecting[0] += (time.perf_counter() - collecting[1]) * 1000

        gc.callbacks.append(collector)
        started = time.perf_counter()
        try:
            with connection.execute_wrapper(wrapper):
                yield
        finally:
            gc.callbacks.remove(collector)
            del countindex.INDEX.count
            total = (time.perf_counter() - started) * 1000
            sql = sum(ms for _l, ms in statements)
            python = total - sql - counting[0]
            self.totals["sql"] += sql
            self.totals["count index"] += counting[0]
            self.totals["python"] += python
            self.last = (
                " + ".join(f"{label} {ms:.1f}" for label, ms in statements)
                + f" | count {counting[0]:.1f} | python {python:.1f}"
                + (f" (garbage collector {collecting[0]:.1f})" if collecting[0] >= 1 else "")
            )

    def summary(self) -> str:
        whole = sum(self.totals.values()) or 1
        return ", ".join(
            f"{name} {ms / 1000:.2f} s ({100 * ms / whole:.0f}%)"
            for name, ms in self.totals.items()
        )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--file", type=Path, default=Path("/tmp/bibnet_bench_catalogue.mrc"))
    parser.add_argument("--skip-import", action="store_true", help="reuse the database")
    parser.add_argument(
        "--compaction", action="store_true", help="also time a rebuild of the count index"
    )
    parser.add_argument(
        "--per-batch",
        action="store_true",
        help="keep the count index per batch (triggers) instead of import_marc --bulk",
    )
    parser.add_argument(
        "--candidates", type=int, default=None, help="bound of broad searches (default: code)"
    )
    parser.add_argument(
        "--breakdown",
        type=int,
        default=8,
        help="print where the time of this many slowest searches went (statements, count index)",
    )
    args = parser.parse_args()

    url = os.environ.get("BENCH_CATALOGUE_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # The interpreter running this script: the project virtualenv, wherever it lives.
    python = sys.executable
    env = {**os.environ, "DATABASE_URL": url}

    if not args.skip_import:
        database_recreate(url)
        subprocess.run(
            [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )

    import django

    django.setup()
    from django.db import connection

    from catalogue.backends.base import SearchQuery
    from catalogue.backends.local import LocalBackend

    say(f"Catalogue benchmark on {url.rsplit('@', 1)[-1]}")
    if not args.skip_import:
        if not args.file.exists() or args.file.stat().st_size == 0:
            say(f"1. Generating {args.records:,} MARC21 records into {args.file} ...")
            seconds = generate(args.file, args.records)
            say(
                f"   {seconds:.0f} s ({args.records / seconds:,.0f} records/s), "
                f"{args.file.stat().st_size / 1e6:,.0f} MB"
            )
        else:
            say(f"1. Reusing {args.file} ({args.file.stat().st_size / 1e6:,.0f} MB)")
        mode = [] if args.per_batch else ["--bulk"]
        say(f"2. manage.py import_marc --workers {args.workers} {' '.join(mode)} ...")
        started = time.monotonic()
        load_before = os.getloadavg()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(
            [
                python,
                "manage.py",
                "import_marc",
                "--verbosity",
                "2",
                str(args.file),
                "--workers",
                str(args.workers),
                "--batch-size",
                "5000",
                "--no-recommendations",
                *mode,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
            cpu_before.ru_utime + cpu_before.ru_stime
        )
        for line in completed.stdout.strip().splitlines():
            if line.startswith("Na het laden"):
                say("   " + line)
        say("   " + completed.stdout.strip().splitlines()[-1])
        say(
            f"   CPU of the command and its workers: {cpu:.0f} s "
            f"({cpu / max(seconds, 1e-6):.2f} cores); load average before "
            f"{load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} "
            f"({os.cpu_count()} cores)"
        )
        if completed.returncode:
            say(completed.stderr[-2000:])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalogue_record")
            stored = cursor.fetchone()[0]
        say(
            f"   {stored:,} records stored in {seconds:.0f} s: {stored / seconds:,.0f} records/s "
            "(whole command: parse, map, COPY, upsert, triggers, index maintenance"
            + (", count index per batch)" if args.per_batch else ", count index rebuilt once)")
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalogue_record")
            cursor.execute("VACUUM ANALYZE catalogue_holding")

    with connection.cursor() as cursor:
        say("3. Sizes")
        for table in (
            "catalogue_record",
            "catalogue_holding",
            "catalogue_count_segment",
            "catalogue_count_posting",
            "catalogue_count_dead",
        ):
            cursor.execute(
                "SELECT pg_size_pretty(pg_relation_size(%s)), pg_size_pretty(pg_indexes_size(%s)),"
                " pg_size_pretty(pg_total_relation_size(%s))",
                [table, table, table],
            )
            heap, indexes, total = cursor.fetchone()
            say(f"   {table}: table {heap}, indexes {indexes}, total with TOAST {total}")
        cursor.execute(
            "SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) "
            "FROM pg_stat_user_indexes WHERE relname = 'catalogue_record' ORDER BY 1"
        )
        for name, size in cursor.fetchall():
            say(f"     {name}: {size}")
        cursor.execute(
            "SELECT isbns->>0 FROM catalogue_record TABLESAMPLE SYSTEM (1) "
            "WHERE jsonb_array_length(isbns) > 0 LIMIT 200"
        )
        isbns = [row[0] for row in cursor.fetchall()]

    from catalogue.backends import local

    if args.candidates:
        local.CANDIDATES = args.candidates
    say(
        f"   (counts exact from the count index; up to {local.CANDIDATES:,} matching records "
        "the hits are ranked among all of them, above in a sample)"
    )
    backend = LocalBackend(profile="gent")
    plan = queries(args.queries, isbns)
    from django.test.utils import override_settings

    from catalogue.backends.local import countindex

    started = time.perf_counter()
    with connection.cursor() as cursor, override_settings(CATALOGUE_COUNT_INDEX_CACHE=""):
        countindex.INDEX.refresh(cursor)
    say(
        f"   count index read from the database by a new process in "
        f"{time.perf_counter() - started:.2f} s "
        f"({countindex.INDEX.catalogue:,} records, {len(countindex.INDEX.keys):,} facet keys, "
        f"{countindex.INDEX.flat.size:,} record-key pairs)"
    )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cache = countindex.INDEX.cache_save(cursor)
        saved = time.perf_counter() - started
        fresh = countindex.CountIndex()
        started = time.perf_counter()
        fresh.refresh(cursor)
        mapped = time.perf_counter() - started
    say(
        f"   file cache written in {saved:.2f} s ({cache}); a new process maps it in "
        f"{mapped:.3f} s ({fresh.catalogue:,} records, "
        f"{'same' if fresh.catalogue == countindex.INDEX.catalogue else 'DIFFERENT'} count)"
    )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        countindex.INDEX.orders_load(cursor)
        ordered = time.perf_counter() - started
        fresh = countindex.CountIndex()
        fresh.refresh(cursor)
        started = time.perf_counter()
        for order in fresh.ORDERS:
            fresh._ranks(cursor, order)
        mapped = time.perf_counter() - started
    say(
        f"   positions of every record in the newest and title orders read, and the "
        f"{len(countindex.INDEX.lexeme_rollups)} lexemes of at least "
        f"{countindex.CountIndex.LEXEME_ROLLUP_FROM:,} records counted, in {ordered:.2f} s "
        f"(the nightly task does it and writes them to the file cache); "
        f"a new process maps the positions in {mapped:.3f} s and has "
        f"{len(fresh.lexeme_rollups)} lexemes counted"
    )
    # What is loaded so far lives as long as the process: frozen, as gunicorn.conf.py does in
    # every web worker, so that full collections do not walk it again.
    gc.collect()
    gc.freeze()
    # Warm the cache the way a running site is warm: one pass that is not measured.
    for text, facets, sort, page in plan[:20]:
        backend.search(SearchQuery(text=text, facets=facets, sort=sort, page=page))
    timings = []
    totals = []
    slowest = []
    spent = Breakdown()
    broad: list[tuple[SearchQuery, object]] = []
    broad_timings = []
    for text, facets, sort, page in plan:
        query = SearchQuery(text=text, facets=facets, sort=sort, page=page)
        with spent.measuring():
            started = time.perf_counter()
            results = backend.search(query)
            elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        totals.append(results.total)
        slowest.append((elapsed, text, facets, sort, page, results.total, spent.last))
        if results.pageable:  # more matches than local.CANDIDATES
            broad.append((query, results))
            broad_timings.append(elapsed)
    say(
        f"4. {len(plan)} searches (hits page of 20 with editions grouped, facet counts, "
        "availability at one profile):"
    )
    say(
        f"   p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms, mean {statistics.mean(timings):.1f} ms"
    )
    say(f"   results per query: median {statistics.median(totals):,.0f}, max {max(totals):,}")
    if broad_timings:
        say(
            f"   {len(broad)} broad searches (more than {local.CANDIDATES:,} matches): "
            f"p50 {percentile(broad_timings, 0.5):.1f} ms, "
            f"p95 {percentile(broad_timings, 0.95):.1f} ms"
        )
        exactness(local, backend, broad[:: max(1, len(broad) // 12)][:12])
    prefixes = [text[: max(2, len(text) // 2)] for text, _f, _s, _p in plan[:100]]
    suggest_timings = []
    for prefix in prefixes:
        started = time.perf_counter()
        backend.suggest(prefix)
        suggest_timings.append((time.perf_counter() - started) * 1000)
    say(
        f"   suggestions ({len(prefixes)} prefixes): p50 {percentile(suggest_timings, 0.5):.1f} ms,"
        f" p95 {percentile(suggest_timings, 0.95):.1f} ms"
    )
    say(f"   where the time went, over all {len(plan)} searches: {spent.summary()}")
    say("   slowest (statements: milliseconds and what each one was; count: the count index):")
    ranked = sorted(slowest, key=lambda item: item[0], reverse=True)
    for elapsed, text, facets, sort, page, total, parts in ranked[: max(8, args.breakdown)]:
        say(f"     {elapsed:.0f} ms  {text!r} {facets} {sort} p{page} ({total:,} works)")
        if parts and args.breakdown:
            say(f"        {parts}")
    if args.compaction:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("SELECT catalogue_count_index_rebuild()")
        say(
            f"5. Compaction (catalogue_count_index_rebuild(), the nightly task's rebuild): "
            f"{time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()
