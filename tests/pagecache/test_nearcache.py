"""The per-process near cache of the Redis backend (pagecache.nearcache): a hit whose keys this
process read before is answered without Redis, and Redis's own invalidations (CLIENT TRACKING,
redirected to a listener thread) retire the local copy when another process purges; without the
listener, nothing is answered locally. Needs a real Redis (REDIS_URL)."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import pytest
import redis
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from redis.connection import Connection

from pagecache import hits, keys
from pagecache.middleware import HEADER
from pagecache.nearcache import KEY_OVERHEAD, NearCache, near_caches_close
from pagecache.services import purge_now
from pagecache.wsgi import PageCacheApplication
from tests.pagecache.test_wsgi import DjangoRefused, call

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: the near cache works with Redis only"
)


def _until(condition, seconds: float = 1.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class Commands:
    """Every command any redis-py connection sends from the test's thread (the requests); the
    listener thread's own PINGs are not the requests' business."""

    def __init__(self, monkeypatch) -> None:
        self.sent: list[tuple] = []
        real = Connection.send_command
        requests = threading.current_thread()

        def send_command(connection, *args, **kwargs):
            if threading.current_thread() is requests:
                self.sent.append(args)
            return real(connection, *args, **kwargs)

        monkeypatch.setattr(Connection, "send_command", send_command)


@pytest.fixture
def redis_backend(redis_page_cache, settings):
    """The production backend on REDIS_URL with its own key prefix, the near cache on."""
    settings.PAGECACHE_LOCAL_BYTES = 4 * 1024 * 1024
    return redis_page_cache


def _near(backend) -> NearCache:
    near = backend._near_cache()
    assert near is not None
    near.get_many([])  # starts the listener thread
    assert _until(lambda: near.active, 3), "tracking was not established"
    return near


def _served_locally(layer, host: str, near: NearCache, path: str = "/"):
    """Requests until a hit has been kept here (the keys read through the tracked reader)."""
    answer = None
    for _ in range(50):
        answer = call(layer, host, path)
        if answer[HEADER] == "hit" and all(key in near for key in _full_keys(host, path)):
            return answer
        time.sleep(0.02)
    raise AssertionError(f"never kept locally: {answer.headers if answer else None}")


def _settled(layer, host: str, near: NearCache, path: str = "/"):
    """`_served_locally`, then no invalidation for a moment: the invalidations Redis sent for
    the miss's own writes may reach the listener after the keys were read again and kept
    (dropping them is right, and harmless: the next request reads them again); a test that
    counts Redis calls starts after they have all arrived."""
    for _ in range(20):
        answer = _served_locally(layer, host, path=path, near=near)
        epoch = near.epoch
        time.sleep(0.2)
        if near.epoch == epoch and all(key in near for key in _full_keys(host, path)):
            return answer
    raise AssertionError("invalidations kept arriving")


def _full_keys(host: str, path: str) -> list[str]:
    backend = caches["default"]
    site_id = keys.site_id_for_host(host.split(":")[0])
    return [
        backend.make_key(keys.generation_key(site_id)),
        backend.make_key(keys.path_key(host, path)),
        backend.make_key(keys.entry_key(host=host, path=path, query="")),
    ]


@pytest.fixture
def warm_layer(site_a, redis_backend):
    """The layer, the near cache and the home page of site A kept in it."""
    layer = PageCacheApplication(WSGIHandler())
    near = _near(redis_backend)
    miss = call(layer, site_a.hostname)
    assert miss[HEADER] == "miss"
    hit = _settled(layer, site_a.hostname, near)
    assert hit.body == miss.body
    layer.application = DjangoRefused()
    return layer, near, miss


@needs_redis
def test_a_hit_kept_locally_makes_no_redis_call(site_a, warm_layer, monkeypatch):
    layer, _near_cache, miss = warm_layer
    commands = Commands(monkeypatch)
    for _ in range(3):
        hit = call(layer, site_a.hostname, HTTP_ACCEPT_ENCODING="gzip")
        assert (hit.status, hit[HEADER], hit["Content-Encoding"]) == ("200 OK", "hit", "gzip")
    plain = call(layer, site_a.hostname)
    assert (plain[HEADER], plain.body) == ("hit", miss.body)
    assert commands.sent == []


@needs_redis
def test_the_entrys_end_is_checked_on_a_local_hit(site_a, warm_layer, monkeypatch):
    layer, near, _miss = warm_layer
    entry = near.get_many(_full_keys(site_a.hostname, "/"))[2]
    monkeypatch.setattr(hits, "clock", lambda: entry["until"] + 1)
    with pytest.raises(AssertionError, match="Django was entered"):
        call(layer, site_a.hostname)


@needs_redis
def test_a_purge_by_another_process_retires_the_local_copy(site_a, warm_layer, raw):
    """Another process deletes the path's record (its purge) or bumps the site's generation:
    Redis's invalidation reaches the listener, and the next request is not a local hit."""
    layer, near, _miss = warm_layer
    generation_key, record_key, entry_key = _full_keys(site_a.hostname, "/")
    raw.delete(record_key)
    assert _until(lambda: record_key not in near)
    assert entry_key in near
    with pytest.raises(AssertionError, match="Django was entered"):
        call(layer, site_a.hostname)

    layer.application = WSGIHandler()
    assert call(layer, site_a.hostname)[HEADER] == "miss"
    _served_locally(layer, site_a.hostname, near)
    raw.incr(generation_key)
    assert _until(lambda: generation_key not in near)
    layer.application = DjangoRefused()
    with pytest.raises(AssertionError, match="Django was entered"):
        call(layer, site_a.hostname)


