"""Admin: local editors stay in their own site for events and import runs; imported fields
are managed by UiTdatabank."""

import datetime as dt
import json
from pathlib import Path

import pytest

from events.models import EventPage, ImportRun
from events.services import items_from_files, uitdatabank_import
from tests.factories.admin import refused
from tests.factories.events import EventPageFactory, agenda_of, event_date

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def event_a(site_a):
    return EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Alleen voor Gent",
        dates=[event_date(dt.date(2030, 1, 5))],
    )


@pytest.fixture
def runs(two_sites):
    site_a, site_b = two_sites
    run_a = ImportRun.objects.create(site=site_a.site, source="gent.json", seen=3)
    run_b = ImportRun.objects.create(site=site_b.site, source="strombeek.json", seen=7)
    return run_a, run_b


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/{pk}/edit/",
        "/admin/pages/{pk}/",
        "/admin/pages/{pk}/edit/preview/",
        "/admin/pages/{pk}/history/",
        "/admin/pages/{pk}/delete/",
        "/admin/pages/{pk}/unpublish/",
        "/admin/pages/{pk}/copy/",
        "/admin/pages/{pk}/move/",
        "/admin/pages/{pk}/revisions/",
    ],
)
def test_editor_of_another_site_cannot_see_or_edit_an_event(two_sites, event_a, url, admin_client):
    _site_a, site_b = two_sites
    client = admin_client(site_b.editor)
    response = client.get(url.format(pk=event_a.pk))
    assert refused(response, client, site_b.editor)  # Wagtail's page permission policy
    assert b"Alleen voor Gent" not in response.content


def test_editor_of_another_site_cannot_post_changes(two_sites, event_a, admin_client):
    _site_a, site_b = two_sites
    response = admin_client(site_b.editor).post(
        f"/admin/pages/{event_a.pk}/edit/", {"title": "Overgenomen", "slug": "x"}
    )
    assert refused(response)  # Wagtail's page permission policy
    event_a.refresh_from_db()
    assert event_a.title == "Alleen voor Gent"


def test_own_editor_edits_the_event(two_sites, event_a, admin_client):
    site_a, _site_b = two_sites
    response = admin_client(site_a.editor).get(f"/admin/pages/{event_a.pk}/edit/")
    assert response.status_code == 200
    assert b"Alleen voor Gent" in response.content


def test_import_runs_are_scoped_per_site(two_sites, runs, admin_client):
    site_a, _site_b = two_sites
    run_a, run_b = runs
    client = admin_client(site_a.editor)
    listing = client.get("/admin/agenda-imports/")
    assert listing.status_code == 200
    assert b"Bibliotheek Gent" in listing.content
    assert b"Cultuurcentrum Strombeek" not in listing.content
    assert client.get(f"/admin/agenda-imports/inspect/{run_a.pk}/").status_code == 200
    other = client.get(f"/admin/agenda-imports/inspect/{run_b.pk}/")
    assert other.status_code == 404
    assert b"strombeek.json" not in other.content


def test_central_editor_sees_every_run(runs, central_editor, admin_client):
    run_a, run_b = runs
    client = admin_client(central_editor)
    listing = client.get("/admin/agenda-imports/")
    assert b"Bibliotheek Gent" in listing.content and b"Cultuurcentrum Strombeek" in listing.content
    assert client.get(f"/admin/agenda-imports/inspect/{run_b.pk}/").status_code == 200


def test_nobody_edits_or_deletes_runs_by_hand(runs, central_editor, admin_client):
    run_a, _ = runs
    client = admin_client(central_editor)
    for url in (
        "/admin/agenda-imports/new/",
        f"/admin/agenda-imports/edit/{run_a.pk}/",
        f"/admin/agenda-imports/delete/{run_a.pk}/",
    ):
        assert client.get(url).status_code == 404


