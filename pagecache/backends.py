"""Redis cache that degrades instead of failing: while Redis is unreachable, reads miss and
writes are skipped (pages render without the cache; logged once per outage, not per request),
while the operations that purges rely on (delete, incr) still raise, so that a purge fails
visibly and the task worker retries it."""

from __future__ import annotations

import logging
import pickle
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

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

    def set(self, key: str, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)

    def add(self, key: str, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return False

    def set_many(self, data: dict, timeout: Any = None, version: int | None = None) -> list:
        try:
            return super().set_many(data, timeout, version)  # type: ignore[misc]
        except Exception as exc:
            Outage.failed(exc)
            return list(data)

    def touch(self, key: str, timeout: Any = None, version: int | None = None) -> bool:
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

    def read_many(self, keys: list[str]) -> dict[str, Any]:
        """`get_many` for the page cache's hit path (pagecache.hits): one MGET without key
        validation (the keys are the page cache's own: a prefix and a hash) and without
        swallowing errors: a connection error raises, and the caller renders the page."""
        full_keys = [self.make_key(key) for key in keys]
        values = self._cache.get_client(None).mget(full_keys)
        found = {
            key: _loads(value) for key, value in zip(keys, values, strict=True) if value is not None
        }
        Outage.recovered()
        return found


def _loads(value: bytes) -> Any:
    """Django's RedisSerializer.loads without its first attempt, int() of the whole value,
    whose failure on a pickled page formats the page's bytes into the error message: integers
    are stored as digits, everything else pickled (protocol 2 or later, which starts with
    the PROTO opcode)."""
    if value[:1] == b"\x80":
        return pickle.loads(value)
    return int(value)
