"""Publishing a local event to UiTdatabank against a local stand-in of the Entry API: create,
update on edit, cancel, "Volzet" from the registration engine, the failures (token refused,
document refused, server error, timeout) and their retries, and the import that must not make
a second page of the published event."""

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from events.models import EventPage, EventStatus
from events.services import items_from_files, uitdatabank_import, uitdatabank_import_site
from registrations.services import RegistrationData, registration_create
from tests.conftest import admin_client_for
from tests.factories.events import agenda_of
from uitpublish.models import Publication, PublicationState
from uitpublish.services import RETRY, publication_request, publications_retry

pytestmark = pytest.mark.django_db


def publish_now(page, capture, user=None) -> Publication:
    with capture(execute=True):
        publication_request(page=page, user=user)
    return Publication.objects.get(page=page)


def republish(page, capture) -> None:
    with capture(execute=True):
        page.save_revision().publish()


def test_create_sends_the_documented_document_and_stores_the_id(
    standin, local_event, site_a, django_capture_on_commit_callbacks
):
    publication = publish_now(local_event, django_capture_on_commit_callbacks, site_a.editor)

    (token_call,) = standin.calls("POST", "/oauth/token")
    assert token_call.body["grant_type"] == "client_credentials"
    assert token_call.body["client_id"] == "bibnet-test"
    (create,) = standin.calls("POST")
    assert create.authorization.startswith("Bearer ") and create.authorization[7:] in standin.tokens
    body = create.body
    assert body["mainLanguage"] == "nl"
    assert body["name"] == {"nl": "Voorleesuur in de bib"}
    assert body["terms"] == [{"id": "0.3.1.0.0"}]
    assert body["location"]["@id"].endswith("/places/5cf42d51-3a4f-46f0-a8af-1aeb5ce0b53c")
    assert body["organizer"]["@id"].endswith("/organizers/4f6f1fa8-3b2a-4c8c-a42f-1f3a4f2e9b10")
    assert body["calendarType"] == "multiple"
    assert len(body["subEvent"]) == 2
    first = body["subEvent"][0]
    assert first["status"] == {"type": "Available"}
    assert first["bookingAvailability"] == {"type": "Available"}
    assert first["startDate"].endswith("+01:00") or first["startDate"].endswith("+02:00")
    assert body["contactPoint"]["url"][0].startswith("http://gent.")

    assert publication.state == PublicationState.IN_STEP
    assert publication.event_id in standin.events
    assert publication.event_url.endswith(publication.event_id)
    assert publication.last_success_at is not None and publication.last_error == ""
    assert publication.requested_by == site_a.editor


def test_an_edit_updates_and_an_unchanged_publish_sends_nothing(
    standin, local_event, django_capture_on_commit_callbacks
):
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    page = EventPage.objects.get(pk=local_event.pk)
    page.title = "Voorleesuur voor peuters"
    republish(page, django_capture_on_commit_callbacks)

    (update,) = standin.calls("PUT")
    assert update.path == f"/events/{publication.event_id}"
    assert update.body["name"] == {"nl": "Voorleesuur voor peuters"}
    assert standin.events[publication.event_id]["name"] == {"nl": "Voorleesuur voor peuters"}

    republish(EventPage.objects.get(pk=page.pk), django_capture_on_commit_callbacks)
    assert len(standin.calls("PUT")) == 1  # nothing changed: no call
    assert Publication.objects.get(pk=publication.pk).state == PublicationState.IN_STEP


