"""Cancellation: the personal link's signed token, cancelling by link or by an editor."""

from __future__ import annotations

import re

from django.core import signing
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

TOKEN_SALT = "registrations.cancel"
TOKEN_NONCE_LENGTH = 16
TOKEN_RE = re.compile(r"^(\d{1,18})x([\w-]{16})([\w-]{20,100})$")  # 16: TOKEN_NONCE_LENGTH


def _token_signer() -> signing.Signer:
    return signing.Signer(salt=TOKEN_SALT, algorithm="sha256")


def registration_token(*, registration: Registration) -> str:
    """The signed token of the personal cancellation link: `<id>x<nonce><signature>`.

    Signed with django.core.signing (HMAC-SHA256 over id and nonce with SECRET_KEY). The
    nonce is the start of the registration's random `token`, which anonymisation replaces, so
    old links die. Only [0-9A-Za-z_-]: Wagtail's page URL pattern accepts nothing else in a
    path segment (`signing.dumps` would add ':').
    """
    value = f"{registration.pk}x{registration.token[:TOKEN_NONCE_LENGTH]}"
    return value + _token_signer().signature(value)


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
