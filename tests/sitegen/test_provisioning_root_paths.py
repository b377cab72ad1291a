"""Provisioning at network scale: Wagtail's cached site root paths are filled from one query of
values (sitegen.services.site_root_paths_refresh), identical to Wagtail's own, and never left
naming a site that was rolled back."""

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, Site
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from home.models import NavigationSettings, SiteKind
from sitegen import services
from sitegen.blueprints import BLUEPRINTS
from sitegen.services import SiteRequest, provision_site, site_root_paths_refresh

pytestmark = pytest.mark.django_db

LIBRARY = BLUEPRINTS[SiteKind.LIBRARY]


def _cached() -> list | None:
    return cache.get(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)


def _wagtails_own() -> list:
    Site.clear_site_root_paths_cache()
    return [tuple(entry) for entry in Site.get_site_root_paths()]


def test_refresh_fills_the_same_entry_as_wagtail_in_one_query(two_sites):
    # A site on another port and a default site: root_url and the order depend on them.
    extra = Site.objects.create(
        hostname="poort.localhost",
        port=8080,
        root_page=two_sites[0].site.root_page,
        site_name="Poort",
    )
    expected = _wagtails_own()
    assert any(entry[0] == extra.pk and entry[2].endswith(":8080") for entry in expected)

    Site.clear_site_root_paths_cache()
    with CaptureQueriesContext(connection) as captured:
        site_root_paths_refresh()
    assert len(captured) == 1
    assert [tuple(entry) for entry in _cached()] == expected


def test_provisioning_leaves_the_new_site_in_the_cache_after_the_commit(
    site_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = provision_site(
            blueprint=LIBRARY, request=SiteRequest(name="Bibliotheek Zele", slug="zele")
        )
    site = result.tenant.site
    entries = [tuple(entry) for entry in _cached()]
    assert (site.pk, "/zele/", "http://zele.localhost", "nl-be") in entries
    assert entries == _wagtails_own()
    # The new site's pages resolve to their URLs from the cached entry.
    assert Page.objects.get(pk=site.root_page_id).get_url() == "http://zele.localhost/"


def test_a_rolled_back_site_is_not_left_in_the_cache(site_a, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(services, "_workflow_create", fail)
    with pytest.raises(RuntimeError):
        provision_site(blueprint=LIBRARY, request=SiteRequest(name="Bibliotheek Lede", slug="lede"))
    # Whatever the failed attempt cached, the retry starts from the database.
    cache.set(
        SITE_ROOT_PATHS_CACHE_KEY,
        [(999_999, "/lede/", "http://lede.localhost", "nl")],
        3600,
        version=SITE_ROOT_PATHS_CACHE_VERSION,
    )
    monkeypatch.undo()

    result = provision_site(
        blueprint=LIBRARY, request=SiteRequest(name="Bibliotheek Lede", slug="lede")
    )

    assert result.created
    assert all(entry.site_id != 999_999 for entry in Site.get_site_root_paths())
    site = result.tenant.site
    assert Page.objects.get(pk=site.root_page_id).get_site() == site


def test_new_site_navigation_holds_the_blueprint_menus(site_a):
    result = provision_site(
        blueprint=LIBRARY, request=SiteRequest(name="Bibliotheek Zele", slug="zele")
    )
    navigation = NavigationSettings.objects.get(site=result.tenant.site)
    main_pages = [item.value["page"].pk for item in navigation.main_menu]
    footer_pages = [item.value["page"].pk for item in navigation.footer_menu]
    in_main = [spec.key for spec, _parent in LIBRARY.all_pages() if spec.in_main_menu]
    in_footer = [spec.key for spec, _parent in LIBRARY.all_pages() if spec.in_footer_menu]
    keys = dict(result.tenant.blueprint_pages.values_list("key", "page_id"))
    assert main_pages == [keys[key] for key in in_main]
    assert footer_pages == [keys[key] for key in in_footer]
    assert main_pages and footer_pages


def test_every_site_setting_row_is_created_by_provisioning(site_a):
    """A row that a visitor's first GET had to create would retire the site's cached pages."""
    result = provision_site(
        blueprint=LIBRARY, request=SiteRequest(name="Bibliotheek Zele", slug="zele")
    )
    models = [
        model
        for model in apps.get_models()
        if issubclass(model, BaseSiteSetting) and not model._meta.abstract
    ]
    assert models
    for model in models:
        assert model.objects.filter(site=result.tenant.site).exists(), model
