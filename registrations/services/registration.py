"""Register, promote from the waiting list, change the capacity, move someone.

Every function here takes the offer lock first (registrations.services.seats) and places
people by the one seat-placement rule there. E-mails are sent after the transaction commits
(`transaction.on_commit`), through a django-tasks task, so a rolled-back registration never
mails anyone.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision

from registrations.models import Registration, RegistrationStatus
from registrations.selectors import offer_counts
from registrations.services.seats import (
    _cancel_locked,
    _mail_on_commit,
    _offer_lock,
    _promote_locked,
    _seat_place_new,
    offer_admits,
)
from registrations.services.validation import (
    RegistrationData,
    RegistrationError,
    registration_data_clean,
)

UNIQUE_EMAIL_CONSTRAINT = "registrations_one_active_per_email"


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
            offer_admits(offer=offer, confirmed_places=confirmed, now=now)
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
            _seat_place_new(
                offer=offer,
                registration=registration,
                confirmed_places=confirmed,
                waitlisted=waitlisted,
                now=now,
            )
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
            offer_admits(offer=offer, confirmed_places=confirmed, now=now)
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
            _seat_place_new(
                offer=offer,
                registration=moved,
                confirmed_places=confirmed,
                waitlisted=waitlisted,
                now=now,
            )
            _cancel_locked(registration=current, now=now, by_editor=True)
            moved.save()
            _mail_on_commit(moved.pk, moved.status)
            _promote_locked(offer=source, now=now)
    except IntegrityError:
        raise RegistrationError(
            _("Deze persoon is al ingeschreven voor het gekozen aanbod."), code="duplicate"
        ) from None
    return moved
