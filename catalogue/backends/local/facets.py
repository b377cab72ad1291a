"""Facet values of the local index: labels, and the facet lists the results page shows, built
from counts of `prefix:value` keys (see `catalogue.services.facet_keys_for`)."""

from __future__ import annotations

from collections import Counter, defaultdict

from catalogue.backends.base import FACET_LIMIT, FACETS, Facet, FacetValue, SearchQuery
from catalogue.marc import language_label

PREFIX_TO_NAME = {prefix: name for name, (prefix, _label) in FACETS.items()}


def facet_label(prefix: str, value: str) -> str:
    if prefix == "t":
        return language_label(value)
    return value


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
