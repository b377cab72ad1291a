"""ALLOWED_HOSTS for production: fixed hosts plus the hostname of every Wagtail Site.

Django checks the host on every `request.get_host()` (CommonMiddleware on every request; the
HTTPS redirect, CSRF and absolute URLs where they run): `validate_host` walks
`settings.ALLOWED_HOSTS` with `is_same_domain` per entry until one matches. That walk is
Django's and stays Django's:
`SiteAllowedHosts` is a list of the fixed hosts whose iteration goes on with the sites'
hostnames, so leading-dot patterns, port stripping and the 400 (DisallowedHost) are Django's
own. What changed is the order and the source of what the iteration yields:

1. the fixed hosts (the admin host, `ALLOWED_HOSTS` from the environment);
2. the request's own hostname, when `SiteHostMiddleware` (first in MIDDLEWARE) found it in this
   process's set of site hostnames (`home.routing.site_hostnames_local`): a set lookup, no
   query, no cache round trip. Django's walk stops here for every request to a known site;
3. the rest of that set (a host checked outside a request, e.g. in a script);
4. the shared list (`site_hostnames_cached`: the cache, else the database), for a host this
   process does not know yet: a site provisioned by another process answers at once.

Why this design and not another:

- the set in 2 is the routing map's (`home.routing`), not a third copy: loaded with the same
  query, dropped with it when a routed request finds the root paths token changed (every save
  or delete of a `Site`, in any process, renews it once committed) and a minute old at most.
  A deleted site's hostname is refused by every process within that minute, well inside the
  shared list's cache period (`CACHE_SECONDS`), which is the guarantee;
- the hint in 2 only puts one entry of 3 first: it never allows a host the list would not
  allow. If Django ever checked the host another way (membership, a set), the answers would
  stay the same and only the speed would go back to a walk;
- not `ALLOWED_HOSTS = ["*"]` with a middleware of our own that refuses: every
  `get_host()` outside that middleware (a script, a streaming response read after the
  middleware returned, a request built by hand) would then accept any host;
- not a pattern object that compares equal to every site hostname: that would lean on how
  `is_same_domain` happens to compare today.

With the database down or before migrations the set is empty and the shared list cannot be
loaded: only the fixed hosts answer, and each refused check logs one warning.
"""

import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

logger = logging.getLogger(__name__)

CACHE_KEY = "home:site-hostnames"
CACHE_SECONDS = 300

# The hostname of the request being handled, when this process knows it as a site's.
_request_site_hostname: ContextVar[str | None] = ContextVar("request_site_hostname", default=None)


def site_hostnames_cached() -> list[str]:
    hostnames = cache.get(CACHE_KEY)
    if hostnames is None:
        from home.selectors import site_hostnames

        hostnames = site_hostnames()
        cache.set(CACHE_KEY, hostnames, CACHE_SECONDS)
    return hostnames


def forget_site_hostnames() -> None:
    """A site was saved or deleted: drop the shared list now and again once the change
    commits. Without the second drop, a process reading the list during the transaction
    (any unknown host does) would store the list without the change for `CACHE_SECONDS`."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


class SiteAllowedHosts(list):
    """The fixed hosts; iterating goes on with the sites' hostnames (see the module's doc)."""

    def __iter__(self) -> Iterator[str]:
        yield from super().__iter__()
        hint = _request_site_hostname.get()
        if hint is not None:
            yield hint
        # Imported here: the production settings import this module before the apps load.
        from home.routing import site_hostnames_local

        local = site_hostnames_local()
        yield from local
        try:
            shared = site_hostnames_cached()
        except DatabaseError:
            # Before migrations, or with the database down: only the fixed hosts answer.
            logger.warning("Site hostnames unavailable; only fixed ALLOWED_HOSTS apply")
            return
        # Usually none: only the hostnames this process does not know yet.
        yield from set(map(str.lower, shared)).difference(local)

    def __contains__(self, host: object) -> bool:
        return any(host == allowed for allowed in self)


class SiteHostMiddleware:
    """Notes the request's hostname for `SiteAllowedHosts` when this process knows it as a
    site's, so that Django's host checks during the request match at once. Decides nothing
    itself: an unknown hostname is left to Django's check of the whole list. First in
    MIDDLEWARE (after the health check), before anything calls `request.get_host()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from home.routing import site_hostnames_local

        # The host as get_host() reads it (X-Forwarded-Host when trusted, else Host or the
        # server's name), lowercased and without its port, as validate_host receives it.
        hostname = split_domain_port(request._get_raw_host())[0]
        known = hostname if hostname and hostname in site_hostnames_local() else None
        token = _request_site_hostname.set(known)
        try:
            return self.get_response(request)
        finally:
            _request_site_hostname.reset(token)
