"""Dashboard panels of the catalogue (see home.dashboard)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import ImportRun
from home.dashboard import Figure, FiguresPanel

FAILURES_SINCE = dt.timedelta(days=7)


class CatalogueImportsPanel(FiguresPanel):
    """The catalogue imports of the past week: failed runs and refused records."""

    name = "bibnet_catalogue_imports"
    order = 57
    heading = _("Catalogusimports (7 dagen)")

    def figures(self, request):
        runs = ImportRun.objects.filter(started_at__gte=timezone.now() - FAILURES_SINCE)
        counts = runs.aggregate(
            total=Count("pk"),
            failed=Count("pk", filter=Q(status=ImportRun.Status.FAILED)),
            rejected=Sum("rejected"),
        )
        url = reverse("catalogue_importrun:index")
        return [
            Figure(label=str(_("imports")), value=counts["total"], url=url),
            Figure(label=str(_("mislukt")), value=counts["failed"], url=url),
            Figure(label=str(_("geweigerde records")), value=counts["rejected"] or 0, url=url),
        ]
