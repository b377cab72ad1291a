"""Reminders before an offer starts, sent at most once per registration."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from registrations.emails import registration_email_build
from registrations.models import (
    EmailKind,
    EmailLog,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from registrations.selectors import registrable_models

logger = logging.getLogger(__name__)


def registrations_remind(*, now: dt.datetime | None = None) -> int:
    """Send the reminder to every confirmed registration of offers starting within their
    reminder period (per offer, else the site's default).

    At most once per registration, even when two runs overlap or a worker is killed mid-run:
    the reminder is first recorded in the e-mail log, under a lock on the registration row,
    and only then sent. A run that finds the record sends nothing; a send that fails turns the
    record into a failure, so the next run tries again. A worker killed between recording and
    sending leaves the reminder unsent rather than risk sending it twice."""
    now = now or timezone.now()
    settings_by_site = {s.site_id: s.reminder_days for s in RegistrationSettings.objects.all()}
    sent = 0
    for model in registrable_models():
        offers = model.objects.live().filter(
            offer_cancelled=False,
            registration_required=True,
            offer_starts_at__gt=now,
            offer_starts_at__lte=now + dt.timedelta(days=61),
        )
        for offer in offers:
            registration_ids = list(
                Registration.objects.filter(
                    page_id=offer.pk, status=RegistrationStatus.CONFIRMED, anonymised=False
                )
                .exclude(email_logs__kind=EmailKind.REMINDER, email_logs__success=True)
                .values_list("pk", "site_id")
            )
            if not registration_ids:
                continue
            days = offer.reminder_days
            if days is None:
                days = settings_by_site.get(registration_ids[0][1], 2)
            if not days or offer.offer_starts_at - dt.timedelta(days=days) > now:
                continue
            for registration_id, _site_id in registration_ids:
                if _reminder_send_once(registration_id=registration_id):
                    sent += 1
    return sent


def _reminder_send_once(*, registration_id: int) -> bool:
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(pk=registration_id, status=RegistrationStatus.CONFIRMED, anonymised=False)
            .exclude(email="")
            .first()
        )
        if registration is None:
            return False
        if EmailLog.objects.filter(
            registration_id=registration_id, kind=EmailKind.REMINDER, success=True
        ).exists():
            return False
        registration = Registration.objects.select_related("page", "site").get(pk=registration_id)
        try:
            message = registration_email_build(registration=registration, kind=EmailKind.REMINDER)
        except Exception:
            logger.exception("Could not build the reminder of registration %s", registration_id)
            return False
        # The claim: committed before the message leaves, so no later run sends it again.
        log = EmailLog.objects.create(
            registration=registration,
            kind=EmailKind.REMINDER,
            recipient=", ".join([*message.to, *message.cc])[:254],
            subject=message.subject,
            success=True,
        )
    try:
        message.send()
    except Exception as exc:  # SMTP errors of every kind: record, retry on the next run
        logger.exception("Could not send the reminder of registration %s", registration_id)
        EmailLog.objects.filter(pk=log.pk).update(success=False, error=str(exc)[:300])
        return False
    return True
