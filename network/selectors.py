"""Reads over the whole network: which sites, agendas and regions there are (one cached map),
the network agenda with counts per filter value, and the search over every site's pages.

The agenda reads the sites' own occurrence rows (events.Occurrence): a regional or network
agenda holds no copies, each event links to the page on its own site.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, DateTimeField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from wagtail.models import Page, Site

from events import taxonomy
from events.models import EventIndexPage, Occurrence
from events.selectors import (
    AgendaItem,
    age_q,
    event_cards_load,
    occurrences_matching,
    when_window,
)
from home.models import (
    REGION_MEMBER_KINDS,
    IdentitySettings,
    RegionMunicipality,
    SiteKind,
    Tenant,
)
from home.models.tenancy import Province
from home.search import search_terms

PER_PAGE = 20
SEARCH_PER_PAGE = 20
MAP_KEY = "network-map:{}"
GENERATION_KEY = "network-map-generation"
# The kinds of site whose events the network agenda lists and filters by ("soort").
EVENT_SITE_KINDS = (SiteKind.LIBRARY, SiteKind.CULTURAL_CENTRE, SiteKind.COMMUNITY_CENTRE)


@dataclass(frozen=True)
class SiteEntry:
    site_id: int
    name: str
    root_url: str
    root_path: str
    slug: str
    kind: str
    province: str
    nis_code: str
    municipality: str
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegionEntry:
    slug: str
    name: str
    site_id: int
    kind: str
    nis_codes: frozenset[str]
    member_site_ids: frozenset[int]


@dataclass
class NetworkMap:
    """Every site with what the agenda filters by, every live agenda and every region."""

    sites: dict[int, SiteEntry] = field(default_factory=dict)
    agendas: dict[int, int] = field(default_factory=dict)  # agenda page id -> site id
    regions: dict[str, RegionEntry] = field(default_factory=dict)
    by_root: dict[str, int] = field(default_factory=dict)  # home page path -> site id

    def site_for_path(self, path: str) -> SiteEntry | None:
        # Every site's home page sits right under the tree root (provisioning puts it there).
        site_id = self.by_root.get(path[: 2 * Page.steplen])
        return self.sites.get(site_id) if site_id is not None else None

    def municipalities(self) -> list[tuple[str, str]]:
        names = {
            site.nis_code: site.municipality
            for site in self.sites.values()
            if site.nis_code and site.kind in EVENT_SITE_KINDS
        }
        return sorted(names.items(), key=lambda item: item[1])

    def region_for_site(self, site_id: int) -> RegionEntry | None:
        for region in self.regions.values():
            if region.site_id == site_id:
                return region
        return None


def network_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return int(generation)


def network_map_retire() -> None:
    """Sites, identities, regions or agendas changed: the next read builds the map again."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def _network_map_build() -> NetworkMap:
    """Five queries, whatever the number of sites."""
    tenants = dict(Tenant.objects.values_list("site_id", "slug"))
    kinds = dict(Tenant.objects.values_list("site_id", "kind"))
    identities = {
        row["site_id"]: row
        for row in IdentitySettings.objects.values(
            "site_id", "province", "nis_code", "municipality"
        )
    }
    sites: dict[int, SiteEntry] = {}
    region_rows: dict[int, list[str]] = defaultdict(list)
    region_meta: dict[int, tuple[str, str, int, str]] = {}
    for region_id, slug, kind, site_id, name, nis_code in RegionMunicipality.objects.values_list(
        "region_id",
        "region__slug",
        "region__kind",
        "region__site_id",
        "region__site__site_name",
        "nis_code",
    ):
        region_rows[region_id].append(nis_code)
        region_meta[region_id] = (slug, name, site_id, kind)
    for site in Site.objects.values("id", "site_name", "hostname", "port", "root_page__path"):
        identity = identities.get(site["id"], {})
        sites[site["id"]] = SiteEntry(
            site_id=site["id"],
            name=site["site_name"] or site["hostname"],
            root_url=Site(hostname=site["hostname"], port=site["port"]).root_url,
            root_path=site["root_page__path"],
            slug=tenants.get(site["id"], ""),
            kind=kinds.get(site["id"], ""),
            province=identity.get("province", ""),
            nis_code=identity.get("nis_code", ""),
            municipality=identity.get("municipality", ""),
        )
    regions: dict[str, RegionEntry] = {}
    for region_id, nis_codes in region_rows.items():
        slug, name, region_site_id, kind = region_meta[region_id]
        member_kinds = REGION_MEMBER_KINDS.get(kind, ())
        codes = frozenset(nis_codes)
        members = frozenset(
            site.site_id
            for site in sites.values()
            if site.kind in member_kinds and site.nis_code in codes
        )
        regions[slug] = RegionEntry(
            slug=slug,
            name=name,
            site_id=region_site_id,
            kind=kind,
            nis_codes=codes,
            member_site_ids=members,
        )
    memberships: dict[int, list[str]] = defaultdict(list)
    for region in regions.values():
        for site_id in region.member_site_ids:
            memberships[site_id].append(region.slug)
    for site_id, slugs in memberships.items():
        site = sites[site_id]
        sites[site_id] = SiteEntry(**{**site.__dict__, "regions": tuple(sorted(slugs))})
    network = NetworkMap(
        sites=sites,
        regions=regions,
        by_root={site.root_path: site.site_id for site in sites.values()},
    )
    for agenda_id, path in EventIndexPage.objects.live().values_list("pk", "path"):
        site = network.site_for_path(path)
        if site is not None:
            network.agendas[agenda_id] = site.site_id
    return network


