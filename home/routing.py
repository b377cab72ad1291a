"""Routing of public requests in two queries instead of two per level of the tree.

Wagtail finds a request's site with one query (`Site.find_for_request`) and its page by
walking the tree from the site's home page: per path segment one query for the child and one
for its specific object. Here:

- the site comes from a per-process map of hostnames (`site_for_hostname`), loaded with one
  query, refreshed every minute and dropped in this process when a `Site` is saved or deleted;
- the pages on the path (the home page down to the deepest page whose `url_path` matches) come
  in one query, the specific page in a second. The result goes where Wagtail looks for it
  (`request._wagtail_route_for_request`), so `wagtail.views.serve` and its hooks run as before.

Routing gives the same answer as Wagtail's: a page type with sub-routes (RoutablePageMixin)
answers the paths its routes match before its children are looked at; a page type with any
other `route()` of its own makes the request fall back to Wagtail's routing. The pages above
the answer are kept on it (`route_ancestors`) for the breadcrumbs.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Exists, Q
from django.http import Http404, HttpRequest
from django.http.request import split_domain_port
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from home import fragments

logger = logging.getLogger(__name__)

SITES_SECONDS = 60
ANCESTORS_ATTRIBUTE = "route_ancestors"

_lock = threading.Lock()
_sites: dict[str, Site] = {}
# Every site's hostname (lowercased, shared ones too), loaded with the map: the hosts Django
# accepts besides the fixed ones (home.hosts), checked without a query or a cache round trip.
_hostnames: frozenset[str] = frozenset()
# Wagtail's list of the sites' root paths (`Site.get_site_root_paths`), kept with the map: every
# page URL a render builds (`pageurl`, canonical and og:url) starts from it, and Wagtail reads it
# from the cache once per request: one site root path per site, unpickled each time. Kept with
# the token of the root paths it was loaded under (`ROOT_PATHS_TOKEN_KEY`): a routed request
# reads the token with its route (no extra round trip) and uses the copy only while it matches,
# so a site's new hostname or home page slug is in every process's URLs at once.
_root_paths: list | None = None
_root_paths_token: str | None = None
ROOT_PATHS_TOKEN_KEY = "site-root-paths-token"
_sites_loaded_at = 0.0


def _sites_load() -> tuple[dict[str, Site], frozenset[str]]:
    sites = list(Site.objects.select_related("root_page"))
    counts = Counter(site.hostname.lower() for site in sites)
    # A hostname shared by several sites (different ports) is left to Wagtail's lookup.
    by_hostname = {
        site.hostname.lower(): site for site in sites if counts[site.hostname.lower()] == 1
    }
    return by_hostname, frozenset(counts)


def _sites_refresh() -> None:
    global _sites, _hostnames, _root_paths, _root_paths_token, _sites_loaded_at
    now = time.monotonic()
    if now - _sites_loaded_at > SITES_SECONDS:
        with _lock:
            if now - _sites_loaded_at > SITES_SECONDS:
                # The token first: a change after it makes the copy older than its token says,
                # never newer, so the next request loads again.
                _root_paths_token = root_paths_token()
                try:
                    _sites, _hostnames = _sites_load()
                    _root_paths = Site.get_site_root_paths()
                except DatabaseError:
                    _sites, _hostnames, _root_paths = {}, frozenset(), None
                _sites_loaded_at = now


def root_paths_token() -> str | None:
    try:
        return cache.get(ROOT_PATHS_TOKEN_KEY)
    except Exception:  # a cache outage: the copy is used with no token until the next load
        return None


def root_paths_changed() -> None:
    """A site's hostname, port or home page, or a home page's URL path, changed (once the
    change commits): every process stops using its copy of the root paths."""
    forget_sites()
    try:
        cache.set(ROOT_PATHS_TOKEN_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Root paths token not renewed", exc_info=True)


def site_for_hostname(hostname: str) -> Site | None:
    """The site answering on `hostname` (a copy: callers may set attributes on it), or None
    when the hostname is unknown or shared; from the per-process map."""
    _sites_refresh()
    site = _sites.get(hostname.lower())
    if site is None:
        return None
    copied = copy.copy(site)
    copied.root_page = copy.copy(site.root_page)
    return copied


def site_hostnames_local() -> frozenset[str]:
    """Every site's hostname, lowercased, as this process's map has them: a minute old at
    most, and reloaded once a routed request finds the root paths token changed (a site was
    saved or deleted in any process). Empty while the database cannot be read."""
    _sites_refresh()
    return _hostnames


def site_ids_by_hostname() -> dict[str, int]:
    """Hostname -> site id of every site in the per-process map."""
    site_for_hostname("")  # loads the map when it is due
    return {hostname: site.pk for hostname, site in _sites.items()}


def forget_sites(**_kwargs) -> None:
    global _sites_loaded_at
    _sites_loaded_at = 0.0


class SiteMiddleware:
    """Gives the request its site from the per-process map, where `Site.find_for_request`
    looks for it; unknown hostnames are left to Wagtail's lookup. Placed after the page cache,
    so a cached answer does not pay for it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not hasattr(request, "_wagtail_site"):
            hostname = split_domain_port(request._get_raw_host())[0]
            site = site_for_hostname(hostname) if hostname else None
            if site is not None:
                request._wagtail_site = site
        return self.get_response(request)


