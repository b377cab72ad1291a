"""Writes of the registration engine.

Every change to who holds a seat (register, cancel, promote, capacity change, move, erase)
runs in a transaction that first locks the offer's row in wagtailcore_page
(`SELECT ... FOR UPDATE`). Counting confirmed places after taking the lock is therefore safe:
no other seat change of that offer can interleave. Counting without the lock, or locking only
registration rows, oversells (see docs/registrations.md).

E-mails are sent after the transaction commits (`transaction.on_commit`), through a
django-tasks task, so a rolled-back registration never mails anyone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from wagtail.models import Page

from registrations.models import (
    MAX_PLACES_LIMIT,
    Attendance,
    EmailKind,
    EmailLog,
    RegistrableMixin,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from registrations.selectors import (
    ACCEPTING_STATES,
    OfferState,
    offer_counts,
    offer_state,
    registrable_models,
    registrations_for_email,
)

logger = logging.getLogger(__name__)

TOKEN_SALT = "registrations.cancel"
UNIQUE_EMAIL_CONSTRAINT = "registrations_one_active_per_email"
# Spam protection: registrations accepted per client address and window (Django cache).
RATE_LIMIT_COUNT = 10
RATE_LIMIT_WINDOW = 600  # seconds


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


STATE_MESSAGES = {
    OfferState.FULL: _("Dit aanbod is volzet en heeft geen wachtlijst."),
    OfferState.NOT_YET_OPEN: _("De inschrijvingen zijn nog niet geopend."),
    OfferState.CLOSED: _("De inschrijvingen zijn afgesloten."),
    OfferState.PAST: _("Dit aanbod is al voorbij."),
    OfferState.CANCELLED: _("Dit aanbod is geannuleerd."),
    OfferState.UNPUBLISHED: _("Inschrijven is niet mogelijk voor deze pagina."),
    OfferState.NO_REGISTRATION: _("Voor dit aanbod hoef je je niet in te schrijven."),
}


# --- Locking ------------------------------------------------------------------------------------


def _offer_lock(*, page_id: int) -> RegistrableMixin:
    """Lock the offer's rows until the end of the transaction and return it, freshly read."""
    page = Page.objects.filter(pk=page_id).only("pk", "content_type").first()
    if page is None:
        raise RegistrationError(_("Dit aanbod bestaat niet meer."), code="missing")
    model = page.specific_class
    if model is None or not issubclass(model, RegistrableMixin):
        raise RegistrationError(_("Op deze pagina kan je je niet inschrijven."), code="missing")
    # Lock the one wagtailcore_page row (not the join with the specific table): every seat
    # change takes this same lock first, and publishing a page updates this row first too, so
    # a registration and a publish wait for each other instead of deadlocking.
    Page.objects.select_for_update().filter(pk=page_id).values_list("pk", flat=True).get()
    # Read after the lock: READ COMMITTED gives this statement a fresh snapshot.
    return model.objects.get(pk=page_id)


def _next_waitlist_position(*, page_id: int) -> int:
    top = Registration.objects.filter(
        page_id=page_id, status=RegistrationStatus.WAITLISTED
    ).aggregate(top=Max("waitlist_position"))["top"]
    return (top or 0) + 1


def _waitlist_close_gap(*, page_id: int, position: int) -> None:
    Registration.objects.filter(
        page_id=page_id, status=RegistrationStatus.WAITLISTED, waitlist_position__gt=position
    ).update(waitlist_position=F("waitlist_position") - 1)


def _mail_on_commit(registration_id: int, kind: str) -> None:
    from registrations.tasks import registration_email_task

    transaction.on_commit(
        lambda: registration_email_task.enqueue(registration_id=registration_id, kind=kind)
    )


# --- Register, cancel, promote ------------------------------------------------------------------


