"""The hit path: an anonymous visitor's cached page costs one cache round trip when the URL has
no query string (the site's generation, the path's record and the entry read together), and an
entry stored under an older generation or token is never served."""

import pytest

from pagecache import hits as pagecache_hits
from pagecache import keys
from pagecache.middleware import HEADER

pytestmark = pytest.mark.django_db


class CountingCache:
    """The cache the middleware uses, counting its reads."""

    def __init__(self, real):
        self.real = real
        self.reads = 0

    def get(self, *args, **kwargs):
        self.reads += 1
        return self.real.get(*args, **kwargs)

    def get_many(self, *args, **kwargs):
        self.reads += 1
        return self.real.get_many(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_hit_without_query_string_is_one_cache_read(site_a, monkeypatch):
    client = site_a.client_for()
    assert client.get("/")[HEADER] == "miss"
    counting = CountingCache(pagecache_hits.cache)
    monkeypatch.setattr(pagecache_hits, "cache", counting)
    assert client.get("/")[HEADER] == "hit"
    assert counting.reads == 1


def test_an_entry_of_an_older_generation_or_token_is_not_served(site_a):
    client = site_a.client_for()
    host = site_a.hostname
    assert client.get("/")[HEADER] == "miss"
    entry_key = keys.entry_key(host=host, path="/", query="")
    entry = pagecache_hits.cache.get(entry_key)
    assert entry is not None

    pagecache_hits.cache.set(entry_key, {**entry, "generation": entry["generation"] - 1})
    assert client.get("/")[HEADER] == "miss"

    entry = pagecache_hits.cache.get(entry_key)
    pagecache_hits.cache.set(entry_key, {**entry, "token": "another"})
    assert client.get("/")[HEADER] == "miss"
    assert client.get("/")[HEADER] == "hit"


def test_a_hit_with_a_query_string_is_one_cache_read_once_its_path_was_seen(site_a, monkeypatch):
    """The parameters the path's record named are kept per process: the entry's key is read
    with the record; a record that names other parameters since is still obeyed."""
    from tests.factories.events import agenda_of

    monkeypatch.setattr(pagecache_hits, "_params_seen", {})
    client = site_a.client_for()
    path = agenda_of(site_a.home).relative_url(site_a.site) + "?q=lezing"
    assert client.get(path)[HEADER] == "miss"
    counting = CountingCache(pagecache_hits.cache)
    monkeypatch.setattr(pagecache_hits, "cache", counting)
    assert client.get(path)[HEADER] == "hit"
    assert counting.reads == 2  # the record first, then the entry: the path is new here
    counting.reads = 0
    assert client.get(path)[HEADER] == "hit"
    assert counting.reads == 1
    # Another page type at the path since (other parameters): its record decides.
    ((seen_key, params),) = pagecache_hits._params_seen.items()
    pagecache_hits._params_seen[seen_key] = ("pagina",)
    counting.reads = 0
    response = client.get(path)
    assert response[HEADER] == "hit"
    assert counting.reads == 2
    assert pagecache_hits._params_seen[seen_key] == params
