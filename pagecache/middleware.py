"""The full-page cache: anonymous GET and HEAD requests of public pages are answered from the
cache (Django's default cache: Redis when REDIS_URL is set, local memory otherwise).

Placed after the security, admin-host and CSP middleware (their headers are added to every
answer, cached or not) and before sessions, CSRF and authentication, which a cached answer
does not need. See docs/caching.md."""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_max_age, patch_cache_control

from pagecache import keys, registry
from pagecache.backends import Outage
from pagecache.forms import form_guard
from pagecache.lifetime import lifetime_end, lifetime_start

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
PAGE_ATTRIBUTE = "_pagecache_page"
CACHEABLE_STATUSES = frozenset({200, 404})
# Paths that are never public pages.
EXCLUDED_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/healthz")
# Headers that belong to one answer, not to the page.
UNSTORED_HEADERS = frozenset({"cache-control", "set-cookie", "expires", "date", HEADER.lower()})


def _browser_max_age(response: HttpResponse) -> int:
    """How long browsers may keep the response: what the view itself allowed (a versioned
    stylesheet for a year, a feed for minutes), else 0, so that a browser asks again and a
    purge reaches it; the shared caches get s-maxage."""
    return get_max_age(response) or 0


def _now() -> dt.datetime:
    return timezone.now()