def registration_create(
    *, page: Page, data: RegistrationData, now: dt.datetime | None = None
) -> Registration:
    """Register for an offer: confirmed while places last, then the waiting list.

    Raises RegistrationError (code "duplicate" for an address that already holds an active
    registration for this offer, enforced by a partial unique index).
    """
    now = now or timezone.now()
    specific = page.specific_deferred if type(page) is Page else page
    data = registration_data_clean(data=data, max_places=specific.max_places_per_registration)
    site = page.get_site()
    if site is None:
        raise RegistrationError(_("Inschrijven is niet mogelijk voor deze pagina."))
    try:
        with transaction.atomic():
            offer = _offer_lock(page_id=page.pk)
            if data.places > offer.max_places_per_registration:
                raise RegistrationError(
                    _("Je kan 1 tot %(max)d plaatsen vragen.")
                    % {"max": offer.max_places_per_registration},
                    code="places",
                )
            confirmed, waitlisted = offer_counts(page_id=offer.pk)
            state = offer_state(page=offer, confirmed_places=confirmed, now=now)
            if state not in ACCEPTING_STATES:
                raise RegistrationError(str(STATE_MESSAGES[state]), code=str(state))
            registration = Registration(
                page_id=offer.pk,
                site=site,
                places=data.places,
                name=data.name,
                email=data.email,
                phone=data.phone,
                remarks=data.remarks,
                is_minor=data.is_minor,
                parent_name=data.parent_name,
                parent_email=data.parent_email,
                consent_at=now,
                created_at=now,
            )
            # First in, first out: nobody passes people who are already waiting.
            if waitlisted == 0 and confirmed + data.places <= offer.capacity:
                registration.status = RegistrationStatus.CONFIRMED
                registration.confirmed_at = now
            elif offer.waitlist_enabled:
                registration.status = RegistrationStatus.WAITLISTED
                registration.waitlist_position = _next_waitlist_position(page_id=offer.pk)
            elif confirmed + data.places > offer.capacity and confirmed < offer.capacity:
                raise RegistrationError(
                    _("Er zijn niet genoeg plaatsen meer vrij voor %(places)d personen.")
                    % {"places": data.places},
                    code="not_enough_places",
                )
            else:
                raise RegistrationError(str(STATE_MESSAGES[OfferState.FULL]), code="full")
            registration.save()
            _mail_on_commit(registration.pk, registration.status)
    except IntegrityError as error:
        if UNIQUE_EMAIL_CONSTRAINT in str(error):
            raise RegistrationError(
                _("Je bent al ingeschreven voor dit aanbod met dit e-mailadres."),
                code="duplicate",
            ) from None
        raise
    return registration


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


def _cancel_locked(*, registration: Registration, now: dt.datetime, by_editor: bool) -> None:
    position = registration.waitlist_position
    was_waitlisted = registration.status == RegistrationStatus.WAITLISTED
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlist_position = None
    registration.cancelled_at = now
    registration.cancelled_by_editor = by_editor
    registration.save(
        update_fields=[
            "status",
            "waitlist_position",
            "cancelled_at",
            "cancelled_by_editor",
            "updated_at",
        ]
    )
    if was_waitlisted and position is not None:
        _waitlist_close_gap(page_id=registration.page_id, position=position)


def _promote_locked(*, offer: RegistrableMixin, now: dt.datetime) -> list[Registration]:
    """Confirm people from the head of the waiting list while their places fit (strict FIFO:
    when the first in line needs more places than are free, nobody behind them passes)."""
    promoted: list[Registration] = []
    confirmed, _waiting = offer_counts(page_id=offer.pk)
    while True:
        head = (
            Registration.objects.filter(page_id=offer.pk, status=RegistrationStatus.WAITLISTED)
            .order_by("waitlist_position", "created_at", "pk")
            .first()
        )
        if head is None or confirmed + head.places > offer.capacity:
            break
        position = head.waitlist_position or 0
        head.status = RegistrationStatus.CONFIRMED
        head.waitlist_position = None
        head.confirmed_at = now
        head.save(update_fields=["status", "waitlist_position", "confirmed_at", "updated_at"])
        _waitlist_close_gap(page_id=offer.pk, position=position)
        confirmed += head.places
        promoted.append(head)
        _mail_on_commit(head.pk, EmailKind.PROMOTED)
    return promoted


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


def registrations_promote(*, page: Page) -> list[Registration]:
    """Fill free places from the waiting list (after a cancellation or a capacity raise)."""
    with transaction.atomic():
        offer = _offer_lock(page_id=page.pk)
        return _promote_locked(offer=offer, now=timezone.now())


