"""Checking a registration request, whatever its source (form, API, another app)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from registrations.models import MAX_PLACES_LIMIT


class RegistrationError(Exception):
    """A registration request that cannot be carried out; the message is for the visitor."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class RegistrationData:
    name: str
    email: str
    places: int = 1
    phone: str = ""
    remarks: str = ""
    is_minor: bool = False
    parent_name: str = ""
    parent_email: str = ""
    consent: bool = False


# --- Validation ---------------------------------------------------------------------------------


def _clean_text(value: str, *, max_length: int, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise RegistrationError(
            _("%(label)s bevat ongeldige tekens.") % {"label": label}, code="invalid_text"
        )
    if required and not value:
        raise RegistrationError(_("Vul %(label)s in.") % {"label": label}, code="required")
    if len(value) > max_length:
        raise RegistrationError(
            _("%(label)s is te lang (maximaal %(max)d tekens).")
            % {"label": label, "max": max_length},
            code="too_long",
        )
    return value


def _clean_email(value: str, *, label: str) -> str:
    value = _clean_text(value, max_length=254, label=label, required=True)
    try:
        validate_email(value)
    except ValidationError:
        raise RegistrationError(
            _("%(label)s is geen geldig e-mailadres.") % {"label": label}, code="invalid_email"
        ) from None
    return value


def registration_data_clean(*, data: RegistrationData, max_places: int) -> RegistrationData:
    """Check a request whatever its source (form, API, another app); raise RegistrationError."""
    name = _clean_text(data.name, max_length=200, label=_("je naam"), required=True)
    email = _clean_email(data.email, label=_("Het e-mailadres"))
    phone = _clean_text(data.phone, max_length=30, label=_("het telefoonnummer"))
    remarks = _clean_text(data.remarks, max_length=2000, label=_("de opmerkingen"))
    if isinstance(data.places, bool) or not isinstance(data.places, int):
        raise RegistrationError(_("Geef een geldig aantal plaatsen."), code="places")
    limit = min(max_places, MAX_PLACES_LIMIT)
    if not 1 <= data.places <= limit:
        raise RegistrationError(
            _("Je kan 1 tot %(max)d plaatsen vragen.") % {"max": limit}, code="places"
        )
    parent_name = parent_email = ""
    if data.is_minor:
        parent_name = _clean_text(
            data.parent_name, max_length=200, label=_("de naam van een ouder"), required=True
        )
        parent_email = _clean_email(data.parent_email, label=_("Het e-mailadres van de ouder"))
    if not data.consent:
        raise RegistrationError(
            _("Geef toestemming voor het gebruik van je gegevens volgens de privacyverklaring."),
            code="consent",
        )
    return RegistrationData(
        name=name,
        email=email,
        places=data.places,
        phone=phone,
        remarks=remarks,
        is_minor=data.is_minor,
        parent_name=parent_name,
        parent_email=parent_email,
        consent=True,
    )
