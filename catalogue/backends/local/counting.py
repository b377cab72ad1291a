"""Ranking on PostgreSQL: relevance among the matches the count index chose (read by record
number), and, for the queries the count index does not evaluate (an ISBN, a phrase), one
statement that ranks, groups, pages and counts every match."""

from __future__ import annotations

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

    def ranked(
        self,
        cursor,
        *,
        nums: np.ndarray | None = None,
        work: np.ndarray | None = None,
        exhaustive: bool = False,
    ) -> _Ranked:
        """The candidates ranked, their editions grouped per work, the requested page and the
        number of works: the matches the count index chose (`nums`, all of a narrow search or
        the sample of a broad one), read by their numbers and grouped here, or, for a query the
        count index does not evaluate, the matches of the conditions in one statement that
        also counts their facet values; plus, either way, exact and prefix title matches."""
        if nums is not None:
            return self._ranked_chosen(cursor, nums, work)
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

    def _ranked_chosen(self, cursor, nums: np.ndarray, work: np.ndarray) -> _Ranked:
        """Relevance among the matches the count index chose: the statement ranks them and
        returns the best few hundred records, of which the first per work (`work`: the work
        of every record number) stands for it; the editions are counted among `nums`. The
        works come in the order of their best record (rank, then year, newest first, then
        record id)."""
        wanted = self.query.page * self.query.page_size
        depth = wanted * 3 // 2 + 10
        # Without text every record ranks alike (0).
        rank = f"{self.rank} DESC, " if self.text_condition else ""
        while True:
            cursor.execute(
                f"SELECT r.num, r.record_id FROM catalogue_record r "
                f"WHERE r.num = ANY(%(nums)s) "
                f"ORDER BY {rank}r.year DESC NULLS LAST, r.record_id LIMIT %(depth)s",
                {**self.params, "nums": nums.tolist(), "depth": depth},
            )
            rows = cursor.fetchall()
            firsts: dict[int, tuple[str, int]] = {}
            for num, record_id in rows:
                firsts.setdefault(int(work[num]), (record_id, num))
            if len(firsts) >= wanted or len(rows) < depth:
                break
            depth *= 4
        editions = Counter(work[nums].tolist())
        start = (self.query.page - 1) * self.query.page_size
        page = list(firsts.items())[start:wanted]
        return _Ranked(
            page=[(record_id, editions[work_id]) for work_id, (record_id, _n) in page],
            works=int(np.unique(work[nums]).size),
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
