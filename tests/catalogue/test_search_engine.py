"""Elasticsearch by configuration: SEARCH_URL gives Wagtail a working search backend (the
client is the `search` extra), checked without a server: building a backend makes no
connection."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail.search.backends import get_search_backend

from config import search
from config.search import search_backends


def test_without_search_url_the_database_backend_is_used():
    assert search_backends(url="") == {"default": {"BACKEND": "wagtail.search.backends.database"}}


@pytest.mark.parametrize("engine", ["", "elasticsearch8", " Elasticsearch8 "])
def test_search_url_configures_a_working_backend(settings, engine):
    settings.WAGTAILSEARCH_BACKENDS = search_backends(
        url=(
            "https://bibnet:geheim@search.example.org:9200,"
            " https://bibnet:geheim@search2.example.org:9200"
        ),
        engine=engine,
        index="bibnet_test",
        timeout=3,
    )
    backend = get_search_backend("default")
    assert type(backend).__name__ == "Elasticsearch8SearchBackend"
    assert type(backend.es).__module__.startswith("elasticsearch")
    assert backend.index_prefix == "bibnet_test_"
    assert backend.timeout == 3
    hosts = [(h["host"], h["port"]) for h in backend.hosts]
    assert hosts == [("search.example.org", 9200), ("search2.example.org", 9200)]
    # The page index is named after the prefix, so that several installs share a cluster.
    from wagtail.models import Page

    assert backend.get_index_for_model(Page).name == "bibnet_test_wagtailcore_page"


def test_unknown_engine_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured, match="SEARCH_BACKEND='solr' is unknown"):
        search_backends(url="https://search.example.org:9200", engine="solr")


def test_opensearch_is_refused_with_the_reason():
    with pytest.raises(ImproperlyConfigured, match="package named 'events'"):
        search_backends(url="https://search.example.org:9200", engine="opensearch3")


def test_missing_client_package_is_named(monkeypatch):
    monkeypatch.setattr(search, "find_spec", lambda name: None)
    with pytest.raises(ImproperlyConfigured, match=r"'elasticsearch' package .* is missing"):
        search_backends(url="https://search.example.org:9200")