def test_imported_fields_are_read_only_and_local_extras_editable(site_a, admin_client):
    uitdatabank_import(
        site=site_a.site,
        items=items_from_files([FIXTURES / "single.jsonld.json"]),
        source="x",
        today=dt.date(2030, 1, 1),
    )
    page = EventPage.objects.get(uitdatabank_id__endswith="000000000001")
    client = admin_client(site_a.moderator)  # moderators publish
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert b"Beheerd door UiTdatabank" in response.content

    form_class = EventPage.get_edit_handler().get_form_class()
    form = form_class(instance=page, for_user=site_a.editor)
    assert form.fields["title"].disabled
    assert form.fields["booking_url"].disabled
    assert not form.fields["local_note"].disabled

    # Post the edit form back with a changed title and a local note: the note is saved,
    # the title UiTdatabank manages is not.
    data = _form_data(response.content)
    data["title"] = "Met de hand veranderd"
    block = {"key": "a", "text": "Kom vroeg!", "type": "unstyled", "depth": 0}
    block.update(inlineStyleRanges=[], entityRanges=[])
    data["local_note"] = json.dumps({"blocks": [block], "entityMap": {}})
    data["action-publish"] = "action-publish"
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.title == "Lezing: de geschiedenis van het Gravensteen"
    assert "Kom vroeg!" in page.local_note
    assert page.occurrences.count() == 1
    assert page.uitdatabank_hash == ""  # the next import writes UiTdatabank's fields back


def _form_data(content: bytes) -> dict:
    from bs4 import BeautifulSoup

    form = BeautifulSoup(content, "html.parser").select_one("form[method=post]#page-edit-form")
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "input" and field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, [])
                data[name].append(field.get("value", "on"))
            continue
        if field.name == "select":
            selected = field.select_one("option[selected]")
            data[name] = selected["value"] if selected else ""
        elif field.name == "textarea":
            data[name] = field.text
        else:
            data[name] = field.get("value", "")
    return data


def test_editor_form_refuses_bad_rules_and_parses_prices(site_a):
    form_class = EventPage.get_edit_handler().get_form_class()
    from events.forms import price_lines_parse

    assert price_lines_parse("Basistarief: 8,50\nKinderen: 0") == [
        {"name": "Basistarief", "price": 8.5},
        {"name": "Kinderen", "price": 0.0},
    ]
    from django import forms as django_forms

    with pytest.raises(django_forms.ValidationError):
        price_lines_parse("acht euro")
    assert form_class is not None


def test_local_editor_adds_a_recurring_event_in_the_admin(site_a, admin_client):
    agenda = agenda_of(site_a.home)
    client = admin_client(site_a.moderator)
    url = f"/admin/pages/add/events/eventpage/{agenda.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    data = _form_data(response.content)
    today = dt.date.today()
    start = today + dt.timedelta(days=7 + (2 - today.weekday()) % 7)  # a Wednesday
    data.update(
        {
            "title": "Schaakclub",
            "slug": "schaakclub",
            "intro": "Elke woensdag schaken in de bib.",
            "price_info": "Basistarief: 2,50",
            "facilities": ["3.27.0.0.0"],
            "dates-TOTAL_FORMS": "1",
            "dates-0-repeat": "regel",
            "dates-0-start_date": start.isoformat(),
            "dates-0-end_date": (start + dt.timedelta(weeks=4)).isoformat(),
            "dates-0-start_time": "14:00",
            "dates-0-end_time": "16:00",
            "dates-0-rule": "FREQ=WEEKLY;BYDAY=WE",
            "dates-0-excluded_dates": (start + dt.timedelta(weeks=2)).isoformat(),
            "street": "Kouter 1",
            "city": "Gent",
            "dates-0-status": "gepland",
            "dates-0-booking_availability": "beschikbaar",
            "dates-0-ORDER": "1",
            "action-publish": "action-publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = EventPage.objects.get(slug="schaakclub")
    assert page.live and page.price_info == [{"name": "Basistarief", "price": 2.5}]
    assert page.facilities == ["3.27.0.0.0"]
    days = [o.start.date() for o in page.occurrences.order_by("start")]
    assert days == [start + dt.timedelta(weeks=week) for week in (0, 1, 3, 4)]


def test_admin_refuses_an_invalid_rule(site_a, admin_client):
    agenda = agenda_of(site_a.home)
    client = admin_client(site_a.moderator)
    url = f"/admin/pages/add/events/eventpage/{agenda.pk}/"
    data = _form_data(client.get(url).content)
    data.update(
        {
            "title": "Kapotte regel",
            "slug": "kapotte-regel",
            "dates-TOTAL_FORMS": "1",
            "dates-0-repeat": "regel",
            "dates-0-start_date": "2030-01-02",
            "dates-0-rule": "ELKE WOENSDAG",
            "dates-0-status": "gepland",
            "dates-0-booking_availability": "beschikbaar",
            "action-publish": "action-publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "herhalingsregel begrijpen we niet" in response.content.decode()
    assert not EventPage.objects.filter(slug="kapotte-regel").exists()
