"""The tolerant Redis backend keeps Django's timeout semantics: a write without a timeout
lives for the configured TIMEOUT (not forever), `timeout=None` is forever. Needs a real Redis
(REDIS_URL)."""

import os
import uuid

import pytest
import redis
from django.core.cache import caches

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.fixture
def backend(settings):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the Redis backend needs a real Redis")
    prefix = f"test-timeouts-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "TIMEOUT": 300,
        }
    }
    settings.PAGECACHE_LOCAL_BYTES = 0
    client = redis.Redis.from_url(REDIS_URL)
    yield caches["default"], client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def test_write_without_timeout_expires_after_the_configured_timeout(backend):
    cache, client, _prefix = backend
    cache.set("plain", "value")
    cache.add("added", "value")
    cache.set_many({"many": "value"})
    for name in ("plain", "added", "many"):
        ttl = client.ttl(cache.make_key(name))
        assert 290 < ttl <= 300, (name, ttl)


def test_timeout_none_is_forever(backend):
    cache, client, _prefix = backend
    cache.set("forever", "value", timeout=None)
    assert client.ttl(cache.make_key("forever")) == -1
