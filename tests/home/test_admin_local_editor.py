"""What a local editor meets in the admin, found by looking at their screens at 375 and 1280 px
(audit/admin_screenshots.py, docs/admin.md "Looked at as a local editor"): no raw names, nothing
lost or cut off, and screens that explain themselves."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventPage, ImportRun
from registrations.services import registration_create
from tests.conftest import admin_client_for
from tests.factories.events import EventPageFactory, agenda_of
from tests.factories.html import soup_of
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.registrations import registration_data

pytestmark = pytest.mark.django_db


def test_attendance_lists_each_session_by_its_title(site_a):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    course = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=site_a.home),
        title="Makerspace-opleiding",
        sessions=[
            (start, start + dt.timedelta(hours=2), "Dag 1 Inleiding"),
            (start + dt.timedelta(days=7), start + dt.timedelta(days=7, hours=2), ""),
        ],
    )
    registration_create(page=course, data=registration_data(1, name="Fien Claes"))
    soup = soup_of(
        admin_client_for(site_a.editor).get(reverse("registrations_admin:offer", args=[course.pk]))
    )
    # The title was lost: `title|default:starts_at|date` formatted the title as a date.
    items = [li.get_text(" ", strip=True) for li in soup.select("main ul li")]
    sessions = [item for item in items if "aanwezig" in item]
    assert len(sessions) == 2
    assert sessions[0].startswith("Dag 1 Inleiding (")
    assert sessions[1][0].isdigit()  # no title: the date
    # The attendance table scrolls sideways on its own instead of being cut off.
    table = soup.select_one("table.listing")
    assert "bibnet-table-scroll" in table.parent["class"]
    # Each checkbox has its own name for screen readers, in Wagtail's hidden-text class.
    label = soup.select_one("label.w-sr-only[for^=present-]")
    assert label.get_text(strip=True) == "Fien Claes aanwezig"


def test_waiting_list_position_is_said_in_words(site_a):
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home), capacity=1)
    registration_create(page=course, data=registration_data(1, name="Eerste"))
    registration_create(page=course, data=registration_data(2, name="Tweede"))
    soup = soup_of(admin_client_for(site_a.editor).get(reverse("registrations_admin:index")))
    cells = [row.select("td")[3].get_text(strip=True) for row in soup.select("tbody tr")]
    assert "wachtlijst, plaats 1" in cells


def test_site_settings_name_the_website_not_its_host(site_a):
    # The site's moderators hold the integration settings (sitegen.services.MODERATOR_SETTINGS).
    soup = soup_of(
        admin_client_for(site_a.moderator).get(
            "/admin/settings/home/integrationsettings/", follow=True
        )
    )
    text = soup.select_one("main").get_text(" ", strip=True)
    assert f"Website: {site_a.site.site_name}" in text
    assert "Site:" not in text
    # The UiTdatabank ids say where to find them; the unused statistics id is not offered.
    assert "uitdatabank.be" in text
    assert soup.select_one("[name=analytics_site_id]") is None
    assert soup.select_one("[name=uitdatabank_organizer_ids]") is not None


def test_admin_search_counts_pages_not_none(site_a):
    soup = soup_of(admin_client_for(site_a.editor).get("/admin/pages/search/", {"q": "over"}))
    header = soup.select_one("thead th.title").get_text(" ", strip=True)
    assert "None" not in header
    assert "pagina" in header


def test_agenda_import_screen_explains_itself_and_gives_the_last_sync(site_a):
    client = admin_client_for(site_a.editor)
    url = reverse("events_importrun:index")
    text = soup_of(client.get(url)).select_one("main").get_text(" ", strip=True)
    assert "automatisch uit UiTdatabank" in text
    assert "nog nooit bijgewerkt" in text

    # A file imported by hand is listed below: the sentence says the agenda never synced by
    # itself, not that nothing was ever imported.
    ImportRun.objects.create(
        site=site_a.site, source="demo.json", selection=False, outcome=ImportRun.Outcome.DONE
    )
    text = soup_of(client.get(url)).select_one("main").get_text(" ", strip=True)
    assert "nog nooit automatisch bijgewerkt" in text
    assert "kwamen uit een bestand" in text
    assert "nog nooit bijgewerkt" not in text

    run = ImportRun.objects.create(
        site=site_a.site, source="test", selection=True, outcome=ImportRun.Outcome.DONE
    )
    text = soup_of(client.get(url)).select_one("main").get_text(" ", strip=True)
    assert "laatst bijgewerkt op" in text
    assert str(timezone.localtime(run.started).year) in text


def test_event_editor_loads_the_recurrence_stylesheet(site_a):
    event = EventPageFactory(parent=agenda_of(site_a.home))
    soup = soup_of(admin_client_for(site_a.editor).get(f"/admin/pages/{event.pk}/edit/"))
    sheets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assert any(href.endswith("css/admin/recurrence.css") for href in sheets), sheets
    assert any(href.endswith("css/admin/bibnet-admin.css") for href in sheets), sheets
    # Wagtail's "Add %(label)s" reads as Dutch: "Datum toevoegen", not "Voeg Datum toe".
    add = soup.select_one("#id_dates-ADD").get_text(" ", strip=True)
    assert add == "Datum toevoegen"
    assert isinstance(event, EventPage)
    # Django's empty choice "---------" reads as an instruction.
    assert soup.select_one("select[name=event_type] option").get_text() == "Kies een soort"
    assert soup.select_one("select[name=theme] option").get_text() == "Kies een thema"


def test_publication_screen_names_no_environment_variables_to_a_local_editor(site_a, settings):
    settings.UITPUBLISH_CLIENT_ID = ""
    event = EventPageFactory(parent=agenda_of(site_a.home))
    response = admin_client_for(site_a.editor).get(
        reverse("uitpublish_admin:page", args=[event.pk])
    )
    note = soup_of(response).select_one("[data-uitpublish-config=ontbreekt]")
    assert note is not None
    assert "UITPUBLISH" not in note.get_text()
    assert "helpdesk" in note.get_text()


def test_cancelling_a_registration_asks_first(site_a):
    """One click used to cancel at once (and mail the waiting list): the button now opens a
    dialog that names the person and the offer, and only its form posts."""
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home), capacity=2)
    registration = registration_create(page=course, data=registration_data(1, name="Fien Claes"))
    client = admin_client_for(site_a.editor)
    cancel_url = reverse("registrations_admin:cancel", args=[registration.pk])
    for url in (
        reverse("registrations_admin:offer", args=[course.pk]),
        reverse("registrations_admin:registration", args=[registration.pk]),
    ):
        soup = soup_of(client.get(url))
        forms = [form for form in soup.find_all("form") if form.get("action") == cancel_url]
        assert len(forms) == 1, url
        dialog = forms[0].find_parent(attrs={"data-controller": "w-dialog"})
        assert dialog is not None, url
        # Inside a <template> (Wagtail teleports the dialog), where get_text() reads nothing.
        assert "Fien Claes" in str(dialog)
        assert soup.find("button", attrs={"data-a11y-dialog-show": dialog["id"]}) is not None
