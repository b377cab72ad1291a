"""The demo network's central content: idempotent, and visible on the libraries."""

import pytest

from central.models import Campaign, CentralNewsItem, PageTemplate, SharedSection
from sitegen.central_demo import demo_central_content_add
from tests.factories.html import soup_of

pytestmark = pytest.mark.django_db


def test_demo_central_content_is_idempotent_and_shows(two_sites):
    site_a, _site_b = two_sites

    demo_central_content_add()
    counts = [m.objects.count() for m in (SharedSection, PageTemplate, Campaign, CentralNewsItem)]
    demo_central_content_add()

    assert [
        m.objects.count() for m in (SharedSection, PageTemplate, Campaign, CentralNewsItem)
    ] == counts
    soup = soup_of(site_a.client_for().get("/over-ons/"))
    titles = [h.get_text() for h in soup.select("section.shared-section h2")]
    assert titles == ["Lidmaatschap en tarieven", "Wat is Mijn Bibliotheek?"]
    home = soup_of(site_a.client_for().get("/"))
    assert home.select_one(".campaign-teaser h2").get_text() == "Boekstart"
