"""The hosts Django accepts in production (home.hosts): the fixed hosts and every site's hostname,
a known site's hostname matched without a query or a cache round trip, a site provisioned in
another process accepted at once, a deleted one refused within the period, Django's own
semantics (leading dot, port, 400) for the rest."""

import logging
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.http.request import validate_host
from django.test import Client, RequestFactory
from wagtail.models import Page, Site

from home import routing
from home.hosts import CACHE_KEY, SiteAllowedHosts, SiteHostMiddleware

pytestmark = pytest.mark.django_db

ADMIN = "admin.bibnet.example"


@contextmanager
def cache_calls():
    """Counts the calls that reach Django's cache (reads and writes), by method name."""
    backend = caches["default"]
    calls: list[str] = []
    patches = []
    for name in ("get", "get_many", "set", "set_many", "delete", "add", "has_key"):
        original = getattr(backend, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        patches.append(mock.patch.object(backend, name, counted))
    for patch in patches:
        patch.start()
    try:
        yield calls
    finally:
        for patch in patches:
            patch.stop()


@contextmanager
def another_process():
    """What this block changes is done "in another process": the per-process map of sites
    (home.routing) is put back as it was when the block started, as a process that did not
    make the change still has it. The shared cache is shared, as with Redis."""
    saved = (
        routing._sites,
        routing._hostnames,
        routing._root_paths,
        routing._root_paths_token,
        routing._sites_loaded_at,
    )
    yield
    (
        routing._sites,
        routing._hostnames,
        routing._root_paths,
        routing._root_paths_token,
        routing._sites_loaded_at,
    ) = saved


def host_of_request(hostname: str) -> str:
    """Django's host check (`request.get_host()`) inside SiteHostMiddleware, as every view and
    middleware after it runs it."""
    seen = []

    def view(request):
        seen.append(request.get_host())
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_HOST=hostname)
    SiteHostMiddleware(view)(request)
    return seen[0]


@pytest.fixture
def site_hosts(settings):
    settings.ALLOWED_HOSTS = SiteAllowedHosts([ADMIN])
    return settings.ALLOWED_HOSTS


def test_allowed_hosts_are_the_fixed_hosts_plus_every_site_hostname(two_sites):
    site_a, site_b = two_sites

    hosts = list(SiteAllowedHosts([ADMIN]))

    assert hosts[0] == ADMIN
    assert set(hosts[1:]) == {site_a.hostname, site_b.hostname}


def test_allowed_hosts_see_a_new_site_at_once(site_a):
    hosts = SiteAllowedHosts([ADMIN])
    assert site_a.hostname in hosts

    Site.objects.create(hostname="nieuw.bibnet.example", root_page=Page.get_first_root_node())

    assert "nieuw.bibnet.example" in hosts


def test_allowed_hosts_forget_a_deleted_site(site_a):
    hosts = SiteAllowedHosts([])
    assert site_a.hostname in hosts

    site_a.site.delete()

    assert site_a.hostname not in hosts


def test_validate_host_accepts_site_hostnames_and_rejects_others(two_sites):
    site_a, site_b = two_sites
    hosts = SiteAllowedHosts([ADMIN])

    assert validate_host(ADMIN, hosts)
    assert validate_host(site_a.hostname, hosts)
    assert validate_host(site_b.hostname, hosts)
    assert not validate_host("evil.example", hosts)
    assert not validate_host(f"x.{site_a.hostname}", hosts)
    assert not validate_host("", hosts)


def test_a_known_site_host_costs_no_query_and_no_cache_round_trip(
    site_a, site_hosts, django_assert_num_queries
):
    host_of_request(site_a.hostname)  # this process loads its map of sites once

    with cache_calls() as calls, django_assert_num_queries(0):
        assert host_of_request(f"{site_a.hostname.upper()}:8080") == (
            f"{site_a.hostname.upper()}:8080"
        )

    assert calls == []


def test_a_known_site_host_is_the_first_site_entry_django_tries(site_a, site_b, site_hosts):
    host_of_request(site_a.hostname)
    seen = {}

    def view(request):
        seen[request.get_host()] = list(site_hosts)
        return HttpResponse()

    for site in (site_a, site_b):
        SiteHostMiddleware(view)(RequestFactory().get("/", HTTP_HOST=site.hostname))

    # After the fixed hosts, whatever the order of the rest.
    assert seen[site_a.hostname][:2] == [ADMIN, site_a.hostname]
    assert seen[site_b.hostname][:2] == [ADMIN, site_b.hostname]


