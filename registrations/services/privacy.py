"""Privacy: anonymising expired registrations and erasing one address on request."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from registrations.models import EmailLog, Registration, RegistrationSettings, RegistrationStatus
from registrations.selectors import registrable_models, registrations_for_email
from registrations.services.cancellation import _registration_cancel
from registrations.services.validation import RegistrationError


def _anonymise(*, registration_ids: list[int], now: dt.datetime) -> int:
    if not registration_ids:
        return 0
    with transaction.atomic():
        count = Registration.objects.filter(pk__in=registration_ids).update(
            name="",
            email="",
            phone="",
            remarks="",
            parent_name="",
            parent_email="",
            # a fresh, unguessable value kills every cancellation link sent earlier
            token=Concat(Value("x"), Cast("pk", CharField()), Value(secrets.token_hex(8))),
            anonymised=True,
            anonymised_at=now,
        )
        EmailLog.objects.filter(registration_id__in=registration_ids).update(recipient="", error="")
    return count


def registrations_anonymise_expired(*, now: dt.datetime | None = None) -> int:
    """Anonymise every registration (confirmed, waiting list, cancelled) of offers that ended
    longer ago than their site's retention period. Counts and attendance survive."""
    now = now or timezone.now()
    default_days = RegistrationSettings._meta.get_field("retention_days").default
    days_by_site = {s.site_id: s.retention_days for s in RegistrationSettings.objects.all()}
    shortest = min([default_days, *days_by_site.values()])
    ended: dict[int, dt.datetime] = {}
    for model in registrable_models():
        ended.update(
            model.objects.filter(offer_ends_at__lt=now - dt.timedelta(days=shortest)).values_list(
                "pk", "offer_ends_at"
            )
        )
    if not ended:
        return 0
    candidates = Registration.objects.filter(anonymised=False, page_id__in=list(ended)).values_list(
        "pk", "page_id", "site_id"
    )
    ids = [
        pk
        for pk, page_id, site_id in candidates
        if ended[page_id] < now - dt.timedelta(days=days_by_site.get(site_id, default_days))
    ]
    return _anonymise(registration_ids=ids, now=now)


def registrations_erase_email(*, email: str, user) -> int:
    """Erase everything about one address in the registrations the user may manage (own sites
    for local editors, every site for central editors). Active registrations are cancelled
    first, so their places go to the waiting list."""
    registrations = list(registrations_for_email(email=email, user=user).filter(anonymised=False))
    with transaction.atomic():
        for registration in registrations:
            if registration.status != RegistrationStatus.CANCELLED:
                with contextlib.suppress(RegistrationError):  # cancelled meanwhile
                    _registration_cancel(registration_id=registration.pk, by_editor=True)
        # Anonymised before the queued e-mails run: the erased address gets no cancellation
        # mail, the people promoted in its place do get theirs.
        _anonymise(registration_ids=[r.pk for r in registrations], now=timezone.now())
    return len(registrations)
