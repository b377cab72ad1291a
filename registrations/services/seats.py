"""Who holds a seat: the offer lock, the one seat-placement rule and the waiting list.

Every change to who holds a seat (register, cancel, promote, capacity change, move, erase)
runs in a transaction that first locks the offer's row in wagtailcore_page
(`SELECT ... FOR UPDATE`, `_offer_lock`). Counting confirmed places after taking the lock is
therefore safe: no other seat change of that offer can interleave. Counting without the lock,
or locking only registration rows, oversells (see docs/registrations.md).

One rule places people, for a new registration (and a move) and for the head of the waiting
list alike (`seat_fits`): a confirmed seat goes to someone when the offer still gives seats
(published, registration required, not cancelled, not over), nobody is waiting ahead of them
(first in, first out) and all their places fit in the capacity. A new registration must also
be admitted (`offer_admits`: the registration period is open); people already on the waiting
list keep their turn after registration closes, until the offer is over.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from registrations.email_tasks import registration_email_task
from registrations.models import EmailKind, RegistrableMixin, Registration, RegistrationStatus
from registrations.selectors import ACCEPTING_STATES, OfferState, offer_counts, offer_state
from registrations.services.validation import RegistrationError

STATE_MESSAGES = {
    OfferState.FULL: gettext_lazy("Dit aanbod is volzet en heeft geen wachtlijst."),
    OfferState.NOT_YET_OPEN: gettext_lazy("De inschrijvingen zijn nog niet geopend."),
    OfferState.CLOSED: gettext_lazy("De inschrijvingen zijn afgesloten."),
    OfferState.PAST: gettext_lazy("Dit aanbod is al voorbij."),
    OfferState.CANCELLED: gettext_lazy("Dit aanbod is geannuleerd."),
    OfferState.UNPUBLISHED: gettext_lazy("Inschrijven is niet mogelijk voor deze pagina."),
    OfferState.NO_REGISTRATION: gettext_lazy("Voor dit aanbod hoef je je niet in te schrijven."),
}
# States in which an offer gives no seat to anyone, not even to people already waiting.
NO_SEAT_STATES = frozenset(
    {OfferState.NO_REGISTRATION, OfferState.UNPUBLISHED, OfferState.CANCELLED, OfferState.PAST}
)


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
    transaction.on_commit(
        lambda: registration_email_task.enqueue(registration_id=registration_id, kind=kind)
    )


# --- The seat-placement rule --------------------------------------------------------------------


def offer_gives_seats(*, offer: RegistrableMixin, now: dt.datetime) -> bool:
    """Whether the offer still gives seats at all: published, with registration, not
    cancelled, not over. The registration period does not matter here (see offer_admits)."""
    return offer_state(page=offer, confirmed_places=0, now=now) not in NO_SEAT_STATES


def seat_fits(
    *,
    offer: RegistrableMixin,
    confirmed_places: int,
    waiting_ahead: int,
    places: int,
    now: dt.datetime,
) -> bool:
    """The one seat-placement rule, for a new registration and for the head of the waiting
    list alike: a confirmed seat when the offer gives seats, nobody waits ahead (first in,
    first out: nobody passes people who are already waiting, not even someone who needs fewer
    places) and all the places fit in the capacity."""
    return (
        offer_gives_seats(offer=offer, now=now)
        and waiting_ahead == 0
        and confirmed_places + places <= offer.capacity
    )


def offer_admits(*, offer: RegistrableMixin, confirmed_places: int, now: dt.datetime) -> None:
    """Raise RegistrationError unless the offer takes new registrations now (the registration
    period is open and it is not full without a waiting list)."""
    state = offer_state(page=offer, confirmed_places=confirmed_places, now=now)
    if state not in ACCEPTING_STATES:
        raise RegistrationError(str(STATE_MESSAGES[state]), code=str(state))


def _seat_place_new(
    *,
    offer: RegistrableMixin,
    registration: Registration,
    confirmed_places: int,
    waitlisted: int,
    now: dt.datetime,
) -> None:
    """Give a new (or moved) registration its status by the rule: confirmed, else the waiting
    list, else refused. Call under the offer lock, after offer_admits."""
    if seat_fits(
        offer=offer,
        confirmed_places=confirmed_places,
        waiting_ahead=waitlisted,
        places=registration.places,
        now=now,
    ):
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    elif offer.waitlist_enabled:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_position = _next_waitlist_position(page_id=offer.pk)
    elif waitlisted == 0 and confirmed_places < offer.capacity:
        raise RegistrationError(
            _("Er zijn niet genoeg plaatsen meer vrij voor %(places)d personen.")
            % {"places": registration.places},
            code="not_enough_places",
        )
    else:
        raise RegistrationError(str(STATE_MESSAGES[OfferState.FULL]), code="full")


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
    """Confirm people from the head of the waiting list while the seat-placement rule gives
    them a seat (strict FIFO: when the first in line needs more places than are free, nobody
    behind them passes; a cancelled, unpublished or past offer promotes nobody)."""
    promoted: list[Registration] = []
    confirmed, _waiting = offer_counts(page_id=offer.pk)
    while True:
        head = (
            Registration.objects.filter(page_id=offer.pk, status=RegistrationStatus.WAITLISTED)
            .order_by("waitlist_position", "created_at", "pk")
            .first()
        )
        if head is None or not seat_fits(
            offer=offer, confirmed_places=confirmed, waiting_ahead=0, places=head.places, now=now
        ):
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
