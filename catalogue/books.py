"""Books on any page (the "Boeken" block): chosen records and the best hits of a saved catalogue
search, with their availability at the library of the site that shows the page. A central
page template ("Leuven Leest") can carry the block: every site that starts a page from it
shows its own library's copies.

Everything goes through the site's catalogue backend (local index or the Cultuurconnect
service), through its public interface: record(), search() and availability().
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlsplit

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from catalogue.backends import CatalogueUnavailable, backend_for
from catalogue.backends.base import BranchAvailability, SearchQuery
from catalogue.forms import search_query_from
from catalogue.marc import isbn_normalise
from catalogue.selectors import (
    catalogue_page_for_site,
    catalogue_profile_for_site,
    cover_for_title,
)

RECORD_ID = re.compile(r"^[\w.-]{1,64}$")
MAX_CHOSEN = 12
UNREACHABLE = _("De catalogus is op dit moment niet bereikbaar.")


@dataclass
class Book:
    record_id: str
    title: str
    author: str = ""
    year: int | None = None
    material: str = ""
    isbn: str = ""
    cover_url: str = ""
    copies: list[BranchAvailability] = field(default_factory=list)
    url: str = ""
    cover: object = None

    @property
    def available_at(self) -> list[str]:
        return list(dict.fromkeys(c.branch for c in self.copies if c.available))

    @property
    def held(self) -> bool:
        return bool(self.copies)


def identifier_problem(value: str) -> str:
    """'' when `value` is a record number or an ISBN, else why not (in Dutch)."""
    value = (value or "").strip()
    if not value or isbn_normalise(value) or RECORD_ID.match(value):
        return ""
    return str(_("‘%(value)s’ is geen recordnummer of ISBN.") % {"value": value[:40]})


def saved_search_query(value: str) -> SearchQuery | None:
    """A catalogue search from the address of a results page (`/catalogus/?q=...`) or its
    query string (`q=...&doelgroep=kinderen`); None when it searches for nothing."""
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    query_string = (
        parts.query if (parts.query or parts.scheme or parts.path.startswith("/")) else value
    )
    query = search_query_from(QueryDict(query_string.lstrip("?")))
    return None if query.is_empty else query


def books_for_site(
    *, site: Site | None, identifiers: list[str], search: str, count: int, request=None
) -> tuple[list[Book], str]:
    """The chosen records (in the editor's order), then the best hits of the saved search, up
    to `count` books in all, with their copies at the site's library; and an error message
    when the catalogue could not be reached."""
    page = catalogue_page_for_site(site=site)
    if page is None:
        return [], ""
    backend = backend_for(backend=page.backend, profile=catalogue_profile_for_site(site=site))
    books: dict[str, Book] = {}
    chosen = 0
    try:
        for identifier in identifiers[:MAX_CHOSEN]:
            identifier = (identifier or "").strip()
            if not identifier or identifier_problem(identifier):
                continue
            book = _chosen(backend, identifier)
            if book is not None:
                books.setdefault(book.record_id, book)
                chosen = len(books)
        query = saved_search_query(search)
        if query is not None and len(books) < count:
            query = replace(query, page=1, page_size=count)
            for hit in backend.search(query).hits:
                books.setdefault(hit.record_id, _book_from_hit(hit))
        shown = list(books.values())[: max(count, chosen)]
        copies = backend.availability([book.record_id for book in shown]) if shown else {}
    except CatalogueUnavailable:
        return [], str(UNREACHABLE)
    base = page.get_url(request) + page.reverse_subpage("record_view", args=["__id__"])
    for book in shown:
        book.copies = copies.get(book.record_id, [])
        book.url = base.replace("__id__", quote(book.record_id, safe=""))
        book.cover = cover_for_title(template=page.cover_url_template, title=book)
    return shown, ""


def _chosen(backend, identifier: str) -> Book | None:
    """A record by its number, else by its ISBN (a record number can look like an ISBN)."""
    detail = backend.record(identifier) if RECORD_ID.match(identifier) else None
    forms = isbn_normalise(identifier)
    if detail is None and forms:
        hits = backend.search(SearchQuery(text=forms[0], page_size=1)).hits
        if not hits:
            return None
        return _book_from_hit(hits[0])
    if detail is None:
        return None
    isbn = next((f[0] for f in map(isbn_normalise, detail.isbns) if f), "")
    return Book(
        record_id=detail.record_id,
        title=detail.title,
        author=detail.authors[0]["name"] if detail.authors else "",
        year=detail.year,
        material=detail.material,
        isbn=isbn,
        cover_url=detail.cover_url,
    )


def _book_from_hit(hit) -> Book:
    return Book(
        record_id=hit.record_id,
        title=hit.title,
        author=hit.authors[0] if hit.authors else "",
        year=hit.year,
        material=hit.material,
        isbn=hit.isbn,
        cover_url=hit.cover_url,
    )
