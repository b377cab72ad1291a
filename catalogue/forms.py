"""Turn query-string parameters into a SearchQuery. Any input gives a valid query: overlong
text is cut, unknown facets and sorts are ignored, NUL bytes and control characters dropped."""

from __future__ import annotations

import re

from django.http import QueryDict

from catalogue.backends.base import FACETS, MAX_PAGE, MAX_QUERY_LENGTH, SearchQuery, SortOrder

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MAX_FACET_VALUES = 10
MAX_FACET_LENGTH = 120


def clean_text(value: str, length: int = MAX_QUERY_LENGTH) -> str:
    return " ".join(CONTROL.sub(" ", value or "").split())[:length]


def search_query_from(params: QueryDict) -> SearchQuery:
    text = clean_text(params.get("q", ""))
    facets: dict[str, tuple[str, ...]] = {}
    for name in FACETS:
        values = [clean_text(v, MAX_FACET_LENGTH) for v in params.getlist(name)[:MAX_FACET_VALUES]]
        values = [v for v in dict.fromkeys(values) if v]
        if values:
            facets[name] = tuple(values)
    sort = params.get("sorteer", SortOrder.RELEVANCE)
    if sort not in SortOrder.CHOICES:
        sort = SortOrder.RELEVANCE
    try:
        page = int(params.get("pagina", "1"))
    except (TypeError, ValueError):
        page = 1
    page = min(max(page, 1), MAX_PAGE)
    return SearchQuery(text=text, facets=facets, sort=sort, page=page)
