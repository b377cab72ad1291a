"""Reads of the registration engine: availability, listings scoped to a user's sites, exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page, Site

from home.scoping import pages_within_user_sites
from home.selectors import user_is_central
from registrations.models import (
    Attendance,
    EmailLog,
    RegistrableMixin,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)


class OfferState(StrEnum):
    OPEN = "open"  # seats left
    WAITLIST = "waitlist"  # full, waiting list open
    FULL = "full"  # full, no waiting list
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"  # registration period over
    PAST = "past"
    CANCELLED = "cancelled"
    UNPUBLISHED = "unpublished"
    NO_REGISTRATION = "no_registration"


ACCEPTING_STATES = frozenset({OfferState.OPEN, OfferState.WAITLIST})


@dataclass(frozen=True)
class Availability:
    state: OfferState
    capacity: int
    confirmed_places: int
    waitlisted: int

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.confirmed_places, 0)

    @property
    def accepting(self) -> bool:
        return self.state in ACCEPTING_STATES

    @property
    def label(self) -> str:
        """What a visitor reads: 'nog 3 plaatsen', 'volzet - schrijf je in op de wachtlijst'."""
        labels = {
            OfferState.WAITLIST: _("Volzet - schrijf je in op de wachtlijst"),
            OfferState.FULL: _("Volzet"),
            OfferState.NOT_YET_OPEN: _("De inschrijvingen zijn nog niet geopend"),
            OfferState.CLOSED: _("De inschrijvingen zijn afgesloten"),
            OfferState.PAST: _("Dit aanbod is voorbij"),
            OfferState.CANCELLED: _("Geannuleerd: dit aanbod gaat niet door"),
            OfferState.UNPUBLISHED: _("Inschrijven is niet mogelijk"),
            OfferState.NO_REGISTRATION: _("Inschrijven is niet nodig"),
        }
        if self.state == OfferState.OPEN:
            return ngettext("Nog %(count)d plaats", "Nog %(count)d plaatsen", self.free_places) % {
                "count": self.free_places
            }
        return str(labels[self.state])


def offer_counts(*, page_id: int) -> tuple[int, int]:
    """(confirmed places, waitlisted registrations) of one offer."""
    row = Registration.objects.filter(page_id=page_id).aggregate(
        confirmed=Sum("places", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return row["confirmed"] or 0, row["waitlisted"] or 0


def offer_state(
    *, page: RegistrableMixin, confirmed_places: int, now: dt.datetime | None = None
) -> OfferState:
    now = now or timezone.now()
    if not page.registration_required:
        return OfferState.NO_REGISTRATION
    if not page.live:
        return OfferState.UNPUBLISHED
    if page.offer_cancelled:
        return OfferState.CANCELLED
    if page.offer_ends_at is not None and page.offer_ends_at <= now:
        return OfferState.PAST
    if page.registration_opens_at and now < page.registration_opens_at:
        return OfferState.NOT_YET_OPEN
    closes = page.registration_closes_at or page.offer_starts_at
    if closes is not None and now >= closes:
        return OfferState.CLOSED
    if confirmed_places < page.capacity:
        return OfferState.OPEN
    return OfferState.WAITLIST if page.waitlist_enabled else OfferState.FULL


def offer_availability(*, page: RegistrableMixin, now: dt.datetime | None = None) -> Availability:
    confirmed, waitlisted = offer_counts(page_id=page.pk)
    return Availability(
        state=offer_state(page=page, confirmed_places=confirmed, now=now),
        capacity=page.capacity,
        confirmed_places=confirmed,
        waitlisted=waitlisted,
    )


def offers_availability(
    *, pages: list[Any], now: dt.datetime | None = None
) -> dict[int, Availability]:
    """Availability of many offers in one query (listings)."""
    rows = (
        Registration.objects.filter(page_id__in=[p.pk for p in pages])
        .values("page_id")
        .annotate(
            confirmed=Sum("places", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
    )
    counts = {row["page_id"]: (row["confirmed"] or 0, row["waitlisted"] or 0) for row in rows}
    result = {}
    for page in pages:
        confirmed, waitlisted = counts.get(page.pk, (0, 0))
        result[page.pk] = Availability(
            state=offer_state(page=page, confirmed_places=confirmed, now=now),
            capacity=page.capacity,
            confirmed_places=confirmed,
            waitlisted=waitlisted,
        )
    return result


def registration_settings_for_site(*, site: Site | None) -> RegistrationSettings:
    if site is None:
        return RegistrationSettings()
    return RegistrationSettings.for_site(site)


@dataclass
class RegistrationBox:
    """What the registration include on an offer page needs."""

    availability: Availability
    register_url: str
    form: Any = None
    privacy_notice: str = ""
    max_places: int = 1
    extra: dict = field(default_factory=dict)


def registration_box_for_page(*, page: RegistrableMixin, request, form: Any) -> RegistrationBox:
    """The box on an offer's page around `form` (registrations.views.registration_box makes
    an empty one)."""
    site = page.get_site()
    settings_ = registration_settings_for_site(site=site)
    availability = offer_availability(page=page)
    return RegistrationBox(
        availability=availability,
        # relative to the site being served (page.url is absolute once there are several sites)
        register_url=(page.get_url(request=request) or "")
        + page.reverse_subpage("registration_register"),
        form=form,
        privacy_notice=settings_.privacy_notice_or_default(),
        max_places=page.max_places_per_registration,
    )


# --- Admin (scoped to the user's sites) -----------------------------------------------------


def registrable_models() -> list[type]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, RegistrableMixin) and issubclass(model, Page)
    ]


def offers_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Page]:
    """Every registrable page in the user's sites (all sites for central editors)."""
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.get_for_models(*registrable_models()).values()
    pages = Page.objects.filter(content_type__in=list(types))
    return pages_within_user_sites(user=user, pages=pages).order_by("path")


