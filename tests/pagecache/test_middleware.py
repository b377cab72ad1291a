"""Hits and misses: anonymous visitors get the cached page, editors never; what is never
stored; normalised query strings; crafted query strings; a cache that is down."""

import logging

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from pagecache.backends import Outage, TolerantCacheMixin
from pagecache.middleware import HEADER, PageCacheMiddleware
from tests.factories.events import agenda_of
from tests.factories.html import soup_of

pytestmark = pytest.mark.django_db


def cache_size() -> int:
    """Entries of the page cache in the local memory backend of the test settings."""
    return sum(1 for key in cache._cache if ":pagecache:" in key)


def test_anonymous_visitor_gets_the_cached_page_without_queries(site_a):
    client = site_a.client_for()
    first = client.get("/")
    assert first.status_code == 200
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")
    assert second[HEADER] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert "s-maxage=" in second["Cache-Control"]
    assert "public" in second["Cache-Control"]
    # Headers of the outer middleware are added to a cached answer too.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    head = client.head("/")
    assert head[HEADER] == "hit"
    assert head.status_code == 200


def test_sites_have_their_own_entries(two_sites):
    site_a, site_b = two_sites
    site_a.client_for().get("/")
    response = site_b.client_for().get("/")
    assert response[HEADER] == "miss"
    assert site_b.site.site_name in soup_of(response).title.get_text()


def test_logged_in_editor_is_never_served_nor_stored(site_a):
    anonymous = site_a.client_for()
    assert anonymous.get("/")[HEADER] == "miss"
    editor = site_a.client_for(site_a.editor)
    for _ in range(2):
        response = editor.get("/")
        assert response.status_code == 200
        assert response[HEADER] == "bypass"
        assert "private" in response["Cache-Control"]
    # What the editor saw did not replace the anonymous entry.
    assert anonymous.get("/")[HEADER] == "hit"


def test_not_found_is_cached_other_errors_and_redirects_are_not(site_a):
    client = site_a.client_for()
    assert client.get("/bestaat-niet/")[HEADER] == "miss"
    second = client.get("/bestaat-niet/")
    assert (second.status_code, second[HEADER]) == (404, "hit")
    # The agenda without its trailing slash redirects: never stored.
    agenda_path = agenda_of(site_a.home).relative_url(site_a.site).rstrip("/")
    for _ in range(2):
        response = client.get(agenda_path)
        assert response.status_code == 301
        assert response.get(HEADER) in (None, "bypass")


def test_response_that_sets_a_cookie_is_not_stored(site_a):
    def view(request):
        response = HttpResponse("<p>Welkom</p>")
        response.set_cookie("gezien", "1")
        return response

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        response = middleware(RequestFactory().get("/iets/", HTTP_HOST=site_a.hostname))
        assert response[HEADER] == "bypass"
        assert "private" in response["Cache-Control"]


def test_session_cookie_bypasses_the_cache(site_a):
    client = site_a.client_for()
    client.get("/")
    client.cookies["sessionid"] = "iets"
    assert client.get("/")[HEADER] != "hit"


def test_preview_and_admin_are_never_cached(site_a, central_editor):
    client = site_a.client_for(central_editor)
    response = client.get(f"/admin/pages/{site_a.home.pk}/edit/preview/")
    assert response.get(HEADER) is None


# --- query strings ---------------------------------------------------------------------------


def test_query_string_is_normalised_to_the_parameters_the_page_reads(site_a):
    agenda = agenda_of(site_a.home).relative_url(site_a.site)
    client = site_a.client_for()
    assert client.get(agenda, {"thema": "muziek", "type": "concert"})[HEADER] == "miss"
    # Same parameters in another order, and a tracking parameter the agenda does not read.
    response = client.get(f"{agenda}?type=concert&utm_source=nieuwsbrief&thema=muziek")
    assert response[HEADER] == "hit"
    assert client.get(agenda, {"thema": "muziek"})[HEADER] == "miss"


def test_random_parameters_and_huge_values_create_no_entries(site_a):
    agenda = agenda_of(site_a.home).relative_url(site_a.site)
    client = site_a.client_for()
    client.get(agenda)
    size = cache_size()
    for n in range(20):
        response = client.get(agenda, {f"x{n}": "y" * n})
        assert response.status_code == 200
        assert response[HEADER] == "hit"  # served the clean entry
    for n in range(5):
        response = client.get(agenda, {"q": "z" * (5000 + n)})
        assert response.status_code == 200
        assert response[HEADER] == "bypass"
    assert cache_size() == size


def test_unknown_parameters_on_a_page_not_yet_cached_are_rendered_not_stored(site_a):
    client = site_a.client_for()
    size = cache_size()
    response = client.get("/", {"willekeurig": "1"})
    assert (response.status_code, response[HEADER]) == (200, "bypass")
    assert cache_size() == size


# --- a cache that is down --------------------------------------------------------------------


class DownCache(BaseCache):
    """A cache server that refuses every connection."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Connection refused")

    get = get_many = set = add = delete = delete_many = incr = has_key = touch = _down
    set_many = clear = _down


class TolerantDownCache(TolerantCacheMixin, DownCache):
    pass


def test_cache_outage_renders_pages_and_logs_once(site_a, settings, caplog):
    path = site_a.home.relative_url(site_a.site)
    Outage.down = False
    settings.CACHES = {"default": {"BACKEND": "tests.pagecache.test_middleware.TolerantDownCache"}}
    client = site_a.client_for()
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200
            assert response[HEADER] == "bypass"
            assert soup_of(response).select_one("main")
    outage_lines = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_lines) == 1
    Outage.down = False


def test_cache_that_raises_in_the_middleware_renders_the_page(site_a, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.pagecache.test_middleware.DownCache"}}
    Outage.down = False
    middleware = PageCacheMiddleware(lambda request: HttpResponse("<p>Welkom</p>"))
    response = middleware(RequestFactory().get("/iets/", HTTP_HOST=site_a.hostname))
    assert (response.status_code, response[HEADER]) == (200, "bypass")
    assert response.content == b"<p>Welkom</p>"
    Outage.down = False
