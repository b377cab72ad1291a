"""Query building on PostgreSQL: the conditions of one search (text, ISBN, facet filters) and
the parameters that the counting and ordering statements share."""

from __future__ import annotations

import json
import re

from catalogue.backends.base import FACETS, SearchQuery
from catalogue.backends.local import limits
from catalogue.backends.local.counting import _Counting
from catalogue.marc import isbn_normalise


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


class _PostgresSearch(_Counting):
    """The SQL of one search on PostgreSQL: its conditions and the statements built on them."""

    def __init__(self, query: SearchQuery, *, text: str, isbn: str, normalised: str) -> None:
        self.query = query
        self.params: dict[str, object] = {"qn": normalised, "qprefix": normalised + "%"}
        self.text_condition = bool(text and not isbn and normalised)
        where: list[str] = []
        self.facet_where: list[str] = []
        row_facet_where: list[str] = []
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
                indexable = not where or key not in limits.BROAD_FACET_KEYS
                alternatives.append(condition if indexable else f"COALESCE({condition}, false)")
                on_rows.append(f"COALESCE({condition}, false)")
            self.facet_where.append("(" + " OR ".join(alternatives) + ")")
            row_facet_where.append("(" + " OR ".join(on_rows if where else alternatives) + ")")
        self.conditions = (
            " AND ".join(where + self.facet_where) if where or self.facet_where else None
        )
        # The facets checked on the rows of another index (the title matches).
        self.row_facet_where = row_facet_where
        self.params["limit"] = query.page_size
        self.params["offset"] = (query.page - 1) * query.page_size
