"""Publishing local events to UiTdatabank: the editor's request, the sync that a task runs
(create, update, status, booking availability) and the retry bookkeeping.

Nothing here runs inside the editor's request: `publication_request` and the signal handlers
only record what is wanted and enqueue `uitpublish.tasks.publication_sync_task` after the
commit, so the Entry API being down, slow or refusing never holds up a publish here.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends

from events.models import EventPage
from jobs.registry import RetryPolicy
from uitpublish.client import EntryApiClient, EntryApiError
from uitpublish.documents import (
    NotPublishable,
    document_hash,
    event_booking_availability,
    event_document,
    event_status,
)
from uitpublish.models import Publication, PublicationState

logger = logging.getLogger(__name__)

# 1, 3, 9, 27 minutes, then hourly up to eight attempts in all: an outage of a few hours is
# bridged; after that the editor sees the failure and can try again.
RETRY = RetryPolicy(
    max_attempts=8,
    first_delay=dt.timedelta(minutes=1),
    factor=3,
    max_delay=dt.timedelta(hours=1),
)


class PublishRefused(Exception):
    """The editor cannot publish this page to UiTdatabank (message in Dutch)."""


def publication_enqueue(*, publication_id: int, run_after: dt.datetime | None = None) -> None:
    """Hand one sync to the worker (UITPUBLISH_TASK_BACKEND)."""
    from uitpublish.tasks import publication_sync_task

    alias = settings.UITPUBLISH_TASK_BACKEND
    options: dict[str, Any] = {"backend": alias}
    if run_after is not None:
        if not task_backends[alias].supports_defer:
            return  # the periodic sweep (uitpublish_retry) picks it up when due
        options["run_after"] = run_after
    publication_sync_task.using(**options).enqueue(publication_id=publication_id)


def _enqueue_on_commit(publication_id: int) -> None:
    transaction.on_commit(lambda: publication_enqueue(publication_id=publication_id))


def publication_request(*, page: EventPage, user=None) -> Publication:
    """The editor asks to publish a local event to UiTdatabank (or to send it again)."""
    if page.uitdatabank_id:
        raise PublishRefused("Deze activiteit komt uit UiTdatabank en staat er dus al in.")
    if not page.live:
        raise PublishRefused("Publiceer de activiteit eerst op de website.")
    with transaction.atomic():
        publication, created = Publication.objects.select_for_update().get_or_create(
            page=page, defaults={"requested_by": user}
        )
        publication.state = PublicationState.PENDING
        publication.failures = 0
        publication.last_error = ""
        publication.next_attempt_at = timezone.now()
        if not created and user is not None:
            publication.requested_by = user
        # An explicit request sends the whole document again, even when nothing changed.
        publication.sent_hash = ""
        publication.save()
        _enqueue_on_commit(publication.pk)
    return publication


def publication_mark_changed(*, page_id: int) -> Publication | None:
    """The page was published again: send the new version if the event is in UiTdatabank."""
    publication = Publication.objects.filter(page_id=page_id).first()
    if publication is None:
        return None
    if publication.state == PublicationState.DELETED:
        # UiTdatabank does not bring a deleted event back: the page goes there as a new event.
        Publication.objects.filter(pk=publication.pk).update(
            event_id="", event_url="", sent_hash="", sent_status="", sent_availability=""
        )
    Publication.objects.filter(pk=publication.pk).update(withdraw=False)
    Publication.objects.filter(pk=publication.pk).exclude(state=PublicationState.RETRYING).update(
        state=PublicationState.PENDING, next_attempt_at=timezone.now()
    )
    if publication.state == PublicationState.FAILED:
        # A new version is a new chance: the editor may have fixed what UiTdatabank refused.
        Publication.objects.filter(pk=publication.pk).update(failures=0)
    _enqueue_on_commit(publication.pk)
    return publication


def publication_mark_withdrawn(*, page_id: int, title: str = "") -> Publication | None:
    """The page was unpublished or is being deleted: the worker deletes the event in
    UiTdatabank (retried like any sync). Nothing to do for an event that never went there."""
    publication = Publication.objects.filter(page_id=page_id).first()
    if publication is None or publication.state == PublicationState.DELETED:
        return None
    changes = {"withdraw": True, "failures": 0, "last_error": "", "title": title[:255]}
    if publication.state != PublicationState.RETRYING:
        changes.update(state=PublicationState.PENDING, next_attempt_at=timezone.now())
    Publication.objects.filter(pk=publication.pk).update(**changes)
    _enqueue_on_commit(publication.pk)
    return publication


def availability_check(*, page_id: int) -> bool:
    """After a registration changed: enqueue a sync when the event's booking availability
    is no longer what UiTdatabank has. True when a sync was enqueued."""
    publication = Publication.objects.filter(page_id=page_id).exclude(event_id="").first()
    if publication is None:
        return False
    page = EventPage.objects.filter(pk=page_id).first()
    if page is None or event_booking_availability(page=page) == publication.sent_availability:
        return False
    _enqueue_on_commit(publication.pk)
    return True


def publication_sync(
    *, publication_id: int, client: EntryApiClient | None = None, now: dt.datetime | None = None
) -> str:
    """Bring UiTdatabank in step with the page: create the event, or update what changed.

    Returns what happened ("aangemaakt", "bijgewerkt", "beschikbaarheid", "ongewijzigd",
    "bezig", "geweigerd", "opnieuw", "opgegeven"). A retryable failure is scheduled again
    after the policy's back-off; a refusal waits for the editor.
    """
    client = client or EntryApiClient()
    with transaction.atomic():
        # One sync per event at a time: a second task (a retry and a new edit) skips.
        publication = (
            Publication.objects.select_for_update(skip_locked=True)
            .filter(pk=publication_id)
            .first()
        )
        if publication is None:
            return "bezig"
        now = now or timezone.now()
        page = EventPage.objects.filter(pk=publication.page_id).first()
        publication.last_attempt_at = now
        try:
            if page is None or publication.withdraw or not page.live:
                if publication.state == PublicationState.DELETED:
                    return "ongewijzigd"  # a second task for the same withdrawal
                return _withdraw(publication=publication, page=page, client=client, now=now)
            document = event_document(page=page)
            outcome = _send(publication=publication, page=page, document=document, client=client)
        except NotPublishable as refusal:
            return _failed(publication, str(refusal), retryable=False, now=now)
        except EntryApiError as error:
            return _failed(publication, error.message, retryable=error.retryable, now=now)
        publication.title = page.title[:255]
        _succeeded(publication, PublicationState.IN_STEP, now=now)
        return outcome


def _succeeded(publication: Publication, state: str, *, now: dt.datetime) -> None:
    publication.state = state
    publication.failures = 0
    publication.last_error = ""
    publication.next_attempt_at = None
    publication.last_success_at = now
    publication.save()


def _withdraw(
    *, publication: Publication, page: EventPage | None, client: EntryApiClient, now: dt.datetime
) -> str:
    """The page is offline or gone here: delete the event in UiTdatabank (DELETED there, so
    UiTinVlaanderen and the municipal sites drop it too)."""
    if publication.event_id:
        client.event_delete(publication.event_id)
    if page is not None:
        publication.title = page.title[:255]
    publication.withdraw = False
    _succeeded(publication, PublicationState.DELETED, now=now)
    logger.info("UiTdatabank event %s deleted (%s)", publication.event_id, publication.title)
    return "verwijderd"


def _send(
    *, publication: Publication, page: EventPage, document: dict, client: EntryApiClient
) -> str:
    digest = document_hash(document)
    status = event_status(page=page)
    availability = event_booking_availability(page=page)
    if not publication.event_id:
        created = client.event_create(document)
        publication.event_id = created.event_id.lower()
        publication.event_url = created.url[:300]
        outcome = "aangemaakt"
    elif digest != publication.sent_hash:
        client.event_update(publication.event_id, document)
        outcome = "bijgewerkt"
    else:
        outcome = "ongewijzigd"
    # The top-level status and availability have endpoints of their own. The whole document
    # already carries both per date; these calls keep UiTdatabank's summary in step at once
    # (UiTdatabank takes a top-level availability for events with dates only).
    if outcome != "aangemaakt" and status["type"] != publication.sent_status:
        client.event_status(publication.event_id, status)
        outcome = "bijgewerkt" if outcome == "ongewijzigd" else outcome
    if (
        outcome != "aangemaakt"
        and "subEvent" in document
        and availability != publication.sent_availability
    ):
        client.event_booking_availability(publication.event_id, {"type": availability})
        outcome = "beschikbaarheid" if outcome == "ongewijzigd" else outcome
    publication.sent_hash = digest
    publication.sent_status = status["type"]
    publication.sent_availability = availability
    return outcome


def _failed(publication: Publication, message: str, *, retryable: bool, now: dt.datetime) -> str:
    publication.failures += 1
    publication.last_error = message[:2000]
    if retryable and not RETRY.gives_up_after(attempt=publication.failures):
        publication.state = PublicationState.RETRYING
        publication.next_attempt_at = now + RETRY.delay(attempt=publication.failures)
        publication.save()
        run_after = publication.next_attempt_at
        transaction.on_commit(
            lambda: publication_enqueue(publication_id=publication.pk, run_after=run_after)
        )
        logger.warning(
            "UiTdatabank publication %s failed (attempt %d), retrying at %s: %s",
            publication.pk,
            publication.failures,
            run_after.isoformat(),
            message,
        )
        return "opnieuw"
    publication.state = PublicationState.FAILED
    publication.next_attempt_at = None
    publication.save()
    logger.warning("UiTdatabank publication %s failed: %s", publication.pk, message)
    return "opgegeven" if retryable else "geweigerd"


def publications_retry(*, now: dt.datetime | None = None) -> int:
    """The periodic sweep: enqueue every publication whose retry time has come (a backend
    without deferred tasks, or a task lost with its worker)."""
    from uitpublish.selectors import publications_due

    ids = list(publications_due(now=now).values_list("pk", flat=True))
    for publication_id in ids:
        publication_enqueue(publication_id=publication_id)
    return len(ids)
