"""Ranking and counting in SQL on PostgreSQL: the statement for narrow searches (rank, group
editions, cut the page, count works and facet values), also used, over every match, for the
queries the count index does not evaluate; the ranked sample of broad searches and the sample
that gives their title order a cutoff. Broad searches take their counts from
`countindex`."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from catalogue.backends.base import SortOrder
from catalogue.backends.local import limits


@dataclass
class _Ranked:
    page: list[tuple[str, int]]  # (record id, editions) of the requested page
    works: int  # works among the candidates
    candidates: int  # matching records among the candidates (not the title matches)
    matching_works: int  # works of those
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

    def ranked(self, cursor, *, buckets: int = 0, exhaustive: bool = False) -> _Ranked:
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
            limit = 4 * limits.SAMPLE_SIZE
        else:
            where = self.conditions
            limit = "ALL" if exhaustive else limits.CANDIDATES
        candidates = (
            f"SELECT {columns}, 1 AS part FROM catalogue_record r WHERE {where} LIMIT {limit}"
        )
        if self.text_condition:
            # The title index narrows these down; facets are checked on its rows.
            title_where = " AND ".join(["r.title_norm LIKE %(qprefix)s", *self.row_facet_where])
            candidates = (
                f"({candidates}) UNION ALL (SELECT {columns}, 2 AS part "
                f"FROM catalogue_record r WHERE {title_where} LIMIT {limits.TITLE_CANDIDATES})"
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
