"""The page cache is off in the test settings (other areas render every request); these
tests turn it on, with the local memory cache that the session's autouse fixture clears.
With REDIS_URL, `redis_page_cache` puts the production backend in its place."""

import os
import uuid

import pytest
import redis
from django.core.cache import caches

from pagecache import keys
from pagecache.nearcache import near_caches_close

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGECACHE_ENABLED = True
    keys.forget_hosts()
    yield
    keys.forget_hosts()


@pytest.fixture
def redis_page_cache(settings):
    """The default cache is the production backend (`pagecache.backends.RedisCache`) on
    REDIS_URL, under a key prefix of its own whose keys are deleted at the end, with Django's
    default timeout written out and the near cache off (a test turns it on with
    PAGECACHE_LOCAL_BYTES). Skips without REDIS_URL."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the Redis backend needs a real Redis")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PAGECACHE_LOCAL_BYTES = 0
    yield caches["default"]
    near_caches_close()
    client = redis.Redis.from_url(REDIS_URL)
    names = list(client.scan_iter(match=f"{prefix}:*"))
    if names:
        client.delete(*names)
    client.close()


@pytest.fixture
def raw():
    """A plain redis-py client on REDIS_URL: another process, as far as the backend knows."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the test needs a real Redis")
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()
