"""An editor can still save an imported event whose theme we do not list and whose dates are
an open-ended series (a permanent UiTdatabank event)."""

import json
import uuid

from django.utils import timezone

from events.models import EventPage
from events.services import SourceItem, uitdatabank_import
from tests.events.test_admin import _form_data


def test_moderator_saves_an_imported_permanent_event_with_an_unknown_theme(site_a, admin_client):
    doc = {
        "@id": f"https://io.uitdatabank.be/events/{uuid.uuid4()}",
        "mainLanguage": "nl",
        "name": {"nl": "Vaste collectie streekverhalen"},
        "calendarType": "permanent",
        "created": f"{timezone.localdate()}T09:00:00+01:00",
        "workflowStatus": "APPROVED",
        "terms": [{"id": "1.99.99.0.0", "label": "Streekverhalen", "domain": "theme"}],
    }
    uitdatabank_import(site=site_a.site, items=[SourceItem(document=doc)], source="test")
    page = EventPage.objects.get(uitdatabank_id=doc["@id"])
    client = admin_client(site_a.moderator)
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    data = _form_data(response.content)
    block = {"key": "a", "text": "Gratis voor kinderen.", "type": "unstyled", "depth": 0}
    block.update(inlineStyleRanges=[], entityRanges=[])
    data["local_note"] = json.dumps({"blocks": [block], "entityMap": {}})
    data["action-publish"] = "action-publish"
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    form = response.context["form"] if response.status_code == 200 else None
    assert response.status_code == 302, (
        form.errors,
        {name: formset.errors for name, formset in form.formsets.items()},
        {name: formset.non_form_errors() for name, formset in form.formsets.items()},
    )
    page.refresh_from_db()
    assert page.theme == "1.99.99.0.0" and "Gratis voor kinderen." in page.local_note
    assert page.dates.get().end_date is None


def test_local_editor_opens_a_run_from_the_listing_and_reads_it_in_dutch(site_a, admin_client):
    from bs4 import BeautifulSoup

    run = uitdatabank_import(site=site_a.site, items=[], source="test")
    client = admin_client(site_a.editor)
    listing = BeautifulSoup(client.get("/admin/agenda-imports/").content, "html.parser")
    link = listing.find("a", href=f"/admin/agenda-imports/inspect/{run.pk}/")
    assert link is not None and "Bibliotheek Gent" in link.get_text()
    detail = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    text = detail.find("main").get_text(" ", strip=True)
    assert "Nee" in text
    assert not {"True", "False", "None"} & set(text.split())
