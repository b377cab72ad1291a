"""The local index: records imported from Open Vlacc into this database.

PostgreSQL: full-text search on a weighted tsvector ('bibnet_dutch': Dutch stemming after
unaccent, GIN index), an exact title bonus, trigram word similarity on the normalised title
when the text search finds nothing (typos), ISBNs and facets through a GIN-indexed jsonb array
of facet keys, editions grouped on the work key, all in one SQL statement for the hits and one
for the facet counts.
SQLite: a plain substring search over the normalised text, filtered and counted in Python; it
keeps `make run` working on small demo data and is not meant for scale.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from catalogue.backends.base import (
    FACET_LIMIT,
    FACETS,
    MAX_PAGE,
    BranchAvailability,
    Edition,
    Facet,
    FacetValue,
    RecordDetail,
    SearchHit,
    SearchQuery,
    SearchResults,
    SortOrder,
    Suggestion,
)
from catalogue.marc import isbn_normalise, language_label, normalise_text, other_title_label
from catalogue.models import Holding, Record, Word

SQLITE_CANDIDATES = 5000
EDITIONS_LIMIT = 50
# Searches with up to this many matching records are ranked, grouped, sorted and counted
# exactly. Broader ones estimate their counts from a sample and rank the sample for relevance.
CANDIDATES = 2000
TITLE_CANDIDATES = 100
# Every record has a sample_key in 0..SAMPLE_BUCKETS-1 from a hash of its work key. The sample of a
# search is its matches in the first n buckets, n one of SAMPLE_LEVELS (1/128 to 1/16 of the
# catalogue, each with a partial text index, so a sample reads only its own rows): the
# smallest level expected to hold SAMPLE_SIZE / 2 matching records.
SAMPLE_BUCKETS = 1024
SAMPLE_LEVELS = (8, 16, 32, 64)
SAMPLE_SIZE = 1000
# Newest and title order of a broad search: walk the year or title index when at least this
# share of the catalogue matches (so a page is found a few hundred records deep), else sort
# all the matches.
WALK_DENSITY = 0.05
WALK_LIMIT = 50_000
# Facet values that a tenth or more of the catalogue carries (see _PostgresSearch).
BROAD_FACET_KEYS = {
    "m:boek",
    "t:dut",
    "t:eng",
    "d:volwassenen",
    "d:kinderen",
    "d:jongeren",
    "f:fictie",
    "f:non-fictie",
}
PREFIX_TO_NAME = {prefix: name for name, (prefix, _label) in FACETS.items()}


def facet_label(prefix: str, value: str) -> str:
    if prefix == "t":
        return language_label(value)
    return value


def isbn_in_query(text: str) -> str:
    compact = re.sub(r"[\s\-]", "", text)
    if re.fullmatch(r"\d{9}[\dXx]|\d{13}", compact):
        forms = isbn_normalise(compact)
        return forms[0] if forms else ""
    return ""


def _facet_filters(query: SearchQuery) -> list[list[str]]:
    """Per facet the keys of its selected values: OR within a facet, AND across facets."""
    groups = []
    for name, values in query.facets.items():
        if name not in FACETS or not values:
            continue
        prefix = FACETS[name][0]
        groups.append([f"{prefix}:{value}" for value in values])
    return groups


def _facets_build(counts: Counter, query: SearchQuery) -> list[Facet]:
    by_prefix: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for key, count in counts.items():
        prefix, _sep, value = key.partition(":")
        if prefix in PREFIX_TO_NAME:
            by_prefix[prefix].append((value, count))
    facets = []
    for name, (prefix, label) in FACETS.items():
        selected = set(query.facets.get(name, ()))
        values = sorted(by_prefix.get(prefix, []), key=lambda item: (-item[1], item[0]))
        if prefix == "j":
            values = sorted(values[:FACET_LIMIT], key=lambda item: item[0], reverse=True)
        shown = values[:FACET_LIMIT]
        shown_values = {v for v, _c in shown}
        shown += [
            (v, c) for v, c in values[FACET_LIMIT:] if v in selected and v not in shown_values
        ]
        if not shown:
            continue
        facets.append(
            Facet(
                name=name,
                label=str(label),
                values=[
                    FacetValue(
                        value=value,
                        label=facet_label(prefix, value),
                        count=count,
                        selected=value in selected,
                    )
                    for value, count in shown
                ],
            )
        )
    return facets


def _round_estimate(value: float) -> int:
    """An estimate rounded to two significant digits (91,840 -> 92,000), at least 1."""
    number = max(1, round(value))
    digits = len(str(number))
    if digits <= 2:
        return number
    factor = 10 ** (digits - 2)
    return round(number / factor) * factor


@dataclass
class _Ranked:
    page: list[tuple[str, int]]  # (record id, editions) of the requested page
    works: int  # works among the candidates
    candidates: int  # matching records among the candidates (not the title matches)
    matching_works: int  # works of those
    counts: Counter


@dataclass
class _Sample:
    records: int  # matching records in the sample
    works: int
    counts: Counter
    buckets: int  # the sample is the first `buckets` of SAMPLE_BUCKETS
    catalogue: int = 0  # records in the catalogue (the planner's count), when asked
    cutoff: str | None = None  # see _PostgresSearch.sample

    @property
    def estimate(self) -> float:
        """Matching records in the whole catalogue."""
        return self.records * self.scale

    @property
    def exact(self) -> bool:
        return self.buckets >= SAMPLE_BUCKETS

    @property
    def scale(self) -> float:
        return SAMPLE_BUCKETS / self.buckets


class _PostgresSearch:
    """The SQL of one search on PostgreSQL: its conditions and the statements built on them."""

    def __init__(self, query: SearchQuery, *, text: str, isbn: str, normalised: str) -> None:
        self.query = query
        self.params: dict[str, object] = {"qn": normalised, "qprefix": normalised + "%"}
        self.text_condition = bool(text and not isbn and normalised)
        where: list[str] = []
        self.facet_where: list[str] = []
        sample_facet_where: list[str] = []
        self.rank = "0"
        if isbn:
            where.append("r.facet_keys @> %(isbn)s::jsonb")
            self.params["isbn"] = json.dumps([f"i:{isbn}"])
        elif text:
            where.append("r.search_vector @@ websearch_to_tsquery('bibnet_dutch', %(q)s)")
            self.params["q"] = text
            self.rank = (
                "ts_rank(r.search_vector, websearch_to_tsquery('bibnet_dutch', %(q)s))"
                " + CASE WHEN r.title_norm = %(qn)s THEN 10"
                " WHEN r.title_norm LIKE %(qprefix)s THEN 1 ELSE 0 END"
            )
        for index, group in enumerate(_facet_filters(query)):
            # With a text or ISBN condition, values that most of the catalogue carries are
            # checked on the matching rows only: combining the text index with the posting list
            # of "t:dut" costs more than the whole search. COALESCE keeps the planner off the
            # index for those; rarer values (dvd, Engels, a genre, a year) do use it.
            alternatives = []
            on_rows = []
            for position, key in enumerate(group):
                name = f"f{index}_{position}"
                self.params[name] = json.dumps([key])
                condition = f"r.facet_keys @> %({name})s::jsonb"
                indexable = not where or key not in BROAD_FACET_KEYS
                alternatives.append(condition if indexable else f"COALESCE({condition}, false)")
                on_rows.append(f"COALESCE({condition}, false)")
            self.facet_where.append("(" + " OR ".join(alternatives) + ")")
            sample_facet_where.append("(" + " OR ".join(on_rows if where else alternatives) + ")")
        self.conditions = (
            " AND ".join(where + self.facet_where) if where or self.facet_where else None
        )
        # A sample reads few rows through its partial text index: every facet is checked on
        # those rows rather than through the facet index, whose posting lists cost more.
        self.sample_conditions = " AND ".join(where + sample_facet_where) or None
        self.row_facet_where = sample_facet_where
        # Everything checked on the rows of another index (the editions of a few works).
        self.row_conditions = " AND ".join(
            [f"COALESCE({condition}, false)" for condition in where] + sample_facet_where
        )
        self.params["limit"] = query.page_size
        self.params["offset"] = (query.page - 1) * query.page_size

    def sample(self, cursor, buckets: int) -> _Sample:
        """Facet counts and numbers of records and works among the matches in the first
        `buckets` sample buckets, and the sort key (year or title) that about three times the
        records up to the requested page come before in the whole catalogue (a cutoff that
        lets the page be found among few records)."""
        scale = SAMPLE_BUCKETS / buckets
        wanted = self.query.page * self.query.page_size
        position = max(2, math.ceil(3 * wanted / scale))
        cutoff = {
            SortOrder.NEWEST: "SELECT 'k', y::text, 0 FROM s ORDER BY y DESC",
            SortOrder.TITLE: "SELECT 'k', title_norm, 0 FROM s ORDER BY title_norm COLLATE \"C\"",
        }.get(self.query.sort)
        cutoff = f"UNION ALL ({cutoff} LIMIT 1 OFFSET {position})" if cutoff else ""
        cursor.execute(
            f"""
            WITH s AS (
                SELECT r.work_key, r.facet_keys, COALESCE(r.year, 0) AS y, r.title_norm
                FROM catalogue_record r
                WHERE {self.sample_conditions} AND r.sample_key < {int(buckets)}
            )
            SELECT 'n', NULL, count(*) FROM s
            UNION ALL SELECT 'w', NULL, count(DISTINCT work_key) FROM s
            UNION ALL
            SELECT 'N', NULL, reltuples::bigint FROM pg_class
            WHERE oid = 'catalogue_record'::regclass
            UNION ALL
            SELECT 'f', key, count(*) FROM s, jsonb_array_elements_text(s.facet_keys) AS key
            WHERE key NOT LIKE 'i:%%' GROUP BY key
            {cutoff}
            """,
            self.params,
        )
        rows = cursor.fetchall()
        return _Sample(
            cutoff=next((r[1] for r in rows if r[0] == "k"), None),
            records=next((r[2] for r in rows if r[0] == "n"), 0),
            works=next((r[2] for r in rows if r[0] == "w"), 0),
            counts=Counter({r[1]: r[2] for r in rows if r[0] == "f"}),
            buckets=buckets,
            catalogue=max(0, next((r[2] for r in rows if r[0] == "N"), 0)),
        )

    def ranked(self, cursor, *, buckets: int = 0) -> _Ranked:
        """One statement: the candidates (at most CANDIDATES matches in storage order or, for a
        broad search, the matches in the first `buckets` sample buckets; plus exact and prefix
        title matches), editions grouped per work, the requested page, the number of works and
        the facet counts of the matches among the candidates, which for a broad search are
        the sample the estimates come from."""
        columns = (
            f"r.record_id, r.work_key, r.year, r.title_norm, r.facet_keys, {self.rank} AS rank"
        )
        # No ORDER BY: with one, the planner walks the year or title index and filters, which
        # is fast for very broad searches and ruinous for selective ones.
        if buckets:
            # The limit only guards against a probe that was far off.
            where = f"{self.sample_conditions} AND r.sample_key < {int(buckets)}"
            limit = 4 * SAMPLE_SIZE
        else:
            where, limit = self.conditions, CANDIDATES
        candidates = (
            f"SELECT {columns}, 1 AS part FROM catalogue_record r WHERE {where} LIMIT {limit}"
        )
        if self.text_condition:
            # The title index narrows these down; facets are checked on its rows.
            title_where = " AND ".join(["r.title_norm LIKE %(qprefix)s", *self.row_facet_where])
            candidates = (
                f"({candidates}) UNION ALL (SELECT {columns}, 2 AS part "
                f"FROM catalogue_record r WHERE {title_where} LIMIT {TITLE_CANDIDATES})"
            )
        order = {
            SortOrder.NEWEST: "year DESC NULLS LAST, rank DESC, record_id",
            SortOrder.TITLE: 'title_norm COLLATE "C", year DESC NULLS LAST, record_id',
        }.get(self.query.sort, "rank DESC, year DESC NULLS LAST, record_id")
        cursor.execute(
            f"""
            WITH m AS ({candidates}),
            d AS (
                SELECT DISTINCT ON (record_id) record_id, work_key, year, title_norm,
                       facet_keys, rank, part
                FROM m ORDER BY record_id, part
            ),
            w AS (
                SELECT work_key, max(rank) AS rank, count(*) AS editions, max(year) AS year,
                       min(title_norm COLLATE "C") AS title_norm,
                       (array_agg(record_id ORDER BY rank DESC, year DESC NULLS LAST))[1]
                           AS record_id
                FROM d GROUP BY work_key
            ),
            page AS (
                SELECT record_id, editions, row_number() OVER (ORDER BY {order}) AS position
                FROM w ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s
            )
            SELECT 'h', record_id, editions, position FROM page
            UNION ALL SELECT 't', NULL, (SELECT count(*) FROM w), 0
            UNION ALL SELECT 'c', NULL, (SELECT count(*) FROM m WHERE part = 1), 0
            UNION ALL
            SELECT 's', NULL, (SELECT count(DISTINCT work_key) FROM d WHERE part = 1), 0
            UNION ALL
            SELECT 'f', key, count(*), 0
            FROM d, jsonb_array_elements_text(d.facet_keys) AS key
            WHERE key NOT LIKE 'i:%%' AND (%(exact)s OR d.part = 1)
            GROUP BY key
            """,
            {**self.params, "exact": not buckets},
        )
        rows = cursor.fetchall()
        hits_rows = sorted((r for r in rows if r[0] == "h"), key=lambda r: r[3])
        return _Ranked(
            page=[(record_id, editions) for _k, record_id, editions, _p in hits_rows],
            works=next((r[2] for r in rows if r[0] == "t"), 0),
            candidates=next((r[2] for r in rows if r[0] == "c"), 0),
            matching_works=next((r[2] for r in rows if r[0] == "s"), 0),
            counts=Counter({r[1]: r[2] for r in rows if r[0] == "f"}),
        )

    def sorted_page(
        self, cursor, *, walk: bool, cutoff: str | None = None
    ) -> list[tuple[str, int]]:
        """The requested page of a broad search in newest or title order, exactly, one record
        per work: walk the (year, id) or (title, id) index and keep the matching records or,
        when matches are too sparse for a short walk, sort the matches up to the cutoff (the
        index gives the records up to it, so few rows are read) or, when those hold too few
        works, all of them."""
        wanted = self.query.page * self.query.page_size
        if not walk and cutoff is not None:
            works = self._sorted_works(cursor, walk=False, cutoff=cutoff)
            if len(works) < wanted:
                works = self._sorted_works(cursor, walk=False)
        else:
            works = self._sorted_works(cursor, walk=walk)
        start = (self.query.page - 1) * self.query.page_size
        page = list(works.items())[start : start + self.query.page_size]
        if not page:
            return []
        cursor.execute(
            f"SELECT r.work_key, count(*) FROM catalogue_record r "
            f"WHERE r.work_key = ANY(%(works)s) AND {self.row_conditions} GROUP BY r.work_key",
            {**self.params, "works": [work_key for work_key, _id in page]},
        )
        editions = dict(cursor.fetchall())
        return [(record_id, editions.get(work_key, 1)) for work_key, record_id in page]

    def _sorted_works(self, cursor, *, walk: bool, cutoff: str | None = None) -> dict[str, str]:
        """Work key -> its first record in the sort order, for the works up to the page."""
        params = dict(self.params)
        if walk:
            order = {
                SortOrder.NEWEST: "COALESCE(r.year, 0) DESC, r.record_id",
                SortOrder.TITLE: "r.title_norm USING ~<~, r.record_id USING ~<~",
            }[self.query.sort]
            sql = (
                f"SELECT r.record_id, r.work_key FROM catalogue_record r "
                f"WHERE {self.conditions} ORDER BY {order} LIMIT %(depth)s"
            )
        else:
            # The same order; MATERIALIZED keeps the planner from walking the index anyway.
            order = {
                SortOrder.NEWEST: "COALESCE(year, 0) DESC, record_id",
                SortOrder.TITLE: 'title_norm COLLATE "C", record_id COLLATE "C"',
            }[self.query.sort]
            where = self.conditions
            if cutoff is not None:
                # Through the (year) or (title) index, combined with the text index.
                if self.query.sort == SortOrder.NEWEST:
                    where += " AND COALESCE(r.year, 0) >= %(cutoff)s"
                    params["cutoff"] = int(cutoff)
                else:
                    where += " AND r.title_norm ~<=~ %(cutoff)s"
                    params["cutoff"] = cutoff
            sql = (
                "WITH m AS MATERIALIZED (SELECT r.record_id, r.work_key, r.year, r.title_norm "
                f"FROM catalogue_record r WHERE {where}) "
                f"SELECT record_id, work_key FROM m ORDER BY {order} LIMIT %(depth)s"
            )
        wanted = self.query.page * self.query.page_size
        depth = min(WALK_LIMIT, wanted * 3 // 2 + 10)
        while True:
            cursor.execute(sql, {**params, "depth": depth})
            rows = cursor.fetchall()
            works: dict[str, str] = {}
            for record_id, work_key in rows:
                works.setdefault(work_key, record_id)
            if len(works) >= wanted or len(rows) < depth or depth >= WALK_LIMIT:
                return works
            depth = min(WALK_LIMIT, depth * 4)


class LocalBackend:
    def __init__(self, *, profile: str) -> None:
        self.profile = profile

    # -- search ------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        if query.is_empty:
            return SearchResults(query=query)
        if connection.vendor == "postgresql":
            results = self._search_postgres(query)
        else:
            results = self._search_sqlite(query)
        return results

    def _search_postgres(self, query: SearchQuery) -> SearchResults:
        text = query.text.strip()
        isbn = isbn_in_query(text)
        normalised = normalise_text(text)[:200]
        results = self._postgres_run(query, text=text, isbn=isbn, normalised=normalised)
        if results.total == 0 and not isbn and len(normalised) >= 3:
            corrected = words_correct(normalised)
            if corrected and corrected != normalised:
                results = self._postgres_run(query, text=corrected, isbn="", normalised=corrected)
                results.corrected_text = corrected
        return results

    def _postgres_run(
        self, query: SearchQuery, *, text: str, isbn: str, normalised: str
    ) -> SearchResults:
        """Exact below CANDIDATES matches; above it, counts estimated from a fixed uniform
        sample of the catalogue and hits ranked among the candidates (relevance) or found by
        walking the year or title index (newest, title), which is exact."""
        search = _PostgresSearch(query, text=text, isbn=isbn, normalised=normalised)
        if search.conditions is None:
            return SearchResults(query=query)
        with transaction.atomic(), connection.cursor() as cursor:
            # JIT compilation costs 30-90 ms per statement and never pays off here; parallel
            # workers would take the other cores of a small web server. With the default 4 MB
            # the bitmaps of a broad search turn lossy and every row of their pages is
            # rechecked.
            cursor.execute(
                "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
                "SET LOCAL work_mem = '32MB'"
            )
            relevance = query.sort == SortOrder.RELEVANCE
            ranked = None

            def measure(buckets: int) -> _Sample:
                # For relevance the sample is ranked in the same statement: it is both the
                # candidates and what the counts come from.
                nonlocal ranked
                if not relevance:
                    return search.sample(cursor, buckets)
                ranked = search.ranked(cursor, buckets=buckets)
                return _Sample(
                    records=ranked.candidates,
                    works=ranked.matching_works,
                    counts=ranked.counts,
                    buckets=buckets,
                )

            sample = measure(SAMPLE_LEVELS[0])
            # Clearly narrow: exact at once. Otherwise first a sample large enough to tell,
            # which a broad search needs anyway.
            narrow = sample.estimate < CANDIDATES / 4
            if not narrow and sample.records < SAMPLE_SIZE / 2:
                per_bucket = sample.records / sample.buckets
                level = next(
                    (n for n in SAMPLE_LEVELS if per_bucket * n >= SAMPLE_SIZE / 2),
                    SAMPLE_LEVELS[-1],
                )
                if level > sample.buckets:
                    sample = measure(level)
            if narrow or sample.estimate < CANDIDATES:
                exact = search.ranked(cursor)
                if exact.candidates < CANDIDATES:
                    return self._exact(query, exact)
            if relevance:
                page, reachable = ranked.page, ranked.works
            else:
                # Without the planner's count of the catalogue (never analysed), walk.
                dense = sample.catalogue <= 0 or sample.estimate >= WALK_DENSITY * sample.catalogue
                walk = dense and not (query.sort == SortOrder.NEWEST and query.facets.get("jaar"))
                page = search.sorted_page(cursor, walk=walk, cutoff=sample.cutoff)
                reachable = MAX_PAGE * query.page_size
        if sample.exact:
            counts, total = sample.counts, sample.works
        else:
            counts = Counter(
                {key: _round_estimate(c * sample.scale) for key, c in sample.counts.items()}
            )
            total = _round_estimate(sample.works * sample.scale)
        return SearchResults(
            query=query,
            total=total,
            hits=self._hits(page),
            facets=_facets_build(counts, query),
            approximate=not sample.exact,
            pageable=min(total, reachable),
        )

    def _exact(self, query: SearchQuery, ranked: _Ranked) -> SearchResults:
        return SearchResults(
            query=query,
            total=ranked.works,
            hits=self._hits(ranked.page),
            facets=_facets_build(ranked.counts, query),
        )

    def _search_sqlite(self, query: SearchQuery) -> SearchResults:
        text = query.text.strip()
        isbn = isbn_in_query(text)
        normalised = normalise_text(text)
        queryset = Record.objects.all()
        if isbn:
            queryset = queryset.filter(search_text__contains=isbn)
        else:
            for token in normalised.split()[:10]:
                queryset = queryset.filter(search_text__contains=token)
        rows = list(
            queryset.values_list("record_id", "work_key", "year", "title_norm", "facet_keys")[
                :SQLITE_CANDIDATES
            ]
        )
        corrected = ""
        if not rows and not isbn and len(normalised) >= 3:
            corrected = words_correct(normalised)
            if corrected and corrected != normalised:
                queryset = Record.objects.all()
                for token in corrected.split()[:10]:
                    queryset = queryset.filter(search_text__contains=token)
                rows = list(
                    queryset.values_list(
                        "record_id", "work_key", "year", "title_norm", "facet_keys"
                    )[:SQLITE_CANDIDATES]
                )
                normalised = corrected
        groups = _facet_filters(query)
        rows = [row for row in rows if all(set(group) & set(row[4]) for group in groups)]
        counts: Counter = Counter(key for row in rows for key in row[4] if not key.startswith("i:"))

        def rank(row) -> float:
            if normalised and row[3] == normalised:
                return 10
            if normalised and row[3].startswith(normalised):
                return 2
            return 1

        works: dict[str, list] = {}
        for row in sorted(rows, key=lambda r: (-rank(r), -(r[2] or 0))):
            works.setdefault(row[1], []).append(row)
        ordered = list(works.values())
        if query.sort == SortOrder.NEWEST:
            ordered.sort(key=lambda g: -(max(r[2] or 0 for r in g)))
        elif query.sort == SortOrder.TITLE:
            ordered.sort(key=lambda g: g[0][3])
        start = (query.page - 1) * query.page_size
        page = ordered[start : start + query.page_size]
        hits = self._hits([(group[0][0], len(group)) for group in page])
        return SearchResults(
            query=query,
            total=len(ordered),
            hits=hits,
            facets=_facets_build(counts, query),
            corrected_text=corrected if rows else "",
        )

    def _hits(self, rows: list[tuple[str, int]]) -> list[SearchHit]:
        if not rows:
            return []
        ids = [record_id for record_id, _e in rows]
        records = {
            r.record_id: r
            for r in Record.objects.filter(record_id__in=ids).only(
                "record_id",
                "title",
                "subtitle",
                "authors",
                "year",
                "material",
                "audience",
                "age_min",
                "language",
                "cover_url",
            )
        }
        availability = self.availability(ids)
        hits = []
        for record_id, editions in rows:
            record = records.get(record_id)
            if record is None:
                continue
            hits.append(
                SearchHit(
                    record_id=record_id,
                    title=record.title,
                    subtitle=record.subtitle,
                    authors=[a["name"] for a in record.authors[:3]],
                    year=record.year,
                    material=record.material,
                    audience=record.audience,
                    age_min=record.age_min,
                    language=language_label(record.language) if record.language else "",
                    cover_url=record.cover_url,
                    editions=editions,
                    availability=availability.get(record_id, []),
                )
            )
        return hits

    # -- suggestions, record, availability ---------------------------------------------------

    def suggest(self, prefix: str) -> list[Suggestion]:
        normalised = normalise_text(prefix)[:100]
        if len(normalised) < 2:
            return []
        if connection.vendor == "postgresql":
            words = normalised.split()[:6]
            tsquery = " & ".join(words[:-1])
            tsquery = f"{tsquery} & {words[-1]}:*" if tsquery else f"{words[-1]}:*"
            # Titles that start with the text come from the title index; words that start
            # with it from the text index, without ORDER BY so the scan stops at the limit.
            # Two-letter prefixes of words match too many lexemes to be worth it.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute(
                    "SELECT title, author_text FROM catalogue_record "
                    "WHERE title_norm LIKE %s LIMIT 12",
                    [normalised + "%"],
                )
                rows = cursor.fetchall()
                if len(words[-1]) >= 3:
                    cursor.execute(
                        "SELECT title, author_text FROM catalogue_record "
                        "WHERE search_vector @@ to_tsquery('bibnet_simple', %s) LIMIT 40",
                        [tsquery],
                    )
                    rows += cursor.fetchall()
        else:
            rows = list(
                Record.objects.filter(search_text__contains=normalised).values_list(
                    "title", "author_text"
                )[:40]
            )
        titles: list[str] = []
        authors: list[str] = []
        for title, author_text in rows:
            if normalised in normalise_text(title) and title not in titles:
                titles.append(title)
            for name in _author_names(author_text):
                if normalised.split()[-1] in normalise_text(name) and name not in authors:
                    authors.append(name)
        return [Suggestion(t, "titel") for t in titles[:6]] + [
            Suggestion(a, "auteur") for a in authors[:3]
        ]

    def record(self, record_id: str) -> RecordDetail | None:
        record = Record.objects.filter(record_id=record_id).first()
        if record is None:
            return None
        return RecordDetail(
            record_id=record.record_id,
            title=record.title,
            subtitle=record.subtitle,
            responsibility=record.responsibility,
            authors=record.authors,
            edition=record.edition,
            publisher=record.publisher,
            place=record.place,
            year=record.year,
            physical_description=record.physical_description,
            series=record.series,
            other_titles=[
                {**other, "label": other_title_label(other.get("kind", ""))}
                for other in record.other_titles
            ],
            subjects=record.subjects,
            theme_words=record.theme_words,
            genres=record.genres,
            summary=record.summary,
            audience=record.audience,
            audience_note=record.audience_note,
            age_min=record.age_min,
            isbns=record.isbns,
            languages=[language_label(code) for code in record.languages],
            siso=record.siso,
            material=record.material,
            cover_url=record.cover_url,
            availability=self.availability([record.record_id]).get(record.record_id, []),
            editions=self.editions(record),
        )

    @staticmethod
    def editions(record: Record) -> list[Edition]:
        """The other editions of the record's work (same work key), newest first."""
        others = (
            Record.objects.filter(work_key=record.work_key)
            .exclude(record_id=record.record_id)
            .only("record_id", "title", "year", "material", "language")
            .order_by(F("year").desc(nulls_last=True), "record_id")[:EDITIONS_LIMIT]
        )
        return [
            Edition(
                record_id=other.record_id,
                title=other.title,
                year=other.year,
                material=other.material,
                language=language_label(other.language) if other.language else "",
            )
            for other in others
        ]

    def availability(self, record_ids: list[str]) -> dict[str, list[BranchAvailability]]:
        result: dict[str, list[BranchAvailability]] = defaultdict(list)
        if not self.profile or not record_ids:
            return result
        holdings = Holding.objects.filter(record_id__in=record_ids, profile=self.profile).order_by(
            "branch", "pk"
        )
        for holding in holdings:
            result[holding.record_id].append(
                BranchAvailability(
                    branch=holding.branch,
                    available=holding.available,
                    status=holding.status,
                    location=holding.location,
                    shelf_mark=holding.shelf_mark,
                )
            )
        return result


def words_correct(normalised: str) -> str:
    """Replace words that occur in no title or author name by the most similar word that does
    ("hary poter" -> "harry potter"). Returns "" when nothing could be corrected."""
    words = normalised.split()[:8]
    candidates = [w for w in words if len(w) >= 3 and len(w) <= 40]
    if not candidates:
        return ""
    known = set(Word.objects.filter(word__in=candidates).values_list("word", flat=True))
    changed = False
    corrected = []
    for word in words:
        if word in known or len(word) < 3 or len(word) > 40:
            corrected.append(word)
            continue
        replacement = _similar_word(word)
        if replacement:
            changed = True
            corrected.append(replacement)
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else ""


def _similar_word(word: str) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM catalogue_word WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
        return row[0] if row else ""
    # SQLite: compare with words of a similar length and the same first letter.
    pool = Word.objects.filter(word__startswith=word[0]).values_list("word", flat=True)[:20000]
    matches = difflib.get_close_matches(word, list(pool), n=1, cutoff=0.7)
    return matches[0] if matches else ""


def _author_names(author_text: str) -> list[str]:
    return [name.strip() for name in (author_text or "").split(" ; ") if name.strip()]
