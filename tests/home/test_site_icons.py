"""The browser tab's icon: the site's logo, else the platform's icon, so that no browser asks for
a /favicon.ico that does not exist (a 404 in the console of every page of a site without logo)."""

import pytest

from home.models import BrandingSettings
from tests.factories.html import soup_of
from tests.factories.images import ImageFactory

pytestmark = pytest.mark.django_db


def test_site_without_logo_has_the_platform_icon(site_a):
    branding = BrandingSettings.for_site(site_a.site)
    branding.logo = None
    branding.save()
    soup = soup_of(site_a.client_for().get("/"))
    icons = soup.select('link[rel="icon"]')
    assert len(icons) == 1
    assert icons[0]["type"] == "image/svg+xml"
    assert "/static/images/favicon" in icons[0]["href"]
    assert soup.select_one('link[rel="apple-touch-icon"]') is None


def test_site_with_logo_has_only_the_logo_as_icon(site_a):
    branding = BrandingSettings.for_site(site_a.site)
    branding.logo = ImageFactory(collection=site_a.tenant.collection, title="Logo")
    branding.save()
    soup = soup_of(site_a.client_for().get("/"))
    icons = soup.select('link[rel="icon"]')
    assert [icon["type"] for icon in icons] == ["image/png"]
    assert soup.select_one('link[rel="apple-touch-icon"]')["href"] == icons[0]["href"]


def test_not_found_page_has_an_icon(site_a):
    response = site_a.client_for().get("/deze-pagina-bestaat-niet/")
    assert response.status_code == 404
    assert soup_of(response).select_one('link[rel="icon"]') is not None