def network_map() -> NetworkMap:
    key = MAP_KEY.format(network_generation())
    network = cache.get(key)
    if network is None:
        network = _network_map_build()
        cache.set(key, network, timeout=3600)
    return network


# --- The agenda -------------------------------------------------------------------------------


def scope_site_ids(*, network: NetworkMap, site: Site | None) -> set[int] | None:
    """The sites whose events an agenda page on `site` gathers: a regional site's members,
    everything (None) on the network site."""
    if site is None:
        return None
    region = network.region_for_site(site.pk)
    if region is None:
        return None
    return set(region.member_site_ids)


def _site_matches(site: SiteEntry, filters: dict) -> bool:
    if site.kind not in EVENT_SITE_KINDS:
        return False
    if filters.get("soort") and site.kind != filters["soort"]:
        return False
    if filters.get("provincie") and site.province != filters["provincie"]:
        return False
    if filters.get("gemeente") and site.nis_code != filters["gemeente"]:
        return False
    return not (filters.get("regio") and filters["regio"] not in site.regions)


def agenda_ids(
    *, network: NetworkMap, filters: dict, site_ids: set[int] | None = None
) -> list[int]:
    """The agendas of the sites in scope that match the site filters (kind, province,
    municipality, region)."""
    return sorted(
        agenda_id
        for agenda_id, site_id in network.agendas.items()
        if (site_ids is None or site_id in site_ids)
        and _site_matches(network.sites[site_id], filters)
    )


def network_occurrences(
    *, network: NetworkMap, filters: dict, now: dt.datetime, site_ids: set[int] | None = None
) -> QuerySet[Occurrence]:
    agendas = agenda_ids(network=network, filters=filters, site_ids=site_ids)
    return occurrences_matching(scope=Q(agenda_id__in=agendas), filters=filters, now=now)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class NetworkAgendaResult:
    page_obj: Any
    items: list[AgendaItem]
    total: int
    facets: dict[str, list[FacetValue]]


class _Counted:
    """A grouped queryset whose length is known already (the sum of the per-agenda counts),
    so the paginator does not count it again."""

    def __init__(self, queryset: QuerySet, count: int) -> None:
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        return self.queryset[item]


def _age_counts(occurrences: QuerySet[Occurrence]) -> dict[str, int]:
    aggregates = {
        slug.replace("-", "_"): Count(
            "page_id", distinct=True, filter=age_q({"leeftijdsgroep": slug})
        )
        for slug in taxonomy.AGE_GROUPS
    }
    row = occurrences.order_by().aggregate(**aggregates)
    return {slug: row[slug.replace("-", "_")] or 0 for slug in taxonomy.AGE_GROUPS}


