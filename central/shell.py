"""What central contributes to home's page shell (registered in CentralConfig.ready()): the
campaigns running for the site, split into banners and home-page teasers, valid until the next
campaign starts or ends. A change to a campaign retires every site's shell."""

import datetime as dt

from wagtail.models import Site

from central.selectors import campaigns_for_site, campaigns_next_change, campaigns_split
from home.contributions import Contribution
from home.generations import bump_site_generations


def campaigns_contribution(*, site: Site, now: dt.datetime) -> Contribution:
    banners, teasers = campaigns_split(campaigns_for_site(site=site, now=now))
    return Contribution(
        values={"campaign_banners": banners, "campaign_teasers": teasers},
        valid_until=campaigns_next_change(now=now),
    )


def campaign_changed(sender, **kwargs) -> None:
    """A campaign was saved, deleted or sent to other sites: it may reach any site."""
    bump_site_generations(Site.objects.values_list("pk", flat=True))
