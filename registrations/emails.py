"""E-mails of the registration engine: Dutch plain text and HTML, an .ics for a seat, and the
personal cancellation link. Called from tasks after the registration's transaction commits."""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import formataddr

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import (
    EmailKind,
    EmailLog,
    RegistrableMixin,
    Registration,
    RegistrationStatus,
)
from registrations.tokens import registration_token

logger = logging.getLogger(__name__)

SUBJECTS = {
    EmailKind.CONFIRMED: _("Bevestiging van je inschrijving: %(title)s"),
    EmailKind.WAITLISTED: _("Je staat op de wachtlijst: %(title)s"),
    EmailKind.PROMOTED: _("Goed nieuws, je hebt een plaats: %(title)s"),
    EmailKind.CANCELLED: _("Je inschrijving is geannuleerd: %(title)s"),
    EmailKind.REMINDER: _("Herinnering: %(title)s begint binnenkort"),
    EmailKind.OFFER_CANCELLED: _("Gaat niet door: %(title)s"),
}
# Kinds that mean "you hold a seat": these carry the .ics.
SEAT_KINDS = frozenset({EmailKind.CONFIRMED, EmailKind.PROMOTED, EmailKind.REMINDER})


def registration_cancel_url(*, registration: Registration, offer: RegistrableMixin) -> str:
    token = registration_token(registration=registration)
    return offer.get_full_url() + offer.reverse_subpage("registration_cancel", args=[token])


def registration_ics(*, registration: Registration, offer: RegistrableMixin) -> bytes:
    """An iCalendar file with one event per session of the offer."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Bibnet//Inschrijvingen//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    site = registration.site
    location = offer.registration_location()
    url = offer.get_full_url() or ""
    for session in offer.registration_sessions():
        event = icalendar.Event()
        event.add("uid", f"registration-{registration.pk}-{session.key}@{site.hostname}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", session.starts_at.astimezone(dt.UTC))
        event.add("dtend", session.ends_at.astimezone(dt.UTC))
        summary = offer.title if not session.title else f"{offer.title}: {session.title}"
        event.add("summary", summary)
        if session.location or location:
            event.add("location", session.location or location)
        if url:
            event.add("url", url)
        event.add("description", _("Je inschrijving bij %(site)s.") % {"site": site.site_name})
        calendar.add_component(event)
    return calendar.to_ical()


def _recipients(registration: Registration) -> tuple[list[str], list[str]]:
    to = [registration.email]
    cc = [registration.parent_email] if registration.is_minor and registration.parent_email else []
    return to, cc


def _reply_to(registration: Registration) -> list[str]:
    from home.models import ContactSettings
    from registrations.models import RegistrationSettings

    settings_ = RegistrationSettings.for_site(registration.site)
    if settings_.reply_to:
        return [settings_.reply_to]
    contact = ContactSettings.for_site(registration.site)
    return [contact.email] if contact.email else []


def registration_email_build(
    *, registration: Registration, kind: str, subject: str = "", body: str = ""
) -> EmailMultiAlternatives:
    offer = registration.page.specific
    sessions = offer.registration_sessions()
    context = {
        "registration": registration,
        "offer": offer,
        "kind": kind,
        "site_name": registration.site.site_name,
        "sessions": sessions,
        "location": offer.registration_location(),
        "offer_url": offer.get_full_url(),
        "cancel_url": (
            registration_cancel_url(registration=registration, offer=offer)
            if registration.status != RegistrationStatus.CANCELLED
            and kind != EmailKind.OFFER_CANCELLED
            else ""
        ),
        "message_body": body,
    }
    if kind != EmailKind.MESSAGE:
        subject = str(SUBJECTS[kind]) % {"title": offer.title}
    to, cc = _recipients(registration)
    message = EmailMultiAlternatives(
        subject=subject[:300],
        body=render_to_string("registrations/email/registration.txt", context),
        from_email=formataddr((registration.site.site_name, settings.DEFAULT_FROM_EMAIL)),
        to=to,
        cc=cc,
        reply_to=_reply_to(registration),
    )
    message.attach_alternative(
        render_to_string("registrations/email/registration.html", context), "text/html"
    )
    if kind in SEAT_KINDS and sessions:
        message.attach(
            "inschrijving.ics",
            registration_ics(registration=registration, offer=offer),
            "text/calendar",
        )
    return message


def registration_email_send(
    *, registration_id: int, kind: str, subject: str = "", body: str = ""
) -> bool:
    """Build, send and log one e-mail. A failure is logged, never raised to the visitor."""
    registration = (
        Registration.objects.select_related("page", "site").filter(pk=registration_id).first()
    )
    if registration is None or registration.anonymised or not registration.email:
        return False
    try:
        message = registration_email_build(
            registration=registration, kind=kind, subject=subject, body=body
        )
    except Exception:
        logger.exception("Could not build the %s e-mail of registration %s", kind, registration_id)
        return False
    success, error = True, ""
    try:
        message.send()
    except Exception as exc:  # SMTP errors of every kind: log, keep going
        logger.exception("Could not send the %s e-mail of registration %s", kind, registration_id)
        success, error = False, str(exc)[:300]
    EmailLog.objects.create(
        registration=registration,
        kind=kind,
        recipient=", ".join([*message.to, *message.cc])[:254],
        subject=message.subject,
        success=success,
        error=error,
    )
    return success
