"""Reads of central content: campaigns running for a site, what a local editor may read,
and central news for a site's news index."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Q, QuerySet, Subquery
from django.utils import timezone
from wagtail.models import Site

from central.models import Audience, Campaign, CampaignStyle, CentralNewsItem
from home.lifetime import expires_at
from home.models import IdentitySettings

# --- Campaigns ----------------------------------------------------------------------------------


def campaigns_for_site(*, site: Site, now: dt.datetime | None = None) -> list[Campaign]:
    """Campaigns running now for one site, in one query whatever the size of the network.

    The site's kind and province are read in the same query (subqueries on its identity
    settings), so the site shell needs nothing else.
    """
    now = now or timezone.now()
    identity = IdentitySettings.objects.filter(site=site)
    # Running and planned ones in one query: a cached page lives until the next one starts or
    # a running one ends.
    reaching = list(
        Campaign.objects.filter(ends_at__gt=now)
        .filter(
            Q(audience=Audience.ALL)
            | Q(audience=Audience.KIND, target_kind=Subquery(identity.values("kind")[:1]))
            | Q(
                audience=Audience.PROVINCE,
                target_province=Subquery(identity.values("province")[:1]),
            )
            | Q(
                audience=Audience.SITES,
                pk__in=Campaign.target_sites.through.objects.filter(site=site).values(
                    "campaign_id"
                ),
            )
        )
        .order_by("tone", "starts_at", "pk")  # "alert" before "info"
    )
    running = [campaign for campaign in reaching if campaign.starts_at <= now]
    expires_at(
        None,
        min(
            [c.ends_at for c in running] + [c.starts_at for c in reaching if c.starts_at > now],
            default=None,
        ),
    )
    return running


def campaigns_for_sites(*, sites: QuerySet[Site]) -> QuerySet[Campaign]:
    """Campaigns (past, running and planned) that reach any of these sites: what a local
    editor may read."""
    identities = IdentitySettings.objects.filter(site__in=sites)
    return (
        Campaign.objects.filter(
            Q(audience=Audience.ALL)
            | Q(audience=Audience.KIND, target_kind__in=identities.values("kind"))
            | Q(audience=Audience.PROVINCE, target_province__in=identities.values("province"))
            | Q(audience=Audience.SITES, target_sites__in=sites)
        )
        .distinct()
        .order_by("-starts_at")
    )


def campaigns_split(campaigns: list[Campaign]) -> tuple[list[Campaign], list[Campaign]]:
    banners = [c for c in campaigns if c.style == CampaignStyle.BANNER]
    teasers = [c for c in campaigns if c.style == CampaignStyle.TEASER]
    return banners, teasers


# --- Central news -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CentralNewsEntry:
    """A central news item as a news listing shows it (beside the site's own NewsPages)."""

    pk: int
    title: str
    date: dt.date
    intro: str
    listing_url: str
    image: Any = None
    central: bool = True


def central_news_for_site(*, site: Site) -> QuerySet[CentralNewsItem]:
    return CentralNewsItem.objects.filter(live=True, sites=site).order_by("-date", "-pk")


def central_news_canonical_site(*, item: CentralNewsItem) -> Site | None:
    """The one public address of a central news item: the first chosen site by hostname."""
    return item.sites.order_by("hostname", "port", "pk").first()


def central_news_entries(*, site: Site) -> list[CentralNewsEntry]:
    """The central news chosen for a site, as entries of its news listing (registered with
    library_pages.news_sources by CentralConfig.ready())."""
    return [
        CentralNewsEntry(
            pk=item.pk, title=item.title, date=item.date, intro=item.intro, listing_url=item.path
        )
        for item in central_news_for_site(site=site)
    ]


def campaigns_next_change(*, now: dt.datetime) -> dt.datetime | None:
    """The next moment a campaign starts or ends anywhere in the network: until then, the
    campaigns running for any site stay the same."""
    moments = Campaign.objects.filter(starts_at__gt=now).aggregate(first=Min("starts_at"))
    ends = Campaign.objects.filter(starts_at__lte=now, ends_at__gt=now).aggregate(
        first=Min("ends_at")
    )
    candidates = [m for m in (moments["first"], ends["first"]) if m is not None]
    return min(candidates) if candidates else None
