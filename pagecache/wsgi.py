"""Cache hits answered in front of Django: a WSGI layer around Django's WSGIHandler
(config/wsgi.py) that serves an anonymous GET or HEAD of a cached public page before any
middleware runs or any request object is built, and passes everything else on to Django.

A hit here is the same answer as PageCacheMiddleware's (status, body, headers): the entry
holds the headers the view and the middleware after the cache produced on the miss
(pagecache.hits.hit_answer adds the body's length, Cache-Control with the seconds left and
`X-Page-Cache: hit`), and the headers that the middleware *before* the cache add to every
public page (security headers, CSP) are worked out once per process and scheme by running
that very middleware around an empty response (`_outer_headers`). They are added the way
that middleware adds them: only where the page does not carry the header itself.

This holds because the middleware before the page cache, on a public page of a site's
hostname, only adds headers (the health check answers /healthz, which is excluded; the
site host middleware only notes the hostname for Django's host check; the client address
rewrites REMOTE_ADDR, which a cached page does not read; the admin host rule
concerns /admin/, which is excluded). tests/pagecache/test_wsgi.py names that middleware:
adding one there fails the test until it is checked against this rule. When the probe does
not reach the empty response (an HTTPS redirect of a plain-HTTP request), requests of that
scheme all go to Django.

Anything unsure goes to Django, which answers as without this layer: another method, a
session cookie, a hostname of no site (Django's ALLOWED_HOSTS and its 400 apply), a stale map
of hostnames (refreshed by the next request through Django), a cache outage (the lookup
misses or raises; Django renders and logs the outage once), an error in this layer (logged
once per process). See docs/caching.md."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from http.client import responses

from django.conf import settings
from django.core.handlers.wsgi import (
    WSGIRequest,
    get_bytes_from_wsgi,
    get_path_info,
    get_script_name,
    get_str_from_wsgi,
)
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.utils.log import log_response
from django.utils.module_loading import import_string

from pagecache import hits

logger = logging.getLogger("pagecache")

MIDDLEWARE_PATH = "pagecache.middleware.PageCacheMiddleware"
WSGIApplication = Callable[[dict, Callable], Iterable[bytes]]


class _Scheme:
    """What HttpRequest.scheme reads (META and the server's scheme), without building a
    request: Django's own rule then decides, SECURE_PROXY_SSL_HEADER included."""

    __slots__ = ("META",)

    def __init__(self, environ: dict) -> None:
        self.META = environ

    def _get_scheme(self) -> str:
        return self.META.get("wsgi.url_scheme", "http")


_scheme_of = HttpRequest.scheme.fget


def _outer_headers(secure: bool) -> list[tuple[str, str]] | None:
    """The headers the middleware before the page cache adds to a public page, for requests of
    one scheme; None when that middleware answers such a request itself (an HTTPS redirect)."""
    names = list(settings.MIDDLEWARE)
    if MIDDLEWARE_PATH not in names:
        return None
    inner = HttpResponse()
    del inner.headers["Content-Type"]

    def handler(request: HttpRequest) -> HttpResponse:
        return inner

    for path in reversed(names[: names.index(MIDDLEWARE_PATH)]):
        handler = import_string(path)(handler)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "pagecache-probe.invalid",
        "SERVER_PORT": "443" if secure else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": io.BytesIO(),
    }
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, secure_value = proxy_header
        environ[name] = secure_value if secure else "http"
    try:
        response = handler(WSGIRequest(environ))
    except Exception:  # e.g. a redirect that validates the probe's host: not reached
        return None
    if response is not inner:
        return None
    return list(inner.items())


class PageCacheApplication:
    """WSGI application: cache hits here, everything else to `application` (Django's)."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application
        self._outer: dict[bool, hits.AddedHeaders | None] = {}
        self._failed = False

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            answer = self.hit(environ)
        except Exception:
            if not self._failed:
                self._failed = True
                logger.exception("Page cache layer failed; passing requests on to Django")
            answer = None
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def outer_headers(self, secure: bool) -> hits.AddedHeaders | None:
        try:
            return self._outer[secure]
        except KeyError:
            headers = _outer_headers(secure)
            added = self._outer[secure] = None if headers is None else hits.AddedHeaders(headers)
            return added

    def hit(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """(status line, headers, body) of the cached answer, or None for Django."""
        method = environ.get("REQUEST_METHOD", "")
        if method not in ("GET", "HEAD"):
            return None
        raw_cookie = environ.get("HTTP_COOKIE")
        if raw_cookie and settings.SESSION_COOKIE_NAME in parse_cookie(
            get_str_from_wsgi(environ, "HTTP_COOKIE", "")
        ):
            return None  # possibly logged in: Django renders it for this visitor only
        if "charset" in environ.get("CONTENT_TYPE", ""):
            return None  # Django would read the query string in that charset
        # The path exactly as WSGIRequest builds request.path.
        script_name = get_script_name(environ)
        path_info = get_path_info(environ) or "/"
        path = f"{script_name.rstrip('/')}/{path_info.replace('/', '', 1)}"
        raw_host = environ.get("HTTP_HOST", "")
        site_id = hits.site_for(method=method, path=path, raw_host=raw_host, refresh=False)
        if site_id is None:
            return None
        outer = self.outer_headers(_scheme_of(_Scheme(environ)) == "https")
        if outer is None:
            return None
        now = hits.clock()  # one reading of the clock for the lookup and the answer
        try:
            entry, _record, _generation = hits.entry_lookup(
                site_id=site_id,
                host=raw_host.lower(),
                path=path,
                raw_query=get_bytes_from_wsgi(environ, "QUERY_STRING", ""),
                now=now,
            )
        except Exception:
            # A backend that raises (the tolerant Redis backend misses instead): Django
            # renders the page and logs the outage once.
            return None
        if entry is None:
            return None
        headers, body = hits.hit_answer(
            entry,
            accept_encoding=environ.get("HTTP_ACCEPT_ENCODING", ""),
            head=method == "HEAD",
            now=now,
            added=outer,
        )
        status = entry["status"]
        reason = responses.get(status, "Unknown Status Code")
        if status >= 400:
            # As Django's handler logs every 4xx answer ("Not Found: /path").
            log_response("%s: %s", reason, path, response=_Logged(status), request=None)
        return f"{status} {reason}", headers, body


class _Logged:
    """What django.utils.log.log_response reads of a response."""

    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
