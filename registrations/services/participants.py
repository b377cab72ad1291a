"""Attendance and messages to the participants of an offer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from registrations.email_tasks import registration_message_task
from registrations.models import Attendance, Registration, RegistrationStatus
from registrations.services.validation import RegistrationError, _clean_text


def attendance_save(*, page: Page, session_keys: list[str], present: set[tuple[int, str]]) -> int:
    """Store attendance of every active registration of an offer for the given sessions.

    `present` holds (registration id, session key) pairs that were ticked; every other pair
    of these sessions is stored as absent. Returns the number of rows written.
    """
    registrations = list(
        Registration.objects.filter(
            page_id=page.pk, status=RegistrationStatus.CONFIRMED
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    rows = [
        Attendance(
            registration_id=registration_id,
            session_key=key,
            present=(registration_id, key) in present,
            marked_at=now,
        )
        for registration_id in registrations
        for key in session_keys
    ]
    with transaction.atomic():
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["registration", "session_key"],
            update_fields=["present", "marked_at"],
        )
    return len(rows)


def registrations_message(
    *, page: Page, subject: str, body: str, include_waitlist: bool = False
) -> int:
    """E-mail every participant of an offer (one message per person, no shared recipients)."""
    subject = _clean_text(subject, max_length=200, label=_("het onderwerp"), required=True)
    if "\n" in subject or "\r" in subject:
        raise RegistrationError(_("Het onderwerp moet op één regel staan."), code="invalid_text")
    body = _clean_text(body, max_length=10_000, label=_("het bericht"), required=True)
    statuses = [RegistrationStatus.CONFIRMED]
    if include_waitlist:
        statuses.append(RegistrationStatus.WAITLISTED)
    ids = list(
        Registration.objects.filter(
            page_id=page.pk, status__in=statuses, anonymised=False
        ).values_list("pk", flat=True)
    )
    for registration_id in ids:
        transaction.on_commit(
            lambda rid=registration_id: registration_message_task.enqueue(
                registration_id=rid, subject=subject, body=body
            )
        )
    return len(ids)