def test_cancelling_the_event_sets_the_status(
    standin, local_event, django_capture_on_commit_callbacks
):
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    page = EventPage.objects.get(pk=local_event.pk)
    page.status = EventStatus.CANCELLED
    page.status_reason = "De voorlezer is ziek."
    republish(page, django_capture_on_commit_callbacks)

    update = standin.calls("PUT", f"/events/{publication.event_id}")
    whole = next(call for call in update if call.path == f"/events/{publication.event_id}")
    assert {sub["status"]["type"] for sub in whole.body["subEvent"]} == {"Unavailable"}
    assert whole.body["subEvent"][0]["status"]["reason"] == {"nl": "De voorlezer is ziek."}
    status = next(call for call in update if call.path.endswith("/status"))
    assert status.body == {"type": "Unavailable", "reason": {"nl": "De voorlezer is ziek."}}
    assert Publication.objects.get(pk=publication.pk).sent_status == "Unavailable"


def test_postponed_is_temporarily_unavailable(
    standin, local_event, django_capture_on_commit_callbacks
):
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    page = EventPage.objects.get(pk=local_event.pk)
    page.status = EventStatus.POSTPONED
    republish(page, django_capture_on_commit_callbacks)
    status = standin.calls("PUT", f"/events/{publication.event_id}/status")
    assert status[0].body == {"type": "TemporarilyUnavailable"}


