"""The tolerant Redis backend keeps Django's timeout semantics: a write without a timeout
lives for the configured TIMEOUT (not forever), `timeout=None` is forever. Needs a real Redis
(REDIS_URL)."""


def test_write_without_timeout_expires_after_the_configured_timeout(redis_page_cache, raw):
    cache, client = redis_page_cache, raw
    cache.set("plain", "value")
    cache.add("added", "value")
    cache.set_many({"many": "value"})
    for name in ("plain", "added", "many"):
        ttl = client.ttl(cache.make_key(name))
        assert 290 < ttl <= 300, (name, ttl)


def test_timeout_none_is_forever(redis_page_cache, raw):
    cache, client = redis_page_cache, raw
    cache.set("forever", "value", timeout=None)
    assert client.ttl(cache.make_key("forever")) == -1
