"""What an uncached render takes from Django's cache instead of computing it again: the route
of a path and the HTML of a page's main content, kept under the *version* of the path.

A path's version names everything that retires the page's cached answer: the site's generation
(home.generations) and the purge token of the path and of every path above it but the home
page (a purge deletes the token: a publish of the page or of a parent, an event or news item
listed on it, ...).
`home` names no component: the page cache's purges define the tokens, so the source of
versions is registered from above (library_pages, `version_source_register`). Without a
registered source nothing is cached here.

An entry is used only under the version it was stored with, only until its content changes on
its own (the lifetime captured while it was made, `home.lifetime`), local midnight ("vandaag")
or `PAGECACHE_SECONDS`, whichever comes first; a hit lowers the page's lifetime to that moment
as the render did. Nothing is cached for a preview, a request with a query string, a page with a
view restriction, or HTML that used the visitor's CSRF token. `PAGE_FRAGMENT_CACHE` (setting)
turns both caches off; the test settings do (their purges run only where a test captures the
commit). See docs/caching.md, "Uncached pages".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Page, Site

from home.lifetime import REQUEST_ATTRIBUTE, Lifetime, expires_at, lifetime_capture

logger = logging.getLogger(__name__)

# source(*, site, path, create, also) -> (the version of `path` on `site` or None, the cache
# keys of the records it made: with `create`, missing ones are made, else None is the answer;
# every key it read, with the keys `also` names, and their values, None for a missing one).
VersionSource = Callable[..., tuple[str | None, list[str], dict[str, Any]]]
_source: VersionSource | None = None

# Where serve_page keeps the lifetime of the whole render (see `render_lifetime`).
RENDER_LIFETIME_ATTRIBUTE = "_fragments_render_lifetime"
_VERSIONS_ATTRIBUTE = "_fragments_versions"
_CREATED_ATTRIBUTE = "_fragments_created"
# Cache values read in this request (key -> value, None: missing), so that what one round trip
# fetched along (the site's shell with the path's version, the footer with the main content) is
# not read again.
_READ_ATTRIBUTE = "_fragments_read"


def version_source_register(source: VersionSource) -> None:
    global _source
    _source = source


def enabled() -> bool:
    return _source is not None and getattr(settings, "PAGE_FRAGMENT_CACHE", True)


def cache_get_many(request: HttpRequest | None, keys: list[str]) -> dict[str, Any]:
    """The values of `keys` (None for a missing one), those not read in this request yet with
    one round trip. A cache outage reads as missing."""
    read = request.__dict__.setdefault(_READ_ATTRIBUTE, {}) if request is not None else {}
    wanted = [key for key in keys if key not in read]
    if wanted:
        try:
            found = cache.get_many(wanted)
        except Exception:
            found = {}
        read.update({key: found.get(key) for key in wanted})
    return {key: read[key] for key in keys}


def path_version(
    *,
    request: HttpRequest,
    site: Site,
    path: str,
    create: bool = False,
    also: tuple[str, ...] = (),
) -> str | None:
    """The current version of `path` on `site` for this request, None when nothing may be
    cached for it. Read once per request and path, before the data stored under it. With
    `create` (routing, before it reads the page), missing records are made; the caller keeps
    them for a path a page answers (`route_store`) and drops the others (`path_release`), so
    made-up paths leave nothing behind. The keys `also` names are read in the same round trip
    (`cache_get_many` answers them from then on)."""
    if not enabled() or not _eligible(request) or not path.endswith("/"):
        return None
    memo = request.__dict__.setdefault(_VERSIONS_ATTRIBUTE, {})
    key = (site.pk, path)
    if key not in memo:
        read = request.__dict__.setdefault(_READ_ATTRIBUTE, {})
        try:
            version, created, found = _source(  # type: ignore[misc]
                site=site, path=path, create=create, also=[k for k in also if k not in read]
            )
        except Exception:  # a cache outage must never cost the page
            logger.warning("Fragment version not read", exc_info=True)
            version, created, found = None, [], {}
        read.update(found)
        memo[key] = version
        if created:
            request.__dict__.setdefault(_CREATED_ATTRIBUTE, {})[key] = created
    return memo[key]


def path_keep(*, request: HttpRequest, site: Site, path: str) -> None:
    """The records made for `path` in this request stay: a page answers it."""
    request.__dict__.get(_CREATED_ATTRIBUTE, {}).pop((site.pk, path), None)


def path_release(*, request: HttpRequest) -> None:
    """Delete the records made in this request for paths no page answered (a made-up path, a
    sub-route): nothing was ever stored under them."""
    created = request.__dict__.pop(_CREATED_ATTRIBUTE, {})
    keys = [key for keys in created.values() for key in keys]
    if keys:
        with contextlib.suppress(Exception):
            cache.delete_many(keys)


def _eligible(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not getattr(request, "is_preview", False)
    )


def _until(captured: list[Lifetime | None], now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    midnight = timezone.make_aware(
        dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0)),
        timezone.get_current_timezone(),
    )
    seconds = int(getattr(settings, "PAGECACHE_SECONDS", 21600))
    until = min(now + dt.timedelta(seconds=seconds), midnight)
    for lifetime in captured:
        if lifetime is not None and lifetime.until is not None:
            until = min(until, lifetime.until)
    return until


def _key(kind: str, parts: tuple) -> str:
    return f"fragment:{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _valid(entry: dict | None, check: Any) -> dict | None:
    """The entry, while it was stored under `check` (the path's version, ...) and lives."""
    if entry is None or entry.get("check") != check or entry["until"] <= timezone.now():
        return None
    return entry


def _write(key: str, value: Any, *, check: Any, until: dt.datetime, now: dt.datetime) -> None:
    seconds = math.floor((until - now).total_seconds())
    if seconds >= 1:
        with contextlib.suppress(Exception):  # an entry not stored is made again next time
            cache.set(key, {"value": value, "check": check, "until": until}, seconds)


# --- the render's lifetime -----------------------------------------------------------------


@contextlib.contextmanager
def render_lifetime(request: HttpRequest):
    """Collect what the whole render names with `expires_at` (as the page cache does when it
    is on), so a fragment made late in the render knows what the page's context showed."""
    with lifetime_capture(request) as lifetime:
        setattr(request, RENDER_LIFETIME_ATTRIBUTE, lifetime)
        yield lifetime


def _render_lifetimes(request: HttpRequest) -> list[Lifetime | None]:
    return [
        getattr(request, RENDER_LIFETIME_ATTRIBUTE, None),
        getattr(request, REQUEST_ATTRIBUTE, None),
    ]


# --- routes --------------------------------------------------------------------------------


# Paths seen answered by a sub-route of a page (a catalogue's record, a feed): they are not
# looked up again in this process, so such a request pays no version read. Exact paths only
# (an agenda's feeds and its events share a prefix); bounded.
_SUBROUTES_MAX = 20_000
_subroutes: set[tuple[int, str]] = set()


def subroute_seen(*, site: Site, path: str) -> None:
    if len(_subroutes) >= _SUBROUTES_MAX:
        _subroutes.clear()
    _subroutes.add((site.pk, path))


def route_cached(
    *, request: HttpRequest, site: Site, path: str, also: tuple[str, ...] = ()
) -> Page | None:
    """The page routing found for `path` before, while the path's version holds, for a visitor
    without a session (an editor's request reads the page row: its draft state). The route and
    the keys `also` names are read with the version, in one round trip."""
    if (site.pk, path) in _subroutes:
        return None
    # One entry per path, kept with the version it was stored under: a purge changes the
    # version, so the entry stops matching (and the next render overwrites it).
    route_key = _key("route", (site.pk, path))
    # Read (or made) before the page is, for every request: its fragments are kept under it.
    version = path_version(
        request=request, site=site, path=path, create=True, also=(route_key, *also)
    )
    if version is None or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    entry = _valid(cache_get_many(request, [route_key])[route_key], version)
    if entry is None:
        return None
    expires_at(request, entry["until"])
    return entry["value"]


def route_store(*, request: HttpRequest, site: Site, path: str, page: Page) -> None:
    """`page` answers `path` itself, is live and no view restriction applies: keep the path's
    records, and (for a visitor without a session) the page, under the path's version read
    before the page was."""
    path_keep(request=request, site=site, path=path)
    version = path_version(request=request, site=site, path=path)
    if version is None or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return
    now = timezone.now()
    _write(_key("route", (site.pk, path)), page, check=version, until=_until([], now), now=now)


# --- HTML ----------------------------------------------------------------------------------


def _page_path(page: Page, site: Site) -> str | None:
    """The page's path on `site` ("/nieuws/"), None when it is not in the site's tree."""
    root = site.root_page.url_path
    if not page.url_path.startswith(root):
        return None
    return "/" + page.url_path[len(root) :]


def html_cached(
    *, request: HttpRequest | None, page: Page | None, name: str, parts: tuple, render
) -> SafeString:
    """`render()` (the HTML of `name` on `page`), from the cache while the page's path version,
    the page's live revision, `parts` and the language are those it was made with. The HTML
    must show nothing but the published page, what its version retires and `parts`."""
    if request is None or page is None or not getattr(page, "unrestricted", False):
        return render()
    site = Site.find_for_request(request)
    if site is None or request.path_info != _page_path(page, site):
        return render()  # a sub-route: its path is no page's
    version = path_version(request=request, site=site, path=request.path_info)
    if version is None:
        return render()
    # One entry per fragment, path and language, kept with what it was made from.
    key = _key("html", (name, site.pk, request.path_info, get_language()))
    check = (page.pk, page.live_revision_id, version, parts)
    # The footer comes after the main content: read in the same round trip.
    shell = getattr(request, "_site_shell", None)
    footer = (shell.footer_key(),) if shell is not None and shell.version else ()
    entry = _valid(cache_get_many(request, [key, *footer])[key], check)
    if entry is not None:
        expires_at(request, entry["until"])
        return mark_safe(entry["value"])  # made by our own templates, escaped there
    with lifetime_capture(request) as lifetime:
        html = render()
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False):
        return html  # the visitor's CSRF token was asked for: it may be in the HTML
    now = timezone.now()
    until = _until([lifetime, *_render_lifetimes(request)], now)
    _write(key, str(html), check=check, until=until, now=now)
    return html
