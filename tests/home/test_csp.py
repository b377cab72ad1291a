"""Content-Security-Policy: every public page type sends the strict policy and carries no
inline script (JSON-LD data blocks aside), no <style> element and no style attribute; the admin
sends its own policy; the site's colours come from a per-site stylesheet."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from home.csp import ADMIN_HEADER, PUBLIC_HEADER
from library_pages.models import LocationIndexPage
from tests.factories.catalogue import MarcRecordFactory, records_load
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.pages import (
    LocationPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    news_index_of,
)

pytestmark = pytest.mark.django_db


def _inline_violations(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        if not script.get("src") and script.get("type") != "application/ld+json":
            found.append(f"inline script: {str(script)[:80]}")
    found += [f"style element: {str(style)[:80]}" for style in soup.find_all("style")]
    found += [f"style attribute on <{tag.name}>" for tag in soup.find_all(style=True)]
    found += [
        f"event handler attribute on <{tag.name}>"
        for tag in soup.find_all(True)
        if any(name.startswith("on") for name in tag.attrs)
    ]
    return found


@pytest.fixture
def public_urls(site_a, tmp_path):
    home = site_a.home
    standard = StandardPageFactory(parent=home, title="Proefpagina", slug="proefpagina")
    event = EventPageFactory(
        parent=agenda_of(home),
        dates=[event_date(timezone.localdate() + dt.timedelta(days=3))],
        image_url="https://example.org/affiche.jpg",
    )
    location = LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(home).get(), title="De Krook"
    )
    news = NewsPageFactory(parent=news_index_of(home), title="Nieuws")
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home))
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id="910001",
                title="Harry Potter en de steen der wijzen",
                holdings=(("gent", "De Krook", "ROWL", "beschikbaar", "2026-03-01"),),
            )
        ],
    )
    search = site_a.client_for().get("/catalogus/?q=harry")
    record = BeautifulSoup(search.content, "html.parser").select_one('a[href*="/catalogus/titel/"]')
    return {
        "home": "/",
        "standard": standard.url,
        "agenda": agenda_of(home).url,
        "agenda with bad filter": agenda_of(home).url + "?van=gisteren",
        "event": event.url,
        "location": location.url,
        "news": news.url,
        "course": course.url,
        "catalogue search": "/catalogus/?q=harry",
        "record": record["href"],
        "site search": "/zoeken/?q=bib",
        "404": "/bestaat-niet/",
    }


def test_public_pages_send_the_strict_policy_and_no_inline_code(site_a, public_urls):
    client = site_a.client_for()
    problems = {}
    for name, url in public_urls.items():
        response = client.get(url)
        expected = 404 if name == "404" else 200
        assert response.status_code == expected, (name, response.status_code)
        assert response["Content-Security-Policy"] == PUBLIC_HEADER, name
        violations = _inline_violations(response.content.decode())
        if violations:
            problems[name] = violations
    assert problems == {}
    assert "'unsafe-inline'" not in PUBLIC_HEADER
    assert "script-src 'self';" in PUBLIC_HEADER
    assert "frame-ancestors 'self'" in PUBLIC_HEADER


def test_the_site_colours_come_from_a_versioned_stylesheet(site_a):
    from home.models import BrandingSettings

    branding = BrandingSettings.for_site(site_a.site)
    branding.primary_colour = "#1d4f2a"
    branding.save()
    client = site_a.client_for()
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    href = soup.select_one("link[data-branding]")["href"]

    css = client.get(href)
    assert css["Content-Type"].startswith("text/css")
    assert "--color-primary: #1d4f2a;" in css.content.decode()
    assert "immutable" in css["Cache-Control"]

    branding.primary_colour = "#5b2a86"
    branding.save()
    new_soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert new_soup.select_one("link[data-branding]")["href"] != href  # a new cache key


def test_the_admin_sends_its_own_policy(site_a, central_editor, admin_client):
    client = admin_client(central_editor)
    for url in ("/admin/", f"/admin/pages/{site_a.home.pk}/edit/", "/admin/login/"):
        response = client.get(url)
        assert response["Content-Security-Policy"] == ADMIN_HEADER, url
    assert "object-src 'none'" in ADMIN_HEADER
    assert "frame-ancestors 'self'" in ADMIN_HEADER
