"""Campaigns and alerts: targeting by kind, province, list and dates; shown through the site
shell in a fixed number of queries; local editors read them, never edit them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from central.models import Audience, CampaignStyle, CampaignTone
from central.selectors import campaigns_for_site
from home.models import IdentitySettings
from tests.factories.html import soup_of
from tests.factories.sitegen import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provinces(two_sites):
    site_a, site_b = two_sites
    IdentitySettings.objects.filter(site=site_a.site).update(province="oost-vlaanderen")
    IdentitySettings.objects.filter(site=site_b.site).update(province="vlaams-brabant")
    return two_sites


def _titles(site) -> set[str]:
    return {campaign.title for campaign in campaigns_for_site(site=site)}


def test_targeting_by_audience(provinces):
    site_a, site_b = provinces  # A: library in Oost-Vlaanderen; B: cultural centre in V-Brabant
    CampaignFactory(title="iedereen", audience=Audience.ALL)
    CampaignFactory(title="bibliotheken", audience=Audience.KIND, target_kind="bibliotheek")
    CampaignFactory(title="cultuurcentra", audience=Audience.KIND, target_kind="cultuurcentrum")
    CampaignFactory(
        title="oost-vlaanderen", audience=Audience.PROVINCE, target_province="oost-vlaanderen"
    )
    CampaignFactory(title="limburg", audience=Audience.PROVINCE, target_province="limburg")
    CampaignFactory(title="lijst-b", audience=Audience.SITES, target_sites=[site_b.site])
    CampaignFactory(
        title="lijst-ab", audience=Audience.SITES, target_sites=[site_a.site, site_b.site]
    )

    assert _titles(site_a.site) == {"iedereen", "bibliotheken", "oost-vlaanderen", "lijst-ab"}
    assert _titles(site_b.site) == {"iedereen", "cultuurcentra", "lijst-b", "lijst-ab"}


def test_targeting_by_dates(site_a):
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    CampaignFactory(title="loopt", starts_at=now - hour, ends_at=now + hour)
    CampaignFactory(title="voorbij", starts_at=now - 3 * hour, ends_at=now - hour)
    CampaignFactory(title="gepland", starts_at=now + hour, ends_at=now + 3 * hour)
    CampaignFactory(title="net-gestart", starts_at=now, ends_at=now + hour)

    assert {c.title for c in campaigns_for_site(site=site_a.site, now=now)} == {
        "loopt",
        "net-gestart",
    }
    later = now + 2 * hour
    assert {c.title for c in campaigns_for_site(site=site_a.site, now=later)} == {"gepland"}


def test_banner_on_every_page_and_teaser_on_the_home_page_only(two_sites):
    site_a, site_b = two_sites
    CampaignFactory(
        title="Storing Mijn Bibliotheek",
        message="Vanavond van 20 tot 22 uur kan je niet inloggen.",
        tone=CampaignTone.ALERT,
        audience=Audience.KIND,
        target_kind="bibliotheek",
    )
    CampaignFactory(
        title="Jeugdboekenmaand",
        message="In maart staat alles in het teken van jeugdboeken.",
        style=CampaignStyle.TEASER,
        link_url="https://jeugdboekenmaand.example",
        link_label="Ontdek het programma",
    )
    client_a, client_b = site_a.client_for(), site_b.client_for()

    home_a = soup_of(client_a.get("/"))
    banner = home_a.select_one(".campaign-banner--alert").get_text(" ", strip=True)
    assert banner.startswith("Let op: Storing Mijn Bibliotheek")
    assert home_a.select_one(".campaign-teaser h2").get_text() == "Jeugdboekenmaand"
    # The first screen shows the site first: the teaser follows the hero, inside the content.
    teaser = home_a.select_one("main .campaign-teaser")
    assert teaser is not None
    assert teaser.find_previous(class_="hero") is not None
    contact_a = soup_of(client_a.get("/contact/"))
    assert contact_a.select(".campaign-banner")
    assert not contact_a.select(".campaign-teaser")
    home_b = soup_of(client_b.get("/"))
    assert not home_b.select(".campaign-banner")  # a cultural centre: not targeted
    assert home_b.select_one(".campaign-teaser h2").get_text() == "Jeugdboekenmaand"


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_campaigns_cost_one_query_whatever_their_number(two_sites):
    site_a, site_b = two_sites
    client = site_a.client_for()
    CampaignFactory(title="eerste")
    with_one = _queries(client, "/contact/")
    for number in range(5):
        CampaignFactory(
            title=f"lijst {number}", audience=Audience.SITES, target_sites=[site_a.site]
        )
        CampaignFactory(title=f"soort {number}", audience=Audience.KIND, target_kind="bibliotheek")
    with_eleven = _queries(client, "/contact/")

    assert with_one == with_eleven
    assert len(soup_of(client.get("/contact/")).select(".campaign-banner")) == 11


def test_local_editor_reads_the_campaigns_of_their_site(two_sites, admin_client):
    site_a, site_b = two_sites
    CampaignFactory(title="Voor iedereen")
    CampaignFactory(title="Alleen B", audience=Audience.SITES, target_sites=[site_b.site])
    client = admin_client(site_a.editor)

    response = client.get(reverse("central_campaigns"))

    assert response.status_code == 200
    text = soup_of(response).select_one("table.listing").get_text(" ", strip=True)
    assert "Voor iedereen" in text
    assert "Alleen B" not in text
    assert not soup_of(response).select("table.listing form")  # read-only


def test_campaign_validation_names_the_missing_target(db):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    campaign = CampaignFactory.build(
        audience=Audience.PROVINCE, target_province="", starts_at=now, ends_at=now
    )

    with pytest.raises(ValidationError) as error:
        campaign.full_clean()

    assert set(error.value.message_dict) >= {"target_province", "ends_at"}


def test_central_editor_opens_every_central_content_form(admin_client_central):
    for model in ("sharedsection", "pagetemplate", "campaign", "centralnewsitem"):
        for view in ("list", "add"):
            url = reverse(f"wagtailsnippets_central_{model}:{view}")
            assert admin_client_central.get(url).status_code == 200, url
    assert admin_client_central.get(reverse("central_campaigns")).status_code == 200


def test_central_editor_publishes_a_campaign_by_form(two_sites, admin_client_central):
    site_a, site_b = two_sites
    response = admin_client_central.post(
        reverse("wagtailsnippets_central_campaign:add"),
        {
            "title": "Storing Mijn Bibliotheek",
            "message": "Vanavond van 20 tot 22 uur.",
            "link_url": "",
            "link_label": "",
            "style": "banner",
            "tone": "alert",
            "audience": "sites",
            "target_kind": "",
            "target_province": "",
            "target_sites": [str(site_b.site.pk)],
            "starts_at": "2026-01-01 00:00",
            "ends_at": "2099-01-01 00:00",
        },
    )

    assert response.status_code == 302, response.content[:3000]
    assert not soup_of(site_a.client_for().get("/")).select(".campaign-banner")
    assert soup_of(site_b.client_for().get("/")).select(".campaign-banner--alert")


def test_alerts_come_before_information(site_a):
    CampaignFactory(title="Nieuwe app", tone=CampaignTone.INFO)
    CampaignFactory(title="Storing", tone=CampaignTone.ALERT)

    assert [c.title for c in campaigns_for_site(site=site_a.site)] == ["Storing", "Nieuwe app"]


def test_the_network_list_is_read_once_and_follows_every_change(two_sites, settings):
    """The campaigns are read once for the whole network (each site then reads only its own
    kind and province); a new campaign, a changed one, a change to a list campaign's sites
    and a deleted one show at the next read, and time passing a start or an end needs no
    change at all."""
    site_a, site_b = two_sites
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    running = CampaignFactory(title="loopt", starts_at=now - hour, ends_at=now + hour)
    CampaignFactory(title="gepland", starts_at=now + hour, ends_at=now + 3 * hour)
    assert {c.title for c in campaigns_for_site(site=site_a.site, now=now)} == {"loopt"}
    with CaptureQueriesContext(connection) as captured:
        assert {c.title for c in campaigns_for_site(site=site_b.site, now=now)} == {"loopt"}
    assert len(captured) == 1  # the site's identity; the campaigns came from the cache

    listed = CampaignFactory(title="lijst", audience=Audience.SITES, target_sites=[site_a.site])
    assert _titles(site_a.site) == {"loopt", "lijst"}
    assert _titles(site_b.site) == {"loopt"}
    listed.target_sites.add(site_b.site)
    assert _titles(site_b.site) == {"loopt", "lijst"}
    listed.target_sites.remove(site_a.site)
    assert _titles(site_a.site) == {"loopt"}

    running.title = "loopt nog"
    running.save()
    assert _titles(site_a.site) == {"loopt nog"}
    running.delete()
    assert _titles(site_a.site) == set()

    later = now + 2 * hour  # "gepland" has started: no save, no retire
    assert {c.title for c in campaigns_for_site(site=site_a.site, now=later)} == {"gepland"}
    from central.selectors import campaigns_next_change

    assert campaigns_next_change(now=now) == now + hour
    assert campaigns_next_change(now=later) == now + 3 * hour
    assert campaigns_next_change(now=now + 6 * hour) is None  # "lijst" ended after 5 hours
