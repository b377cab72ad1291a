"""The local index: records imported from Open Vlacc into this database.

PostgreSQL: full-text search on a weighted tsvector ('dutch' configuration, GIN index), an exact
title bonus, trigram word similarity on the normalised title when the text search finds nothing
(typos), ISBNs and facets through a GIN-indexed jsonb array of facet keys, editions grouped on
the work key, all in one SQL statement for the hits and one for the facet counts.
SQLite: a plain substring search over the normalised text, filtered and counted in Python; it
keeps `make run` working on small demo data and is not meant for scale.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, defaultdict

from django.db import connection, transaction

from catalogue.backends.base import (
    FACET_LIMIT,
    FACETS,
    BranchAvailability,
    Facet,
    FacetValue,
    RecordDetail,
    SearchHit,
    SearchQuery,
    SearchResults,
    SortOrder,
    Suggestion,
)
from catalogue.marc import isbn_normalise, language_label, normalise_text
from catalogue.models import Holding, Record, Word

SQLITE_CANDIDATES = 5000
# Broad searches rank, group, sort and count at most this many matches (in storage order), plus
# exact and prefix title matches; the page then says "more than ..." and the facets count
# within these candidates.
CANDIDATES = 2000
TITLE_CANDIDATES = 100
BROAD_FACET_KEYS = {"m:boek", "t:dut", "d:volwassenen", "f:fictie", "f:non-fictie"}
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
        """One statement: candidates (at most CANDIDATES matches in the sort's index order, plus
        exact and prefix title matches), editions grouped per work, the requested page, the
        number of works and the facet counts."""
        params: dict[str, object] = {"qn": normalised, "qprefix": normalised + "%"}
        where: list[str] = []
        facet_where: list[str] = []
        rank = "0"
        if isbn:
            where.append("r.facet_keys @> %(isbn)s::jsonb")
            params["isbn"] = json.dumps([f"i:{isbn}"])
        elif text:
            where.append("r.search_vector @@ websearch_to_tsquery('dutch', %(q)s)")
            params["q"] = text
            rank = (
                "ts_rank(r.search_vector, websearch_to_tsquery('dutch', %(q)s))"
                " + CASE WHEN r.title_norm = %(qn)s THEN 10"
                " WHEN r.title_norm LIKE %(qprefix)s THEN 1 ELSE 0 END"
            )
        for index, group in enumerate(_facet_filters(query)):
            # With a text or ISBN condition, values that most of the catalogue carries are
            # checked on the matching rows only: combining the text index with the posting list
            # of "t:dut" costs more than the whole search. COALESCE keeps the planner off the
            # index for those; rarer values (dvd, Engels, a genre, a year) do use it.
            alternatives = []
            for position, key in enumerate(group):
                name = f"f{index}_{position}"
                params[name] = json.dumps([key])
                condition = f"r.facet_keys @> %({name})s::jsonb"
                indexable = not where or key not in BROAD_FACET_KEYS
                alternatives.append(condition if indexable else f"COALESCE({condition}, false)")
            facet_where.append("(" + " OR ".join(alternatives) + ")")
        if not where and not facet_where:
            return SearchResults(query=query)
        columns = f"r.record_id, r.work_key, r.year, r.title_norm, r.facet_keys, {rank} AS rank"
        # No ORDER BY: with one, the planner walks the year or title index and filters, which
        # is fast for very broad searches and ruinous for selective ones.
        candidates = (
            f"SELECT {columns}, 1 AS part FROM catalogue_record r "
            f"WHERE {' AND '.join(where + facet_where)} LIMIT {CANDIDATES}"
        )
        if text and not isbn and normalised:
            title_where = " AND ".join(["r.title_norm LIKE %(qprefix)s", *facet_where])
            candidates = (
                f"({candidates}) UNION ALL (SELECT {columns}, 2 AS part "
                f"FROM catalogue_record r WHERE {title_where} LIMIT {TITLE_CANDIDATES})"
            )
        order = {
            SortOrder.NEWEST: "year DESC NULLS LAST, rank DESC, record_id",
            SortOrder.TITLE: "title_norm, year DESC NULLS LAST, record_id",
        }.get(query.sort, "rank DESC, year DESC NULLS LAST, record_id")
        params["limit"] = query.page_size
        params["offset"] = (query.page - 1) * query.page_size
        sql = f"""
            WITH m AS ({candidates}),
            d AS (
                SELECT DISTINCT ON (record_id) record_id, work_key, year, title_norm,
                       facet_keys, rank
                FROM m ORDER BY record_id, part
            ),
            w AS (
                SELECT work_key, max(rank) AS rank, count(*) AS editions, max(year) AS year,
                       min(title_norm) AS title_norm,
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
            SELECT 'f', key, count(*), 0
            FROM d, jsonb_array_elements_text(d.facet_keys) AS key
            WHERE key NOT LIKE 'i:%%' GROUP BY key
        """
        with transaction.atomic(), connection.cursor() as cursor:
            # JIT compilation costs 30-90 ms per statement and never pays off here; parallel
            # workers would take the other cores of a small web server.
            cursor.execute("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        hits_rows = sorted((r for r in rows if r[0] == "h"), key=lambda r: r[3])
        total = next((r[2] for r in rows if r[0] == "t"), 0)
        candidates_found = next((r[2] for r in rows if r[0] == "c"), 0)
        counts: Counter = Counter({r[1]: r[2] for r in rows if r[0] == "f"})
        hits = self._hits([(record_id, editions) for _k, record_id, editions, _p in hits_rows])
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=_facets_build(counts, query),
            more_results=candidates_found >= CANDIDATES,
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
                        "WHERE search_vector @@ to_tsquery('simple', %s) LIMIT 40",
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
        )

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
