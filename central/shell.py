"""What central contributes to home's page shell (registered in CentralConfig.ready()): the
campaigns running for the site, split into banners and home-page teasers, valid until the next
campaign starts or ends. A change to a campaign retires the shells of the sites it reached
before and reaches after the change."""

import datetime as dt

from django.db import transaction
from wagtail.models import Site

from central.cache_purges import campaign_sites
from central.models import Campaign
from central.selectors import (
    campaigns_for_site,
    campaigns_next_change,
    campaigns_retire,
    campaigns_split,
)
from home.contributions import Contribution
from home.generations import bump_site_generations


def campaigns_contribution(*, site: Site, now: dt.datetime) -> Contribution:
    banners, teasers = campaigns_split(campaigns_for_site(site=site, now=now))
    return Contribution(
        values={"campaign_banners": banners, "campaign_teasers": teasers},
        valid_until=campaigns_next_change(now=now),
    )


def _reached_site_ids(campaign: Campaign) -> set[int]:
    return set(campaign_sites(campaign).site_ids)


def campaign_saving(sender, instance: Campaign, **kwargs) -> None:
    """Before a save: remember the sites the stored campaign reaches (its audience may change)."""
    if instance.pk is None:
        return
    stored = Campaign.objects.filter(pk=instance.pk).first()
    instance._sites_before = _reached_site_ids(stored) if stored is not None else set()


def campaign_changed(sender, instance=None, action=None, pk_set=None, **kwargs) -> None:
    """A campaign was saved, deleted or sent to other sites: retire the network's list of
    campaigns (now and once the change commits) and the shells of the sites it reached and
    reaches."""
    campaigns_retire()
    transaction.on_commit(campaigns_retire)
    if action is not None:  # m2m_changed of the target sites
        if action in ("post_add", "post_remove"):
            # From the campaign's side pk_set holds sites; from the site's side, campaigns.
            sites = pk_set or () if isinstance(instance, Campaign) else [instance.pk]
            bump_site_generations(sites)
        elif action == "pre_clear" and isinstance(instance, Campaign):
            bump_site_generations(instance.target_sites.values_list("pk", flat=True))
        return
    if instance is None:
        return
    before = getattr(instance, "_sites_before", set())
    bump_site_generations(before | _reached_site_ids(instance))
