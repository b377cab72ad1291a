"""Dashboard panels of the registration engine (see home.dashboard)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from home.dashboard import ROWS_SHOWN, DashboardRow, Figure, FiguresPanel, ListPanel, when
from home.scoping import pages_within_user_sites
from registrations.models import Registration, RegistrationStatus
from registrations.selectors import offers_availability, registrable_models


class ComingSessionsPanel(ListPanel):
    """The coming offers of the editor's sites that take registrations, with how full they are
    and who waits: one query per registrable page type and one for the counts."""

    name = "bibnet_coming_sessions"
    order = 80
    heading = _("Binnenkort, met inschrijvingen")
    empty_text = _("Geen komende activiteiten of cursussen met inschrijvingen.")

    def rows(self, request):
        now = timezone.now()
        offers, total = [], 0
        for model in registrable_models():
            pages = pages_within_user_sites(
                user=request.user,
                pages=model.objects.filter(
                    live=True,
                    registration_required=True,
                    offer_cancelled=False,
                    offer_ends_at__gte=now,
                ),
            ).order_by("offer_starts_at", "pk")
            found = list(pages[:ROWS_SHOWN])
            offers += found
            total += len(found) if len(found) < ROWS_SHOWN else pages.count()
        offers = sorted(offers, key=lambda page: (page.offer_starts_at, page.pk))[:ROWS_SHOWN]
        availability = offers_availability(pages=offers, now=now)
        rows = []
        for page in offers:
            state = availability[page.pk]
            details = [
                when(page.offer_starts_at),
                ngettext(
                    "%(confirmed)s van %(count)s plaats bezet",
                    "%(confirmed)s van %(count)s plaatsen bezet",
                    page.capacity,
                )
                % {"confirmed": state.confirmed_places, "count": page.capacity},
            ]
            if state.waitlisted:
                details.append(
                    ngettext(
                        "%(count)s persoon op de wachtlijst",
                        "%(count)s personen op de wachtlijst",
                        state.waitlisted,
                    )
                    % {"count": state.waitlisted}
                )
            rows.append(
                DashboardRow(
                    title=page.get_admin_display_title(),
                    url=reverse("registrations_admin:offer", args=[page.pk]),
                    details=details,
                )
            )
        return rows, total

    def more_url(self, request):
        return reverse("registrations_admin:offers")


class RegistrationFiguresPanel(FiguresPanel):
    name = "bibnet_registration_figures"
    order = 55
    heading = _("Inschrijvingen deze maand")

    def figures(self, request):
        start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        counts = Registration.objects.filter(created_at__gte=start).aggregate(
            total=Count("pk"),
            places=Sum("places", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
        return [
            Figure(label=str(_("inschrijvingen")), value=counts["total"]),
            Figure(label=str(_("bevestigde plaatsen")), value=counts["places"] or 0),
            Figure(label=str(_("op de wachtlijst")), value=counts["waitlisted"]),
        ]
