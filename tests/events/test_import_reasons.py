"""The reasons an import stores (rejected documents, skipped dates, a failed run) are message
ids with parameters, shown in the reading editor's language; runs stored before keep their
text."""

import uuid

from bs4 import BeautifulSoup
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from events.models import ImportRun
from events.reasons import Reason, reason_display
from events.services import SourceItem, uitdatabank_import, uitdatabank_import_site
from tests.conftest import admin_client_for as admin_client


def document(**fields) -> dict:
    day = timezone.localdate().isoformat()
    doc = {
        "@id": f"https://io.uitdatabank.be/events/{uuid.uuid4()}",
        "mainLanguage": "nl",
        "name": {"nl": "Verhalen uit de streek"},
        "calendarType": "multiple",
        "subEvent": [
            {"startDate": f"{day}T14:00:00+01:00", "endDate": f"{day}T16:00:00+01:00"},
            {"startDate": "geen datum", "endDate": f"{day}T16:00:00+01:00"},
        ],
        "workflowStatus": "APPROVED",
    }
    doc.update(fields)
    return doc


def run_with_reasons(site) -> tuple[ImportRun, dict, dict]:
    skipped = document()
    nameless = document(name={"nl": ""})
    run = uitdatabank_import(
        site=site,
        items=[SourceItem(document=doc, origin="test") for doc in (skipped, nameless)],
        source="test",
    )
    return run, skipped, nameless


def test_reasons_are_stored_as_message_ids_and_parameters(site_a):
    run, skipped, nameless = run_with_reasons(site_a.site)
    assert (run.created, run.rejected) == (1, 1)
    by_id = {item["id"]: item for item in ImportRun.objects.get(pk=run.pk).rejections}
    date_line = by_id[skipped["@id"]]
    assert date_line["msgid"] == "Datum %(index)s overgeslagen: %(reason)s"
    assert date_line["params"]["index"] == 2
    inner = date_line["params"]["reason"]
    assert inner["msgid"] == "%(what)s is geen geldige datum: %(value)s."
    assert inner["params"] == {
        "what": {"msgid": "De begindatum", "params": {}},
        "value": "'geen datum'",
    }
    # the text for the command line and older readers: Dutch
    assert date_line["reason"] == (
        "Datum 2 overgeslagen: De begindatum is geen geldige datum: 'geen datum'."
    )
    assert by_id[nameless["@id"]]["msgid"] == "De naam ontbreekt."


def test_reasons_render_in_the_active_language(site_a):
    run, skipped, _nameless = run_with_reasons(site_a.site)
    run = ImportRun.objects.get(pk=run.pk)
    with translation.override("en"):
        lines = dict(run.rejection_lines())
    assert lines[skipped["@id"]] == (
        "Date 2 skipped: The start date is not a valid date: 'geen datum'."
    )
    with translation.override("nl-be"):
        lines = dict(run.rejection_lines())
    assert lines[skipped["@id"]] == (
        "Datum 2 overgeslagen: De begindatum is geen geldige datum: 'geen datum'."
    )


def test_a_failed_run_keeps_its_error_as_a_message(site_a, monkeypatch):
    from events import services

    monkeypatch.setattr(services, "selection_url_for_site", lambda **kwargs: None)
    run = ImportRun.objects.get(pk=uitdatabank_import_site(site=site_a.site).pk)
    assert run.error_message["msgid"].startswith("Geen selectie")
    assert run.error.startswith("Geen selectie")
    with translation.override("en"):
        assert run.error_display == (
            "No selection: choose organizers, places, labels or postal codes."
        )


def test_a_list_of_reasons_and_an_unknown_translation_placeholder():
    reasons = Reason(
        "Geen enkele geldige datum: %(reasons)s",
        reasons=[Reason("De naam ontbreekt."), Reason("geen object.")],
    )
    stored = reasons.as_json()
    assert Reason.from_json(stored) == reasons
    with translation.override("en"):
        assert reason_display(stored) == "Not one valid date: The name is missing.; not an object."


def test_editor_reads_reasons_in_the_admin_language_and_old_runs_still_show(site_a):
    run, skipped, _nameless = run_with_reasons(site_a.site)
    old = ImportRun.objects.create(
        site=site_a.site,
        source="before",
        outcome=ImportRun.Outcome.FAILED,
        error="Deze website heeft geen agenda.",
        rejections=[{"id": "oud-document", "reason": "De naam ontbreekt."}],
    )
    editor = site_a.editor
    profile = UserProfile.get_for_user(editor)
    client = admin_client(editor)

    def text(pk: int) -> str:
        response = client.get(f"/admin/agenda-imports/inspect/{pk}/")
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser").find("main").get_text(" ")

    profile.preferred_language = "en"
    profile.save()
    assert "Date 2 skipped: The start date is not a valid date" in text(run.pk)
    assert "The name is missing." in text(run.pk)
    # a run stored with texts only shows those texts
    old_text = text(old.pk)
    assert "oud-document" in old_text and "De naam ontbreekt." in old_text
    assert "Deze website heeft geen agenda." in old_text

    profile.preferred_language = "nl-be"
    profile.save()
    assert "Datum 2 overgeslagen: De begindatum is geen geldige datum" in text(run.pk)