def offers_taking_registrations(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Page]:
    """The offers the "Inschrijvingen" listing shows: those that ask for registration, and those
    that have registrations (registration turned off later). An event that needs no
    registration is not an offer to manage; it stays reachable by id through offers_for_user."""
    asks = Q()
    for model in registrable_models():
        asks |= Q(pk__in=model.objects.filter(registration_required=True).values("pk"))
    has_registrations = Q(pk__in=Registration.objects.values("page_id"))
    return offers_for_user(user=user).filter(asks | has_registrations)


def registrations_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Registration]:
    """Registrations of pages in the user's sites. Every admin lookup goes through this."""
    registrations = Registration.objects.select_related("page", "site")
    if user_is_central(user):
        return registrations
    return registrations.filter(
        page__in=pages_within_user_sites(user=user, pages=Page.objects.all())
    )


def registrations_search(
    *,
    user: AbstractBaseUser | AnonymousUser,
    query: str = "",
    status: str = "",
    page_id: int | None = None,
) -> QuerySet[Registration]:
    registrations = registrations_for_user(user=user)
    if query:
        registrations = registrations.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(page__title__icontains=query)
        )
    if status:
        registrations = registrations.filter(status=status)
    if page_id:
        registrations = registrations.filter(page_id=page_id)
    return registrations.order_by("-created_at", "-pk")


def offer_registrations(*, page_id: int) -> list[Registration]:
    """Registrations of one offer in list order: confirmed, waiting list by position, cancelled."""
    order = {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 1}
    registrations = list(
        Registration.objects.filter(page_id=page_id).prefetch_related("attendances")
    )
    registrations.sort(
        key=lambda r: (order.get(r.status, 2), r.waitlist_position or 0, r.created_at, r.pk)
    )
    return registrations


def attendance_statistics(*, page_id: int) -> dict[str, int]:
    """Present count per session key: survives anonymisation."""
    rows = (
        Attendance.objects.filter(registration__page_id=page_id, present=True)
        .values("session_key")
        .annotate(total=Sum("registration__places"))
    )
    return {row["session_key"]: row["total"] or 0 for row in rows}


def registrations_for_email(
    *, email: str, user: AbstractBaseUser | AnonymousUser
) -> QuerySet[Registration]:
    """Every registration of an address, as a data subject request sees it: own sites for local
    editors, the whole network for central editors. Matches the registrant and the parent."""
    email = email.strip()
    if not email:
        return Registration.objects.none()
    return (
        registrations_for_user(user=user)
        .filter(Q(email__iexact=email) | Q(parent_email__iexact=email))
        .prefetch_related("attendances", "email_logs")
        .order_by("created_at", "pk")
    )


def registration_export_data(*, registrations: QuerySet[Registration]) -> list[dict[str, Any]]:
    """Everything stored about these registrations, for a data subject export (JSON)."""
    data = []
    for registration in registrations:
        data.append(
            {
                "website": registration.site.hostname,
                "aanbod": registration.page.title,
                "status": registration.status,
                "plaats_op_wachtlijst": registration.waitlist_position,
                "plaatsen": registration.places,
                "naam": registration.name,
                "e-mail": registration.email,
                "telefoon": registration.phone,
                "opmerkingen": registration.remarks,
                "jonger_dan_13": registration.is_minor,
                "naam_ouder": registration.parent_name,
                "e-mail_ouder": registration.parent_email,
                "toestemming": _iso(registration.consent_at),
                "ingeschreven_op": _iso(registration.created_at),
                "geannuleerd_op": _iso(registration.cancelled_at),
                "aanwezigheden": [
                    {"sessie": a.session_key, "aanwezig": a.present}
                    for a in registration.attendances.all()
                ],
                "e-mails": [
                    {
                        "soort": log.kind,
                        "aan": log.recipient,
                        "onderwerp": log.subject,
                        "verzonden_op": _iso(log.sent_at),
                    }
                    for log in registration.email_logs.all()
                ],
            }
        )
    return data


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def email_logs_for(*, registration: Registration) -> QuerySet[EmailLog]:
    return registration.email_logs.order_by("-sent_at")
