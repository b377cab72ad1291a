"""Cancellation: by the personal link (its token is signed in registrations.tokens) or by an
editor."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from wagtail.models import Page

from registrations.models import EmailKind, Registration, RegistrationStatus
from registrations.services.seats import (
    _cancel_locked,
    _mail_on_commit,
    _offer_lock,
    _promote_locked,
)
from registrations.services.validation import RegistrationError
from registrations.tokens import (
    TOKEN_NONCE_LENGTH,
    TOKEN_RE,
    TOKEN_SALT,
    _token_signer,
    registration_token,
)

__all__ = [
    "TOKEN_NONCE_LENGTH",
    "TOKEN_RE",
    "TOKEN_SALT",
    "_token_signer",
    "registration_cancel",
    "registration_cancel_by_editor",
    "registration_for_token",
    "registration_token",
]


def registration_for_token(*, token: str) -> Registration:
    """The registration a cancellation token names; RegistrationError when forged or stale."""
    invalid = RegistrationError(
        _("Deze annuleringslink is ongeldig of verlopen. Neem contact op met de organisator."),
        code="invalid_token",
    )
    match = TOKEN_RE.match(token or "")
    if match is None:
        raise invalid
    registration_id, nonce, signature = match.groups()
    value = f"{registration_id}x{nonce}"
    if not constant_time_compare(_token_signer().signature(value), signature):
        raise invalid
    registration_id = int(registration_id)
    registration = Registration.objects.select_related("page", "site").filter(pk=registration_id)
    registration = registration.first()
    if (
        registration is None
        or registration.anonymised
        or not constant_time_compare(registration.token[:TOKEN_NONCE_LENGTH], nonce)
    ):
        raise invalid
    return registration


def registration_cancel(*, token: str, page: Page | None = None) -> Registration:
    """Cancel through the personal link; frees the places and promotes from the waiting list."""
    found = registration_for_token(token=token)
    if page is not None and found.page_id != page.pk:
        raise RegistrationError(
            _("Deze annuleringslink hoort niet bij deze pagina."), code="invalid_token"
        )
    return _registration_cancel(registration_id=found.pk, by_editor=False)


def registration_cancel_by_editor(*, registration: Registration) -> Registration:
    return _registration_cancel(registration_id=registration.pk, by_editor=True)


def _registration_cancel(*, registration_id: int, by_editor: bool) -> Registration:
    now = timezone.now()
    page_id = Registration.objects.values_list("page_id", flat=True).get(pk=registration_id)
    with transaction.atomic():
        offer = _offer_lock(page_id=page_id)
        registration = Registration.objects.select_related("page").get(pk=registration_id)
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError(
                _("Deze inschrijving is al geannuleerd."), code="already_cancelled"
            )
        _cancel_locked(registration=registration, now=now, by_editor=by_editor)
        _mail_on_commit(registration.pk, EmailKind.CANCELLED)
        _promote_locked(offer=offer, now=now)
    return registration