def _root_paths_give(request: HttpRequest) -> None:
    """Put this process's copy of the root paths where Wagtail's `Page._get_site_root_paths`
    looks first (it never changes the list), if its token is still the current one (read with
    the route); otherwise Wagtail reads the list itself and the next request loads the map."""
    if _root_paths is None:
        return
    token = fragments.cache_get_many(request, [ROOT_PATHS_TOKEN_KEY])[ROOT_PATHS_TOKEN_KEY]
    if token == _root_paths_token:
        request._wagtail_cached_site_root_paths = _root_paths
    else:
        forget_sites()


# --- pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ancestor:
    pk: int
    title: str
    url_path: str
    depth: int


class _Fallback(Exception):
    """Wagtail's own routing must answer this request."""


_ROW_FIELDS = ("pk", "title", "url_path", "depth", "path", "content_type_id", "live")


def _model_for(content_type_id: int) -> type[Page]:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:  # a page type whose code is gone
        raise _Fallback
    return model


def _answers_itself(model: type[Page], live: bool, components: list[str]) -> bool:
    """Whether a page of `model` answers `components` itself rather than handing them to a
    child, as its `route()` would decide."""
    route = model.route
    if route is Page.route:
        return not components
    if route is RoutablePageMixin.route:
        if not live:
            return False
        try:
            model.get_resolver().resolve("/" + "".join(f"{c}/" for c in components))
        except Http404:
            return False
        return True
    raise _Fallback


def _route(request: HttpRequest, path: str) -> RouteResult | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page
    components = [component for component in path.split("/") if component]
    full_path = "/" + "".join(f"{component}/" for component in components)
    # The site's shell is read in the same round trip as the route (base.html shows it).
    from home.shell import shell_cache_key

    cached = fragments.route_cached(
        request=request,
        site=site,
        path=full_path,
        also=(shell_cache_key(site.pk), ROOT_PATHS_TOKEN_KEY),
    )
    _root_paths_give(request)
    if cached is not None:
        return cached.route(request, [])
    candidates = []
    url_path = root.url_path
    for component in components:
        url_path = f"{url_path}{component}/"
        candidates.append(url_path)
    chain = [
        {
            "pk": root.pk,
            "title": root.title,
            "url_path": root.url_path,
            "depth": root.depth,
            "path": root.path,
            "content_type_id": root.content_type_id,
            "live": root.live,
        }
    ]
    rows = {}
    if components:
        # The home page comes along, fresh: the site map's copy may be a minute old.
        found = Page.objects.filter(
            Q(pk=root.pk)
            | Q(path__startswith=root.path, slug__in=components, url_path__in=candidates)
        ).values(*_ROW_FIELDS)
        rows = {row["url_path"]: row for row in found}
        fresh_root = rows.get(root.url_path)
        if fresh_root is None or fresh_root["pk"] != root.pk:
            forget_sites()
            raise _Fallback
        chain[0] = fresh_root
    for candidate in candidates:
        row = rows.get(candidate)
        if row is None or row["depth"] != chain[-1]["depth"] + 1:
            break
        chain.append(row)
    # The first page on the way down that answers the rest of the path itself.
    for level, row in enumerate(chain):
        rest = components[level:]
        model = _model_for(row["content_type_id"])
        answers = _answers_itself(model, row["live"], rest)
        if answers or level == len(chain) - 1:
            break
    # With it, whether a view restriction applies (on it or an ancestor, or an alias on the
    # way): BasePage.get_view_restrictions then needs no query for the common answer "none".
    paths = [row["path"][:end] for end in range(Page.steplen, len(row["path"]) + 1, Page.steplen)]
    page = (
        model._default_manager.filter(pk=row["pk"])
        .annotate(
            routing_restricted=Exists(PageViewRestriction.objects.filter(page__path__in=paths)),
            routing_aliased=Exists(Page.objects.filter(path__in=paths, alias_of__isnull=False)),
        )
        .first()
    )
    if page is None:
        raise Http404
    page.unrestricted = not (page.routing_restricted or page.routing_aliased)
    setattr(
        page,
        ANCESTORS_ATTRIBUTE,
        [Ancestor(a["pk"], a["title"], a["url_path"], a["depth"]) for a in chain[:level]],
    )
    if rest and answers:
        # A sub-route (a catalogue's record): this path is not looked up again.
        fragments.subroute_seen(site=site, path=full_path)
    elif not rest and page.live and page.unrestricted:
        # It answers the whole path itself: the next request on this path needs no query
        # while nothing retired the path (home.fragments). Records made for other paths
        # (a sub-route, a made-up path) are dropped in route_for_request.
        fragments.route_store(request=request, site=site, path=full_path, page=page)
    # The page's own route() decides, as in Wagtail: its sub-route, itself when it is live,
    # or (a child that does not exist) 404.
    return page.route(request, rest)


def route_for_request(request: HttpRequest, path: str) -> None:
    """Route `request` and leave the result where Wagtail's `Page.route_for_request` finds
    it; leave nothing when Wagtail's routing must answer."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    try:
        result = _route(request, path)
    except Http404:
        result = None
    except _Fallback:
        return
    finally:
        fragments.path_release(request=request)
    request._wagtail_route_for_request = result
