"""Phone first: filters fold behind a "Filters" button that works without script, one campaign
banner on the first screen (dismissible, remembered without a cookie), share links and the
footer's newsletter link are plain links."""

from urllib.parse import quote

import pytest

from central.models import CampaignTone
from home.models import ContactSettings
from tests.factories.events import agenda_of
from tests.factories.html import soup_of
from tests.factories.pages import NewsPageFactory, news_index_of
from tests.factories.sitegen import CampaignFactory

pytestmark = pytest.mark.django_db


def test_agenda_filters_fold_behind_a_filters_button_before_the_results(site_a):
    soup = soup_of(site_a.client_for().get(agenda_of(site_a.home).url))
    details = soup.select_one("details.filters[data-filters]")
    assert details is not None and not details.has_attr("open")
    assert details.summary.get_text(strip=True) == "Filters"
    assert details.select_one("form.agenda-filters") is not None
    # The results' count follows the folded filters directly.
    assert details.find_next_sibling("p", attrs={"role": "status"}) is not None


def test_active_filters_are_announced_on_the_button_and_can_be_cleared(site_a):
    agenda = agenda_of(site_a.home)
    soup = soup_of(site_a.client_for().get(agenda.url, {"gratis": "on"}))
    assert "(actief)" in soup.select_one("details.filters summary").get_text()
    assert soup.find("a", string="Wis filters") is not None


def test_only_one_campaign_banner_on_the_first_screen(two_sites):
    site_a, _site_b = two_sites
    CampaignFactory(title="Storing", tone=CampaignTone.ALERT)
    CampaignFactory(title="Nieuwe app")
    CampaignFactory(title="Zomerlezen")
    soup = soup_of(site_a.client_for().get("/"))
    first_screen = soup.select("body > .campaign-banners .campaign-banner")
    assert len(first_screen) == 1
    later = soup.select("main .campaign-banners--more .campaign-banner")
    assert len(later) == 2
    for banner in first_screen + later:
        assert banner["data-campaign"]
        button = banner.select_one("button[data-campaign-dismiss]")
        assert button.has_attr("hidden")  # shown by static/js/site.js only
        assert "sluiten" in button.get_text()
    assert soup.select("script:not([src])") == [] or all(
        s.get("type") == "application/ld+json" for s in soup.select("script:not([src])")
    )


def test_share_links_are_plain_links_to_the_page(site_a):
    news = NewsPageFactory(parent=news_index_of(site_a.home), title="Boekenbeurs")
    soup = soup_of(site_a.client_for().get(news.url))
    links = soup.select(".share-links a")
    assert {a.get_text(strip=True) for a in links} >= {"E-mail", "WhatsApp", "Facebook"}
    page_url = quote(news.full_url, safe="")
    assert all(page_url in a["href"] for a in links)
    assert not soup.select("script[src^='http']")


def test_newsletter_link_in_the_footer_only_when_set(site_a):
    client = site_a.client_for()
    assert soup_of(client.get("/")).select(".site-footer__newsletter") == []
    contact = ContactSettings.for_site(site_a.site)
    contact.newsletter_url = "https://nieuwsbrief.example/gent"
    contact.save()
    link = soup_of(client.get("/")).select_one(".site-footer__newsletter a")
    assert link["href"] == "https://nieuwsbrief.example/gent"
