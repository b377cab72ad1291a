"""Views behind the routes of CatalogueSearchPage: results, record page, suggestions."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from wagtail.models import Site

from catalogue.account import reserve_url_for
from catalogue.backends import CatalogueUnavailable, backend_for
from catalogue.backends.base import FACETS, RecordDetail, SearchQuery, SearchResults, SortOrder
from catalogue.bieblo import bieblo_books, bieblo_choice_from, bieblo_context
from catalogue.branches import branch_copies
from catalogue.forms import clean_text, search_query_from
from catalogue.marc import isbn_normalise
from catalogue.models import CatalogueBackend, CatalogueSearchPage
from catalogue.recommendations import recommendations_for
from catalogue.selectors import catalogue_profile_for_site, cover_for, cover_for_title
from home.shell import site_shell_for_request

logger = logging.getLogger(__name__)

RECORD_ID = re.compile(r"^[\w.-]{1,64}$")
UNAVAILABLE = _(
    "De catalogus is op dit moment niet bereikbaar. Probeer het binnen enkele minuten opnieuw."
)
SCHEMA_FORMATS = {
    "boek": "https://schema.org/Hardcover",
    "e-boek": "https://schema.org/EBook",
    "luisterboek": "https://schema.org/AudiobookFormat",
    "grote letter": "https://schema.org/Paperback",
}


@dataclass
class PageInfo:
    """What components/pagination.html needs, for totals that may come from a remote service."""

    number: int
    num_pages: int

    @property
    def paginator(self) -> PageInfo:
        return self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _backend(request: HttpRequest, page: CatalogueSearchPage):
    site = Site.find_for_request(request) or page.get_site()
    return backend_for(backend=page.backend, profile=catalogue_profile_for_site(site=site))


def _query_string(query: SearchQuery, **overrides: object) -> str:
    params: list[tuple[str, str]] = []
    if query.text:
        params.append(("q", query.text))
    for name, values in query.facets.items():
        params.extend((name, value) for value in values)
    sort = overrides.get("sort", query.sort)
    if sort != SortOrder.RELEVANCE:
        params.append(("sorteer", str(sort)))
    return urlencode(params)


def _facet_value_label(results: SearchResults, name: str, value: str) -> str:
    for facet in results.facets:
        if facet.name == name:
            for facet_value in facet.values:
                if facet_value.value == value:
                    return facet_value.label
    return value


def catalogue_search(request: HttpRequest, *, page: CatalogueSearchPage) -> HttpResponse:
    query = search_query_from(request.GET)
    backend = _backend(request, page)
    try:
        results = backend.search(query)
    except CatalogueUnavailable:
        results = SearchResults(query=query, error=UNAVAILABLE)
    base_url = page.get_url(request) or page.url
    record_base = base_url + page.reverse_subpage("record_view", args=["__id__"])
    for hit in results.hits:
        hit.url = record_base.replace("__id__", quote(hit.record_id, safe=""))
        hit.cover = cover_for(
            template=page.cover_url_template,
            record_id=hit.record_id,
            isbn=hit.isbn,
            stored=hit.cover_url,
            title=hit.title,
            author=hit.authors[0] if hit.authors else "",
            material=hit.material,
        )
    active_filters = []
    for name, values in query.facets.items():
        for value in values:
            remaining = {
                n: tuple(v for v in vs if (n, v) != (name, value)) for n, vs in query.facets.items()
            }
            without = SearchQuery(text=query.text, facets=remaining, sort=query.sort)
            active_filters.append(
                {
                    "label": str(FACETS[name][1]),
                    "value": _facet_value_label(results, name, value),
                    "remove_url": f"{base_url}?{_query_string(without)}",
                }
            )
    context = {
        "query": query,
        "results": results,
        "searched": not query.is_empty,
        "active_filters": active_filters,
        "sort_choices": [
            (SortOrder.RELEVANCE, _("Relevantie")),
            (SortOrder.NEWEST, _("Nieuwste eerst")),
            (SortOrder.TITLE, _("Titel (A-Z)")),
        ],
        "page_info": PageInfo(number=query.page, num_pages=results.num_pages),
        "extra_query": _query_string(query),
        "suggest_url": base_url + page.reverse_subpage("suggest_view"),
    }
    return page.render(
        request, template="catalogue/catalogue_search_page.html", context_overrides=context
    )


def record_json_ld(detail: RecordDetail, *, url: str) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Book"
        if detail.material in ("boek", "e-boek", "luisterboek", "strip")
        else "CreativeWork",
        "name": detail.title,
        "url": url,
    }
    authors = [a["name"] for a in detail.authors if a.get("name")]
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    if detail.isbns:
        data["isbn"] = detail.isbns[0]
    if detail.year:
        data["datePublished"] = str(detail.year)
    if detail.publisher:
        data["publisher"] = {"@type": "Organization", "name": detail.publisher}
    if detail.languages:
        data["inLanguage"] = detail.languages[0]
    if detail.summary:
        data["description"] = detail.summary
    if detail.cover_url:
        data["image"] = detail.cover_url
    if detail.edition:
        data["bookEdition"] = detail.edition
    if detail.material in SCHEMA_FORMATS:
        data["bookFormat"] = SCHEMA_FORMATS[detail.material]
    if detail.genres:
        data["genre"] = detail.genres
    if detail.audience:
        data["audience"] = {"@type": "Audience", "audienceType": detail.audience}
    text = json.dumps(data, ensure_ascii=False)
    # Inside <script>, "</" and "<!--" must not occur.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _shell_locations(shell) -> list | None:
    """The site's locations as the page shell already holds them (library_pages'
    `locations_today` contribution, cached per site), or None."""
    entries = getattr(shell, "locations_today", None)
    return None if entries is None else [entry.location for entry in entries]


def catalogue_record(
    request: HttpRequest, *, page: CatalogueSearchPage, record_id: str
) -> HttpResponse:
    if not RECORD_ID.match(record_id):
        raise Http404
    backend = _backend(request, page)
    try:
        detail = backend.record(record_id)
    except CatalogueUnavailable:
        response = page.render(
            request,
            template="catalogue/record_page.html",
            context_overrides={"detail": None, "error": UNAVAILABLE},
        )
        response.status_code = 503
        return response
    if detail is None:
        raise Http404
    site = Site.find_for_request(request)
    shell = site_shell_for_request(request=request)
    base_url = page.get_url(request) or page.url
    url = request.build_absolute_uri(
        base_url + page.reverse_subpage("record_view", args=[record_id])
    )
    record_base = base_url + page.reverse_subpage("record_view", args=["__id__"])
    for edition in detail.editions:
        edition.url = record_base.replace("__id__", quote(edition.record_id, safe=""))
    recommended = []
    if page.backend == CatalogueBackend.LOCAL:
        recommended = recommendations_for(record_id=detail.record_id, profile=backend.profile)
        for title in recommended:
            title.url = record_base.replace("__id__", quote(title.record_id, safe=""))
            title.cover = cover_for_title(template=page.cover_url_template, title=title)
    return page.render(
        request,
        template="catalogue/record_page.html",
        context_overrides={
            "detail": detail,
            "cover": cover_for(
                template=page.cover_url_template,
                record_id=detail.record_id,
                isbn=next((forms[0] for forms in map(isbn_normalise, detail.isbns) if forms), ""),
                stored=detail.cover_url,
                title=detail.title,
                author=detail.authors[0]["name"] if detail.authors else "",
                material=detail.material,
            ),
            "json_ld": record_json_ld(detail, url=url),
            "branches": branch_copies(
                site=site,
                availability=detail.availability,
                locations=_shell_locations(shell),
            ),
            "reserve_url": reserve_url_for(
                account=getattr(shell, "library_account", None),
                fallback_template=page.reserve_url_template,
                record_id=detail.record_id,
                isbns=detail.isbns,
            ),
            "back_url": base_url,
            "recommended": recommended,
        },
    )


def catalogue_suggest(request: HttpRequest, *, page: CatalogueSearchPage) -> JsonResponse:
    prefix = clean_text(request.GET.get("q", ""), 100)
    try:
        suggestions = _backend(request, page).suggest(prefix) if prefix else []
    except CatalogueUnavailable:
        suggestions = []
    response = JsonResponse(
        {"suggestions": [{"label": s.label, "kind": s.kind} for s in suggestions]}
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def catalogue_bieblo(request: HttpRequest, *, page: CatalogueSearchPage) -> HttpResponse:
    """Bieblo: pick pictures of themes and an age, get books of the youth collection."""
    choice = bieblo_choice_from(request.GET)
    site = Site.find_for_request(request) or page.get_site()
    books = bieblo_books(profile=catalogue_profile_for_site(site=site), choice=choice)
    base_url = page.get_url(request) or page.url
    record_base = base_url + page.reverse_subpage("record_view", args=["__id__"])
    for book in books:
        book.url = record_base.replace("__id__", quote(book.record_id, safe=""))
        book.cover = cover_for_title(template=page.cover_url_template, title=book)
    response = page.render(
        request,
        template="catalogue/bieblo_page.html",
        context_overrides={
            "bieblo": bieblo_context(choice, action=base_url + page.reverse_subpage("bieblo_view")),
            "books": books,
            "choice": choice,
        },
    )
    if choice.error:
        response.status_code = 400
    return response
