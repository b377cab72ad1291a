"""Reads for the catalogue pages and blocks. Every function takes the site or its profile."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from wagtail.models import Site

from catalogue.marc import language_label
from catalogue.models import CatalogueSearchPage, Holding, Record


def catalogue_profile_for_site(*, site: Site | None) -> str:
    if site is None:
        return ""
    from home.models import IntegrationSettings

    return IntegrationSettings.for_site(site).catalogue_profile


def catalogue_page_for_site(*, site: Site | None) -> CatalogueSearchPage | None:
    if site is None:
        return None
    return CatalogueSearchPage.objects.live().descendant_of(site.root_page).first()


@dataclass
class NewTitle:
    record_id: str
    title: str
    author: str
    year: int | None
    material: str
    audience: str
    language: str
    cover_url: str
    url: str = ""


def new_acquisitions(
    *, profile: str, audience: str = "", genre: str = "", limit: int = 6
) -> list[NewTitle]:
    """The latest acquisitions of a library profile (newest holding first), optionally for one
    audience or genre; without a profile, the latest records of the whole index."""
    if profile:
        holdings = Holding.objects.filter(profile=profile, acquired_on__isnull=False)
        if audience:
            holdings = holdings.filter(record__audience=audience)
        if genre and connection.vendor == "postgresql":
            holdings = holdings.filter(record__facet_keys__contains=[f"g:{genre}"])
        rows = holdings.select_related("record").order_by("-acquired_on", "record_id")[: limit * 4]
        records = [h.record for h in rows]
    else:
        queryset = Record.objects.filter(acquired_on__isnull=False)
        if audience:
            queryset = queryset.filter(audience=audience)
        if genre and connection.vendor == "postgresql":
            queryset = queryset.filter(facet_keys__contains=[f"g:{genre}"])
        records = list(queryset.order_by("-acquired_on", "record_id")[: limit * 4])
    seen: set[str] = set()
    result = []
    for record in records:
        if record.record_id in seen or (genre and genre not in record.genres):
            continue
        seen.add(record.record_id)
        result.append(
            NewTitle(
                record_id=record.record_id,
                title=record.title,
                author=record.main_author,
                year=record.year,
                material=record.material,
                audience=record.audience,
                language=language_label(record.language) if record.language else "",
                cover_url=record.cover_url,
            )
        )
        if len(result) >= limit:
            break
    return result
