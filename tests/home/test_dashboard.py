"""The dashboard for the job: a local editor's drafts, pages in moderation and stale pages on
their own site only; the network's figures for central editors; bounded query counts."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from events.models import ImportRun
from tests.conftest import admin_client_for
from tests.factories.pages import StandardPageFactory


def _dashboard(client) -> BeautifulSoup:
    response = client.get("/admin/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _panel_text(soup, panel_id) -> str:
    section = soup.find("section", id=f"{panel_id}-section")
    assert section is not None, f"no panel {panel_id}"
    return section.get_text(" ", strip=True)


def _draft(site, editor, title):
    page = StandardPageFactory(parent=site.home, title=title, publish=False)
    page.save_revision(user=editor)
    return page


def test_local_editor_sees_own_drafts_of_own_site_only(two_sites):
    site_a, site_b = two_sites
    _draft(site_a, site_a.editor, "Mijn concept in Gent")
    _draft(site_b, site_b.editor, "Concept in Strombeek")
    _draft(site_a, site_a.moderator, "Concept van de moderator")
    soup = _dashboard(admin_client_for(site_a.editor))
    text = _panel_text(soup, "bibnet-drafts")
    assert "Mijn concept in Gent" in text
    assert "nooit gepubliceerd" in text
    assert "Concept in Strombeek" not in soup.get_text()
    assert "Concept van de moderator" not in text
    link = soup.find("a", string="Mijn concept in Gent")
    page = Page.objects.get(title="Mijn concept in Gent")
    assert link["href"] == f"/admin/pages/{page.pk}/edit/"


def test_pages_waiting_for_moderation_on_the_site(two_sites):
    site_a, site_b = two_sites
    for site, title in ((site_a, "Ter goedkeuring Gent"), (site_b, "Ter goedkeuring Strombeek")):
        page = _draft(site, site.editor, title)
        workflow = page.get_workflow()
        assert workflow is not None
        workflow.start(page, site.editor)
    soup = _dashboard(admin_client_for(site_a.editor))
    text = _panel_text(soup, "bibnet-moderation")
    assert "Ter goedkeuring Gent" in text
    assert "ingediend door" in text
    assert "Ter goedkeuring Strombeek" not in soup.get_text()


def test_pages_not_reviewed_for_a_year(two_sites):
    site_a, site_b = two_sites
    old = StandardPageFactory(parent=site_a.home, title="Oude openingsuren")
    fresh = StandardPageFactory(parent=site_a.home, title="Verse pagina")
    other = StandardPageFactory(parent=site_b.home, title="Oud in Strombeek")
    long_ago = timezone.now() - dt.timedelta(days=400)
    Page.objects.filter(pk__in=[old.pk, other.pk]).update(last_published_at=long_ago)
    soup = _dashboard(admin_client_for(site_a.editor))
    text = _panel_text(soup, "bibnet-stale-pages")
    assert "Oude openingsuren" in text
    assert fresh.title not in text
    assert "Oud in Strombeek" not in soup.get_text()


def test_local_editor_gets_no_network_figures_and_central_no_local_lists(
    two_sites, admin_client_central
):
    site_a, _site_b = two_sites
    local = _dashboard(admin_client_for(site_a.editor))
    assert local.find("section", id="bibnet-network-sites-section") is None
    central = _dashboard(admin_client_central)
    assert central.find("section", id="bibnet-drafts-section") is None


def test_central_editor_sees_the_networks_figures(two_sites, admin_client_central):
    site_a, _site_b = two_sites
    ImportRun.objects.create(site=site_a.site, source="x", outcome=ImportRun.Outcome.FAILED)
    soup = _dashboard(admin_client_central)
    figures = {}
    for item in soup.select(".bibnet-dashboard-figures__item"):
        figures[item.dt.get_text(strip=True)] = item.dd.get_text(strip=True)
    assert figures["Bibliotheek"] == "1"
    assert figures["Cultuurcentrum"] == "1"
    assert figures["Gemeenschapscentrum"] == "0"
    assert int(figures["pagina's"]) == Page.objects.filter(depth__gt=1).count()
    assert figures["mislukte UiTdatabank-imports (7 dagen)"] == "1"
    assert "inschrijvingen" in figures
    assert "geweigerde records" in figures


@pytest.mark.parametrize("who", ["editor", "central"])
def test_dashboard_queries_do_not_grow_with_the_rows(two_sites, admin_client_central, who):
    site_a, _site_b = two_sites
    client = admin_client_central if who == "central" else admin_client_for(site_a.editor)
    user = site_a.editor

    def measure() -> int:
        client.get("/admin/")  # warm caches (site root paths, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        return len(queries)

    _draft(site_a, user, "Concept 0")
    few = measure()
    for number in range(1, 12):
        _draft(site_a, user, f"Concept {number}")
    many = measure()
    assert many <= few + 1, (few, many)


def test_dashboard_calls_no_third_party_and_styles_its_panels(two_sites):
    """No Gravatar (an e-mail hash sent to a third party, a broken image where outgoing requests
    are blocked): the avatar is Wagtail's own; the panels bring their stylesheet."""
    site_a, _site_b = two_sites
    soup = _dashboard(admin_client_for(site_a.editor))
    avatars = [img["src"] for img in soup.select("img.avatar, .avatar img")]
    assert avatars, "no avatar on the dashboard"
    assert all(not src.startswith(("http://", "https://", "//")) for src in avatars), avatars
    stylesheets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assert any(href.endswith("css/admin/dashboard.css") for href in stylesheets), stylesheets
