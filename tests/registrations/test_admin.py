"""The registrations admin: local editors see and change their own site only."""

import csv
import io
import json

import pytest
from django.core import mail
from django.urls import reverse

from registrations.models import Attendance, Registration, RegistrationStatus
from registrations.services import registration_create
from tests.factories.events import EventPageFactory, agenda_of
from tests.factories.html import soup_of
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.registrations import registration_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(two_sites):
    site_a, site_b = two_sites
    course_a = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=site_a.home), title="Cursus van Gent", capacity=1
    )
    course_b = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=site_b.home), title="Cursus van Strombeek"
    )
    holder = registration_create(
        page=course_a, data=registration_data(1, name="Gentse Deelnemer", email="gent@example.org")
    )
    waiting = registration_create(
        page=course_a, data=registration_data(2, name="Wachtende Gentenaar")
    )
    return site_a, site_b, course_a, course_b, holder, waiting


def test_local_editor_of_another_site_cannot_reach_registrations_by_url(network, admin_client):
    site_a, site_b, course_a, _course_b, holder, waiting = network
    intruder = admin_client(site_b.editor)

    listing = intruder.get(reverse("registrations_admin:offers"))
    assert listing.status_code == 200
    assert "Cursus van Gent" not in listing.content.decode()
    assert "Cursus van Strombeek" in listing.content.decode()
    everything = intruder.get(reverse("registrations_admin:index"), {"q": "Gent"})
    assert "Gentse Deelnemer" not in everything.content.decode()

    for name, args in [
        ("offer", [course_a.pk]),
        ("offer_export", [course_a.pk]),
        ("registration", [holder.pk]),
    ]:
        response = intruder.get(reverse(f"registrations_admin:{name}", args=args))
        assert response.status_code == 404, name
        assert b"Gentse Deelnemer" not in response.content

    posts = [
        ("offer_capacity", [course_a.pk], {"capacity": "5"}),
        ("offer_message", [course_a.pk], {"subject": "Spam", "body": "Hallo"}),
        ("offer_attendance", [course_a.pk], {"present": f"{holder.pk}:session-1"}),
        ("cancel", [holder.pk], {}),
        ("move", [holder.pk], {"target": str(course_a.pk)}),
    ]
    for name, args, data in posts:
        response = intruder.post(reverse(f"registrations_admin:{name}", args=args), data)
        assert response.status_code == 404, name

    privacy = intruder.get(reverse("registrations_admin:privacy"), {"email": "gent@example.org"})
    assert "Gentse Deelnemer" not in privacy.content.decode()
    assert "Cursus van Gent" not in privacy.content.decode()
    exported = intruder.get(
        reverse("registrations_admin:privacy_export"), {"email": "gent@example.org"}
    )
    assert json.loads(exported.content)["inschrijvingen"] == []
    intruder.post(reverse("registrations_admin:privacy_erase"), {"email": "gent@example.org"})

    # nothing changed
    course_a.refresh_from_db()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert course_a.capacity == 1
    assert holder.status == RegistrationStatus.CONFIRMED and holder.email == "gent@example.org"
    assert waiting.status == RegistrationStatus.WAITLISTED
    assert not Attendance.objects.exists()
    assert not [m for m in mail.outbox if m.subject == "Spam"]


