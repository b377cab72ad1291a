"""The session network of tests/conftest.py: built once, rolled back per test, and back in place
after a transactional test emptied the database.

The tests of this module depend on their order (pytest-django runs transactional tests after
the others, and tests that do not name the `db` fixture after those): every name says where
it runs. The order holds within one process, which is all `--dist loadfile` gives a module.
"""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from home.models import Tenant
from tests.conftest import NETWORK
from tests.factories.pages import StandardPageFactory

# What the transactional test left behind (the Python objects survive, the rows must not).
LEFT_BEHIND: dict[str, object] = {}


def test_1_the_network_is_there(two_sites, central_editor):
    site_a, site_b = two_sites
    assert (site_a.tenant.slug, site_a.tenant.kind) == ("gent", "bibliotheek")
    assert (site_b.tenant.slug, site_b.tenant.kind) == ("strombeek", "cultuurcentrum")
    assert site_a.editor.groups.get() == site_a.tenant.editors_group
    assert site_b.moderator.groups.get() == site_b.tenant.moderators_group
    assert central_editor.is_superuser
    assert site_a.client_for().get("/").status_code == 200
    assert site_b.client_for().get("/").status_code == 200


def test_2_a_test_changes_the_network(site_a):
    site = site_a.site
    site.site_name = "Gewijzigd in het geheugen en opgeslagen"
    site.save()
    StandardPageFactory(parent=site_a.home, title="Een pagina die verdwijnt", slug="verdwijnt")
    site_a.editor.first_name = "Gewijzigd"
    LEFT_BEHIND["objects"] = (site_a, site)


def test_3_the_next_test_gets_fresh_instances_and_none_of_it(site_a):
    assert site_a.site.site_name == "Bibliotheek Gent"
    assert site_a.editor.first_name == ""
    assert not Page.objects.filter(slug="verdwijnt").exists()
    assert site_a.client_for().get("/verdwijnt/").status_code == 404
    old_fixture, old_site = LEFT_BEHIND["objects"]
    assert site_a is not old_fixture and site_a.site is not old_site


@pytest.mark.django_db(transaction=True)
def test_4_transactional_test_commits_and_is_flushed(site_a):
    StandardPageFactory(parent=site_a.home, title="Vastgelegd", slug="vastgelegd")
    get_user_model().objects.create(username="vastgelegd")
    LEFT_BEHIND["restores"] = NETWORK.restores


@pytest.mark.django_db(transaction=True)
def test_5_the_next_transactional_test_finds_the_network_without_the_commits(two_sites):
    site_a, site_b = two_sites
    assert NETWORK.restores == LEFT_BEHIND["restores"] + 1
    assert not Page.objects.filter(slug="vastgelegd").exists()
    assert not get_user_model().objects.filter(username="vastgelegd").exists()
    assert site_a.client_for().get("/").status_code == 200
    assert site_b.client_for().get("/").status_code == 200


def test_6_an_ordinary_test_after_the_transactional_ones_finds_the_network(request, admin_client):
    # Asks for the fixtures at run time, so that pytest-django sorts it after the
    # transactional tests (it sorts on the fixture names a test declares).
    site_a = request.getfixturevalue("site_a")
    site_b = request.getfixturevalue("site_b")
    assert Tenant.objects.filter(slug__in=["gent", "strombeek"]).count() == 2
    assert Site.objects.filter(pk__in=[site_a.site.pk, site_b.site.pk]).count() == 2
    assert not Page.objects.filter(slug="vastgelegd").exists()
    response = admin_client(site_a.editor).get("/admin/")
    assert response.status_code == 200
    assert site_b.home.url == f"{site_b.site.root_url}/"
    assert site_b.client_for().get("/").status_code == 200
