"""Keep the cached network map (network.selectors.network_map) and the shells that show
region links in step with sites, identities, regions and agendas; name for the page cache the
pages of the network site and of the regional sites that show another site's pages."""

import logging
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q
from wagtail.models import Page

from events.models import EventIndexPage, EventPage
from home.generations import bump_site_generations
from home.models import IdentitySettings, RegionMunicipality, SiteKind, Tenant
from network.selectors import network_map, network_map_retire
from network.services import network_occurrences_sync
from pagecache.registry import PurgeTargets, batch_memo

logger = logging.getLogger(__name__)

# Above this many changed pages, a bulk change names the sites of every region rather than
# finding the sites of its pages.
BULK_PAGES_LOOKED_UP = 5000


def network_changed(sender, instance, **kwargs) -> None:
    network_map_retire()
    if isinstance(instance, RegionMunicipality):
        # The member sites' footers gain or lose their "Deel van" link.
        bump_site_generations(
            IdentitySettings.objects.filter(nis_code=instance.nis_code).values_list(
                "site_id", flat=True
            )
        )


def agenda_published(sender, instance, **kwargs) -> None:
    if isinstance(instance, EventIndexPage):
        network_map_retire()


def event_changed(sender, instance, **kwargs) -> None:
    """An event was published, unpublished or moved: its agenda rows follow (this receiver
    runs after events' own, which rewrote the occurrence rows)."""
    if not isinstance(instance, EventPage):
        return
    if getattr(instance, "_uitdatabank_import", False):
        # Created in bulk by the import, which announces its pages with pages_changed once
        # committed: copied then, in one go.
        return
    network_occurrences_sync(page_ids=[instance.pk])


def pages_bulk_changed(sender, site_ids=(), page_ids=(), **kwargs) -> None:
    """An import or the daily re-expansion changed these pages' occurrences: their rows
    follow, and the network's and the regions' pages that show them are purged."""
    network_occurrences_sync(page_ids=page_ids)
    try:
        _bulk_listings_purge(site_ids=site_ids, page_ids=page_ids)
    except Exception:  # a purge must never fail the import; the pages expire on their own
        logger.exception("Network listings not purged after a bulk change")


def _bulk_listings_purge(*, site_ids: Iterable[int], page_ids: Iterable[int]) -> None:
    from pagecache import services

    network = network_map()
    changed = set(site_ids or ())
    page_ids = list(page_ids or ())
    if len(page_ids) > BULK_PAGES_LOOKED_UP:
        changed |= {
            site_id for region in network.regions.values() for site_id in region.member_site_ids
        }
    elif page_ids:
        for path in Page.objects.filter(pk__in=page_ids).values_list("path", flat=True):
            site = network.site_for_path(path)
            if site is not None:
                changed.add(site.site_id)
    pages = listing_pages(site_ids=changed, events=True)
    if pages:
        services.purge_targets(PurgeTargets(pages=pages))


def listing_pages(*, site_ids: Iterable[int], events: bool) -> list[Page]:
    """The live pages on other sites that show pages of these sites: the network site's search
    and, for `events`, the network site's home page ("Binnenkort in het netwerk") and agenda,
    and each regional site's home page and agenda when one of these sites is a member of its
    region. ("In de buurt" names itself: places.purges.)"""
    from network.models import NetworkAgendaPage, NetworkSearchPage

    site_ids = set(site_ids)
    if not site_ids:
        return []
    network = network_map()
    networks = {s.site_id for s in network.sites.values() if s.kind == SiteKind.NETWORK}
    regions = {
        region.site_id for region in network.regions.values() if region.member_site_ids & site_ids
    }
    listing = (networks | regions) if events else networks
    roots = [network.sites[site_id].root_path for site_id in listing if site_id in network.sites]
    if not roots:
        return []
    under = reduce(or_, (Q(path__startswith=root) for root in roots))
    types = (NetworkAgendaPage, NetworkSearchPage) if events else (NetworkSearchPage,)
    pages = list(Page.objects.live().type(*types).filter(under).specific())
    if events:
        pages += list(Page.objects.live().filter(path__in=roots).specific())
    return pages


def network_listed_on(page) -> list:
    """For the page cache (a lister): a page published, unpublished, moved or deleted on a site
    shows on the network site's search; an event (or a whole agenda) also on the network's
    agenda and home page, and on the agenda and home page of each region its site belongs
    to."""
    site = network_map().site_for_path(page.path)
    if site is None or site.kind == SiteKind.NETWORK:
        return []
    events = isinstance(page, (EventPage, EventIndexPage))
    # The same for every page of the site: once per purge (an import names many pages).
    return batch_memo(
        ("network.listed_on", site.site_id, events),
        lambda: listing_pages(site_ids=[site.site_id], events=events),
    )


def region_purge_targets(instance: RegionMunicipality) -> PurgeTargets:
    """A region's municipality: the region's own site (its agenda) and the network site (the
    region filter and its counts). The member sites' shells follow network_changed."""
    site_ids = list(
        Tenant.objects.filter(pk=instance.region_id).values_list("site_id", flat=True)
    ) + list(Tenant.objects.filter(kind=SiteKind.NETWORK).values_list("site_id", flat=True))
    return PurgeTargets(site_ids=site_ids)