def test_anonymous_visitors_are_sent_to_the_login(network, admin_client):
    _site_a, _site_b, course_a, *_ = network
    response = admin_client().get(reverse("registrations_admin:offer_export", args=[course_a.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_local_editor_manages_their_own_course(
    network, django_capture_on_commit_callbacks, admin_client
):
    site_a, _site_b, course_a, _course_b, holder, waiting = network
    client = admin_client(site_a.editor)

    page = client.get(reverse("registrations_admin:offer", args=[course_a.pk]))
    assert page.status_code == 200
    rows = soup_of(page).select("table.listing tbody tr")
    assert [r.select("td")[0].get_text(strip=True) for r in rows] == [
        "Gentse Deelnemer",
        "Wachtende Gentenaar",
    ]

    session_key = course_a.registration_sessions()[0].key
    client.post(
        reverse("registrations_admin:offer_attendance", args=[course_a.pk]),
        {"present": [f"{holder.pk}:{session_key}", f"{holder.pk}:bestaat-niet", "onzin"]},
    )
    assert list(Attendance.objects.values_list("registration_id", "session_key", "present")) == [
        (holder.pk, session_key, True)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("registrations_admin:offer_capacity", args=[course_a.pk]), {"capacity": "2"}
        )
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert any(m.subject.startswith("Goed nieuws") for m in mail.outbox)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("registrations_admin:offer_message", args=[course_a.pk]),
            {"subject": "Lokaal gewijzigd", "body": "We zitten in zaal 2."},
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["deelnemer2@example.org", "gent@example.org"]
    assert all(len(m.to) == 1 and not m.bcc for m in mail.outbox)

    client.post(reverse("registrations_admin:cancel", args=[holder.pk]))
    holder.refresh_from_db()
    assert holder.status == RegistrationStatus.CANCELLED


def test_move_only_to_an_offer_of_the_same_site(network, admin_client):
    site_a, _site_b, course_a, course_b, holder, _waiting = network
    client = admin_client(site_a.editor)
    other_a = CoursePageFactory(parent=course_a.get_parent(), title="Tweede cursus")

    client.post(reverse("registrations_admin:move", args=[holder.pk]), {"target": course_b.pk})
    holder.refresh_from_db()
    assert holder.status == RegistrationStatus.CONFIRMED  # another site's course: refused

    client.post(reverse("registrations_admin:move", args=[holder.pk]), {"target": other_a.pk})
    holder.refresh_from_db()
    assert holder.status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(page=other_a).email == "gent@example.org"


def test_csv_export_escapes_formulas(network, admin_client):
    site_a, _site_b, course_a, *_ = network
    registration_create(
        page=course_a,
        data=registration_data(
            3,
            name='=HYPERLINK("http://kwaad.example","klik")',
            remarks="+32 470 00 00 00",
            phone="-1",
        ),
    )
    Registration.objects.filter(name__startswith="=").update(remarks="@SUM(A1:A2)")
    response = admin_client(site_a.editor).get(
        reverse("registrations_admin:offer_export", args=[course_a.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *body = rows
    assert header[:4] == ["status", "plaats op de wachtlijst", "naam", "e-mailadres"]
    evil = next(row for row in body if "HYPERLINK" in row[2])
    assert evil[2].startswith("'=")
    assert evil[4] == "'-1"
    assert evil[9] == "'@SUM(A1:A2)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_offers_listing_shows_what_takes_registrations(network, admin_client):
    """An event without registration is no offer to manage; one whose registration was turned
    off after people registered stays listed so its registrations can still be handled."""
    site_a, _site_b, course_a, *_ = network
    agenda = agenda_of(site_a.home)
    EventPageFactory(parent=agenda, title="Vrij binnen zonder inschrijving")
    EventPageFactory(
        parent=agenda, title="Voorleesuur met inschrijving", registration_required=True
    )
    course_a.registration_required = False
    course_a.save(update_fields=["registration_required"])

    listing = soup_of(admin_client(site_a.editor).get(reverse("registrations_admin:offers")))
    titles = {link.get_text(strip=True) for link in listing.select("table a")}
    assert "Voorleesuur met inschrijving" in titles
    assert "Cursus van Gent" in titles
    assert "Vrij binnen zonder inschrijving" not in titles


def test_central_editor_sees_every_site(network, central_editor, admin_client):
    _site_a, _site_b, course_a, course_b, holder, _waiting = network
    client = admin_client(central_editor)
    listing = client.get(reverse("registrations_admin:offers")).content.decode()
    assert "Cursus van Gent" in listing and "Cursus van Strombeek" in listing
    assert (
        client.get(reverse("registrations_admin:registration", args=[holder.pk])).status_code == 200
    )


def test_registrations_listing_query_count_does_not_grow(
    network, django_assert_max_num_queries, admin_client
):
    site_a, _site_b, course_a, *_ = network
    client = admin_client(site_a.editor)
    client.get(reverse("registrations_admin:index"))  # warm caches
    for i in range(10):
        registration_create(page=course_a, data=registration_data(100 + i))
    from django.db import connection

    connection.queries_log.clear()
    with django_assert_max_num_queries(25):
        response = client.get(reverse("registrations_admin:index"))
    assert len(soup_of(response).select("table.listing tbody tr")) == 12


def test_menu_and_explorer_lead_to_the_registrations(network, admin_client):
    site_a, _site_b, course_a, *_ = network
    client = admin_client(site_a.editor)
    dashboard = soup_of(client.get(reverse("wagtailadmin_home")))
    assert reverse("registrations_admin:offers") in str(dashboard)
    explorer = client.get(reverse("wagtailadmin_explore", args=[course_a.get_parent().pk]))
    assert explorer.status_code == 200
    assert reverse("registrations_admin:offer", args=[course_a.pk]) in explorer.content.decode()


def test_privacy_screens_export_and_erase_for_the_own_site(network, admin_client):
    site_a, _site_b, course_a, _course_b, holder, waiting = network
    client = admin_client(site_a.editor)

    found = soup_of(
        client.get(reverse("registrations_admin:privacy"), {"email": "GENT@example.org"})
    )
    assert "Cursus van Gent" in found.select_one("ul.privacy-results").get_text()
    export_link = found.select_one("a[href*='privacy/export']")["href"]
    exported = json.loads(client.get(export_link).content)
    assert [r["naam"] for r in exported["inschrijvingen"]] == ["Gentse Deelnemer"]

    bad = client.get(reverse("registrations_admin:privacy"), {"email": "geen adres"})
    assert bad.status_code == 200
    assert "geldig e-mailadres" in bad.content.decode().lower()

    client.post(reverse("registrations_admin:privacy_erase"), {"email": "gent@example.org"})
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.anonymised and holder.name == ""
    assert waiting.status == RegistrationStatus.CONFIRMED
