"""The registration engine: one set of models for every page that takes registrations
(makerspace courses, events that require registration).

A page type becomes registrable by inheriting `RegistrableMixin` (an abstract model that also
brings the `inschrijven/` and `annuleren/<token>/` routes) and implementing
`registration_sessions()`. Registrations point at `wagtailcore.Page`, so the engine depends on
no page app. See docs/registrations.md for the contract.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField

from home.blocks import RICH_TEXT_FEATURES
from home.wiring import SetInReady

# Hard upper bound on places per registration, whatever an editor sets.
MAX_PLACES_LIMIT = 20


@dataclass(frozen=True)
class OfferSession:
    """One dated part of an offer (a course module, an event occurrence).

    `key` is stable for the lifetime of the session (attendance is recorded against it), e.g.
    "session-12". `starts_at`/`ends_at` are aware datetimes (stored in UTC).
    """

    key: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str = ""


class OfferPageViews:
    """What an offer page answers to visitors: the registration form's POST, the cancellation
    link and the registration box of its context. The views and the box live above the models
    (registrations.views); RegistrationsConfig.ready() provides them (home.wiring)."""

    register: Callable[..., Any] = SetInReady(by="RegistrationsConfig.ready()")
    cancel: Callable[..., Any] = SetInReady(by="RegistrationsConfig.ready()")
    registration_box: Callable[..., Any] = SetInReady(by="RegistrationsConfig.ready()")


offer_page_views = OfferPageViews()


class RegistrableMixin(RoutablePageMixin, models.Model):
    """Fields and routes of a page that takes registrations.

    The page model implements `registration_sessions()`. The mixin keeps `offer_starts_at` and
    `offer_ends_at` (first session start, last session end) up to date on save; the engine
    uses them for "past" checks, reminders and the retention job without knowing the page type.
    """

    registration_required = models.BooleanField(
        _("inschrijving via de website"),
        default=True,
        help_text=_("Bezoekers schrijven zich in via een formulier op deze pagina."),
    )
    capacity = models.PositiveIntegerField(
        _("aantal plaatsen"),
        default=12,
        validators=[MaxValueValidator(100_000)],
        help_text=_("Een verhoging schuift mensen van de wachtlijst door."),
    )
    waitlist_enabled = models.BooleanField(
        _("wachtlijst"),
        default=True,
        help_text=_("Inschrijven op een wachtlijst als het volzet is."),
    )
    max_places_per_registration = models.PositiveSmallIntegerField(
        _("maximum aantal plaatsen per inschrijving"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACES_LIMIT)],
    )
    registration_opens_at = models.DateTimeField(_("inschrijving opent"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("inschrijving sluit"),
        null=True,
        blank=True,
        help_text=_("Leeg: tot de start van de eerste sessie."),
    )
    offer_cancelled = models.BooleanField(
        _("geannuleerd"),
        default=False,
        help_text=_("Het aanbod gaat niet door; inschrijven is niet meer mogelijk."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("herinnering (dagen vooraf)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
        help_text=_("Leeg: de standaard van de website (instellingen > inschrijvingen)."),
    )
    offer_starts_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    offer_ends_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    registration_panels = [
        MultiFieldPanel(
            [
                FieldPanel("registration_required"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_places_per_registration")]),
                FieldPanel("waitlist_enabled"),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
                FieldPanel("reminder_days"),
                FieldPanel("offer_cancelled"),
            ],
            heading=_("Inschrijvingen"),
        )
    ]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.offer_schedule_refresh()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "offer_starts_at", "offer_ends_at"}
        return super().save(*args, **kwargs)

    # --- contract for page models ------------------------------------------------------------

    def registration_sessions(self) -> list[OfferSession]:
        """The dated sessions of this offer, in order. Page models override this."""
        return []

    def registration_location(self) -> str:
        """Where it happens, as one line of text (e-mails, .ics)."""
        return ""

    # --- bookkeeping ---------------------------------------------------------------------------

    def offer_schedule_refresh(self) -> None:
        sessions = self.registration_sessions()
        self.offer_starts_at = min((s.starts_at for s in sessions), default=None)
        self.offer_ends_at = max((s.ends_at for s in sessions), default=None)

    # --- routes --------------------------------------------------------------------------------

    @path("inschrijven/", name="registration_register")
    def registration_register_route(self, request):
        return offer_page_views.register(request, page=self)

    @path("annuleren/<str:token>/", name="registration_cancel")
    def registration_cancel_route(self, request, token: str):
        return offer_page_views.cancel(request, page=self, token=token)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A rejected POST re-renders the page with the visitor's form and its errors.
        form = getattr(request, "registration_form", None)
        context["registration_box"] = offer_page_views.registration_box(
            page=self, request=request, form=form
        )
        return context


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("bevestigd")
    WAITLISTED = "waitlisted", _("wachtlijst")
    CANCELLED = "cancelled", _("geannuleerd")


class Registration(models.Model):
    """One person's (or family's) registration for one offer page."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("aanbod"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    # The site of the page at registration time: scoping, per-site settings and retention.
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("website"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, db_index=True
    )
    waitlist_position = models.PositiveIntegerField(_("plaats op de wachtlijst"), null=True)
    places = models.PositiveSmallIntegerField(_("aantal plaatsen"), default=1)
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), max_length=254)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    remarks = models.TextField(_("opmerkingen"), blank=True, max_length=2000)
    is_minor = models.BooleanField(_("jonger dan 13"), default=False)
    parent_name = models.CharField(_("naam ouder"), max_length=200, blank=True)
    parent_email = models.EmailField(_("e-mailadres ouder"), max_length=254, blank=True)
    consent_at = models.DateTimeField(_("toestemming gegeven op"), null=True)
    token = models.CharField(
        max_length=43, unique=True, default=secrets.token_urlsafe, editable=False
    )
    created_at = models.DateTimeField(_("ingeschreven op"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)
    cancelled_by_editor = models.BooleanField(default=False)
    anonymised = models.BooleanField(_("geanonimiseerd"), default=False, db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        ordering = ["page_id", "created_at", "pk"]
        constraints = [
            # A double submit or a race with the same address: the database keeps one.
            models.UniqueConstraint(
                "page",
                Lower("email"),
                condition=~models.Q(status="cancelled") & models.Q(anonymised=False),
                name="registrations_one_active_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1) & models.Q(places__lte=MAX_PLACES_LIMIT),
                name="registrations_places_in_range",
            ),
        ]
        indexes = [models.Index(fields=["page", "status"], name="registrations_page_status")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class Attendance(models.Model):
    """Whether a registration attended one session (by the session's stable key)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session_key = models.CharField(max_length=64)
    present = models.BooleanField(_("aanwezig"), default=False)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheden")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session_key"], name="registrations_one_attendance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_key}: {'aanwezig' if self.present else 'afwezig'}"


class EmailKind(models.TextChoices):
    CONFIRMED = "confirmed", _("bevestiging")
    WAITLISTED = "waitlisted", _("wachtlijst")
    PROMOTED = "promoted", _("doorgeschoven van de wachtlijst")
    CANCELLED = "cancelled", _("annulering")
    REMINDER = "reminder", _("herinnering")
    MESSAGE = "message", _("bericht aan deelnemers")
    OFFER_CANCELLED = "offer_cancelled", _("aanbod geannuleerd")


class EmailLog(models.Model):
    """Every e-mail the engine sent (or failed to send). Anonymised with the registration."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="email_logs"
    )
    kind = models.CharField(max_length=16, choices=EmailKind.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    sent_at = models.DateTimeField(default=timezone.now)
    success = models.BooleanField(default=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("verzonden e-mail")
        verbose_name_plural = _("verzonden e-mails")
        indexes = [models.Index(fields=["registration", "kind"], name="registrations_mail_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


@register_setting(icon="form")
class RegistrationSettings(BaseSiteSetting):
    """Per-site privacy notice, retention period and reminder default."""

    privacy_notice = RichTextField(
        _("privacyverklaring"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Getoond bij elk inschrijvingsformulier van deze website."),
    )
    retention_days = models.PositiveIntegerField(
        _("bewaartermijn (dagen na afloop)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Na deze termijn worden de persoonsgegevens van alle inschrijvingen van een "
            "afgelopen aanbod geanonimiseerd. Aantallen en aanwezigheden blijven bewaard."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("herinnering (dagen vooraf)"),
        default=2,
        validators=[MaxValueValidator(60)],
        help_text=_("0: geen herinnering."),
    )
    reply_to = models.EmailField(_("antwoordadres voor e-mails"), blank=True)

    panels = [
        FieldPanel("privacy_notice"),
        FieldPanel("retention_days"),
        FieldPanel("reminder_days"),
        FieldPanel("reply_to"),
    ]

    class Meta:
        verbose_name = _("inschrijvingen")

    def privacy_notice_or_default(self) -> str:
        return self.privacy_notice or str(DEFAULT_PRIVACY_NOTICE)


DEFAULT_PRIVACY_NOTICE = _(
    "<p>We gebruiken je gegevens alleen om je inschrijving te beheren en je te contacteren "
    "over dit aanbod. We geven ze aan niemand door. Na afloop en de bewaartermijn wissen we "
    "je persoonsgegevens. Je kan ze altijd opvragen of laten wissen via de bibliotheek.</p>"
)
