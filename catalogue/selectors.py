"""Reads for the catalogue pages and blocks. Every function takes the site or its profile."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.db import connection
from django.utils.text import slugify
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
    isbn: str = ""
    cover: Cover | None = None


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
                isbn=record.isbns[0] if record.isbns else "",
            )
        )
        if len(result) >= limit:
            break
    return result


@dataclass
class Cover:
    """What a cover shows: the image at `url` (loaded by the visitor's browser) over a generated
    cover with the title, the author and the colour of the material, which stays when there is
    no image or it does not load."""

    title: str
    author: str = ""
    material: str = ""
    url: str = ""

    @property
    def material_class(self) -> str:
        return slugify(self.material) or "ander-materiaal"


def cover_url_for(*, template: str, record_id: str, isbn: str, stored: str = "") -> str:
    """The record's own cover (856) or the catalogue page's cover URL template filled in with
    the ISBN-13 ({isbn}) or the record id ({id}); "" when the template needs what the record
    lacks. Only https addresses: the CSP allows no other images."""
    if stored.startswith("https://"):
        return stored
    if not template.startswith("https://"):
        return ""
    if "{isbn}" in template and not isbn:
        return ""
    url = template.replace("{isbn}", quote(isbn, safe="")).replace(
        "{id}", quote(record_id, safe="")
    )
    return url


def cover_for(
    *,
    template: str,
    record_id: str,
    isbn: str,
    stored: str,
    title: str,
    author: str,
    material: str,
) -> Cover:
    return Cover(
        title=title,
        author=author,
        material=material,
        url=cover_url_for(template=template, record_id=record_id, isbn=isbn, stored=stored),
    )


def cover_for_title(*, template: str, title) -> Cover:
    """The cover of a listed title: anything with record_id, isbn, cover_url, title, author
    and material (recommendations, Bieblo books, books of the Boeken block)."""
    return cover_for(
        template=template,
        record_id=title.record_id,
        isbn=title.isbn,
        stored=title.cover_url,
        title=title.title,
        author=title.author,
        material=title.material,
    )
