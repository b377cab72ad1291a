"""Ordering on PostgreSQL: the exact newest and title orders of broad searches, by walking the
year or title index or sorting the matches up to a cutoff."""

from __future__ import annotations

from catalogue.backends.base import SortOrder
from catalogue.backends.local import limits


class _Ordering:
    """The ordering statements of `query._PostgresSearch` (which holds the conditions)."""

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
        depth = min(limits.WALK_LIMIT, wanted * 3 // 2 + 10)
        while True:
            cursor.execute(sql, {**params, "depth": depth})
            rows = cursor.fetchall()
            works: dict[str, str] = {}
            for record_id, work_key in rows:
                works.setdefault(work_key, record_id)
            if len(works) >= wanted or len(rows) < depth or depth >= limits.WALK_LIMIT:
                return works
            depth = min(limits.WALK_LIMIT, depth * 4)
