"""Branches are places: a holding's branch, as the catalogue names it, maps to a location page of
the site, with that location's opening status right now.

A location page's `branch_code` is matched first (what the export's 852 $b or the catalogue
service's branch name says); a location without a code is matched on its title. Matching
ignores case, accents and repeated spaces. A branch that matches no location stays plain text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Site

from catalogue.backends.base import BranchAvailability
from library_pages.models import LocationPage
from library_pages.opening_hours import OpeningStatus, opening_status
from library_pages.selectors import locations_for_site


def branch_key(value: str) -> str:
    """The form in which branch codes, branch names and location titles are compared."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class BranchCopy:
    """One row of a record page's availability table."""

    copy: BranchAvailability
    location: LocationPage | None = None
    url: str = ""
    status: OpeningStatus | None = None


def locations_by_branch(
    *, site: Site, locations: list[LocationPage] | None = None
) -> dict[str, LocationPage]:
    """The site's live locations keyed on their branch code, and on their title when they have
    none (a code always wins over another location's title). Three queries, none when the
    caller passes the site's locations (with their hours prefetched)."""
    if locations is None:
        locations = locations_for_site(root=site.root_page)
    keyed: dict[str, LocationPage] = {}
    for location in locations:
        if not location.branch_code.strip():
            keyed.setdefault(branch_key(location.title), location)
    for location in locations:
        if location.branch_code.strip():
            keyed[branch_key(location.branch_code)] = location
    return keyed


def branch_copies(
    *,
    site: Site | None,
    availability: list[BranchAvailability],
    now: dt.datetime | None = None,
    locations: list[LocationPage] | None = None,
) -> list[BranchCopy]:
    """Each copy with its location page, the page's URL on `site` and whether it is open now.

    The opening status lowers the lifetime of the page being rendered (home.lifetime) to the
    next opening or closing, so a cached record page never shows a stale "Nu open".
    `locations`: the site's live locations when the caller has them (the page shell's
    `locations_today`), which saves their three queries."""
    if site is None or not availability:
        return [BranchCopy(copy=copy) for copy in availability]
    keyed = locations_by_branch(site=site, locations=locations)
    moment = now or timezone.now()
    statuses: dict[int, OpeningStatus] = {}
    rows = []
    for copy in availability:
        location = keyed.get(branch_key(copy.branch))
        if location is None:
            rows.append(BranchCopy(copy=copy))
            continue
        if location.pk not in statuses:
            statuses[location.pk] = opening_status(location=location, now=moment)
        rows.append(
            BranchCopy(
                copy=copy,
                location=location,
                url=location.relative_url(site) or "",
                status=statuses[location.pk],
            )
        )
    return rows
