"""The full-page cache: anonymous GET and HEAD requests of public pages are answered from the
cache (Django's default cache: Redis when REDIS_URL is set, local memory otherwise).

Placed after the security, admin-host and CSP middleware (their headers are added to every
answer, cached or not) and before sessions, CSRF and authentication, which a cached answer
does not need. Most hits never get here: the WSGI layer in front of Django (pagecache.wsgi)
answers them with the same rules (pagecache.hits); this middleware renders and stores misses,
answers the hits the layer passed on and checks posts of forms on cached pages. See
docs/caching.md."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import math
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_max_age, patch_cache_control, patch_vary_headers

from pagecache import hits, keys, registry
from pagecache.backends import Outage
from pagecache.forms import form_guard
from pagecache.hits import HEADER
from pagecache.lifetime import lifetime_end, lifetime_start

logger = logging.getLogger(__name__)

__all__ = ["HEADER", "PageCacheMiddleware"]

PAGE_ATTRIBUTE = "_pagecache_page"
CACHEABLE_STATUSES = frozenset({200, 404})
# Headers that belong to one answer, not to the page.
UNSTORED_HEADERS = frozenset({"cache-control", "set-cookie", "expires", "date", HEADER.lower()})
# Bodies stored gzip-compressed (answered as they are to requests that accept gzip): text
# types above this size; below it gzip's own header and checksum eat most of the gain.
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 6
GZIP_TYPES = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/ld+json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
    }
)


def _compressible(response: HttpResponse) -> bool:
    if response.has_header("Content-Encoding") or len(response.content) < GZIP_MIN_BYTES:
        return False
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return (
        content_type.startswith("text/")
        or content_type in GZIP_TYPES
        or content_type.endswith(("+xml", "+json"))
    )


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
        except TooManyFieldsSent:
            # A crafted query string: Django answers 400 (the view reads the parameters), no
            # cache is involved and nothing is stored.
            response = self.get_response(request)
            response[HEADER] = "bypass"
            return response
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

    # --- lookup (pagecache.hits, shared with the WSGI layer) ----------------------------------

    @staticmethod
    def _site_for(request: HttpRequest) -> int | None:
        return hits.site_for(
            method=request.method, path=request.path, raw_host=request.META.get("HTTP_HOST", "")
        )

    @staticmethod
    def _lookup(
        request: HttpRequest, *, site_id: int, host: str
    ) -> tuple[dict | None, dict | None, int]:
        return hits.entry_lookup(site_id=site_id, host=host, path=request.path, query=request.GET)

    @staticmethod
    def _answer(request: HttpRequest, entry: dict) -> HttpResponse:
        """A hit of a request the WSGI layer passed on; the middleware before this one add
        their headers on the way out, as the layer does (pagecache.wsgi)."""
        headers, body = hits.hit_answer(
            entry,
            accept_encoding=request.META.get("HTTP_ACCEPT_ENCODING", ""),
            head=request.method == "HEAD",
        )
        response = HttpResponse(body, status=entry["status"])
        for name, value in headers:
            response.headers[name] = value
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
        content = response.content
        compressed = _compressible(response)
        if compressed:
            # Answered compressed or not from the same entry: the answer (this one too, so
            # that the miss and the hits agree) varies on Accept-Encoding.
            patch_vary_headers(response, ("Accept-Encoding",))
        entry: dict[str, Any] = {
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in UNSTORED_HEADERS
            ],
            "content": gzip.compress(content, GZIP_LEVEL, mtime=0) if compressed else content,
            # The stored body's encoding and the length of the body it encodes.
            "encoding": "gzip" if compressed else "",
            "length": len(content),
            "until": until.timestamp(),
            # Valid only while these are current (keys.entry_key).
            "generation": generation,
            "token": record["token"],
            # The view's own directives (a browser lifetime, `immutable`), s-maxage added on answer.
            "cache_control": response.get("Cache-Control", ""),
        }
        cache.set(keys.entry_key(host=host, path=path, query=query), entry, seconds)
