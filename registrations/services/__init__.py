"""Writes of the registration engine, one module per subject:

- validation: RegistrationData, RegistrationError, registration_data_clean
- seats: the offer lock, the one seat-placement rule (seat_fits), the waiting list
- registration: register, promote, capacity change, move
- cancellation: the personal link's token, cancelling by link or by an editor
- participants: attendance, messages to participants
- reminders: reminders before an offer starts, at most once per registration
- privacy: anonymising expired registrations, erasing one address
- rate_limit: registrations accepted per client address and site

Every public name stays importable from `registrations.services`.
"""

from registrations.services.cancellation import (
    TOKEN_NONCE_LENGTH,
    TOKEN_RE,
    TOKEN_SALT,
    _token_signer,
    registration_cancel,
    registration_cancel_by_editor,
    registration_for_token,
    registration_token,
)
from registrations.services.participants import attendance_save, registrations_message
from registrations.services.privacy import (
    registrations_anonymise_expired,
    registrations_erase_email,
)
from registrations.services.rate_limit import (
    RATE_LIMIT_COUNT,
    RATE_LIMIT_WINDOW,
    client_rate_limited,
)
from registrations.services.registration import (
    UNIQUE_EMAIL_CONSTRAINT,
    registration_capacity_change,
    registration_create,
    registration_move,
    registrations_promote,
)
from registrations.services.reminders import registrations_remind
from registrations.services.seats import (
    NO_SEAT_STATES,
    STATE_MESSAGES,
    offer_admits,
    offer_gives_seats,
    seat_fits,
)
from registrations.services.validation import (
    RegistrationData,
    RegistrationError,
    registration_data_clean,
)

__all__ = [
    "NO_SEAT_STATES",
    "RATE_LIMIT_COUNT",
    "RATE_LIMIT_WINDOW",
    "STATE_MESSAGES",
    "TOKEN_NONCE_LENGTH",
    "TOKEN_RE",
    "TOKEN_SALT",
    "UNIQUE_EMAIL_CONSTRAINT",
    "RegistrationData",
    "RegistrationError",
    "_token_signer",
    "attendance_save",
    "client_rate_limited",
    "offer_admits",
    "offer_gives_seats",
    "registration_cancel",
    "registration_cancel_by_editor",
    "registration_capacity_change",
    "registration_create",
    "registration_data_clean",
    "registration_for_token",
    "registration_move",
    "registration_token",
    "registrations_anonymise_expired",
    "registrations_erase_email",
    "registrations_message",
    "registrations_promote",
    "registrations_remind",
    "seat_fits",
]
