"""What the network contributes to every site's shell: the regions the site belongs to, for
the "Deel van <regio>" link in its footer; and to the network site's home page, its coming
events and the way to the network's own pages."""

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from wagtail.models import Page, Site

from home.contributions import Contribution
from home.lifetime import expires_at
from home.models import SiteKind
from home.shell import site_shell_for_request
from network.fragments import cards_render
from network.selectors import network_agenda_page, network_map


def regions_contribution(*, site: Site, now: dt.datetime) -> Contribution:
    network = network_map()
    entry = network.sites.get(site.pk)
    regions = []
    for slug in entry.regions if entry else ():
        region = network.regions[slug]
        region_site = network.sites.get(region.site_id)
        if region_site is not None:
            regions.append({"name": region.name, "url": f"{region_site.root_url}/"})
    # The site's kind rides along: the home pages ask it (network_home_context) from the shell
    # the request reads anyway, not from the network map (a cache round trip on every site).
    return Contribution(values={"regions": regions, "site_kind": entry.kind if entry else ""})


# The network site's home page: a few coming events and the way to the network's own pages.
HOME_EVENTS = 4
HOME_LINK_MODELS = (
    ("network", "networkagendapage"),
    ("places", "networkmappage"),
    ("places", "nearbypage"),
    ("network", "networksearchpage"),
)


def network_home_context(*, page: Page, request: HttpRequest) -> dict[str, Any]:
    """On the network site's home page only: its next events (the network agenda's first
    events and cards, from the same caches) and links to the agenda, the map, "in de buurt"
    and the search. Two queries when the agenda's counts and cards are cached."""
    shell = site_shell_for_request(request=request)
    if shell.contributions.get("site_kind", SiteKind.NETWORK) != SiteKind.NETWORK:
        return {}  # another site's home page: nothing more read
    network = network_map()
    entry = network.site_for_path(page.path)
    if entry is None or entry.kind != SiteKind.NETWORK:
        return {}
    result = network_agenda_page(
        filters={}, site_id=entry.site_id, per_page=HOME_EVENTS, network=network
    )
    cards_render(items=result.items, request=request, map_generation=network.generation)
    # A shown session that ends leaves the list: the page is kept no longer than that.
    expires_at(request, min((item.occurrence.end for item in result.items), default=None))
    children = (
        Page.objects.child_of(page)
        .live()
        .public()
        .filter(content_type__in=_link_content_types())
        .values_list("content_type_id", "title", "url_path")
    )
    by_type = {content_type_id: (title, url_path) for content_type_id, title, url_path in children}
    links = [
        {"model": model, "title": by_type[pk][0], "url": "/" + by_type[pk][1][len(page.url_path) :]}
        for (_app, model), pk in zip(HOME_LINK_MODELS, _link_content_types(), strict=True)
        if pk in by_type
    ]
    agenda = next((link for link in links if link["model"] == "networkagendapage"), None)
    return {
        "network_home": {
            "events": result.items,
            "total": result.total,
            "agenda_url": agenda["url"] if agenda else "",
            "links": links,
        }
    }


def _link_content_types() -> list[int]:
    """The content type ids of HOME_LINK_MODELS, in their order (ContentType's own cache)."""
    return [
        ContentType.objects.get_by_natural_key(app_label, model).pk
        for app_label, model in HOME_LINK_MODELS
    ]