def test_a_site_made_in_another_process_answers_at_once_here(site_a, site_hosts):
    host_of_request(site_a.hostname)  # this process's map: the two sites

    with another_process():
        Site.objects.create(hostname="nieuw.bibnet.example", root_page=site_a.site.root_page)
    assert "nieuw.bibnet.example" not in routing._hostnames  # this process did not reload

    with cache_calls() as calls:
        assert host_of_request("nieuw.bibnet.example") == "nieuw.bibnet.example"

    # Not in this process's set: the shared list was read once before answering.
    assert calls == ["get", "set"]
    assert caches["default"].get(CACHE_KEY) is not None


def test_the_shared_list_is_dropped_again_once_a_site_change_commits(
    site_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.create(hostname="nieuw.bibnet.example", root_page=site_a.site.root_page)
        # Another process read the database before this commit and stored the list without
        # the new site.
        caches["default"].set(CACHE_KEY, [site_a.hostname])

    assert caches["default"].get(CACHE_KEY) is None


def test_a_site_deleted_in_another_process_is_refused_here_within_the_period(
    site_a, site_b, site_hosts
):
    host_of_request(site_b.hostname)
    list(site_hosts)  # the shared list is cached too

    with another_process():
        site_b.site.delete()
    # The shared list is dropped at once; this process's map is still the old one.
    assert caches["default"].get(CACHE_KEY) is None
    assert host_of_request(site_b.hostname) == site_b.hostname

    # The period passes: this process's map is older than SITES_SECONDS.
    routing._sites_loaded_at = time.monotonic() - routing.SITES_SECONDS - 1

    assert not validate_host(site_b.hostname, site_hosts)
    with pytest.raises(DisallowedHost):
        host_of_request(site_b.hostname)
    assert host_of_request(site_a.hostname) == site_a.hostname


def test_a_site_deleted_in_another_process_is_refused_once_a_route_reads_the_new_token(
    site_a, site_b, site_hosts
):
    site_a.client_for().get("/")  # a routed request: this process's map and its token

    with another_process():
        site_b.site.delete()
        routing.root_paths_changed()  # what the deletion's commit does in that process

    site_a.client_for().get("/")  # reads the token with its route: the map is dropped

    assert not validate_host(site_b.hostname, site_hosts)


def test_an_unknown_host_gets_400_and_known_hosts_answer(site_a, site_hosts):
    assert Client(HTTP_HOST="evil.example").get("/").status_code == 400
    assert Client(HTTP_HOST=f"x.{site_a.hostname}").get("/").status_code == 400
    assert Client(HTTP_HOST=site_a.hostname).get("/").status_code == 200
    assert Client(HTTP_HOST=f"{site_a.hostname}:8000").get("/").status_code == 200


def test_fixed_patterns_keep_django_semantics(site_a, settings):
    settings.ALLOWED_HOSTS = SiteAllowedHosts([ADMIN, ".partner.example"])

    assert host_of_request("partner.example") == "partner.example"
    assert host_of_request("www.partner.example:8443") == "www.partner.example:8443"
    assert host_of_request(f"{ADMIN}:443") == f"{ADMIN}:443"
    assert not validate_host("partner.example.evil", settings.ALLOWED_HOSTS)


def test_without_the_database_only_the_fixed_hosts_answer(site_a, caplog):
    hosts = SiteAllowedHosts([ADMIN])
    routing.forget_sites()
    caches["default"].delete(CACHE_KEY)
    unreadable = mock.patch.object(routing, "_sites_load", side_effect=DatabaseError)
    no_list = mock.patch("home.selectors.site_hostnames", side_effect=DatabaseError)

    with unreadable, no_list, caplog.at_level(logging.WARNING, logger="home.hosts"):
        assert validate_host(ADMIN, hosts)
        assert not validate_host(site_a.hostname, hosts)

    assert [record.getMessage() for record in caplog.records] == [
        "Site hostnames unavailable; only fixed ALLOWED_HOSTS apply"
    ]