def test_a_full_event_becomes_volzet_and_a_cancellation_frees_it(
    standin, local_event, django_capture_on_commit_callbacks
):
    page = EventPage.objects.get(pk=local_event.pk)
    page.registration_required = True
    page.capacity = 1
    page.waitlist_enabled = True
    page.save_revision().publish()
    publication = publish_now(page, django_capture_on_commit_callbacks)
    assert standin.calls("POST")[0].body["subEvent"][0]["bookingAvailability"]["type"] == (
        "Available"
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = registration_create(
            page=page, data=RegistrationData(name="An", email="an@example.be", consent=True)
        )
    availability = standin.calls("PUT", f"/events/{publication.event_id}/booking-availability")
    assert [call.body for call in availability] == [{"type": "Unavailable"}]
    whole = standin.events[publication.event_id]
    booking = whole["subEvent"][0]["bookingAvailability"]
    assert booking["type"] == "Unavailable"
    # the waiting list is ours: UiTdatabank points to the page
    assert booking["waitingListUrl"].startswith("http://gent.")
    assert Publication.objects.get(pk=publication.pk).sent_availability == "Unavailable"

    # a second person goes on the waiting list: still full, nothing to send
    calls_before = len(standin.requests)
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(
            page=page, data=RegistrationData(name="Bo", email="bo@example.be", consent=True)
        )
    assert len(standin.requests) == calls_before

    from registrations.services import registration_cancel_by_editor

    # An cancels, Bo is promoted: full again, still "Unavailable"; remove the waiting list and
    # cancel Bo too, then a place is free
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel_by_editor(registration=first)
    page = EventPage.objects.get(pk=page.pk)
    from registrations.models import Registration, RegistrationStatus

    bo = Registration.objects.get(page_id=page.pk, email="bo@example.be")
    assert bo.status == RegistrationStatus.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel_by_editor(registration=bo)
    availability = standin.calls("PUT", f"/events/{publication.event_id}/booking-availability")
    assert [call.body for call in availability] == [{"type": "Unavailable"}, {"type": "Available"}]


def test_a_server_error_is_retried_until_it_goes_through(
    standin, local_event, django_capture_on_commit_callbacks
):
    standin.fail = ["500"]
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    assert publication.state == PublicationState.RETRYING
    assert publication.failures == 1
    assert "tijdelijk niet beschikbaar" in publication.last_error
    assert publication.event_id == ""
    delay = (publication.next_attempt_at - publication.last_attempt_at).total_seconds()
    assert delay == RETRY.first_delay.total_seconds()
    # the local event stays published whatever UiTdatabank says
    assert EventPage.objects.get(pk=local_event.pk).live

    # not due yet: the sweep leaves it alone
    assert publications_retry() == 0
    later = publication.next_attempt_at + dt.timedelta(seconds=1)
    assert publications_retry(now=later) == 1  # the immediate backend runs it here
    publication.refresh_from_db()
    assert publication.state == PublicationState.IN_STEP
    assert publication.failures == 0 and publication.last_error == ""
    assert len(standin.calls("POST")) == 2


def test_a_timeout_is_retried_with_a_growing_delay(
    standin, local_event, django_capture_on_commit_callbacks
):
    standin.fail = ["slow", "slow"]
    standin.slow_seconds = 1.0
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    assert publication.state == PublicationState.RETRYING
    assert "niet binnen 0.5 seconden" in publication.last_error
    publications_retry(now=publication.next_attempt_at)
    publication.refresh_from_db()
    assert publication.failures == 2
    delay = (publication.next_attempt_at - publication.last_attempt_at).total_seconds()
    assert delay == RETRY.delay(attempt=2).total_seconds() > RETRY.first_delay.total_seconds()


def test_the_policy_gives_up_and_the_editor_sees_why(
    standin, local_event, django_capture_on_commit_callbacks
):
    standin.fail = ["500"] * RETRY.max_attempts
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    for _ in range(RETRY.max_attempts - 1):
        publications_retry(now=timezone.now() + dt.timedelta(days=1))
    publication.refresh_from_db()
    assert publication.state == PublicationState.FAILED
    assert publication.failures == RETRY.max_attempts
    assert publications_retry(now=timezone.now() + dt.timedelta(days=1)) == 0


def test_a_refused_document_is_not_retried(
    standin, local_event, django_capture_on_commit_callbacks
):
    standin.fail = ["400"]
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    assert publication.state == PublicationState.FAILED
    assert publication.last_error.startswith("UiTdatabank weigerde de activiteit")
    assert "/name/nl" in publication.last_error
    assert publications_retry(now=timezone.now() + dt.timedelta(days=1)) == 0
    # editing the page is a new chance
    republish(EventPage.objects.get(pk=local_event.pk), django_capture_on_commit_callbacks)
    assert Publication.objects.get(pk=publication.pk).state == PublicationState.IN_STEP


def test_refused_credentials_fail_with_a_dutch_reason(
    standin, local_event, django_capture_on_commit_callbacks
):
    standin.fail = ["token401"]
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    assert publication.state == PublicationState.FAILED
    assert "weigert de aanmeldgegevens" in publication.last_error
    assert standin.calls("POST") == []


def test_an_expired_token_is_renewed_once(standin, local_event, django_capture_on_commit_callbacks):
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    standin.fail = ["401"]
    page = EventPage.objects.get(pk=local_event.pk)
    page.title = "Nieuwe titel"
    republish(page, django_capture_on_commit_callbacks)
    assert len(standin.calls("POST", "/oauth/token")) == 2
    assert [call.path for call in standin.calls("PUT")] == [f"/events/{publication.event_id}"] * 2
    assert Publication.objects.get(pk=publication.pk).state == PublicationState.IN_STEP


def test_an_event_without_a_place_or_type_is_refused_here(
    standin, local_event, integration, django_capture_on_commit_callbacks
):
    integration.uitdatabank_place_ids = ""
    integration.save()
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    assert publication.state == PublicationState.FAILED
    assert "Instellingen → Koppelingen" in publication.last_error
    assert standin.requests == []


def test_the_import_makes_no_second_page_of_a_published_event(
    standin, local_event, site_a, site_b, tmp_path, django_capture_on_commit_callbacks
):
    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    agenda = agenda_of(site_a.home)
    before = EventPage.objects.child_of(agenda).count()
    ours = json.loads(
        (
            __import__("pathlib").Path(__file__).parents[1] / "events/fixtures/single.jsonld.json"
        ).read_text()
    )
    other = dict(ours)
    # The Search API names the event .../event/<id>; the Entry API answered .../events/<id>.
    ours["@id"] = f"https://io-test.uitdatabank.be/event/{publication.event_id}"
    ours["name"] = {"nl": "Voorleesuur in de bib"}
    other["@id"] = "https://io-test.uitdatabank.be/event/0a0b0c0d-1111-2222-3333-444455556666"
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"totalItems": 2, "member": [ours, other]}))
    run = uitdatabank_import(site=site_a.site, items=items_from_files([path]), source="test")
    assert (run.outcome, run.created, run.rejected) == ("klaar", 1, 0)
    assert EventPage.objects.child_of(agenda).count() == before + 1
    assert not EventPage.objects.filter(uitdatabank_id=ours["@id"]).exists()
    assert EventPage.objects.filter(uitdatabank_id=other["@id"]).exists()
    # and again: still no copy
    again = uitdatabank_import(site=site_a.site, items=items_from_files([path]), source="test")
    assert again.created == 0
    assert EventPage.objects.child_of(agenda).count() == before + 1
    # another site whose selection includes our event shows it like any UiTdatabank event
    elsewhere = uitdatabank_import(site=site_b.site, items=items_from_files([path]), source="test")
    assert (elsewhere.outcome, elsewhere.created) == ("klaar", 2)
    copy = EventPage.objects.child_of(agenda_of(site_b.home)).get(uitdatabank_id=ours["@id"])
    assert copy.live and copy.title == "Voorleesuur in de bib"


