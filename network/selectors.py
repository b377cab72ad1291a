"""Reads over the whole network: which sites, agendas and regions there are (one cached map),
the network agenda with counts per filter value, and the search over every site's pages.

The agenda reads the sites' own occurrence rows (events.Occurrence): a regional or network
agenda holds no copies, each event links to the page on its own site.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Page, PageViewRestriction, Site

from events import taxonomy
from events.models import EventIndexPage
from events.selectors import (
    AgendaItem,
    event_cards_load,
    occurrence_filter,
    when_window,
)
from home.generations import generation_token, generation_token_renew
from home.models import (
    REGION_MEMBER_KINDS,
    IdentitySettings,
    RegionMunicipality,
    SiteKind,
    Tenant,
)
from home.models.tenancy import Province
from home.search import search_terms
from network.rows import NetworkOccurrence

PER_PAGE = 20
SEARCH_PER_PAGE = 20
MAP_KEY = "network-map:v2:{}"  # v2: SiteEntry.root_url_path
GENERATION_KEY = "network-map-generation"
# The generation of every agenda's rows, and one per shard of agendas (agenda id modulo
# COUNTS_SHARDS): random tokens, so that an evicted key never brings back an old one.
ROWS_GENERATION_KEY = "network-rows-generation"
SHARD_GENERATION_KEY = "network-rows-generation:{}"
# The counts of one shard under one set of filters and scope: shard, generations, digest.
COUNTS_KEY = "network-counts:v4:{}:{}:{}"  # v4: an entry past its own expiry is missing
# The sum of the shards in scope under one set of filters: a digest of what was asked and of
# every generation (all rows, each shard, the network map).
MERGED_COUNTS_KEY = "network-counts-merged:v1:{}"
# A page of events read under one computation of the counts: token, offset, page size.
PAGE_KEY = "network-page:{}:{}:{}"
# The counts are computed and kept per shard of agendas: an event's publish retires the
# shard of its agenda only, so the next request counts the rows of a thirty-second of the
# agendas (about 3,000 events of 100,000) and takes the other shards from the cache.
COUNTS_SHARDS = 32
# How long the counts of one shard are reused while none of its events changes: events that
# end in the meantime stay counted until then. Shard k is kept COUNTS_SECONDS plus k/32 of
# it (2 to 4 minutes), so shards computed together are not all counted again together.
COUNTS_SECONDS = 120
# How long the cache keeps a shard's entry: the longest life of a shard. The shards counted
# together are written in one round trip, with one lifetime; each entry carries its own
# expiry, past which it counts as missing.
SHARD_ENTRY_SECONDS = 2 * COUNTS_SECONDS
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
    # The url_path of the site's home page: its pages' URLs are their url_path after it.
    root_url_path: str = "/"


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
    # The generation it was built under (network_map sets it): keys of what it decides.
    generation: str = ""
    _municipalities: list[tuple[str, str]] | None = None

    def site_for_path(self, path: str) -> SiteEntry | None:
        # Every site's home page sits right under the tree root (provisioning puts it there).
        site_id = self.by_root.get(path[: 2 * Page.steplen])
        return self.sites.get(site_id) if site_id is not None else None

    def municipalities(self) -> list[tuple[str, str]]:
        # Kept on the map (each process keeps the current one).
        if self._municipalities is None:
            self._municipalities = self._municipalities_list()
        return self._municipalities

    def _municipalities_list(self) -> list[tuple[str, str]]:
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


def network_generation() -> str:
    """A token that changes whenever the map must be built again (random, so that a map
    kept in a process is never taken for one of an emptied cache's new generation)."""
    return generation_token(GENERATION_KEY)


def network_map_retire() -> None:
    """Sites, identities, regions or agendas changed: the next read builds the map again."""
    generation_token_renew(GENERATION_KEY)


def _shard(agenda_id: int) -> int:
    return agenda_id % COUNTS_SHARDS


def network_rows_generations() -> tuple[str, list[str]]:
    """The generation of every agenda's rows and of each shard's: one cache read."""
    keys = [ROWS_GENERATION_KEY] + [
        SHARD_GENERATION_KEY.format(shard) for shard in range(COUNTS_SHARDS)
    ]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    return str(found.get(keys[0], "")), [str(found.get(key, "")) for key in keys[1:]]


def network_rows_retire(*, agenda_ids: Iterable[int] | None = None) -> None:
    """Events changed: the cached counts of the shards of these agendas (of every agenda
    when None) are computed again, and every page read under them."""
    if agenda_ids is None:
        cache.set(ROWS_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        return
    shards = {_shard(int(agenda_id)) for agenda_id in agenda_ids}
    if shards:
        cache.set_many(
            {SHARD_GENERATION_KEY.format(shard): uuid.uuid4().hex for shard in shards},
            timeout=None,
        )


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
    for site in Site.objects.values(
        "id", "site_name", "hostname", "port", "root_page__path", "root_page__url_path"
    ):
        identity = identities.get(site["id"], {})
        sites[site["id"]] = SiteEntry(
            site_id=site["id"],
            name=site["site_name"] or site["hostname"],
            root_url=Site(hostname=site["hostname"], port=site["port"]).root_url,
            root_path=site["root_page__path"],
            root_url_path=site["root_page__url_path"] or "/",
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


# The last map this process read, by generation: reading the generation is one small cache
# read, unpickling the map of 500 sites is not.
_process_map: dict[str, NetworkMap] = {}


def network_map() -> NetworkMap:
    generation = network_generation()
    network = _process_map.get(generation)
    if network is not None:
        return network
    key = MAP_KEY.format(generation)
    network = cache.get(key)
    if network is None:
        network = _network_map_build()
        cache.set(key, network, timeout=3600)
    network.generation = generation
    _process_map.clear()
    _process_map[generation] = network
    return network


# --- The agenda -------------------------------------------------------------------------------


def scope_site_ids(*, network: NetworkMap, site_id: int | None) -> set[int] | None:
    """The sites whose events an agenda page on site `site_id` gathers: a regional site's
    members, everything (None) on the network site."""
    if site_id is None:
        return None
    region = network.region_for_site(site_id)
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


def network_rows(
    *, network: NetworkMap, filters: dict, now: dt.datetime, site_ids: set[int] | None = None
) -> QuerySet[NetworkOccurrence]:
    """The network rows (one per live occurrence) that match the filters: the site agenda's
    own filter specification (events.selectors.occurrence_filter) on one narrow table."""
    agendas = agenda_ids(network=network, filters=filters, site_ids=site_ids)
    return _rows_for(filters=filters, now=now, agendas=agendas)


def _rows_for(
    *, filters: dict, now: dt.datetime, agendas: list[int]
) -> QuerySet[NetworkOccurrence]:
    return NetworkOccurrence.objects.filter(
        occurrence_filter(filters=filters, now=now, event_field="event"),
        agenda_id__in_array=agendas,
    )


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
    # Names the counts as they are (the filters, scope, map and every number): network.fragments
    # keeps the filter fields under it, so counting a shard again to the same numbers (an
    # event's text edited, a shard expired) does not render them again.
    counts_key: str = ""


class _Counted:
    """Stands for the matching events in the paginator: their number is known already (the
    sum of the per-agenda counts), the page's rows are read apart."""

    def __init__(self, count: int) -> None:
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        return []


Counts = tuple[dict[int, int], dict[str, int], dict[str, int], dict[str, int]]


def _counts_empty() -> Counts:
    return {}, {}, {}, dict.fromkeys(taxonomy.AGE_GROUPS, 0)


def age_group_fits(group: taxonomy.AgeGroup, age_min: int | None, age_max: int | None) -> bool:
    """Whether an event for ages `age_min`-`age_max` is in the age group: the events app's
    `age_q` for one event's values (the counts group the events by their ages and apply it
    to the few pairs there are; tests check both agree)."""
    if group.slug == "gezinnen":
        upper, lower = 12, 18
    else:
        upper = group.max_age if group.max_age is not None else 120
        lower = group.min_age
    return (age_min is None or age_min <= upper) and (age_max is None or age_max >= lower)


def _counts(*, rows: QuerySet[NetworkOccurrence], windowed: bool) -> dict[int, Counts]:
    """Events per agenda, per type, per theme and per age group, for each shard of agendas
    that `rows` hold, in ONE query: COUNT(*) over four grouping sets, the ages by their pair
    (age_min, age_max), a few dozen, put into age groups here (a filtered count per group
    and set cost more than the rest of the query).

    Without an end to the period (no "wanneer" or "tot") an event matches when its last row
    does (every other filter is the event's own), so each event is one row. With an end, its
    rows in the period are made one per event first (every column read is the event's own)."""
    if not windowed:
        rows = rows.filter(is_last=True)
    columns = ["agenda_id", "event_type", "theme", "age_min", "age_max"]
    inner = rows.order_by().values(*columns)
    if windowed:
        inner = rows.order_by().values("event_id", *columns).distinct()
    result: dict[int, Counts] = {}
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # no agenda in scope: nothing to count
        return result
    connection = connections[inner.db]
    # The shard of an agenda (agenda_id modulo COUNTS_SHARDS), in SQL both databases know;
    # the agendas' own grouping leaves it out (an agenda's shard is known here).
    shard = f"r.agenda_id - (r.agenda_id / {COUNTS_SHARDS}) * {COUNTS_SHARDS}"
    if connection.vendor == "postgresql":
        query = (
            "SELECT GROUPING(r.agenda_id, r.event_type, r.theme, r.age_min), r.shard, "
            "r.agenda_id, r.event_type, r.theme, r.age_min, r.age_max, COUNT(*) "
            f"FROM (SELECT r.*, {shard} AS shard FROM ({sql}) r) r "
            "GROUP BY GROUPING SETS ((r.agenda_id), (r.shard, r.event_type), "
            "(r.shard, r.theme), (r.shard, r.age_min, r.age_max))"
        )
    else:
        # SQLite (the embedded default) has no GROUPING SETS: the four groupings one after
        # the other, marked as GROUPING() marks them.
        query = " UNION ALL ".join(
            f"SELECT {mark}, {shard}, {selected}, COUNT(*) FROM ({sql}) r GROUP BY {group}"
            for mark, selected, group in (
                (7, "r.agenda_id, NULL, NULL, NULL, NULL", "r.agenda_id"),
                (11, "NULL, r.event_type, NULL, NULL, NULL", f"{shard}, r.event_type"),
                (13, "NULL, NULL, r.theme, NULL, NULL", f"{shard}, r.theme"),
                (14, "NULL, NULL, NULL, r.age_min, r.age_max", f"{shard}, r.age_min, r.age_max"),
            )
        )
        params = tuple(params) * 4
    groups = list(taxonomy.AGE_GROUPS.values())
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for mark, shard_no, agenda_id, event_type, theme, age_min, age_max, n in cursor:
            if mark == 7:
                shard_no = _shard(agenda_id)
            per_agenda, per_type, per_theme, per_age = result.setdefault(shard_no, _counts_empty())
            if mark == 7:
                per_agenda[agenda_id] = n
            elif mark == 11:
                per_type[event_type] = n
            elif mark == 13:
                per_theme[theme] = n
            else:
                for group in groups:
                    if age_group_fits(group, age_min, age_max):
                        per_age[group.slug] += n
    return result


@dataclass(frozen=True)
class _CountsKeys:
    """Where the counts of one set of filters and scope are kept: `digest` names what was
    asked (filters, scope, network map), `every` and `generations` the rows' generations,
    `merged` the sum of the shards under all of them."""

    digest: str
    every: str
    generations: list[str]
    merged: str

    @property
    def complete(self) -> bool:
        return bool(self.every) and all(self.generations)


def _counts_keys(*, filters: dict, site_ids: set[int] | None, network: NetworkMap) -> _CountsKeys:
    """One cache read: the generations of the rows."""
    asked = repr(
        (
            sorted(filters.items()),
            sorted(site_ids) if site_ids is not None else None,
            network.generation,
        )
    )
    digest = hashlib.sha256(asked.encode()).hexdigest()[:32]
    every, generations = network_rows_generations()
    merged = MERGED_COUNTS_KEY.format(
        hashlib.sha256(" ".join((digest, every, *generations)).encode()).hexdigest()[:32]
    )
    return _CountsKeys(digest=digest, every=every, generations=generations, merged=merged)


def _counts_cached(
    *,
    keys: _CountsKeys,
    filters: dict,
    now: dt.datetime,
    agendas: list[int],
    windowed: bool,
) -> tuple[Counts, str, float]:
    """The counts of the agendas in scope, a token of their computation and when they expire
    (a time.time()).

    Kept per shard of agendas (COUNTS_SHARDS), COUNTS_SECONDS and more (each entry carries
    its expiry), until an event of the shard changes (its generation) or the network map
    does (a region's municipalities, a site's province or kind: the site filters then name
    other agendas). The shards not in the cache are counted in one query, which reads their
    agendas' rows only: after an event's publish, one shard of thirty-two; they are written
    in one round trip.

    The shards' sum is kept too, under every generation (`keys.merged`): a request that
    finds it reads one entry, not one per shard, and adds nothing up. It is kept no longer
    than the first of its shards expires, so an ended event stays counted no longer than
    through the shards alone."""
    merged = cache.get(keys.merged) if keys.complete else None
    if merged is not None:
        return merged
    by_shard: dict[int, list[int]] = defaultdict(list)
    for agenda_id in agendas:
        by_shard[_shard(agenda_id)].append(agenda_id)
    shard_keys = {
        shard: COUNTS_KEY.format(shard, keys.every + keys.generations[shard], keys.digest)
        for shard in by_shard
    }
    read_at = time.time()
    entries = {
        key: entry
        for key, entry in cache.get_many(list(shard_keys.values())).items()
        if entry[2] > read_at
    }
    missing = [shard for shard, key in shard_keys.items() if key not in entries]
    if missing:
        missing_agendas = [agenda_id for shard in missing for agenda_id in by_shard[shard]]
        computed = _counts(
            rows=_rows_for(filters=filters, now=now, agendas=missing_agendas), windowed=windowed
        )
        counted_at = time.time()
        fresh = {}
        for shard in missing:
            lifetime = COUNTS_SECONDS + shard * COUNTS_SECONDS // COUNTS_SHARDS
            # A token of this computation: what is rendered from these counts (the page of
            # events, the filter fields) is kept under the tokens of every shard.
            fresh[shard_keys[shard]] = (
                computed.get(shard) or _counts_empty(),
                uuid.uuid4().hex,
                counted_at + lifetime,
            )
        entries.update(fresh)
        # One write for every shard counted (all 32 when every count was retired: 32 round
        # trips to Redis otherwise), kept as long as the longest-lived of them.
        cache.set_many(fresh, timeout=SHARD_ENTRY_SECONDS)
    per_agenda, per_type, per_theme, per_age = _counts_empty()
    tokens = []
    expires = time.time() + COUNTS_SECONDS
    for shard in sorted(shard_keys):
        (shard_agenda, shard_type, shard_theme, shard_age), token, shard_expires = entries[
            shard_keys[shard]
        ]
        tokens.append(token)
        expires = min(expires, shard_expires)
        per_agenda.update(shard_agenda)
        for value, n in shard_type.items():
            per_type[value] = per_type.get(value, 0) + n
        for value, n in shard_theme.items():
            per_theme[value] = per_theme.get(value, 0) + n
        for slug, n in shard_age.items():
            per_age[slug] += n
    token = hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:32] if tokens else keys.digest
    counts = (per_agenda, per_type, per_theme, per_age)
    remaining = expires - time.time()
    if remaining >= 1 and keys.complete:
        cache.set(keys.merged, (counts, token, expires), timeout=remaining)
    return counts, token, expires


@dataclass(frozen=True)
class _CountsSummary:
    """What a request takes from the counts: the total, the facets, the key of the filter
    fields (`_counts_digest`) and the token of the pages of events read under them."""

    token: str
    total: int
    facets: dict[str, list[FacetValue]]
    counts_key: str
    expires: float


# The summaries of the counts this process computed last, by their merged key (every
# generation, the filters, scope and map): exact as the cached entry is, kept no longer.
# A warm request then reads the generations only; the facets are shared, read-only.
_process_counts: dict[str, _CountsSummary] = {}
PROCESS_COUNTS_KEPT = 64


def _counts_summary(
    *,
    filters: dict,
    now: dt.datetime,
    windowed: bool,
    site_ids: set[int] | None,
    network: NetworkMap,
    agendas: Callable[[], list[int]],
) -> _CountsSummary:
    keys = _counts_keys(filters=filters, site_ids=site_ids, network=network)
    # Without every generation (the cache unreachable) the key would not change with the
    # rows: nothing is kept then. The facets' labels are in the request's language.
    kept = f"{keys.merged}:{get_language()}" if keys.complete else ""
    summary = _process_counts.get(kept) if kept else None
    if summary is not None and summary.expires > time.time():
        return summary
    counts, token, expires = _counts_cached(
        keys=keys, filters=filters, now=now, agendas=agendas(), windowed=windowed
    )
    total, facets = _facets(network=network, counts=counts, scoped=site_ids is not None)
    summary = _CountsSummary(
        token=token,
        total=total,
        facets=facets,
        counts_key=_counts_digest(
            filters=filters, site_ids=site_ids, network=network, counts=counts
        ),
        expires=expires,
    )
    if kept:
        if len(_process_counts) >= PROCESS_COUNTS_KEPT:
            _process_counts.clear()  # as the map's: simple, and safe between threads
        _process_counts[kept] = summary
    return summary


def _facets(
    *,
    network: NetworkMap,
    counts: Counts,
    scoped: bool,
) -> tuple[int, dict[str, list[FacetValue]]]:
    """Counts of events (not dates) per value of each filter, under the current filters."""
    per_agenda, per_type, per_theme, per_age = counts
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


# Beyond this many events before the page, the page is read by grouping every matching row
# (one slower query) instead of walking the rows in date order.
WALK_LIMIT = 1000


# At most this many matching events: their rows are read through the other filters' indexes
# and sorted, instead of walking the start index (which reads about all rows / matching rows
# per row it keeps: 8,000 rows, 30-50 ms, for a region of five municipalities).
NARROW_EVENTS = 3000


def _date_order(*, rows: QuerySet[NetworkOccurrence], narrow: bool) -> Any:
    """The rows' date order. For few matching rows on PostgreSQL, an expression of the start
    (the same order) that the start index cannot give: the planner then reads the matching
    rows by the agenda index and sorts them, where it would walk the start index."""
    if not narrow or connections[rows.db].vendor != "postgresql":
        return F("start")
    return ExpressionWrapper(
        F("start") + Value(dt.timedelta(0), output_field=DurationField()),
        output_field=DateTimeField(),
    )


def _page_rows(
    *,
    rows: QuerySet[NetworkOccurrence],
    start: dt.datetime,
    offset: int,
    per_page: int,
    narrow: bool = False,
) -> list[dict]:
    """The page's events in order of their first matching date (an ongoing one counts from the
    start of the period), then id: walks the rows in date order (the start index) until the
    events up to the page's last are known, usually one short query."""
    wanted = offset + per_page
    if wanted > WALK_LIMIT:
        grouped = (
            rows.order_by()
            .values("event_id")
            .annotate(
                sort_key=Min(Greatest("start", Value(start, output_field=DateTimeField()))),
                first_start=Min("start"),
            )
            .order_by("sort_key", "event_id")[offset:wanted]
        )
        return [{"page_id": row["event_id"], "first_start": row["first_start"]} for row in grouped]
    limit = wanted * 3 + 20
    while True:
        fetched = list(
            rows.order_by(_date_order(rows=rows, narrow=narrow), "event_id").values_list(
                "event_id", "start"
            )[:limit]
        )
        first: dict[int, dt.datetime] = {}
        for event_id, row_start in fetched:
            first.setdefault(event_id, row_start)
        ordered = sorted(first.items(), key=lambda item: (max(item[1], start), item[0]))
        complete = len(fetched) < limit
        if not complete and len(ordered) >= wanted:
            # Dates only grow along the walk: every event whose first date is at most the
            # page's last one has been seen once a later date was read.
            last_key = max(ordered[wanted - 1][1], start)
            complete = max(fetched[-1][1], start) > last_key
        if complete:
            return [
                {"page_id": event_id, "first_start": row_start}
                for event_id, row_start in ordered[offset:wanted]
            ]
        limit *= 4


def _page_rows_counted(
    *, rows: QuerySet[NetworkOccurrence], start: dt.datetime, offset: int, per_page: int, total: int
) -> list[dict]:
    """The page's rows (_page_rows) with each event's number of matching dates: two queries."""
    page_rows = _page_rows(
        rows=rows, start=start, offset=offset, per_page=per_page, narrow=total <= NARROW_EVENTS
    )
    if page_rows:
        dates = dict(
            rows.filter(event_id__in=[row["page_id"] for row in page_rows])
            .order_by()
            .values("event_id")
            .annotate(n=Sum("sessions"))
            .values_list("event_id", "n")
        )
        for row in page_rows:
            row["count"] = dates.get(row["page_id"], 1)
    return page_rows


def network_agenda_page(
    *,
    filters: dict,
    site: Site | None = None,
    site_id: int | None = None,
    page_number: int = 1,
    per_page: int = PER_PAGE,
    now: dt.datetime | None = None,
    network: NetworkMap | None = None,
) -> NetworkAgendaResult:
    """One page of the network's (or a region's) events, each once at its first matching date,
    with the counts per filter value: one grouped query for the counts, one for the page's
    events, one for their numbers of dates and the event cards' two. The counts and the pages
    read under them are kept together (COUNTS_SECONDS, until an event or the map changes):
    a request that finds them runs the cards' query only."""
    now = now or timezone.now()
    network = network or network_map()
    if site is not None:
        site_id = site.pk
    site_ids = scope_site_ids(network=network, site_id=site_id)
    start, end = when_window(filters=filters, now=now)
    agendas = functools.cache(
        lambda: agenda_ids(network=network, filters=filters, site_ids=site_ids)
    )
    summary = _counts_summary(
        filters=filters,
        now=now,
        windowed=end is not None,
        site_ids=site_ids,
        network=network,
        agendas=agendas,
    )
    total = summary.total
    page_obj = Paginator(_Counted(total), per_page).get_page(page_number)
    page_rows: list[dict] = []
    if total:
        offset = page_obj.start_index() - 1
        key = PAGE_KEY.format(summary.token, offset, per_page)
        page_rows = cache.get(key)
        if page_rows is None:
            rows = _rows_for(filters=filters, now=now, agendas=agendas())
            page_rows = _page_rows_counted(
                rows=rows, start=start, offset=offset, per_page=per_page, total=total
            )
            cache.set(key, page_rows, timeout=COUNTS_SECONDS)
    page_obj.object_list = page_rows
    items = event_cards_load(rows=page_rows, now=now)
    for item in items:
        item.site = network.site_for_path(item.event.path)
        _url_from_map(page=item.event, site=item.site, current_site_id=site_id)
    return NetworkAgendaResult(
        page_obj=page_obj,
        items=items,
        total=total,
        facets=summary.facets,
        counts_key=summary.counts_key,
    )


def _counts_digest(
    *, filters: dict, site_ids: set[int] | None, network: NetworkMap, counts: Counts
) -> str:
    """The counts as they are, with what they were asked for (the page of events is kept
    under the computation's token instead: the same numbers may come with other dates)."""
    per_agenda, per_type, per_theme, per_age = counts
    parts = (
        sorted(filters.items()),
        sorted(site_ids) if site_ids is not None else None,
        network.generation,
        sorted(per_agenda.items()),
        sorted(per_type.items()),
        sorted(per_theme.items()),
        sorted(per_age.items()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _url_from_map(*, page: Page, site: SiteEntry | None, current_site_id: int | None) -> None:
    """Give `page` its URL from the network map: `{% pageurl %}` (Page.get_url) looks for the
    page's site among every site's root path, twice per link (about 500 sites), which cost
    more than the rest of an event card. The URL is the same: the site's root URL (left out
    on the page's own site) and the reversed path after the site's home page."""
    if site is None or not page.url_path.startswith(site.root_url_path):
        return  # not under a known site: Wagtail's own routing decides
    path = reverse("wagtail_serve", args=(page.url_path[len(site.root_url_path) :],))
    url = path if site.site_id == current_site_id else site.root_url + path
    # An instance attribute (picklable): the class's get_url stays Wagtail's elsewhere.
    page.get_url = functools.partial(_known_url, url)


def _known_url(url: str, request=None, current_site=None) -> str:
    return url


# --- Search -----------------------------------------------------------------------------------


@dataclass
class SearchHit:
    page: Page
    site: SiteEntry | None


def network_pages_search(*, query: str, site_ids: set[int] | None = None) -> QuerySet[Page]:
    """Live, public pages of every site (or of the given sites) matching the query, best
    first, through Wagtail's search backend: the way on SQLite and Elasticsearch. On
    PostgreSQL with the database backend `network_search` reads Wagtail's index itself."""
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


# Pages ranked for one query at most: a word found on more pages (a word in the title of most
# events) ranks the first this many found with the word in their title and the first this
# many with it anywhere, and says "meer dan" this many.
SEARCH_CANDIDATES = 1000


@dataclass
class NetworkSearchResult:
    """The page ids best first (at most SEARCH_CANDIDATES); `more`: there were more."""

    ids: list[int]
    more: bool
    content_types: dict[int, int] = field(default_factory=dict)  # page id -> its type


def _index_search_usable(using: str = "default") -> bool:
    backend = settings.WAGTAILSEARCH_BACKENDS.get("default", {}).get("BACKEND", "")
    return connections[using].vendor == "postgresql" and backend.rstrip(".").endswith(
        "search.backends.database"
    )


def _tsquery_sql(config: str | None) -> str:
    return "plainto_tsquery(%s::regconfig, %s)" if config else "plainto_tsquery(%s)"


def network_search(*, query: str, site_ids: set[int] | None = None) -> NetworkSearchResult | None:
    """Live, public pages of every site (or of `site_ids`) whose title or text has every word
    of the query, best first, read from Wagtail's own index (PostgreSQL, database backend):
    None elsewhere (use network_pages_search).

    Wagtail's search matches the concatenation `title || body` and joins every page to its
    index entry by a cast of the page id: it reads every page and every entry (about 100 ms
    at 471 sites). Here each word is looked up in the GIN indexes of the entries' title and
    body, the page is joined by its primary key, and only the candidates are ranked with
    Wagtail's rank (title and body weights, title norm). One query; two when the query has
    several words (which of them the search configuration keeps: stop words match all)."""
    terms = search_terms(query).split()
    if not terms or not _index_search_usable():
        return None
    from wagtail.search.backends import get_search_backend
    from wagtail.search.backends.database.postgres.weights import get_sql_weights
    from wagtail.search.models import IndexEntry

    config = getattr(get_search_backend(), "config", None)
    config_params = [config] if config else []
    tsquery = _tsquery_sql(config)
    connection = connections["default"]
    if len(terms) > 1:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(f"numnode({tsquery}) > 0" for _ in terms),
                [param for term in terms for param in (*config_params, term)],
            )
            kept = [term for term, useful in zip(terms, cursor.fetchone(), strict=True) if useful]
        terms = kept or terms[:1]
    network = network_map()
    scope_sql, scope_params = "", []
    if site_ids is not None:
        roots = [network.sites[site_id].root_path for site_id in sorted(site_ids)]
        if not roots:
            return NetworkSearchResult(ids=[], more=False)
        scope_sql = "AND (" + " OR ".join("p.path LIKE %s" for _ in roots) + ")"
        scope_params = [f"{root}%" for root in roots]
    entries = IndexEntry._meta.db_table
    page_table = Page._meta.db_table
    restrictions = PageViewRestriction._meta.db_table
    words_sql = " AND ".join(f"(e.title @@ {tsquery} OR e.body @@ {tsquery})" for _ in terms)
    words_params = [param for term in terms for param in (*config_params, term) * 2]
    full = [*config_params, " ".join(terms)]
    # Several words: each in the title or the text, and all of them in the two together (one
    # word: the same thing).
    whole_sql = f"AND (e.title || e.body) @@ {tsquery}" if len(terms) > 1 else ""
    pages_sql = (
        f"FROM {entries} e JOIN {page_table} p ON p.id = CASE WHEN e.object_id ~ '^[0-9]+$' "
        "THEN e.object_id::integer END AND p.content_type_id = e.content_type_id "
        f"WHERE p.live AND p.depth >= 2 {scope_sql} "
        f"AND NOT EXISTS (SELECT 1 FROM {restrictions} r JOIN {page_table} rp "
        "ON rp.id = r.page_id WHERE p.path LIKE rp.path || '%%') "
    )
    limit = SEARCH_CANDIDATES + 1
    # Each part keeps the entries indexed last (a common word: read backwards on the primary
    # key until enough; a rare one: found through the GIN index and sorted), so the
    # candidates, and the pages of results, are the same from one request to the next. Then
    # Wagtail's rank, once per candidate (LATERAL, kept apart by OFFSET 0: an index lookup
    # each, never a merge with the whole index).
    sql = (
        f"WITH q AS (SELECT {tsquery} AS query), candidates AS ("
        f"(SELECT e.id, p.id AS page_id, p.content_type_id {pages_sql} "
        f"AND e.title @@ {tsquery} ORDER BY e.id DESC LIMIT {limit}) UNION "
        f"(SELECT e.id, p.id AS page_id, p.content_type_id {pages_sql} "
        f"AND {words_sql} {whole_sql} ORDER BY e.id DESC LIMIT {limit})) "
        "SELECT c.page_id, c.content_type_id, COUNT(*) OVER () FROM candidates c "
        "CROSS JOIN LATERAL (SELECT ts_rank(%s::float4[], e.title, q.query) * e.title_norm "
        f"+ ts_rank(%s::float4[], e.body, q.query) AS rank FROM {entries} e, q "
        "WHERE e.id = c.id OFFSET 0) ranked "
        f"ORDER BY ranked.rank DESC, c.page_id DESC LIMIT {SEARCH_CANDIDATES}"
    )
    weights = get_sql_weights()
    # The words as literals in each part (not the CTE's): the planner then knows how common
    # they are, and reads a word found on most pages in table order until it has enough.
    params = [
        *full,
        *scope_params,
        *full,
        *scope_params,
        *words_params,
        *(full if whole_sql else []),
        weights,
        weights,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = rows[0][2] if rows else 0
    return NetworkSearchResult(
        ids=[row[0] for row in rows],
        more=found > SEARCH_CANDIDATES,
        content_types={row[0]: row[1] for row in rows},
    )


def search_pages_load(*, ids: list[int], content_types: dict[int, int]) -> list[Page]:
    """The pages of `ids`, specific, in that order: one query per page type (the search
    gave each page's type, so Wagtail's `specific()` first query is not needed)."""
    by_type: dict[int, list[int]] = defaultdict(list)
    for pk in ids:
        by_type[content_types[pk]].append(pk)
    pages: dict[int, Page] = {}
    for type_id, type_ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class() or Page
        pages.update(model._default_manager.in_bulk(type_ids))
    return [pages[pk] for pk in ids if pk in pages]


def search_hits_label(*, pages: list[Page], current_site_id: int | None = None) -> list[SearchHit]:
    """Each result with the site it belongs to and its URL on that site (from the cached map:
    no queries, and no scan of every site's root path per link)."""
    network = network_map()
    hits = []
    for page in pages:
        site = network.site_for_path(page.path)
        _url_from_map(page=page, site=site, current_site_id=current_site_id)
        hits.append(SearchHit(page=page, site=site))
    return hits


# --- Regions (the admin screen of central editors) --------------------------------------------


@dataclass
class RegionSummary:
    tenant: Tenant
    municipalities: list[str]
    member_sites: int


def regions_list() -> list[RegionSummary]:
    """Every regional site with its municipalities and its number of member sites (from the
    map): two queries."""
    network = network_map()
    names: dict[int, list[str]] = defaultdict(list)
    for region_id, municipality in RegionMunicipality.objects.order_by("municipality").values_list(
        "region_id", "municipality"
    ):
        names[region_id].append(municipality)
    summaries = []
    for tenant in (
        Tenant.objects.filter(kind__in=REGION_MEMBER_KINDS)
        .select_related("site")
        .order_by("site__site_name", "slug")
    ):
        region = network.region_for_site(tenant.site_id)
        summaries.append(
            RegionSummary(
                tenant=tenant,
                municipalities=names.get(tenant.pk, []),
                member_sites=len(region.member_site_ids) if region else 0,
            )
        )
    return summaries


def region_municipality_choices(*, region: Tenant) -> list[tuple[str, str]]:
    """The municipalities a region can hold: those of the sites of its member kinds (in its
    province when it has one), and the ones it holds already (a municipality without a site
    of that kind yet stays in the list), by name."""
    kinds = REGION_MEMBER_KINDS.get(region.kind, ())
    province = (
        IdentitySettings.objects.filter(site_id=region.site_id)
        .values_list("province", flat=True)
        .first()
    )
    known = IdentitySettings.objects.filter(site__tenant__kind__in=kinds).exclude(nis_code="")
    if province:
        known = known.filter(province=province)
    names = dict(known.values_list("nis_code", "municipality"))
    names.update(
        RegionMunicipality.objects.filter(region=region).values_list("nis_code", "municipality")
    )
    return sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))
