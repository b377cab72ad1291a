"""A per-process copy of the page cache's Redis keys that answers hits without a round trip,
kept exact by Redis itself (server-assisted client-side caching, CLIENT TRACKING).

Each process that reads the page cache through `pagecache.backends.RedisCache.read_many` has
one `NearCache` per Redis server:

- a *reader* connection with `CLIENT TRACKING ON REDIRECT <listener>`: the keys it reads
  (the site generation, the path record, the entry) are remembered by Redis for this
  connection, and the first change of any of them (a write, a delete, an expiry, an
  eviction) sends their names to the listener, once;
- a *listener* connection, owned by a daemon thread, SUBSCRIBEd to `__redis__:invalidate`
  (RESP2's redirect mode): each message drops the named keys here; a message without keys
  (FLUSHDB, FLUSHALL) drops everything.

A read whose keys are all here is answered without Redis. Otherwise the keys are read through
the reader and kept, unless an invalidation arrived while the read was under way (`epoch`):
Redis may send the invalidation of a key before the reply that still holds its old value,
and the listener may handle it before that reply is stored (the race Redis documents for the
redirect mode). Values are kept unpickled, in a least-recently-used order bounded by bytes
(`PAGECACHE_LOCAL_BYTES`, the size of the stored value plus a fixed overhead per key).

While the listener is not connected and subscribed, nothing is answered from here and nothing
is kept: a dropped listener (Redis restarted, the network) clears the copy at once and the
thread reconnects with a growing delay; requests meanwhile read Redis as without this module
and never wait for the thread. A listener that stays connected but delivers nothing (a
half-open TCP connection after a network partition: its invalidations would be lost) is caught
by its thread, which PINGs on the listener connection every `PING_SECONDS` of quiet: a pong that
has not arrived `PING_TIMEOUT` later counts as a dropped listener. Requests never PING.
Started lazily, by the first read in each process (after a fork, the parent's instance is left
alone). See docs/caching.md."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from redis.connection import ConnectionPool

logger = logging.getLogger("pagecache")

CHANNEL = b"__redis__:invalidate"
# What a kept key costs besides its stored bytes: the key, the table's node, the unpickled
# object's own structure. Measured with tracemalloc for an entry (a dict with about 15 header
# tuples and a 4 KB compressed body): 6.8 KB in memory for 4.1 KB pickled. Generous for
# small values (generations, records), so that the bound holds for the process's memory.
KEY_OVERHEAD = 3 * 1024
# The listener's reconnection delays: from the first to the longest.
BACKOFF_FIRST = 0.1
BACKOFF_LONGEST = 30.0
# How often the listener thread looks at its stop and reset flags while Redis is quiet.
POLL_SECONDS = 1.0
# The listener's liveness check: a PING after this many seconds without a message from Redis,
# and how long its pong may take before the connection counts as hung. Stale pages can be
# served at most about PING_SECONDS + PING_TIMEOUT after a connection hangs.
PING_SECONDS = 5.0
PING_TIMEOUT = 2.0

_ABSENT = object()


class NearCache:
    """The local copy of one Redis server's keys in this process (see the module docstring)."""

    def __init__(
        self,
        *,
        pool: ConnectionPool,
        max_bytes: int,
        ping_seconds: float = PING_SECONDS,
        ping_timeout: float = PING_TIMEOUT,
    ) -> None:
        # Our own connections, RESP2 whatever redis-py's default: the listener receives the
        # invalidations as pub/sub messages, the reader's replies carry no push data.
        self._connection_kwargs = {**pool.connection_kwargs, "protocol": 2}
        self._connection_class = pool.connection_class
        self.max_bytes = max_bytes
        self.ping_seconds = ping_seconds
        self.ping_timeout = ping_timeout
        self.epoch = 0
        self.active = False
        self._lock = threading.Lock()
        self._values: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._reader = None
        self._reader_lock = threading.Lock()
        self._listener = None
        self._stop = threading.Event()
        self._reset = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False
        self.listener_id: int | None = None

    # --- the request path ---------------------------------------------------------------------

    def get_many(self, keys: list[str]) -> list[Any] | None:
        """The values of `keys` (None for a key absent from Redis) when all are kept here,
        else None. Never waits for Redis or for the listener thread."""
        self._start()
        if not self.active:
            return None
        found = []
        with self._lock:
            values = self._values
            for key in keys:
                kept = values.get(key, _ABSENT)
                if kept is _ABSENT:
                    return None
                found.append(kept[0])
            for key in keys:
                values.move_to_end(key)
        return found

    def fetch(self, keys: list[str], loads: Callable[[bytes], Any]) -> list[Any] | None:
        """The values of `keys` read through the tracked reader (and kept here when no
        invalidation arrived meanwhile); None when the reader is not available (tracking not
        established, another thread reading): the caller then reads Redis itself. A
        connection error clears the copy, asks the thread to reconnect, and raises."""
        if not self.active or not self._reader_lock.acquire(blocking=False):
            return None
        try:
            reader = self._reader
            if reader is None or not self.active:
                return None
            epoch = self.epoch
            try:
                reader.send_command("MGET", *keys)
                raw = reader.read_response()
            except Exception:
                self._lost()
                raise
        finally:
            self._reader_lock.release()
        values = [None if value is None else loads(value) for value in raw]
        with self._lock:
            if self.active and self.epoch == epoch:
                for key, value, stored in zip(keys, values, raw, strict=True):
                    self._keep(key, value, KEY_OVERHEAD + (len(stored) if stored else 0))
        return values

    # --- the table ----------------------------------------------------------------------------

    def _keep(self, key: str, value: Any, size: int) -> None:
        """Under self._lock."""
        if size > self.max_bytes:
            return
        previous = self._values.pop(key, None)
        if previous is not None:
            self._bytes -= previous[1]
        self._values[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _key, (_value, dropped) = self._values.popitem(last=False)
            self._bytes -= dropped

    def invalidate(self, keys: list[bytes] | None) -> None:
        """An invalidation message: the named keys changed (None: all of them)."""
        with self._lock:
            self.epoch += 1
            if keys is None:
                self._values.clear()
                self._bytes = 0
                return
            for name in keys:
                kept = self._values.pop(name.decode("utf-8", "replace"), None)
                if kept is not None:
                    self._bytes -= kept[1]

    def forget(self, keys: list[str] | None) -> None:
        """This process wrote `keys` (None: all): read them from Redis next time, without
        waiting for the invalidation that Redis sends for the write."""
        self.invalidate(None if keys is None else [key.encode() for key in keys])

    def _lost(self) -> None:
        """Tracking can no longer be trusted: nothing answered or kept until it is back."""
        with self._lock:
            self.active = False
            self.epoch += 1
            self._values.clear()
            self._bytes = 0
        self._reset.set()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"keys": len(self._values), "bytes": self._bytes, "epoch": self.epoch}

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._values

    # --- the listener thread ------------------------------------------------------------------

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="pagecache-nearcache", daemon=True
                    )
                    self._thread.start()

    def close(self) -> None:
        """Stop the thread and close the connections (tests; a process simply exits)."""
        self._stop.set()
        self._lost()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        delay = BACKOFF_FIRST
        while not self._stop.is_set():
            try:
                self._connect()
                if self._failing:
                    self._failing = False
                    logger.warning("Page cache near cache: tracking re-established")
                delay = BACKOFF_FIRST
                self._listen()
            except Exception as exc:
                if not self._failing:
                    self._failing = True
                    logger.warning("Page cache near cache off until Redis is back: %s", exc)
            self._lost()
            self._disconnect()
            self._reset.clear()
            if self._stop.wait(delay):
                break
            delay = min(delay * 2, BACKOFF_LONGEST)
        self._disconnect()

    def _connect(self) -> None:
        listener = self._connection_class(**self._connection_kwargs)
        self._listener = listener
        listener.connect()
        listener.send_command("CLIENT", "ID")
        client_id = listener.read_response()
        self.listener_id = client_id
        listener.send_command("SUBSCRIBE", CHANNEL)
        listener.read_response()
        reader = self._connection_class(**self._connection_kwargs)
        reader.connect()
        reader.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id)
        if reader.read_response() not in (b"OK", "OK"):
            raise ConnectionError("CLIENT TRACKING refused")
        with self._reader_lock:
            self._reader = reader
        with self._lock:
            self.epoch += 1
            self._values.clear()
            self._bytes = 0
            self.active = not self._reset.is_set() and not self._stop.is_set()

    def _listen(self) -> None:
        """Handle invalidations until stopped or reset; raise when the connection closes or
        does not answer a PING in time (the caller then clears the copy and reconnects)."""
        listener = self._listener
        heard = time.monotonic()  # the last message from Redis
        pinged: float | None = None  # when the PING now waiting for its pong was sent
        while not self._stop.is_set() and not self._reset.is_set():
            now = time.monotonic()
            if pinged is None and now - heard >= self.ping_seconds:
                # No health check of redis-py's own: its PING would read our messages.
                listener.send_command("PING", check_health=False)
                pinged = now
            if pinged is None:
                wait = heard + self.ping_seconds - now
            else:
                wait = pinged + self.ping_timeout - now
                if wait <= 0:
                    raise ConnectionError(
                        f"the listener did not answer a PING within {self.ping_timeout:g} s"
                    )
            if not listener.can_read(timeout=min(wait, POLL_SECONDS)):
                continue
            message = listener.read_response()
            heard = time.monotonic()
            if not isinstance(message, list) or not message:
                continue
            if message[0] == b"pong":  # a subscribed connection's reply to PING (RESP2)
                pinged = None
            elif message[0] == b"message":
                payload = message[2]
                self.invalidate([payload] if isinstance(payload, bytes) else payload)

    def _disconnect(self) -> None:
        with self._reader_lock:
            reader, self._reader = self._reader, None
        for connection in (reader, self._listener):
            if connection is not None:
                try:
                    connection.disconnect()
                except Exception:
                    logger.debug("Near cache connection not closed cleanly", exc_info=True)
        self._listener = None


# --- one per Redis server and process -------------------------------------------------------

_instances: dict[tuple, NearCache] = {}
_instances_pid = os.getpid()


def near_cache_for(*, pool: ConnectionPool, max_bytes: int) -> NearCache | None:
    """This process's near cache of the server `pool` connects to; None when turned off
    (`max_bytes` 0). A forked child starts its own: the parent's thread does not run there,
    and its connections are the parent's (left open, as redis-py leaves a parent's sockets)."""
    global _instances_pid
    if max_bytes <= 0:
        return None
    if os.getpid() != _instances_pid:
        _instances.clear()
        _instances_pid = os.getpid()
    kwargs = pool.connection_kwargs
    identity = (
        pool.connection_class,
        kwargs.get("host"),
        kwargs.get("port"),
        kwargs.get("path"),
        kwargs.get("db"),
        kwargs.get("username"),
        max_bytes,
    )
    near = _instances.get(identity)
    if near is None:
        near = _instances[identity] = NearCache(pool=pool, max_bytes=max_bytes)
    return near


def near_caches_close() -> None:
    """Stop every near cache of this process (tests that change the cache settings)."""
    for near in list(_instances.values()):
        near.close()
    _instances.clear()
