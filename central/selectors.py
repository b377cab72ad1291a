"""Reads of central content: campaigns running for a site, what a local editor may read,
and central news for a site's news index."""

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Site

from central.models import Audience, Campaign, CampaignStyle, CentralNewsItem
from home.lifetime import expires_at
from home.models import IdentitySettings

# --- Campaigns ----------------------------------------------------------------------------------


# The campaigns of the whole network, cached once for every site (`_campaigns_network`): a
# site's shell reads its identity and filters them, instead of three queries per site. Kept
# with the token it was built under; any change to a campaign or its list of sites renews
# the token (`campaigns_retire`).
CAMPAIGNS_KEY = "campaigns-network"
CAMPAIGNS_TOKEN_KEY = "campaigns-network-token"
# A safety net for a change no receiver saw (a raw SQL update).
CAMPAIGNS_SECONDS = 3600


@dataclass(frozen=True)
class _NetworkCampaigns:
    """Every campaign that had not ended (or had not started) when `built_at` came, in the
    order sites show them, with the sites each list campaign targets."""

    token: str
    built_at: dt.datetime
    campaigns: list[Campaign]
    target_sites: dict[int, frozenset[int]]


def campaigns_retire() -> None:
    """A campaign or its list of sites changed: the next read builds the list again. Called
    when the change is made and again once it commits (a read between the two may have seen
    the data before the commit)."""
    with contextlib.suppress(Exception):  # the entry also expires on its own
        cache.set(CAMPAIGNS_TOKEN_KEY, uuid.uuid4().hex, timeout=None)


def _campaigns_network(*, now: dt.datetime) -> _NetworkCampaigns:
    """Two queries when not cached (the campaigns, the sites of the list campaigns), none
    when cached. The token is read (or made) before the campaigns are."""
    token = None
    try:
        found = cache.get_many([CAMPAIGNS_TOKEN_KEY, CAMPAIGNS_KEY])
        token = found.get(CAMPAIGNS_TOKEN_KEY)
        if token is None:
            cache.add(CAMPAIGNS_TOKEN_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(CAMPAIGNS_TOKEN_KEY)
        entry = found.get(CAMPAIGNS_KEY)
        if (
            isinstance(entry, _NetworkCampaigns)
            and token is not None
            and entry.token == token
            and entry.built_at <= now
        ):
            return entry
    except Exception:  # a cache outage must never cost the page
        token = None
    campaigns = list(
        Campaign.objects.filter(Q(ends_at__gt=now) | Q(starts_at__gt=now)).order_by(
            "tone",
            "starts_at",
            "pk",  # "alert" before "info"
        )
    )
    listed = [campaign.pk for campaign in campaigns if campaign.audience == Audience.SITES]
    target_sites: dict[int, set[int]] = {pk: set() for pk in listed}
    if listed:
        for campaign_id, site_id in Campaign.target_sites.through.objects.filter(
            campaign_id__in=listed
        ).values_list("campaign_id", "site_id"):
            target_sites[campaign_id].add(site_id)
    entry = _NetworkCampaigns(
        token=token or "",
        built_at=now,
        campaigns=campaigns,
        target_sites={pk: frozenset(ids) for pk, ids in target_sites.items()},
    )
    if token is not None:
        with contextlib.suppress(Exception):
            cache.set(CAMPAIGNS_KEY, entry, timeout=CAMPAIGNS_SECONDS)
    return entry


def campaigns_for_site(*, site: Site, now: dt.datetime | None = None) -> list[Campaign]:
    """Campaigns running now for one site: one query (the site's kind and province) whatever
    the size of the network, the campaigns themselves from the network's list
    (`_campaigns_network`)."""
    now = now or timezone.now()
    identity = IdentitySettings.objects.filter(site=site).values_list("kind", "province").first()
    kind, province = identity if identity is not None else (None, None)
    network = _campaigns_network(now=now)
    # Running and planned ones: a cached page lives until the next one starts or a running
    # one ends.
    reaching = [
        campaign
        for campaign in network.campaigns
        if campaign.ends_at > now
        and (
            campaign.audience == Audience.ALL
            or (
                campaign.audience == Audience.KIND
                and kind is not None
                and campaign.target_kind == kind
            )
            or (
                campaign.audience == Audience.PROVINCE
                and province is not None
                and campaign.target_province == province
            )
            or (
                campaign.audience == Audience.SITES
                and site.pk in network.target_sites.get(campaign.pk, ())
            )
        )
    ]
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
    campaigns running for any site stay the same. From the network's list (a campaign left
    out of it had started and ended before it was built, so before `now`)."""
    network = _campaigns_network(now=now)
    candidates = [c.starts_at for c in network.campaigns if c.starts_at > now] + [
        c.ends_at for c in network.campaigns if c.starts_at <= now < c.ends_at
    ]
    return min(candidates, default=None)
