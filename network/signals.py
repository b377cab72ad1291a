"""Keep the cached network map (network.selectors.network_map) and the shells that show
region links in step with sites, identities, regions and agendas."""

from events.models import EventIndexPage, EventPage
from home.generations import bump_site_generations
from home.models import IdentitySettings, RegionMunicipality, SiteKind, Tenant
from network.selectors import network_map_retire
from network.services import network_occurrences_sync
from pagecache.registry import PurgeTargets


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


def pages_bulk_changed(sender, page_ids=(), **kwargs) -> None:
    """An import or the daily re-expansion changed these pages' occurrences."""
    network_occurrences_sync(page_ids=page_ids)


def region_purge_targets(instance: RegionMunicipality) -> PurgeTargets:
    """A region's municipality: the region's own site (its agenda) and the network site (the
    region filter and its counts). The member sites' shells follow network_changed."""
    site_ids = list(
        Tenant.objects.filter(pk=instance.region_id).values_list("site_id", flat=True)
    ) + list(Tenant.objects.filter(kind=SiteKind.NETWORK).values_list("site_id", flat=True))
    return PurgeTargets(site_ids=site_ids)
