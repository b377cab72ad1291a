"""The page shell: what base.html needs about the site being served (branding, contact,
menus, and what components contribute: locations with today's hours, running campaigns).

`home` is the ground floor and names no component. A component adds to the shell from its
`AppConfig.ready()`:

    from home.contributions import shell_contributions
    shell_contributions.register("locations", locations_contribution)

A provider takes the site and the moment, and returns a `Contribution`: attributes of the
shell (`shell.locations_today`) and until when they hold (`valid_until`, None: until the
site's generation changes). The shell's data is cached per site in Django's cache, with the
site's generation (`home.generations`) it was built under, and used while that generation is
current, until the earliest `valid_until`. Routing reads it in the round trip that reads the
path's version (home.fragments). Receivers bump
the generation when navigation, branding or contact settings, menu pages, locations or
campaigns change (home.signals and the components' own). The active menu item is computed per
request and never cached.

HomePage.get_context takes contributions the same way (`home.contributions.home_page_context`).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Page, Site

from home import fragments
from home.contributions import shell_contributions
from home.generations import site_generation, site_generation_key
from home.lifetime import expires_at
from home.models import BrandingSettings, ContactSettings, NavigationSettings

# Upper bound of a cached shell's life, whatever the providers say: a safety net for a change
# that no receiver saw (a raw SQL update).
MAX_SECONDS = 3600


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    active: bool = False


@dataclass
class SiteShell:
    """Everything base.html needs about the site being served. Contributed attributes are read
    like fields (`shell.locations_today`); one that no provider gave is absent (empty in a
    template)."""

    site: Site | None
    branding: Any = None
    # Names the cached data this shell was made of (`_CachedShell.version`): HTML rendered from
    # that data alone (the footer, home.templatetags.site_tags.site_footer) is cached under it
    # and so retired with it. Empty: not to be cached.
    version: str = ""
    contact: Any = None
    main_menu: list[MenuLink] = field(default_factory=list)
    footer_menu: list[MenuLink] = field(default_factory=list)
    contributions: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        contributions = self.__dict__.get("contributions", {})
        if name in contributions:
            return contributions[name]
        raise AttributeError(name)

    def footer_key(self) -> str:
        """The cache key of the footer's HTML (home.templatetags.site_tags.site_footer): the
        shell's version and the language."""
        digest = hashlib.sha256(f"{self.version}|{get_language()}".encode()).hexdigest()[:32]
        return f"site-footer:{digest}"


@dataclass(frozen=True)
class _CachedShell:
    """What is cached per site: everything but the active menu item."""

    branding: Any
    contact: Any
    main_menu: list[MenuLink]
    footer_menu: list[MenuLink]
    contributions: dict[str, Any]
    # The earliest moment a provider's data stops holding (None: until the generation
    # changes). Checked on read as well as given as the cache timeout, so a cache that keeps
    # entries longer (or a clock set by a test) never serves a stale "Nu open".
    valid_until: dt.datetime | None
    # The site's generation (home.generations) it was built under, the site and when it was
    # built: new with every build.
    version: str = ""
    generation: int = 0


def _menu_page_id(value: dict) -> int | None:
    page_id = value.get("page")
    if isinstance(page_id, str) and page_id.isdigit():
        page_id = int(page_id)
    return page_id if isinstance(page_id, int) else None


def _menu_pages(streams) -> dict[int, Page]:
    """The pages the menus link to, with what a link shows of them (title, live, URL path):
    one query for every menu of the site, of four columns (the menus' StreamFields read every
    column of each page, one query per menu)."""
    ids = {
        page_id
        for stream in streams
        for item in stream.raw_data
        if (page_id := _menu_page_id(item.get("value") or {})) is not None
    }
    if not ids:
        return {}
    return {
        pk: Page(id=pk, title=title, live=live, url_path=url_path)
        for pk, title, live, url_path in Page.objects.filter(pk__in=ids).values_list(
            "pk", "title", "live", "url_path"
        )
    }


def _menu_links(stream, request: HttpRequest, pages: dict[int, Page]) -> list[MenuLink]:
    """The links of a menu (NavigationStreamBlock: a page or an external link, each with an
    optional label), read from its stored data with `pages` (`_menu_pages`): a page that is
    gone, not live or has no URL on any site is left out, as is a link without an address or
    a label."""
    links = []
    for item in stream.raw_data:
        value = item.get("value") or {}
        page_id = _menu_page_id(value)
        page = pages.get(page_id) if page_id is not None else None
        if page is not None:
            if not page.live:
                continue
            url = page.get_url(request=request)
            if url is None:
                continue
            label = value.get("label") or page.title
        else:
            url = value.get("url")
            label = value.get("label")
            if not url or not label:
                continue
        links.append(MenuLink(label=label, url=url))
    return links


