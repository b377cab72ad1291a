"""Browsers keep what the view allows them to keep: the page cache gives pages max-age=0 (a
purge must reach the visitor at once) but leaves a view's own, longer browser lifetime alone,
for example the versioned branding stylesheet."""

import pytest
from django.utils.cache import get_max_age

from home.branding import branding_version
from home.models import BrandingSettings
from home.views import BRANDING_MAX_AGE
from pagecache.middleware import HEADER

pytestmark = pytest.mark.django_db


def test_versioned_stylesheet_keeps_its_year_when_served_from_the_page_cache(site_a):
    version = branding_version(BrandingSettings.for_site(site_a.site))
    path = f"/huisstijl/{site_a.site.pk}.css?v={version}"
    client = site_a.client_for()
    first = client.get(path)
    second = client.get(path)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    for response in (first, second):
        assert get_max_age(response) == BRANDING_MAX_AGE
        assert "immutable" in response["Cache-Control"]
        assert "s-maxage=" in response["Cache-Control"]


def test_pages_still_tell_browsers_to_ask_again(site_a):
    client = site_a.client_for()
    first = client.get("/")
    second = client.get("/")
    assert second[HEADER] == "hit"
    assert get_max_age(first) == 0
    assert get_max_age(second) == 0
