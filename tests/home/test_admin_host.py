"""The admin answers on the admin hostname (settings.ADMIN_HOSTNAME, from
WAGTAILADMIN_BASE_URL) only: on a site's hostname `/admin/...`, its login included, is a 404."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ADMIN_URLS = ["/admin/", "/admin/login/", "/admin/password_reset/", "/admin/pages/"]


def test_the_suite_runs_with_the_admin_on_its_hostname_only(central_editor, admin_client):
    """The test settings keep the production default, so every admin test of the suite goes
    through the admin hostname (the admin_client fixture) or fails."""
    assert settings.ADMIN_HOST_ONLY is True
    assert settings.ADMIN_HOSTNAME != "testserver"
    assert admin_client(central_editor).get("/admin/").status_code == 200
    plain = Client()  # Django's default host, "testserver"
    plain.force_login(central_editor)
    assert plain.get("/admin/").status_code == 404


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_the_admin_is_a_404_on_a_site_hostname(site_a, central_editor, url):
    assert site_a.client_for().get(url).status_code == 404
    assert site_a.client_for(central_editor).get(url).status_code == 404
    assert site_a.client_for(central_editor).post(url, {}).status_code == 404


def test_the_admin_answers_on_the_admin_hostname(site_a, central_editor):
    admin_host = settings.ADMIN_HOSTNAME
    anonymous = Client(HTTP_HOST=admin_host)
    assert anonymous.get("/admin/login/").status_code == 200
    assert anonymous.get("/admin/").status_code == 302  # to the login form

    editor = Client(HTTP_HOST=f"{admin_host}:8000")  # any port: the hostname decides
    editor.force_login(central_editor)
    assert editor.get("/admin/").status_code == 200
    assert editor.get(f"/admin/pages/{site_a.home.pk}/").status_code == 200


def test_public_pages_still_answer_on_the_site_hostname(site_a):
    assert site_a.client_for().get("/").status_code == 200


def test_the_admin_answers_everywhere_when_turned_off(site_a):
    with override_settings(ADMIN_HOST_ONLY=False):
        assert site_a.client_for().get("/admin/login/").status_code == 200
