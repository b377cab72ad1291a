"""The hit path: an anonymous visitor's cached page costs one cache round trip when the URL has
no query string (the site's generation, the path's record and the entry read together), and an
entry stored under an older generation or token is never served."""

import pytest
from django.core.cache import cache

from pagecache import hits as pagecache_hits
from pagecache import keys
from pagecache.middleware import HEADER

pytestmark = pytest.mark.django_db


class CountingReads:
    """The hit path's cache read (one round trip each), counted."""

    def __init__(self, read):
        self.read = read
        self.reads = 0

    def __call__(self, keys):
        self.reads += 1
        return self.read(keys)


def counting_reads(monkeypatch) -> CountingReads:
    counting = CountingReads(pagecache_hits._reader())
    monkeypatch.setattr(pagecache_hits, "_reader", lambda: counting)
    return counting


def test_a_hit_without_query_string_is_one_cache_read(site_a, monkeypatch):
    client = site_a.client_for()
    assert client.get("/")[HEADER] == "miss"
    counting = counting_reads(monkeypatch)
    assert client.get("/")[HEADER] == "hit"
    assert counting.reads == 1


def test_an_entry_of_an_older_generation_or_token_is_not_served(site_a):
    client = site_a.client_for()
    host = site_a.hostname
    assert client.get("/")[HEADER] == "miss"
    entry_key = keys.entry_key(host=host, path="/", query="")
    entry = cache.get(entry_key)
    assert entry is not None

    cache.set(entry_key, {**entry, "generation": entry["generation"] - 1})
    assert client.get("/")[HEADER] == "miss"

    entry = cache.get(entry_key)
    cache.set(entry_key, {**entry, "token": "another"})
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
    counting = counting_reads(monkeypatch)
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