def test_only_the_owning_site_skips_our_event_while_paging(
    standin, local_event, site_a, site_b, django_capture_on_commit_callbacks
):
    from events.uitdatabank import UitdatabankClient

    publication = publish_now(local_event, django_capture_on_commit_callbacks)
    ours = {"@id": f"https://io.uitdatabank.be/event/{publication.event_id}"}
    pages = {
        0: {"totalItems": 3, "member": [ours]},
        1: {"totalItems": 3, "member": [{"@id": "https://io.uitdatabank.be/event/x1"}]},
        2: {"totalItems": 3, "member": [{"@id": "https://io.uitdatabank.be/event/x2"}]},
    }

    class Paged(UitdatabankClient):
        def get_json(self, url):
            from urllib.parse import parse_qs, urlsplit

            return pages[int(parse_qs(urlsplit(url).query)["start"][0])]

    url = "https://search.example/events/"
    documents = list(Paged(page_size=1).iter_documents(url))
    assert [doc["@id"] for doc in documents] == [
        ours["@id"],
        "https://io.uitdatabank.be/event/x1",
        "https://io.uitdatabank.be/event/x2",
    ]
    # the documents without a name are rejected; ours is left out by its own site only
    own = uitdatabank_import_site(site=site_a.site, url=url, client=Paged(page_size=1))
    assert (own.seen, own.rejected) == (2, 2)
    other = uitdatabank_import_site(site=site_b.site, url=url, client=Paged(page_size=1))
    assert (other.seen, other.rejected) == (3, 3)


def test_the_admin_screen_publishes_and_shows_the_failure_in_dutch(
    standin, local_event, site_a, site_b, django_capture_on_commit_callbacks
):
    url = reverse("uitpublish_admin:page", args=[local_event.pk])
    client = admin_client_for(site_a.editor)
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("[data-uitpublish-state=geen]")
    assert "Publiceren in UiTdatabank" in soup.select_one("form button").get_text()

    standin.fail = ["400"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    state = soup.select_one("[data-uitpublish-state]")
    assert state["data-uitpublish-state"] == PublicationState.FAILED
    assert "UiTdatabank weigerde de activiteit" in soup.select_one(".uitpublish-error").get_text()

    # the editor of another site does not see it, nor publish it
    other = admin_client_for(site_b.editor)
    assert other.get(url).status_code == 404
    assert other.post(url).status_code == 404


def test_an_imported_event_cannot_be_published(standin, local_event):
    from uitpublish.services import PublishRefused

    EventPage.objects.filter(pk=local_event.pk).update(
        uitdatabank_id="https://io.uitdatabank.be/event/abc"
    )
    with pytest.raises(PublishRefused):
        publication_request(page=EventPage.objects.get(pk=local_event.pk))
