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

from collections import Counter, defaultdict

import numpy as np
from django.db import connection, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL

from catalogue.backends.base import (
    MAX_PAGE,
    BranchAvailability,
    Edition,
    RecordDetail,
    SearchHit,
    SearchQuery,
    SearchResults,
    SortOrder,
    Suggestion,
)
from catalogue.backends.local import countindex, limits
from catalogue.backends.local.counting import _Ranked
from catalogue.backends.local.facets import _facets_build
from catalogue.backends.local.query import _facet_filters, _PostgresSearch, isbn_in_query
from catalogue.backends.local.words import words_correct
from catalogue.marc import language_label, normalise_text, other_title_label
from catalogue.models import Holding, Record

SETTINGS = (
    "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
    "SET LOCAL work_mem = '32MB'"
)
# The same, as the select list of a statement that goes first in a round trip.
SETTINGS_SELECTED = (
    "set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true), "
    "set_config('work_mem', '32MB', true)"
)


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
        """Counts are exact: from the count index (`countindex`), or in SQL when the index
        cannot evaluate the query. The count index holds every match (the title matches the
        search adds included), so the hits are chosen among them in this process and read by
        record number: the exact newest and title orders from the position of every record in
        them; relevance ranks all the matches below limits.CANDIDATES, a sample of whole works
        (and the title matches) above it."""
        search = _PostgresSearch(query, text=text, isbn=isbn, normalised=normalised)
        if search.conditions is None:
            return SearchResults(query=query)
        with transaction.atomic(), connection.cursor() as cursor:
            # JIT compilation costs 30-90 ms per statement and never pays off here; parallel
            # workers would take the other cores of a small web server. With the default 4 MB
            # the bitmaps of a broad search turn lossy and every row of their pages is
            # rechecked.
            counted = None
            if isbn:
                cursor.execute(SETTINGS)
            else:
                # The settings go with the count index's round trip.
                counted = countindex.INDEX.count(
                    cursor,
                    text=text,
                    groups=_facet_filters(query),
                    selected=countindex.facet_keys_selected(query),
                    title=search.title_statement(),
                    settings=SETTINGS_SELECTED,
                )
            if counted is None:
                # A query the count index does not evaluate (an ISBN, a phrase): everything in
                # one statement over all the matches.
                return self._exact(query, search.ranked(cursor, exhaustive=True))
            # The count index holds every match (the title matches included): the hits are
            # chosen among them in this process and read by their record numbers.
            if query.sort != SortOrder.RELEVANCE:
                # Exact, from the position of every record in the order.
                numbered = countindex.INDEX.ordered_page(
                    cursor,
                    counted,
                    order="newest" if query.sort == SortOrder.NEWEST else "title",
                    offset=(query.page - 1) * query.page_size,
                    limit=query.page_size,
                )
                page = numbered
                reachable = MAX_PAGE * query.page_size
            elif counted.records < limits.CANDIDATES:
                # Narrow: every match ranked.
                ranked = search.ranked(cursor, nums=counted.nums, work=countindex.INDEX.work)
                page, reachable = ranked.page, ranked.works
            else:
                # Broad: a sample of the works ranked, and the title matches.
                sample = countindex.INDEX.sample(counted, limits.SAMPLE_SIZE // 2)
                ranked = search.ranked(
                    cursor, nums=np.union1d(sample, counted.added), work=countindex.INDEX.work
                )
                page, reachable = ranked.page, ranked.works
        return SearchResults(
            query=query,
            total=counted.works,
            hits=self._hits(page, numbered=query.sort != SortOrder.RELEVANCE),
            facets=_facets_build(counted.counts, query),
            # Set for broad searches only (the benchmark and the tests tell them by it).
            pageable=min(counted.works, reachable) if counted.records >= limits.CANDIDATES else 0,
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
                : limits.SQLITE_CANDIDATES
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
                    )[: limits.SQLITE_CANDIDATES]
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

    def _hits(self, rows: list[tuple[str, int]], *, numbered: bool = False) -> list[SearchHit]:
        """The hits of (record id, editions), or of (record number, editions) when
        `numbered` (PostgreSQL: the records are read by number, in the same statement)."""
        if not rows:
            return []
        if numbered:
            # `num` is a column of PostgreSQL only (migration 0007), not a model field.
            queryset = Record.objects.filter(
                record_id__in=RawSQL(
                    "SELECT record_id FROM catalogue_record WHERE num = ANY(%s)",
                    [[num for num, _e in rows]],
                )
            ).annotate(num=RawSQL("catalogue_record.num", []))
        else:
            queryset = Record.objects.filter(record_id__in=[record_id for record_id, _e in rows])
        found = list(
            queryset.only(
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
                "isbns",
            )
        )
        records = {r.num if numbered else r.record_id: r for r in found}
        availability = self.availability([r.record_id for r in found])
        hits = []
        for key, editions in rows:
            record = records.get(key)
            if record is None:
                continue
            hits.append(
                SearchHit(
                    record_id=record.record_id,
                    title=record.title,
                    subtitle=record.subtitle,
                    authors=[a["name"] for a in record.authors[:3]],
                    year=record.year,
                    material=record.material,
                    audience=record.audience,
                    age_min=record.age_min,
                    language=language_label(record.language) if record.language else "",
                    cover_url=record.cover_url,
                    isbn=record.isbns[0] if record.isbns else "",
                    editions=editions,
                    availability=availability.get(record.record_id, []),
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
            .order_by(F("year").desc(nulls_last=True), "record_id")[: limits.EDITIONS_LIMIT]
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


def _author_names(author_text: str) -> list[str]:
    return [name.strip() for name in (author_text or "").split(" ; ") if name.strip()]
