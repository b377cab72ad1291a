"""The signed token of a registration's personal cancellation link.

Below the services and the e-mails, which both need it: an e-mail carries the link, the
cancellation service reads it back (registrations.services.cancellation)."""

from __future__ import annotations

import re

from django.core import signing

from registrations.models import Registration

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
