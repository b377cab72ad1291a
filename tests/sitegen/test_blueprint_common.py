"""What every public site gets from its blueprint: the accessibility, privacy and cookie
statements, an HTML sitemap, the programme (or coming activities) on the home page, and how
re-applying a blueprint adds these to an older site without touching local edits."""

import dataclasses

import pytest
from wagtail.models import Page

from home.models import HomePage, NavigationSettings, SiteKind
from library_pages.models import SitemapPage, StandardPage
from sitegen.blueprints import BLUEPRINTS
from sitegen.models import BlueprintPage
from sitegen.services import SiteRequest, provision_site
from tests.factories.html import soup_of

pytestmark = pytest.mark.django_db

STATEMENTS = {
    "accessibility_statement": "Toegankelijkheidsverklaring",
    "privacy_statement": "Privacyverklaring",
    "cookie_statement": "Cookieverklaring",
}


def _page(tenant, key):
    return BlueprintPage.objects.get(tenant=tenant, key=key).page.specific


@pytest.mark.parametrize("which", ["site_a", "site_b"])
def test_every_kind_has_the_statements_in_its_footer(which, request):
    site = request.getfixturevalue(which)
    footer = NavigationSettings.for_site(site.site).footer_menu
    footer_ids = [item.value["page"].pk for item in footer if item.value.get("page")]
    for key, title in STATEMENTS.items():
        page = _page(site.tenant, key)
        assert isinstance(page, StandardPage) and page.live and page.title == title
        assert page.pk in footer_ids
        response = site.client_for().get(page.url)
        assert response.status_code == 200
        assert len(soup_of(response).select(".stream p, .stream li")) >= 3


def test_cookie_statement_names_what_the_site_stores(site_a):
    text = soup_of(site_a.client_for().get(_page(site_a.tenant, "cookie_statement").url)).text
    assert "geen cookies voor statistieken" in text
    assert "csrftoken" in text and "bibnet.dismissedCampaigns" in text


def test_html_sitemap_lists_the_sites_sections_and_only_its_own(two_sites):
    site_a, site_b = two_sites
    sitemap = _page(site_a.tenant, "sitemap")
    assert isinstance(sitemap, SitemapPage)
    soup = soup_of(site_a.client_for().get(sitemap.url))
    hrefs = [a["href"] for a in soup.select("ul.sitemap a")]
    assert "/agenda/" in hrefs and "/privacy/" in hrefs
    titles = {a.get_text(strip=True) for a in soup.select("ul.sitemap a")}
    other_titles = set(
        Page.objects.descendant_of(site_b.home)
        .exclude(depth__lte=2)
        .values_list("title", flat=True)
    )
    own_titles = set(Page.objects.descendant_of(site_a.home).values_list("title", flat=True))
    assert not (titles & (other_titles - own_titles))
    assert soup.select_one('a[href="/sitemap.xml"]') is not None


def test_cultural_centre_home_shows_its_programme_with_ticket_buttons(site_b):
    home = HomePage.objects.get(pk=site_b.site.root_page_id)
    first = home.body.raw_data[0]
    assert first["type"] == "upcoming_events" and first["value"]["title"] == "Programma"
    soup = soup_of(site_b.client_for().get("/"))
    section = soup.select_one("section.block-upcoming-events")
    assert section.h2.get_text(strip=True) == "Programma"


def test_library_home_shows_the_coming_activities(site_a):
    home = HomePage.objects.get(pk=site_a.site.root_page_id)
    assert home.body.raw_data[0]["value"]["title"] == "Binnenkort in de bib"


def test_reapplying_adds_statements_and_programme_to_an_old_site_keeping_local_edits(
    network_empty,
):
    blueprint = BLUEPRINTS[SiteKind.CULTURAL_CENTRE]
    old = dataclasses.replace(blueprint, version=1)
    request = SiteRequest(name="Cultuurcentrum Asse", slug="ccasse")
    tenant = provision_site(blueprint=old, request=request).tenant
    home = HomePage.objects.get(pk=tenant.site.root_page_id)
    home.intro = "Onze eigen welkom."
    home.body = [{"type": "paragraph", "value": "<p>Lokale tekst.</p>"}]
    home.save_revision().publish()

    result = provision_site(blueprint=blueprint, request=request)

    assert "home:programme" in result.pages_created
    assert set(STATEMENTS) <= set(result.pages_created)
    home = HomePage.objects.get(pk=home.pk)
    assert home.intro == "Onze eigen welkom."
    types = [block["type"] for block in home.body.raw_data]
    assert types == ["upcoming_events", "paragraph"]
    assert home.body.raw_data[1]["value"] == "<p>Lokale tekst.</p>"
    assert not home.has_unpublished_changes

    # An editor removes the programme: re-applying does not bring it back.
    home.body = [{"type": "paragraph", "value": "<p>Lokale tekst.</p>"}]
    home.save_revision().publish()
    again = provision_site(blueprint=blueprint, request=request)
    assert again.pages_created == []
    assert [b["type"] for b in HomePage.objects.get(pk=home.pk).body.raw_data] == ["paragraph"]


def test_reapplying_never_publishes_a_local_draft_of_the_home_page(network_empty):
    blueprint = BLUEPRINTS[SiteKind.COMMUNITY_CENTRE]
    request = SiteRequest(name="Gemeenschapscentrum Ter Kameren", slug="terkameren")
    tenant = provision_site(
        blueprint=dataclasses.replace(blueprint, version=1), request=request
    ).tenant
    home = HomePage.objects.get(pk=tenant.site.root_page_id)
    home.intro = "Een concept dat nog niet af is."
    home.save_revision()  # a draft, not published

    provision_site(blueprint=blueprint, request=request)

    live = HomePage.objects.get(pk=home.pk)
    assert live.intro != "Een concept dat nog niet af is."
    assert live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    assert draft.intro == "Een concept dat nog niet af is."
    assert draft.body.raw_data[0]["type"] == "upcoming_events"


def test_breadcrumbs_lead_from_the_home_page_to_the_current_page(site_a):
    page = _page(site_a.tenant, "privacy_statement")
    soup = soup_of(site_a.client_for().get(page.url))
    crumbs = soup.select("nav.breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs] == ["Startpagina", "Privacyverklaring"]
    assert crumbs[0].a["href"] == "/"
    assert crumbs[-1].select_one('[aria-current="page"]') is not None
    assert soup_of(site_a.client_for().get("/")).select("nav.breadcrumbs") == []