def _active(links: list[MenuLink], current_path: str) -> list[MenuLink]:
    return [
        MenuLink(
            label=link.label,
            url=link.url,
            active=link.url not in ("/", "") and current_path.startswith(link.url),
        )
        for link in links
    ]


def shell_cache_key(site_id: int) -> str:
    """One entry per site; it names the generation it was built under."""
    return f"site-shell:{site_id}"


def _shell_build(
    *, site: Site, request: HttpRequest, now: dt.datetime, generation: int
) -> tuple[_CachedShell, int]:
    navigation = NavigationSettings.for_site(site)
    pages = _menu_pages((navigation.main_menu, navigation.footer_menu))
    main_menu = _menu_links(navigation.main_menu, request, pages)
    footer_menu = _menu_links(navigation.footer_menu, request, pages)
    branding = BrandingSettings.for_site(site)
    if branding.logo_id:
        branding.logo  # noqa: B018 - cache the image with the settings
    contributions: dict[str, Any] = {}
    valid_until = None
    for _name, provider in shell_contributions.providers():
        contribution = provider(site=site, now=now)
        contributions.update(contribution.values)
        if contribution.valid_until is not None:
            valid_until = min(valid_until or contribution.valid_until, contribution.valid_until)
    timeout = MAX_SECONDS
    if valid_until is not None:
        timeout = max(1, min(timeout, int((valid_until - now).total_seconds()) + 1))
    cached = _CachedShell(
        branding=branding,
        contact=ContactSettings.for_site(site),
        main_menu=main_menu,
        footer_menu=footer_menu,
        contributions=contributions,
        valid_until=valid_until,
        version=f"site-shell:{site.pk}:{generation}:{now.timestamp()}",
        generation=generation,
    )
    return cached, timeout


def site_shell_data(*, site: Site, request: HttpRequest) -> _CachedShell:
    key = shell_cache_key(site.pk)
    generation_key = site_generation_key(site.pk)
    now = timezone.now()
    # Usually read already, with the path's version (routing): no round trip.
    found = fragments.cache_get_many(request, [generation_key, key])
    generation = found[generation_key]
    generation = site_generation(site.pk) if generation is None else int(generation)
    cached = found[key]
    if (
        not isinstance(cached, _CachedShell)
        or cached.generation != generation
        or (cached.valid_until is not None and now >= cached.valid_until)
    ):
        cached, timeout = _shell_build(site=site, request=request, now=now, generation=generation)
        cache.set(key, cached, timeout=timeout)
    # A page that shows this shell (today's hours, campaigns) is cached no longer than the
    # shell's data holds, also when the data came from the cache and no provider ran.
    expires_at(request, cached.valid_until)
    return cached


def site_shell_for_request(*, request: HttpRequest) -> SiteShell:
    existing = getattr(request, "_site_shell", None)
    if existing is not None:
        return existing
    site = Site.find_for_request(request)
    if site is None:
        shell = SiteShell(site=None)
    else:
        data = site_shell_data(site=site, request=request)
        shell = SiteShell(
            site=site,
            branding=data.branding,
            contact=data.contact,
            main_menu=_active(data.main_menu, request.path),
            footer_menu=_active(data.footer_menu, request.path),
            contributions=dict(data.contributions),
            version=data.version,
        )
    request._site_shell = shell
    return shell


def site_menu_page_ids(*, site_id: int) -> set[int]:
    """Ids of the pages in a site's menus (for the receivers that bump its generation), cached
    under the site's generation: a bulk publish of many pages reads them once."""
    key = f"site-menu-pages:{site_id}:{site_generation(site_id)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    navigation = NavigationSettings.objects.filter(site_id=site_id).first()
    ids = set()
    for stream in () if navigation is None else (navigation.main_menu, navigation.footer_menu):
        for item in stream.raw_data:
            page_id = (item.get("value") or {}).get("page")
            if isinstance(page_id, int):
                ids.add(page_id)
    cache.set(key, ids, timeout=MAX_SECONDS)
    return ids
