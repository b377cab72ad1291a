"""Redis cache that degrades instead of failing: while Redis is unreachable, reads miss and
writes are skipped (pages render without the cache; logged once per outage, not per request),
while the operations that purges rely on (delete, incr) still raise, so that a purge fails
visibly and the task worker retries it."""

from __future__ import annotations

import logging
import os
import pickle
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from pagecache.nearcache import NearCache, near_cache_for

logger = logging.getLogger("pagecache")


class Outage:
    """One log line when the cache becomes unavailable and one when it is back."""

    down = False

    @classmethod
    def failed(cls, exc: Exception) -> None:
        if not cls.down:
            cls.down = True
            logger.error("Cache unavailable, rendering pages without it: %s", exc)

    @classmethod
    def recovered(cls) -> None:
        if cls.down:
            cls.down = False
            logger.warning("Cache available again")


class TolerantCacheMixin:
    """Reads and writes that swallow backend errors (see the module docstring)."""

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            value = super().get(key, default, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return default
        Outage.recovered()
        return value

    def get_many(self, keys: list[str], version: int | None = None) -> dict[str, Any]:
        try:
            values = super().get_many(keys, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return {}
        Outage.recovered()
        return values

    def has_key(self, key: str, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return False

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return False

    def set_many(
        self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list:
        try:
            return super().set_many(data, timeout, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return list(data)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return False


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client builds a `redis.Redis` object for every operation, and redis-py's
    constructor fills a table of about 170 response callbacks each time: as long as a round
    trip to a local Redis, twice per cached page. One `redis.Redis` per connection pool
    instead (thread-safe; the pool itself handles a fork)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(pool)
        if client is None:
            client = clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(TolerantCacheMixin, DjangoRedisCache):
    """Django's Redis cache, tolerant of an outage for reads and writes, with one client per
    connection pool."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient

    # Writes of this process drop its near copy of the keys at once (Redis's invalidation
    # of them arrives a moment later): a page stored or purged here is read back from Redis.
    # Arguments are passed through as they are, so the tolerant mixin's defaults apply.

    def set(self, key, *args, **kwargs) -> None:
        try:
            super().set(key, *args, **kwargs)
        finally:
            self._forget([key], _version(args, kwargs, 2))

    def add(self, key, *args, **kwargs) -> bool:
        try:
            return super().add(key, *args, **kwargs)
        finally:
            self._forget([key], _version(args, kwargs, 2))

    def set_many(self, data, *args, **kwargs) -> list:
        try:
            return super().set_many(data, *args, **kwargs)
        finally:
            self._forget(list(data), _version(args, kwargs, 1))

    def delete(self, key, *args, **kwargs) -> bool:
        try:
            return super().delete(key, *args, **kwargs)
        finally:
            self._forget([key], _version(args, kwargs, 0))

    def delete_many(self, keys, *args, **kwargs) -> None:
        keys = list(keys)
        try:
            super().delete_many(keys, *args, **kwargs)
        finally:
            self._forget(keys, _version(args, kwargs, 0))

    def incr(self, key, *args, **kwargs) -> int:
        try:
            return super().incr(key, *args, **kwargs)
        finally:
            self._forget([key], _version(args, kwargs, 1))

    def clear(self) -> None:
        try:
            super().clear()
        finally:
            self._forget(None)

    def _forget(self, keys: list[str] | None, version: int | None = None) -> None:
        known = self.__dict__.get("_near")
        if known is None or known[1] is None or known[0][0] != os.getpid():
            return
        known[1].forget(None if keys is None else [self.make_key(k, version) for k in keys])

    def read_many(self, keys: list[str]) -> dict[str, Any]:
        """`get_many` for the page cache's hit path (pagecache.hits): one MGET without key
        validation (the keys are the page cache's own: a prefix and a hash) and without
        swallowing errors: a connection error raises, and the caller renders the page.

        With the near cache on (`PAGECACHE_LOCAL_BYTES`, pagecache.nearcache), keys this
        process read before and that Redis has not invalidated since are answered without
        Redis, and the others are read through its tracked connection."""
        made = self.__dict__.get("_made")
        if made is None or len(made) >= _MADE_MAX:
            made = self.__dict__["_made"] = {}
        full_keys = []
        for key in keys:
            full = made.get(key)
            if full is None:
                full = made[key] = self.make_key(key)
            full_keys.append(full)
        values = None
        near = self._near_cache()
        if near is not None:
            values = near.get_many(full_keys)
            if values is None:
                values = near.fetch(full_keys, _loads)
        if values is None:
            values = [
                None if value is None else _loads(value)
                for value in self._cache.get_client(None).mget(full_keys)
            ]
        found = {key: value for key, value in zip(keys, values, strict=True) if value is not None}
        Outage.recovered()
        return found

    def _near_cache(self) -> NearCache | None:
        """This process's near cache of the (single) server, None when it is off."""
        max_bytes = int(getattr(settings, "PAGECACHE_LOCAL_BYTES", 0))
        marker = (os.getpid(), max_bytes)
        known = self.__dict__.get("_near")
        if known is not None and known[0] == marker:
            return known[1]
        near = None
        if len(self._servers) == 1:
            # With replicas the reads go to any of them; tracking is per server: off.
            near = near_cache_for(pool=self._cache._get_connection_pool(True), max_bytes=max_bytes)
        self.__dict__["_near"] = (marker, near)
        return near


# read_many's keys as stored (make_key: the prefix and the version, fixed per backend), kept
# per backend for the keys hits read again and again; emptied when full.
_MADE_MAX = 8192


def _version(args: tuple, kwargs: dict, position: int) -> int | None:
    """The `version` argument of a cache call, given by name or at `position` after the key."""
    if "version" in kwargs:
        return kwargs["version"]
    return args[position] if len(args) > position else None


def _loads(value: bytes) -> Any:
    """Django's RedisSerializer.loads without its first attempt, int() of the whole value,
    whose failure on a pickled page formats the page's bytes into the error message: integers
    are stored as digits, everything else pickled (protocol 2 or later, which starts with
    the PROTO opcode)."""
    if value[:1] == b"\x80":
        return pickle.loads(value)
    return int(value)
