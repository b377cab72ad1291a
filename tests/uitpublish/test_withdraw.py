"""A local event that we published to UiTdatabank and then unpublish or delete here is deleted
there too (its workflowStatus becomes DELETED), through the worker, retried when UiTdatabank
fails, with the reason shown to the editor in Dutch."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from events.models import EventPage
from tests.conftest import admin_client_for
from uitpublish.models import Publication, PublicationState
from uitpublish.services import RETRY, publication_request, publications_retry

pytestmark = pytest.mark.django_db


def published(page, capture) -> Publication:
    with capture(execute=True):
        publication_request(page=page)
    publication = Publication.objects.get(page=page)
    assert publication.state == PublicationState.IN_STEP
    return publication


def test_unpublishing_deletes_the_event_in_uitdatabank(
    standin, local_event, site_a, django_capture_on_commit_callbacks
):
    publication = published(local_event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=local_event.pk).unpublish()
    (delete,) = standin.calls("DELETE")
    assert delete.path == f"/events/{publication.event_id}"
    assert standin.events[publication.event_id]["workflowStatus"] == "DELETED"
    publication.refresh_from_db()
    assert publication.state == PublicationState.DELETED and not publication.withdraw
    assert publication.last_error == "" and publication.last_success_at is not None
    # the editor's screen says so, in Dutch
    response = admin_client_for(site_a.editor).get(
        reverse("uitpublish_admin:page", args=[local_event.pk])
    )
    soup = BeautifulSoup(response.content, "html.parser")
    state = soup.select_one("[data-uitpublish-state]")
    assert state["data-uitpublish-state"] == PublicationState.DELETED
    assert "Verwijderd uit UiTdatabank" in state.get_text()


def test_publishing_again_creates_a_new_event(
    standin, local_event, django_capture_on_commit_callbacks
):
    publication = published(local_event, django_capture_on_commit_callbacks)
    first_id = publication.event_id
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=local_event.pk).unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=local_event.pk).save_revision().publish()
    publication.refresh_from_db()
    assert publication.state == PublicationState.IN_STEP
    assert publication.event_id and publication.event_id != first_id
    assert len(standin.calls("POST")) == 2
    assert standin.events[first_id]["workflowStatus"] == "DELETED"


def test_deleting_the_page_deletes_the_event_and_keeps_the_record(
    standin, local_event, django_capture_on_commit_callbacks
):
    publication = published(local_event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=local_event.pk).delete()
    assert not EventPage.objects.filter(pk=local_event.pk).exists()
    (delete,) = standin.calls("DELETE")
    assert delete.path == f"/events/{publication.event_id}"
    publication.refresh_from_db()
    assert publication.page_id is None
    assert publication.state == PublicationState.DELETED
    assert publication.title == "Voorleesuur in de bib"


def test_a_failed_delete_is_retried_and_the_editor_sees_why(
    standin, local_event, site_a, django_capture_on_commit_callbacks
):
    publication = published(local_event, django_capture_on_commit_callbacks)
    standin.fail = ["500"]
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=local_event.pk).unpublish()
    publication.refresh_from_db()
    assert publication.state == PublicationState.RETRYING and publication.withdraw
    assert "tijdelijk niet beschikbaar" in publication.last_error
    delay = (publication.next_attempt_at - publication.last_attempt_at).total_seconds()
    assert delay == RETRY.first_delay.total_seconds()
    assert standin.events[publication.event_id].get("workflowStatus") != "DELETED"
    response = admin_client_for(site_a.editor).get(
        reverse("uitpublish_admin:page", args=[local_event.pk])
    )
    soup = BeautifulSoup(response.content, "html.parser")
    assert "tijdelijk niet beschikbaar" in soup.select_one(".uitpublish-error").get_text()
    assert soup.select_one("[data-uitpublish-withdraw]")

    assert publications_retry(now=publication.next_attempt_at + dt.timedelta(seconds=1)) == 1
    publication.refresh_from_db()
    assert publication.state == PublicationState.DELETED
    assert standin.events[publication.event_id]["workflowStatus"] == "DELETED"
    assert len(standin.calls("DELETE")) == 2


def test_an_event_unknown_to_uitdatabank_counts_as_deleted(
    standin, local_event, django_capture_on_commit_callbacks
):
    publication = published(local_event, django_capture_on_commit_callbacks)
    del standin.events[publication.event_id]
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=local_event.pk).unpublish()
    publication.refresh_from_db()
    assert publication.state == PublicationState.DELETED


def test_an_unpublished_event_never_sent_calls_nothing(
    standin, local_event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=local_event.pk).unpublish()
    assert standin.requests == []
    assert not Publication.objects.exists()
