"""The local index: records imported from Open Vlacc into this database (see docs/catalogue.md).

One package along the seams of a search: `query` (the conditions of a search), `countindex`
(exact counts of every search from the count index, and the matches among which the hits are
chosen: the relevance sample, the exact newest and title orders), `counting` (the ranking
statements), `facets` (facet lists from counts), `words` (typo correction), `limits` (the
bounds of these strategies) and `backend` (LocalBackend, the SQLite fallback, suggestions,
record pages and availability).
"""

import sys
from types import ModuleType

from catalogue.backends.local import countindex, limits
from catalogue.backends.local.backend import LocalBackend
from catalogue.backends.local.facets import facet_label
from catalogue.backends.local.limits import (
    BROAD_FACET_KEYS,
    CANDIDATES,
    EDITIONS_LIMIT,
    SAMPLE_BUCKETS,
    SAMPLE_SIZE,
    SQLITE_CANDIDATES,
    TITLE_CANDIDATES,
)
from catalogue.backends.local.query import _PostgresSearch, isbn_in_query
from catalogue.backends.local.words import words_correct

__all__ = [
    "countindex",
    "limits",
    "BROAD_FACET_KEYS",
    "CANDIDATES",
    "EDITIONS_LIMIT",
    "SAMPLE_BUCKETS",
    "SAMPLE_SIZE",
    "SQLITE_CANDIDATES",
    "TITLE_CANDIDATES",
    "LocalBackend",
    "_PostgresSearch",
    "facet_label",
    "isbn_in_query",
    "words_correct",
]


class _Package(ModuleType):
    """Assigning a bound here (`local.CANDIDATES = 20`, as before the split) sets it in
    `limits`, which the other modules read at run time."""

    def __setattr__(self, name: str, value) -> None:
        if name.isupper() and hasattr(limits, name):
            setattr(limits, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
