"""What the page cache purges when central content changes (registered in CentralConfig).

Shared sections need nothing here: the pages that embed one are found in Wagtail's reference
index by pagecache itself."""

from __future__ import annotations

from wagtail.models import Site

from central.models import Audience, Campaign, CentralNewsItem, SharedSection
from home.models import IdentitySettings
from library_pages.models import NewsIndexPage
from pagecache import registry
from pagecache.registry import PurgeTargets


def campaign_sites(campaign: Campaign) -> PurgeTargets:
    """A campaign is shown in the shell of every page of the sites it targets."""
    if campaign.audience == Audience.ALL:
        site_ids = list(Site.objects.values_list("pk", flat=True))
    elif campaign.audience == Audience.KIND:
        site_ids = list(
            IdentitySettings.objects.filter(kind=campaign.target_kind).values_list(
                "site_id", flat=True
            )
        )
    elif campaign.audience == Audience.PROVINCE:
        site_ids = list(
            IdentitySettings.objects.filter(province=campaign.target_province).values_list(
                "site_id", flat=True
            )
        )
    elif campaign.pk is not None:
        site_ids = list(campaign.target_sites.values_list("pk", flat=True))
    else:
        site_ids = []
    return PurgeTargets(site_ids=site_ids)


def central_news_pages(item: CentralNewsItem) -> PurgeTargets:
    """A central news item is listed on the news index and the home page of its sites, and
    has its own address on each of them."""
    if item.pk is None:
        return PurgeTargets()
    targets = PurgeTargets()
    for site in item.sites.select_related("root_page"):
        root = site.root_page
        targets.urls.append(site.root_url.rstrip("/") + item.path)
        targets.pages.append(root.specific_deferred)
        targets.pages += list(NewsIndexPage.objects.descendant_of(root).live())
    return targets


def connect() -> None:
    # A save does not change which pages embed the section: no purge of the previous state.
    registry.register_model(SharedSection, previous=False)
    registry.register_model(Campaign, targets=campaign_sites)
    registry.register_model(CentralNewsItem, targets=central_news_pages)