def _midnight_after(moment: dt.datetime) -> dt.datetime:
    """Dates relative to today ("vandaag", "morgen") change at local midnight."""
    local = timezone.localtime(moment)
    return timezone.make_aware(
        dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0)),
        timezone.get_current_timezone(),
    )


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            refused = form_guard(request)
            if refused is not None:
                return refused
            return self.get_response(request)
        site_id = self._site_for(request)
        if site_id is None:
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # Possibly logged in (or past a page's password): rendered for this visitor only.
            response = self.get_response(request)
            patch_cache_control(response, private=True)
            response[HEADER] = "bypass"
            return response
        host = request.META["HTTP_HOST"].lower()
        path = request.path
        try:
            cached, record, generation = self._lookup(request, site_id=site_id, host=host)
        except Exception as exc:  # a cache outage must never cost a page
            Outage.failed(exc)
            response = self.get_response(request)
            response[HEADER] = "bypass"
            return response
        if cached is not None:
            return self._answer(request, cached)
        return self._render_and_store(
            request, host=host, path=path, site_id=site_id, record=record, generation=generation
        )

    # --- lookup ------------------------------------------------------------------------------

    @staticmethod
    def _site_for(request: HttpRequest) -> int | None:
        if request.method not in ("GET", "HEAD"):
            return None
        if not getattr(settings, "PAGECACHE_ENABLED", True):
            return None
        if request.path.startswith(EXCLUDED_PREFIXES):
            return None
        raw_host = request.META.get("HTTP_HOST", "")
        hostname = raw_host.rsplit(":", 1)[0].lower() if raw_host else ""
        if not hostname:
            return None
        # Only hostnames of sites: these are allowed hosts, no need to validate further.
        return keys.site_id_for_host(hostname)

    @staticmethod
    def _lookup(
        request: HttpRequest, *, site_id: int, host: str
    ) -> tuple[dict | None, dict | None, int]:
        generation_key = keys.generation_key(site_id)
        record_key = keys.path_key(host, request.path)
        wanted = [generation_key, record_key]
        # Without a query string the entry's key is known before the path's record is read
        # (whatever parameters the page reads, the normalised query is empty): one round trip.
        plain_key = None if request.GET else keys.entry_key(host=host, path=request.path, query="")
        if plain_key is not None:
            wanted.append(plain_key)
        found = cache.get_many(wanted)
        generation = int(found.get(generation_key) or 1)
        record = found.get(record_key)
        if record is None:
            return None, None, generation
        if plain_key is not None:
            entry = found.get(plain_key)
        else:
            query, _clean = keys.query_normalise(request.GET, record["params"])
            if query is None:
                return None, record, generation
            entry = cache.get(keys.entry_key(host=host, path=request.path, query=query))
        if (
            entry is None
            or entry.get("generation") != generation
            or entry.get("token") != record["token"]
            or entry["until"] <= _now().timestamp()
        ):
            return None, record, generation
        return entry, record, generation

    @staticmethod
    def _answer(request: HttpRequest, entry: dict) -> HttpResponse:
        response = HttpResponse(
            b"" if request.method == "HEAD" else entry["content"], status=entry["status"]
        )
        for name, value in entry["headers"]:
            response.headers[name] = value
        if request.method == "HEAD":
            response.headers["Content-Length"] = str(len(entry["content"]))
        if entry.get("cache_control"):
            response.headers["Cache-Control"] = entry["cache_control"]
        remaining = max(0, math.floor(entry["until"] - _now().timestamp()))
        patch_cache_control(
            response, public=True, max_age=_browser_max_age(response), s_maxage=remaining
        )
        response[HEADER] = "hit"
        return response

    # --- miss ----------------------------------------------------------------------------------

    def _render_and_store(
        self,
        request: HttpRequest,
        *,
        host: str,
        path: str,
        site_id: int,
        record: dict | None,
        generation: int,
    ) -> HttpResponse:
        lifetime, token = lifetime_start(request)
        try:
            response = self.get_response(request)
        finally:
            lifetime_end(token)
        if not self._storable(request, response):
            if response.cookies or settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True)
            response[HEADER] = "bypass"
            return response
        params = self._params(request)
        query, clean = keys.query_normalise(request.GET, params)
        if query is None or not clean:
            # Parameters the page does not read (or huge values): answer, store nothing.
            response[HEADER] = "bypass"
            return response
        now = _now()
        until = min(now + dt.timedelta(seconds=keys.default_seconds()), _midnight_after(now))
        if lifetime.until is not None:
            until = min(until, lifetime.until)
        seconds = math.floor((until - now).total_seconds())
        if seconds < 1:
            response[HEADER] = "bypass"
            return response
        try:
            self._store(
                request,
                response,
                host=host,
                path=path,
                query=query,
                params=params,
                record=record,
                generation=generation,
                until=until,
                seconds=seconds,
            )
        except Exception as exc:
            Outage.failed(exc)
            response[HEADER] = "bypass"
            return response
        patch_cache_control(
            response, public=True, max_age=_browser_max_age(response), s_maxage=seconds
        )
        # A tolerant backend skips writes during an outage without raising.
        response[HEADER] = "bypass" if Outage.down else "miss"
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code not in CACHEABLE_STATUSES:
            return False
        if response.streaming or response.cookies:
            return False
        if getattr(request, "is_preview", False):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        vary = response.get("Vary", "").lower()
        return "*" not in vary

    @staticmethod
    def _params(request: HttpRequest) -> tuple[str, ...]:
        page = getattr(request, PAGE_ATTRIBUTE, None)
        if page is not None:
            return tuple(getattr(page, "cache_query_params", ()))
        match = getattr(request, "resolver_match", None)
        params = registry.view_params(match.url_name if match is not None else None)
        return params or ()

    @staticmethod
    def _store(
        request: HttpRequest,
        response: HttpResponse,
        *,
        host: str,
        path: str,
        query: str,
        params: tuple[str, ...],
        record: dict | None,
        generation: int,
        until: dt.datetime,
        seconds: int,
    ) -> None:
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        record_ttl = keys.default_seconds() + 3600
        if record is None or tuple(record["params"]) != params:
            record = {"token": secrets.token_hex(6), "params": params}
            cache.set(keys.path_key(host, path), record, record_ttl)
        entry: dict[str, Any] = {
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in UNSTORED_HEADERS
            ],
            "content": response.content,
            "until": until.timestamp(),
            # Valid only while these are current (keys.entry_key).
            "generation": generation,
            "token": record["token"],
            # The view's own directives (a browser lifetime, `immutable`), s-maxage added on answer.
            "cache_control": response.get("Cache-Control", ""),
        }
        cache.set(keys.entry_key(host=host, path=path, query=query), entry, seconds)