@needs_redis
def test_purge_now_of_a_url_and_of_a_site_retire_the_local_copy(site_a, warm_layer):
    layer, near, _miss = warm_layer
    generation_key, record_key, _entry_key = _full_keys(site_a.hostname, "/")
    purge_now(urls=[f"http://{site_a.hostname}/"])
    assert _until(lambda: record_key not in near)
    with pytest.raises(AssertionError, match="Django was entered"):
        call(layer, site_a.hostname)

    layer.application = WSGIHandler()
    assert call(layer, site_a.hostname)[HEADER] == "miss"
    _served_locally(layer, site_a.hostname, near)
    purge_now(site_ids=[site_a.site.pk])
    assert _until(lambda: generation_key not in near)
    assert call(layer, site_a.hostname)[HEADER] == "miss"


@needs_redis
def test_a_message_without_keys_drops_everything(site_a, warm_layer, monkeypatch):
    """FLUSHDB and FLUSHALL send an invalidation without keys. Not sent for real here: it
    would empty the whole Redis database of REDIS_URL, which other programs may share."""
    layer, near, _miss = warm_layer
    assert near.stats()["keys"] >= 3
    near.invalidate(None)
    assert near.stats() == {"keys": 0, "bytes": 0, "epoch": near.epoch}
    commands = Commands(monkeypatch)
    assert call(layer, site_a.hostname, HTTP_ACCEPT_ENCODING="gzip")[HEADER] == "hit"
    assert [command[0] for command in commands.sent] == ["MGET"]


@needs_redis
def test_a_dropped_listener_turns_local_hits_off_until_tracking_is_back(
    site_a, warm_layer, raw, monkeypatch
):
    layer, near, miss = warm_layer
    listener_id = near.listener_id
    raw.client_kill_filter(_id=listener_id)
    assert _until(lambda: not near.active)
    assert near.stats()["keys"] == 0
    commands = Commands(monkeypatch)
    hit = call(layer, site_a.hostname)
    # Answered from Redis (the layer's hit), not from the local copy.
    assert (hit[HEADER], hit.body) == ("hit", miss.body)
    assert [command[0] for command in commands.sent] == ["MGET"]
    # The thread reconnects (with its new listener) and local hits resume.
    assert _until(lambda: near.active and near.listener_id != listener_id, 3)
    _served_locally(layer, site_a.hostname, near)
    commands.sent.clear()
    assert call(layer, site_a.hostname)[HEADER] == "hit"
    assert commands.sent == []


