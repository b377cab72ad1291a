"""Ranking and counting in SQL on PostgreSQL: the statement for narrow searches (rank, group
editions, cut the page, count works and facet values), also used, over every match, for the
queries the count index does not evaluate; the ranked sample of broad searches and the sample
that gives their title order a cutoff. Broad searches take their counts from
`countindex`."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from catalogue.backends.base import SortOrder
from catalogue.backends.local import limits


@dataclass
class _Ranked:
    page: list[tuple[str, int]]  # (record id, editions) of the requested page
    works: int  # works among the candidates
    candidates: int  # matching records among the candidates (not the title matches)
    counts: Counter


class _Counting:
    """The counting statements of `query._PostgresSearch` (which holds the conditions)."""

    def cutoff(self, cursor, buckets: int) -> str | None:
        """The title that about three times the records up to the requested page come before
        in the whole catalogue, from the matches in the first `buckets` sample buckets: a
        cutoff that lets the page be found among few records (see `_Ordering.sorted_page`)."""
        scale = limits.SAMPLE_BUCKETS / buckets
        position = max(2, math.ceil(3 * self.query.page * self.query.page_size / scale))
        # MATERIALIZED keeps the planner from walking the title index instead.
        cursor.execute(
            f"""
            WITH s AS MATERIALIZED (
                SELECT r.title_norm FROM catalogue_record r
                WHERE {self.sample_conditions} AND r.sample_key < {int(buckets)}
            )
            SELECT title_norm FROM s ORDER BY title_norm COLLATE "C" LIMIT 1 OFFSET {position}
            """,
            self.params,
        )
        row = cursor.fetchone()
        return row[0] if row else None

    def ranked(
        self, cursor, *, nums: np.ndarray | None = None, exhaustive: bool = False
    ) -> _Ranked:
        """The candidates ranked, their editions grouped per work, the requested page and the
        number of works: the matches the count index chose (`nums`, all of a narrow search or
        the sample of a broad one), read by their numbers and grouped here, or, for a query the
        count index does not evaluate, the matches of the conditions in one statement that
        also counts their facet values; plus, either way, exact and prefix title matches."""
        if nums is not None:
            return self._ranked_chosen(cursor, nums)
        return self._ranked_in_sql(cursor, exhaustive=exhaustive)

    def _title_matches(self, columns: str) -> str:
        # The title index narrows these down; facets are checked on its rows.
        title_where = " AND ".join(["r.title_norm LIKE %(qprefix)s", *self.row_facet_where])
        return (
            f"SELECT {columns}, 2 AS part FROM catalogue_record r WHERE {title_where} "
            f"LIMIT {limits.TITLE_CANDIDATES}"
        )

    def title_statement(self) -> tuple[str, dict] | None:
        """The exact and prefix title matches that a text search adds to its matches (so
        that "het geheim van de z" finds the book of that title), as a statement for the count
        index's round trip: their record numbers, `array_send`."""
        if not self.text_condition:
            return None
        sql = (
            "SELECT array_send(coalesce(array_agg(num), '{}')) FROM ("
            f"{self._title_matches('r.num').replace(', 2 AS part', '')}) AS title"
        )
        return sql, self.params

    def _ranked_chosen(self, cursor, nums: np.ndarray) -> _Ranked:
        """Grouping a few thousand rows here costs less than in SQL (array_agg per work),
        with the same order: the works by the order of the search, each shown by its best
        ranked record."""
        cursor.execute(
            f"SELECT r.record_id, r.work_key, r.year, r.title_norm, {self.rank} AS rank "
            "FROM catalogue_record r WHERE r.num = ANY(%(nums)s)",
            {**self.params, "nums": nums.tolist()},
        )
        works: dict[str, list] = {}
        for record_id, work_key, year, title_norm, rank in cursor.fetchall():
            work = works.get(work_key)
            if work is None:
                # rank, editions, year, title, (rank, year) of the record shown, record id
                works[work_key] = [rank, 1, year, title_norm, (rank, year or -1), record_id]
                continue
            work[0] = max(work[0], rank)
            work[1] += 1
            if year is not None and (work[2] is None or year > work[2]):
                work[2] = year
            if title_norm.encode() < work[3].encode():
                work[3] = title_norm
            if (rank, year or -1) > work[4] or (
                (rank, year or -1) == work[4] and record_id < work[5]
            ):
                work[4], work[5] = (rank, year or -1), record_id
        groups = list(works.values())
        # Records without a year last (NULLS LAST), the record id to break ties.
        if self.query.sort == SortOrder.NEWEST:
            groups.sort(key=lambda w: (w[2] is None, -(w[2] or 0), -w[0], w[5]))
        elif self.query.sort == SortOrder.TITLE:
            groups.sort(key=lambda w: (w[3].encode(), w[2] is None, -(w[2] or 0), w[5]))
        else:
            groups.sort(key=lambda w: (-w[0], w[2] is None, -(w[2] or 0), w[5]))
        start = (self.query.page - 1) * self.query.page_size
        return _Ranked(
            page=[(w[5], w[1]) for w in groups[start : start + self.query.page_size]],
            works=len(groups),
            candidates=int(nums.size),
            counts=Counter(),
        )

    def _ranked_in_sql(self, cursor, *, exhaustive: bool) -> _Ranked:
        columns = (
            f"r.record_id, r.work_key, r.year, r.title_norm, r.facet_keys, {self.rank} AS rank"
        )
        # No ORDER BY: with one, the planner walks the year or title index and filters, which
        # is fast for very broad searches and ruinous for selective ones.
        limit = "ALL" if exhaustive else limits.CANDIDATES
        candidates = (
            f"SELECT {columns}, 1 AS part FROM catalogue_record r "
            f"WHERE {self.conditions} LIMIT {limit}"
        )
        if self.text_condition:
            candidates = f"({candidates}) UNION ALL ({self._title_matches(columns)})"
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
            SELECT 'f', key, count(*), 0
            FROM d, jsonb_array_elements_text(d.facet_keys) AS key
            WHERE key NOT LIKE 'i:%%'
            GROUP BY key
            """,
            self.params,
        )
        rows = cursor.fetchall()
        hits_rows = sorted((r for r in rows if r[0] == "h"), key=lambda r: r[3])
        return _Ranked(
            page=[(record_id, editions) for _k, record_id, editions, _p in hits_rows],
            works=next((r[2] for r in rows if r[0] == "t"), 0),
            candidates=next((r[2] for r in rows if r[0] == "c"), 0),
            counts=Counter({r[1]: r[2] for r in rows if r[0] == "f"}),
        )
