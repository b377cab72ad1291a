"""ALLOWED_HOSTS for production: fixed hosts plus the hostname of every Wagtail Site.

Django iterates ALLOWED_HOSTS on every request (HttpRequest.get_host); this list subclass adds
the sites' hostnames, read once per cache period and invalidated when a Site changes
(home.signals), so a newly provisioned site answers without a redeploy and without a wildcard.
"""

import logging
from collections.abc import Iterator

from django.core.cache import cache
from django.db import DatabaseError

logger = logging.getLogger(__name__)

CACHE_KEY = "home:site-hostnames"
CACHE_SECONDS = 300


def site_hostnames_cached() -> list[str]:
    hostnames = cache.get(CACHE_KEY)
    if hostnames is None:
        from home.selectors import site_hostnames

        hostnames = site_hostnames()
        cache.set(CACHE_KEY, hostnames, CACHE_SECONDS)
    return hostnames


def forget_site_hostnames() -> None:
    cache.delete(CACHE_KEY)


class SiteAllowedHosts(list):
    def __iter__(self) -> Iterator[str]:
        yield from super().__iter__()
        try:
            yield from site_hostnames_cached()
        except DatabaseError:
            # Before migrations, or with the database down: only the fixed hosts answer.
            logger.warning("Site hostnames unavailable; only fixed ALLOWED_HOSTS apply")

    def __contains__(self, host: object) -> bool:
        return any(host == allowed for allowed in self)
