"""Reads of the open-data feeds: one scope (a site, or the whole network) and one page of
locations, events or news, in a fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from wagtail.models import Page, Site

from events.models import EventIndexPage, Occurrence
from events.recurrence import BRUSSELS
from events.selectors import event_structured_data
from home.models import SiteKind, Tenant
from library_pages.models import LocationPage, NewsPage
from library_pages.opening_hours import opening_hours_specification

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50

# schema.org types by site kind: a library is a Library, the centres are civic structures.
PLACE_TYPES = {"bibliotheek": "Library"}


@dataclass(frozen=True)
class FeedScope:
    """A site (its feeds hold its own content only) or the network (every site)."""

    site: Site | None
    sites: list[Site]

    @property
    def is_network(self) -> bool:
        return self.site is None

    def site_of(self, page: Page) -> Site | None:
        """The site a page belongs to: the longest root path that prefixes its path."""
        best = None
        for site in self.sites:
            root = site.root_page.path
            if page.path.startswith(root) and (
                best is None or len(root) > len(best.root_page.path)
            ):
                best = site
        return best


def feed_scope(*, site: Site | None) -> FeedScope:
    # The network site (sitegen network, on the landing host) serves the network's feeds.
    if site is not None and Tenant.objects.filter(site_id=site.pk, kind=SiteKind.NETWORK).exists():
        site = None
    if site is not None:
        site = Site.objects.select_related("root_page").get(pk=site.pk)
        return FeedScope(site=site, sites=[site])
    return FeedScope(
        site=None, sites=list(Site.objects.select_related("root_page").order_by("site_name"))
    )


def _within(queryset: QuerySet, scope: FeedScope) -> QuerySet:
    if scope.site is None:
        return queryset
    return queryset.filter(path__startswith=scope.site.root_page.path)


def _site_data(site: Site | None, request) -> dict[str, Any] | None:
    if site is None:
        return None
    return {"@type": "WebSite", "name": site.site_name, "url": site.root_page.get_full_url(request)}


# --- locations -------------------------------------------------------------------------------


def locations_page(*, scope: FeedScope, page: int, per_page: int, request, today: dt.date):
    queryset = (
        _within(LocationPage.objects.live(), scope)
        .order_by("path")
        .prefetch_related("weekly_hours", "exceptional_hours")
    )
    paginator = Paginator(queryset, per_page)
    current = paginator.page(page) if page <= paginator.num_pages else None
    kinds = dict(
        Tenant.objects.filter(site__in=[site.pk for site in scope.sites]).values_list(
            "site_id", "kind"
        )
    )
    items = []
    for location in current.object_list if current else []:
        site = scope.site_of(location)
        kind = kinds.get(site.pk) if site else None
        data: dict[str, Any] = {
            "@type": PLACE_TYPES.get(kind, "CivicStructure"),
            "@id": location.get_full_url(request),
            "name": location.title,
            "url": location.get_full_url(request),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": location.street,
                "postalCode": location.postal_code,
                "addressLocality": location.city,
                "addressCountry": "BE",
            },
            "openingHoursSpecification": opening_hours_specification(
                location=location, today=today
            ),
        }
        if location.intro:
            data["description"] = location.intro
        if location.latitude is not None and location.longitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(location.latitude),
                "longitude": float(location.longitude),
            }
        if location.phone:
            data["telephone"] = location.phone
        if location.email:
            data["email"] = location.email
        if scope.is_network:
            data["isPartOf"] = _site_data(site, request)
        items.append(data)
    return paginator, items


# --- events ----------------------------------------------------------------------------------


def events_page(
    *,
    scope: FeedScope,
    page: int,
    per_page: int,
    request,
    start: dt.datetime,
    end: dt.datetime | None,
):
    """One schema.org Event per occurrence that has not ended, in start order."""
    queryset = Occurrence.objects.filter(live=True, end__gte=start)
    if end is not None:
        queryset = queryset.filter(start__lt=end)
    if scope.site is not None:
        agendas = EventIndexPage.objects.filter(path__startswith=scope.site.root_page.path)
        queryset = queryset.filter(agenda__in=agendas)
    queryset = queryset.select_related("page", "page__location_page").order_by("start", "pk")
    paginator = Paginator(queryset, per_page)
    current = paginator.page(page) if page <= paginator.num_pages else None
    items = []
    for occurrence in current.object_list if current else []:
        event = occurrence.page
        url = event.get_full_url(request)
        data = event_structured_data(event=event, occurrence=occurrence, url=url)
        data.pop("@context", None)
        data["@id"] = f"{url}#{occurrence.start.astimezone(BRUSSELS):%Y%m%dT%H%M}"
        if scope.is_network:
            data["isPartOf"] = _site_data(scope.site_of(event), request)
        items.append(data)
    return paginator, items


# --- news ------------------------------------------------------------------------------------


def news_page(*, scope: FeedScope, page: int, per_page: int, request):
    queryset = _within(NewsPage.objects.live(), scope).order_by("-date", "-pk")
    paginator = Paginator(queryset, per_page)
    current = paginator.page(page) if page <= paginator.num_pages else None
    items = []
    for article in current.object_list if current else []:
        url = article.get_full_url(request)
        data: dict[str, Any] = {
            "@type": "NewsArticle",
            "@id": url,
            "url": url,
            "headline": article.title,
            "description": article.intro,
            "datePublished": article.date.isoformat(),
            "inLanguage": "nl-BE",
        }
        if article.last_published_at:
            data["dateModified"] = article.last_published_at.astimezone(BRUSSELS).isoformat(
                timespec="seconds"
            )
        if scope.is_network:
            data["isPartOf"] = _site_data(scope.site_of(article), request)
        items.append(data)
    return paginator, items
