"""Dashboard: the campaigns that run on the local editor's site now."""

import datetime as dt

from bs4 import BeautifulSoup
from django.utils import timezone

from central.models import Audience
from tests.conftest import admin_client_for
from tests.factories.sitegen import CampaignFactory


def test_running_campaigns_of_the_editors_site(two_sites):
    site_a, site_b = two_sites
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    CampaignFactory(title="Voor iedereen", audience=Audience.ALL, starts_at=now - hour)
    CampaignFactory(title="Alleen Strombeek", audience=Audience.SITES, target_sites=[site_b.site])
    CampaignFactory(title="Voorbij", starts_at=now - 3 * hour, ends_at=now - hour)
    soup = BeautifulSoup(admin_client_for(site_a.editor).get("/admin/").content, "html.parser")
    section = soup.find("section", id="bibnet-running-campaigns-section")
    text = section.get_text(" ", strip=True)
    assert "Voor iedereen" in text
    assert "Alleen Strombeek" not in text
    assert "Voorbij" not in text