def registration_capacity_change(*, page: Page, capacity: int) -> list[Registration]:
    """Set the number of places. Raising it promotes from the waiting list; lowering it never
    removes anyone who is confirmed (new registrations then go to the waiting list).

    The page's live and latest revisions get the new value too, so that publishing a draft
    later does not bring the old capacity back.
    """
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 0 <= capacity <= 100_000:
        raise RegistrationError(_("Geef een aantal plaatsen tussen 0 en 100000."), code="capacity")
    with transaction.atomic():
        offer = _offer_lock(page_id=page.pk)
        type(offer).objects.filter(pk=offer.pk).update(capacity=capacity)
        offer.capacity = capacity
        revision_ids = {offer.live_revision_id, offer.latest_revision_id} - {None}
        from wagtail.models import Revision

        for revision in Revision.objects.filter(pk__in=revision_ids):
            revision.content["capacity"] = capacity
            revision.save(update_fields=["content"])
        return _promote_locked(offer=offer, now=timezone.now())


def registration_move(*, registration: Registration, target: Page) -> Registration:
    """Move someone to another offer: a new registration there (confirmed or waiting list by
    the usual rules), the old one cancelled and its place given to the waiting list."""
    if target.pk == registration.page_id:
        raise RegistrationError(_("Kies een ander aanbod."), code="same_offer")
    if registration.status == RegistrationStatus.CANCELLED:
        raise RegistrationError(_("Deze inschrijving is al geannuleerd."), code="already_cancelled")
    now = timezone.now()
    site = target.get_site()
    try:
        with transaction.atomic():
            # Lock both offers in a fixed order so two opposite moves cannot deadlock.
            first, second = sorted([registration.page_id, target.pk])
            offers = {first: _offer_lock(page_id=first), second: _offer_lock(page_id=second)}
            source, offer = offers[registration.page_id], offers[target.pk]
            current = Registration.objects.get(pk=registration.pk)
            if current.status == RegistrationStatus.CANCELLED:
                raise RegistrationError(
                    _("Deze inschrijving is al geannuleerd."), code="already_cancelled"
                )
            confirmed, waitlisted = offer_counts(page_id=offer.pk)
            state = offer_state(page=offer, confirmed_places=confirmed, now=now)
            if state not in ACCEPTING_STATES:
                raise RegistrationError(str(STATE_MESSAGES[state]), code=str(state))
            moved = Registration(
                page_id=offer.pk,
                site=site,
                places=min(current.places, offer.max_places_per_registration),
                name=current.name,
                email=current.email,
                phone=current.phone,
                remarks=current.remarks,
                is_minor=current.is_minor,
                parent_name=current.parent_name,
                parent_email=current.parent_email,
                consent_at=current.consent_at,
                created_at=now,
            )
            if waitlisted == 0 and confirmed + moved.places <= offer.capacity:
                moved.status = RegistrationStatus.CONFIRMED
                moved.confirmed_at = now
            elif offer.waitlist_enabled:
                moved.status = RegistrationStatus.WAITLISTED
                moved.waitlist_position = _next_waitlist_position(page_id=offer.pk)
            else:
                raise RegistrationError(str(STATE_MESSAGES[OfferState.FULL]), code="full")
            _cancel_locked(registration=current, now=now, by_editor=True)
            moved.save()
            _mail_on_commit(moved.pk, moved.status)
            _promote_locked(offer=source, now=now)
    except IntegrityError:
        raise RegistrationError(
            _("Deze persoon is al ingeschreven voor het gekozen aanbod."), code="duplicate"
        ) from None
    return moved


# --- Attendance, messages -----------------------------------------------------------------------


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
    from registrations.tasks import registration_message_task

    for registration_id in ids:
        transaction.on_commit(
            lambda rid=registration_id: registration_message_task.enqueue(
                registration_id=rid, subject=subject, body=body
            )
        )
    return len(ids)


# --- Reminders ----------------------------------------------------------------------------------


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
    from registrations.emails import registration_email_build

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


# --- Privacy --------------------------------------------------------------------------------


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


# --- Spam protection ----------------------------------------------------------------------------


def client_rate_limited(*, address: str, site_id: int) -> bool:
    """Count one registration attempt for a client address on one site; True once over the
    limit. Keyed on both, so a visitor's budget on one site does not eat into another's (a
    family registering at their library and at their cultuurcentrum)."""
    key = f"registrations:rate:{site_id}:{address or 'unknown'}"
    cache.add(key, 0, RATE_LIMIT_WINDOW)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_LIMIT_WINDOW)
        attempts = 1
    return attempts > RATE_LIMIT_COUNT