@pytest.fixture
def near_cache():
    """A near cache of its own on REDIS_URL, with a small bound, and a key prefix."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the near cache works with Redis only")
    pool = redis.ConnectionPool.from_url(REDIS_URL, socket_timeout=0.5)
    prefix = f"test-near-{uuid.uuid4().hex}:"
    near = NearCache(pool=pool, max_bytes=3 * (KEY_OVERHEAD + 1000))
    near.get_many([])
    assert _until(lambda: near.active, 3)
    yield near, prefix
    near.close()
    client = redis.Redis(connection_pool=pool)
    names = list(client.scan_iter(match=f"{prefix}*"))
    if names:
        client.delete(*names)
    pool.disconnect()


def _same(value: bytes) -> bytes:
    return value


def test_an_invalidation_during_the_read_keeps_nothing(near_cache, raw, monkeypatch):
    """Redis may send a key's invalidation before the reply with its old value: when the
    listener handled one while the read was under way, the value read is not kept."""
    near, prefix = near_cache
    key = f"{prefix}race"
    raw.set(key, b"old")
    reader = near._reader
    real_read = reader.read_response
    epoch = near.epoch

    def read_response(*args, **kwargs):
        reply = real_read(*args, **kwargs)
        raw.set(key, b"new")  # another process, between the read and the store
        assert _until(lambda: near.epoch != epoch)
        return reply

    monkeypatch.setattr(reader, "read_response", read_response)
    assert near.fetch([key], _same) == [b"old"]
    assert key not in near
    monkeypatch.undo()
    assert near.fetch([key], _same) == [b"new"]
    assert near.get_many([key]) == [b"new"]


def test_the_bound_evicts_the_least_recently_used(near_cache, raw):
    near, prefix = near_cache
    names = [f"{prefix}{letter}" for letter in "abcd"]
    for name in names:
        raw.set(name, b"x" * 1000)
    for name in names[:3]:
        near.fetch([name], _same)
    assert near.stats()["bytes"] == 3 * (KEY_OVERHEAD + 1000)
    assert near.get_many([names[0]]) == [b"x" * 1000]  # a is now the most recent
    near.fetch([names[3]], _same)
    assert [name in near for name in names] == [True, False, True, True]
    assert near.stats()["bytes"] <= near.max_bytes
    # A value larger than the whole bound is never kept.
    raw.set(f"{prefix}big", b"y" * 10_000)
    assert near.fetch([f"{prefix}big"], _same) == [b"y" * 10_000]
    assert f"{prefix}big" not in near


class Partition:
    """A TCP stand-in in front of Redis that forwards everything until `hang()`; from then on
    the connections that subscribed (the near cache's listener) stay open and deliver nothing
    either way, as a half-open connection after a network partition does. `release()` ends it.
    """

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.hanging = threading.Event()
        self.listener_pings = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sockets: list[socket.socket] = [self.server]
        threading.Thread(target=self._accept, daemon=True).start()

    def hang(self) -> None:
        self.hanging.set()

    def release(self) -> None:
        self.hanging.clear()

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            self.sockets += [client, upstream]
            state = {"listener": False}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, target, state, source is client), daemon=True
                ).start()

    def _pump(self, source, target, state, from_client: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            if from_client and b"SUBSCRIBE" in data:
                state["listener"] = True
            elif from_client and state["listener"] and b"PING" in data:
                self.listener_pings += 1
            if state["listener"] and self.hanging.is_set():
                continue  # swallowed
            try:
                target.sendall(data)
            except OSError:
                break
        for sock in (source, target):
            sock.close()


@needs_redis
def test_a_hung_listener_is_noticed_by_its_ping_and_replaced(raw):
    """The listener's connection stays open but delivers nothing: an invalidation is lost, so
    the copy may be stale. The unanswered PING empties it, requests go to Redis (the caller's
    own read) until a new listener is subscribed, and local hits then resume."""
    direct = redis.ConnectionPool.from_url(REDIS_URL).connection_kwargs
    partition = Partition(direct.get("host", "127.0.0.1"), direct.get("port", 6379))
    pool = redis.ConnectionPool(
        **{**direct, "host": "127.0.0.1", "port": partition.port, "socket_timeout": 0.5}
    )
    near = NearCache(pool=pool, max_bytes=1024 * 1024, ping_seconds=0.05, ping_timeout=0.2)
    key = f"test-near-{uuid.uuid4().hex}:page"
    try:
        near.get_many([])
        assert _until(lambda: near.active, 3)
        listener_id = near.listener_id
        raw.set(key, b"old")
        assert near.fetch([key], _same) == [b"old"]
        # Answered PINGs keep the listener.
        assert _until(lambda: partition.listener_pings >= 3)
        assert (near.active, near.listener_id, near.get_many([key])) == (
            True,
            listener_id,
            [b"old"],
        )

        partition.hang()
        epoch = near.epoch
        raw.set(key, b"new")  # its invalidation never arrives
        assert _until(lambda: not near.active, 2), "the hung listener was not noticed"
        assert near.epoch > epoch
        assert near.stats()["keys"] == 0
        # Meanwhile nothing local: the backend reads Redis through its pool.
        assert near.get_many([key]) is None
        assert near.fetch([key], _same) is None

        partition.release()
        assert _until(lambda: near.active and near.listener_id != listener_id, 3)
        assert near.fetch([key], _same) == [b"new"]
        assert near.get_many([key]) == [b"new"]
    finally:
        near.close()
        partition.close()
        pool.disconnect()
        raw.delete(key)


@needs_redis
def test_local_bytes_zero_turns_it_off(redis_backend, settings):
    settings.PAGECACHE_LOCAL_BYTES = 0
    assert redis_backend._near_cache() is None


def test_the_local_memory_cache_has_no_near_cache(site_a, settings):
    assert not hasattr(caches["default"], "_near_cache")


def test_a_forked_process_gets_its_own_near_cache(monkeypatch):
    """The parent's instance (whose thread does not run in the child) is not used after a
    fork: the child starts its own, lazily."""
    from pagecache import nearcache

    pool = redis.ConnectionPool.from_url(REDIS_URL or "redis://127.0.0.1:6379/11")
    parent = nearcache.near_cache_for(pool=pool, max_bytes=1024 * 1024)
    assert nearcache.near_cache_for(pool=pool, max_bytes=1024 * 1024) is parent
    assert parent._thread is None  # nothing started before the first read
    monkeypatch.setattr(nearcache.os, "getpid", lambda: -1)
    child = nearcache.near_cache_for(pool=pool, max_bytes=1024 * 1024)
    assert child is not parent
    assert nearcache.near_cache_for(pool=pool, max_bytes=0) is None
    near_caches_close()
