"""Dashboard panels of the agenda (see home.dashboard)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventPage, ImportRun, Occurrence
from home.dashboard import Figure, FiguresPanel

FAILURES_SINCE = dt.timedelta(days=7)


class AgendaFiguresPanel(FiguresPanel):
    """Events of the network and the UiTdatabank imports of the past week that failed or
    refused documents."""

    name = "bibnet_agenda_figures"
    order = 56
    heading = _("Agenda")

    def figures(self, request):
        now = timezone.now()
        runs = ImportRun.objects.filter(started__gte=now - FAILURES_SINCE).aggregate(
            failed=Count("pk", filter=Q(outcome=ImportRun.Outcome.FAILED)),
            with_rejections=Count("pk", filter=Q(rejected__gt=0)),
        )
        runs_url = reverse("events_importrun:index")
        return [
            Figure(
                label=str(_("gepubliceerde activiteiten")),
                value=EventPage.objects.filter(live=True).count(),
            ),
            Figure(
                label=str(_("komende data")),
                value=Occurrence.objects.filter(start__gte=now).count(),
            ),
            Figure(
                label=str(_("mislukte UiTdatabank-imports (7 dagen)")),
                value=runs["failed"],
                url=runs_url,
            ),
            Figure(
                label=str(_("imports met geweigerde activiteiten (7 dagen)")),
                value=runs["with_rejections"],
                url=runs_url,
            ),
        ]