def _facets(
    *, network: NetworkMap, occurrences: QuerySet[Occurrence], scoped: bool
) -> tuple[int, dict[str, list[FacetValue]]]:
    """Counts of events (not dates) per value of each filter, under the current filters:
    three grouped queries and one aggregate."""
    base = occurrences.order_by()
    per_agenda = {
        row["agenda_id"]: row["n"]
        for row in base.values("agenda_id").annotate(n=Count("page_id", distinct=True))
    }
    per_type = {
        row["page__event_type"]: row["n"]
        for row in base.values("page__event_type").annotate(n=Count("page_id", distinct=True))
    }
    per_theme = {
        row["page__theme"]: row["n"]
        for row in base.values("page__theme").annotate(n=Count("page_id", distinct=True))
    }
    per_age = _age_counts(base)
    by_kind: dict[str, int] = defaultdict(int)
    by_province: dict[str, int] = defaultdict(int)
    by_municipality: dict[str, int] = defaultdict(int)
    by_region: dict[str, int] = defaultdict(int)
    for agenda_id, count in per_agenda.items():
        site = network.sites[network.agendas[agenda_id]]
        by_kind[site.kind] += count
        by_province[site.province] += count
        by_municipality[site.nis_code] += count
        for region in site.regions:
            by_region[region] += count
    labels = dict(SiteKind.choices)
    facets = {
        "soort": [FacetValue(kind, str(labels[kind]), by_kind[kind]) for kind in EVENT_SITE_KINDS],
        "type": [
            FacetValue(value, label, per_type.get(value, 0))
            for value, label in taxonomy.choices(taxonomy.EVENT_TYPES)
        ],
        "thema": [
            FacetValue(value, label, per_theme.get(value, 0))
            for value, label in taxonomy.choices(taxonomy.THEMES)
        ],
        "leeftijdsgroep": [
            FacetValue(group.slug, group.label, per_age[group.slug])
            for group in taxonomy.AGE_GROUPS.values()
        ],
    }
    if not scoped:
        facets["provincie"] = [
            FacetValue(value, str(label), by_province[value]) for value, label in Province.choices
        ]
        facets["regio"] = [
            FacetValue(region.slug, region.name, by_region[region.slug])
            for region in sorted(network.regions.values(), key=lambda region: region.name)
        ]
    facets["gemeente"] = [
        FacetValue(code, name, by_municipality[code])
        for code, name in network.municipalities()
        if not scoped or by_municipality[code]
    ]
    return sum(per_agenda.values()), facets


def network_agenda_page(
    *,
    filters: dict,
    site: Site | None = None,
    page_number: int = 1,
    per_page: int = PER_PAGE,
    now: dt.datetime | None = None,
) -> NetworkAgendaResult:
    """One page of the network's (or a region's) events, each once at its first matching date,
    with the counts per filter value. About nine queries whatever the size of the network."""
    now = now or timezone.now()
    network = network_map()
    site_ids = scope_site_ids(network=network, site=site)
    occurrences = network_occurrences(network=network, filters=filters, now=now, site_ids=site_ids)
    total, facets = _facets(network=network, occurrences=occurrences, scoped=site_ids is not None)
    start, _end = when_window(filters=filters, now=now)
    grouped = (
        occurrences.order_by()
        .values("page_id")
        .annotate(
            sort_key=Min(Greatest("start", Value(start, output_field=DateTimeField()))),
            first_start=Min("start"),
            count=Sum("sessions"),
        )
        .order_by("sort_key", "page_id")
    )
    page_obj = Paginator(_Counted(grouped, total), per_page).get_page(page_number)
    items = event_cards_load(rows=list(page_obj.object_list), now=now)
    for item in items:
        item.site = network.site_for_path(item.event.path)
    return NetworkAgendaResult(page_obj=page_obj, items=items, total=total, facets=facets)


# --- Search -----------------------------------------------------------------------------------


@dataclass
class SearchHit:
    page: Page
    site: SiteEntry | None


def network_pages_search(*, query: str, site_ids: set[int] | None = None) -> QuerySet[Page]:
    """Live, public pages of every site (or of the given sites) matching the query, best
    first (Wagtail's search backend: PostgreSQL full text, or Elasticsearch when set)."""
    terms = search_terms(query)
    if not terms:
        return Page.objects.none()
    pages = Page.objects.live().public().filter(depth__gte=2)
    if site_ids is not None:
        network = network_map()
        roots = Q()
        for site_id in site_ids:
            roots |= Q(path__startswith=network.sites[site_id].root_path)
        pages = pages.filter(roots) if roots else Page.objects.none()
    return pages.specific().search(terms, operator="and")


def search_hits_label(*, pages: list[Page]) -> list[SearchHit]:
    """Each result with the site it belongs to (from the cached map: no queries)."""
    network = network_map()
    return [SearchHit(page=page, site=network.site_for_path(page.path)) for page in pages]
