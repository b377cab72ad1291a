"""Cache generations. Per site: one number per site that every cached fragment of that site
(the page shell, whole pages) puts in its key. Bumping it retires all of them at once without
knowing their keys; the old entries expire on their own. Tokens: a random generation under a
key of its own, for what processes also keep themselves under it (the network map, the list
of places)."""

import uuid
from collections.abc import Iterable

from django.core.cache import cache

_KEY = "site-generation:{}"


def site_generation(site_id: int) -> int:
    """The current generation of a site's cached fragments (1 until the first bump)."""
    key = _KEY.format(site_id)
    generation = cache.get(key)
    if generation is None:
        cache.add(key, 1, timeout=None)
        generation = cache.get(key, 1)
    return int(generation)


def bump_site_generations(site_ids: Iterable[int]) -> None:
    """Retire every cached fragment of the given sites."""
    for site_id in set(site_ids):
        key = _KEY.format(site_id)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, timeout=None)


def site_generation_key(site_id: int) -> str:
    """The cache key of a site's generation (for readers that fetch it with other keys)."""
    return _KEY.format(site_id)


def generation_token(key: str) -> str:
    """The random token under `key`, one set first when there is none. Random, not a count
    from 1: what a process keeps under a token is never taken for what an emptied cache's
    new token names."""
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key, "")
    return str(token)


def generation_token_renew(key: str) -> None:
    """A new token under `key`: everything kept under the old one is retired."""
    cache.set(key, uuid.uuid4().hex, timeout=None)
