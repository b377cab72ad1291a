"""Dashboard panels of central content that reaches a site (see home.dashboard).

Campaigns move to the `central` app with the layering work; this panel moves with them.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from central.selectors import campaigns_for_sites
from home.dashboard import ROWS_SHOWN, DashboardRow, ListPanel, day
from home.selectors import sites_for_user


class RunningCampaignsPanel(ListPanel):
    """Campaigns and alerts of Cultuurconnect that the editor's sites show right now."""

    name = "bibnet_running_campaigns"
    order = 90
    heading = _("Campagnes nu op jullie website")
    empty_text = _("Er loopt nu geen centrale campagne op jullie website.")

    def rows(self, request):
        now = timezone.now()
        campaigns = campaigns_for_sites(sites=sites_for_user(user=request.user)).filter(
            starts_at__lte=now, ends_at__gt=now
        )
        shown = list(campaigns[:ROWS_SHOWN])
        total = len(shown) if len(shown) < ROWS_SHOWN else campaigns.count()
        rows = [
            DashboardRow(
                title=campaign.title,
                url="",
                details=[
                    campaign.get_style_display(),
                    _("tot %(day)s") % {"day": day(campaign.ends_at)},
                ],
            )
            for campaign in shown
        ]
        return rows, total
