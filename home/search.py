"""The site search (/zoeken/): one results page with a section per kind of content.

Home searches the site's own pages. Components add their kind through `search_sections`,
filled from their `AppConfig.ready()` (home never imports them): the agenda (events) and, on
libraries, the catalogue. A provider is called as `provider(site=..., query=..., request=...)`
and returns a `SearchSection`, or None when the site has nothing of that kind (no catalogue).

Partial words and typos: the pages are searched full-text (stemmed, every word) and on the
beginning of their title words ("voorlees" finds "Voorleesuurtje"); when both find nothing,
with trigram similarity (PostgreSQL: pg_trgm, Wagtail's `Fuzzy` query; "bibliotheeck"), and
the page offers the corrected words ("Bedoelde u ...").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import NotSupportedError
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.models import Page, PageViewRestriction, Site

PAGES_PER_PAGE = 10
# Pages read for one query: their number is the count shown ("3 pagina's"); a site has a few
# hundred pages at most, and more hits than this are shown as "meer dan 200".
PAGES_LIMIT = 200
# Items a component's section shows before its link to the full list.
SECTION_ITEMS = 5
# How close a word must be to count as the intended one (difflib ratio, 0..1).
CORRECTION_CUTOFF = 0.75


MAX_QUERY_LENGTH = 200


def visitor_query(raw: object) -> str:
    """A visitor's search words as typed (a repeated or missing parameter is no query), without
    NUL bytes and cut to a length no search needs."""
    if not isinstance(raw, str):
        return ""
    return raw.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def search_terms(query: str) -> str:
    """The words of a visitor's query, without the punctuation that the search backends read
    as syntax (SQLite FTS5 and PostgreSQL tsquery both reject stray quotes and backslashes)."""
    return " ".join(re.findall(r"\w+", query))


@dataclass
class SearchItem:
    title: str
    url: str
    description: str = ""
    # A line under the title: a date and place, an author and year.
    meta: str = ""
    start: Any = None  # an event's first coming date (a datetime), shown as a date


@dataclass
class SearchSection:
    """One kind of result. `total` counts every match; `items` are the ones shown."""

    kind: str
    heading: str
    total: int
    count_text: str
    items: list[SearchItem] = field(default_factory=list)
    # The kind's own search with this query (agenda, catalogue), and its link text.
    more_url: str = ""
    more_text: str = ""
    # The query corrected for typos, when the section found its items only that way.
    suggestion: str = ""
    # The kind could not be searched (the catalogue did not answer): said instead of a count.
    error: str = ""
    page_obj: Any = None  # the pages section pages through its results

    @property
    def found(self) -> bool:
        return self.total > 0


SectionProvider = Callable[..., "SearchSection | None"]


@dataclass(frozen=True)
class _Registered:
    provider: SectionProvider
    order: int
    page_models: tuple[type, ...]


class SearchSectionRegistry:
    """Providers of result sections, in a fixed order. `page_models`: page types the provider
    shows itself (events), left out of the pages section so that no result shows twice."""

    def __init__(self) -> None:
        self._providers: dict[str, _Registered] = {}

    def register(
        self,
        name: str,
        provider: SectionProvider,
        *,
        order: int,
        page_models: Iterable[type] = (),
    ) -> None:
        known = self._providers.get(name)
        if known is not None and known.provider is not provider:
            raise ImproperlyConfigured(f"search sections: {name!r} is registered twice")
        self._providers[name] = _Registered(provider, order, tuple(page_models))

    def providers(self) -> list[tuple[str, SectionProvider]]:
        entries = sorted(self._providers.items(), key=lambda item: item[1].order)
        return [(name, entry.provider) for name, entry in entries]

    def page_models(self) -> tuple[type, ...]:
        return tuple(model for entry in self._providers.values() for model in entry.page_models)


search_sections = SearchSectionRegistry()


# --- corrections ---------------------------------------------------------------------------------


def words_of(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(word.lower() for text in texts for word in re.findall(r"\w+", text)))


def corrected_query(query: str, *, vocabulary: Iterable[str]) -> str:
    """The query with each word that is not in `vocabulary` replaced by the closest word that
    is (the words of what a typo-forgiving search found); "" when nothing changes."""
    known = words_of(vocabulary)
    known_set = set(known)
    corrected = []
    for word in re.findall(r"\w+", query.lower()):
        if word in known_set or any(k.startswith(word) for k in known):
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, known, n=1, cutoff=CORRECTION_CUTOFF)
        corrected.append(close[0] if close else word)
    result = " ".join(corrected)
    return result if result != " ".join(re.findall(r"\w+", query.lower())) else ""


# --- the site's own pages ------------------------------------------------------------------------


def outside_restrictions() -> Exists:
    """True for a page outside every section with a view restriction: Wagtail's `public()`
    without its query of all restrictions, as a subquery of the statement itself (not for
    querysets that are searched: the search backends do not take expressions)."""
    return ~Exists(
        PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")))
    )


def _site_pages(site: Site):
    pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
    excluded = search_sections.page_models()
    if excluded:
        pages = pages.not_type(*excluded)
    return pages


def site_pages_search(*, site: Site, query: str) -> tuple[list[Page], str]:
    """Live, public pages of one site matching the query, best first (at most PAGES_LIMIT),
    and the corrected query when only the typo-forgiving search found them. Whole words
    first; when they find nothing, beginnings of title words ("voorlees" finds
    "Voorleesuurtje", which no stemmer does); then words within a typo."""
    terms = search_terms(query)
    if not terms:
        return [], ""
    pages = _site_pages(site)
    found = list(pages.search(terms, operator="and")[:PAGES_LIMIT])
    if not found:
        found = list(pages.autocomplete(terms)[:PAGES_LIMIT])
    if found:
        return found, ""
    from wagtail.search.query import Fuzzy

    try:
        fuzzy = list(pages.search(Fuzzy(terms))[:PAGES_LIMIT])
    except (NotImplementedError, NotSupportedError):
        return [], ""  # the backend has no typo-forgiving search (SQLite)
    if not fuzzy:
        return [], ""
    return fuzzy, corrected_query(terms, vocabulary=[page.title for page in fuzzy])


def pages_count_text(total: int) -> str:
    if total >= PAGES_LIMIT:
        return ngettext("meer dan %(count)s pagina", "meer dan %(count)s pagina's", PAGES_LIMIT) % {
            "count": PAGES_LIMIT
        }
    return ngettext("%(count)s pagina", "%(count)s pagina's", total) % {"count": total}


def pages_section(
    *, site: Site, query: str, request: HttpRequest, page_number: int
) -> SearchSection:
    found, suggestion = site_pages_search(site=site, query=query)
    paginator = Paginator(found, PAGES_PER_PAGE)
    page_obj = paginator.get_page(page_number)
    items = [
        SearchItem(
            title=page.title,
            url=page.get_url(request) or "",
            description=page.search_description,
        )
        for page in page_obj.object_list
    ]
    return SearchSection(
        kind="paginas",
        heading=str(_("Pagina's")),
        total=len(found),
        count_text=pages_count_text(len(found)),
        items=items,
        suggestion=suggestion,
        page_obj=page_obj,
    )


@dataclass
class SearchOutcome:
    query: str
    sections: list[SearchSection]

    @property
    def found(self) -> bool:
        return any(section.found for section in self.sections)

    @property
    def suggestion(self) -> str:
        """The first correction a section made ("Bedoelde u ..."), when it differs from the
        query."""
        for section in self.sections:
            if section.suggestion and section.suggestion != self.query.lower():
                return section.suggestion
        return ""

    @property
    def ordered(self) -> list[SearchSection]:
        """Sections with results first, each kind in its fixed order."""
        return [s for s in self.sections if s.found] + [s for s in self.sections if not s.found]

    @property
    def summary(self) -> str:
        """ "3 pagina's, 12 activiteiten en 240 titels in de catalogus": announced to screen
        readers and shown above the sections."""
        parts = [s.count_text for s in self.sections if s.found]
        if len(parts) > 1:
            return _("%(first)s en %(last)s") % {
                "first": ", ".join(parts[:-1]),
                "last": parts[-1],
            }
        return parts[0] if parts else ""


def site_search(
    *, site: Site, query: str, request: HttpRequest, page_number: int = 1
) -> SearchOutcome:
    """Every section for the query. Past the first page of pages, only the pages section."""
    sections = [pages_section(site=site, query=query, request=request, page_number=page_number)]
    if page_number <= 1:
        for _name, provider in search_sections.providers():
            section = provider(site=site, query=query, request=request)
            if section is not None:
                sections.append(section)
    return SearchOutcome(query=query, sections=sections)
