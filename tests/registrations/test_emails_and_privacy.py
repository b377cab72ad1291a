"""E-mails (contents, .ics, cancellation link), reminders, retention and data subject requests."""

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Attendance, EmailLog, Registration, RegistrationStatus
from registrations.selectors import (
    attendance_statistics,
    registration_export_data,
    registrations_for_email,
)
from registrations.services import (
    attendance_save,
    registration_cancel,
    registration_create,
    registration_token,
    registrations_anonymise_expired,
    registrations_erase_email,
    registrations_remind,
)
from tests.factories.html import soup_of
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.registrations import registration_data

pytestmark = pytest.mark.django_db

CANCEL_LINK = re.compile(r"https?://\S+/annuleren/[^\s/]+/")


def test_confirmation_mail_in_dutch_with_ics_and_cancellation_link(
    site_a, course_index, mail_on_commit
):
    start = dt.datetime(2031, 3, 4, 18, 30, tzinfo=dt.UTC)  # 19:30 in Brussels (winter time)
    course = CoursePageFactory(
        parent=course_index,
        title="Lasersnijden",
        sessions=[
            (start, start + dt.timedelta(hours=2), "Dag 1 Inleiding en cases"),
            (
                start + dt.timedelta(days=7),
                start + dt.timedelta(days=7, hours=2),
                "Dag 2 Praktijkdag",
            ),
        ],
    )
    registration = mail_on_commit(
        registration_create,
        page=course,
        data=registration_data(1, name="Sara Peeters", email="sara@example.org"),
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sara@example.org"]
    assert message.subject == "Bevestiging van je inschrijving: Lasersnijden"
    assert "Bibliotheek Gent" in message.from_email
    assert message.reply_to == ["info@gent.example"]
    assert "Beste Sara Peeters" in message.body
    assert 'Je bent ingeschreven voor "Lasersnijden" (1 plaats)' in message.body
    assert "dinsdag 4 maart 2031, 19:30" in message.body  # shown in Belgian time
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Lasersnijden</strong>" in html

    link = CANCEL_LINK.search(message.body).group(0)
    assert link.startswith(f"http://gent.localhost{course.relative_url(site_a.site)}annuleren/")
    assert link in html

    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("inschrijving.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [
        "Lasersnijden: Dag 1 Inleiding en cases",
        "Lasersnijden: Dag 2 Praktijkdag",
    ]
    assert events[0].decoded("dtstart") == start
    assert str(events[0]["uid"]).startswith(f"registration-{registration.pk}-session-")
    assert EmailLog.objects.get().kind == "confirmed"


def test_cancellation_link_asks_then_cancels_and_promotes_with_mail(
    site_a, course_index, mail_on_commit
):
    course = CoursePageFactory(parent=course_index, title="Naaien", capacity=1)
    holder = mail_on_commit(registration_create, page=course, data=registration_data(1))
    waiting = mail_on_commit(registration_create, page=course, data=registration_data(2))
    assert "plaats 1 van de wachtlijst" in mail.outbox[1].body
    assert not mail.outbox[1].attachments  # no .ics without a seat
    link = CANCEL_LINK.search(mail.outbox[0].body).group(0)
    path = link.split("gent.localhost", 1)[1]
    client = site_a.client_for()

    shown = client.get(path)
    assert shown.status_code == 200
    assert (
        soup_of(shown)
        .select_one("main form button")
        .get_text(strip=True)
        .startswith("Ja, annuleer")
    )
    holder.refresh_from_db()
    assert holder.status == RegistrationStatus.CONFIRMED  # a GET (mail scanner) changes nothing

    mail.outbox.clear()
    response = mail_on_commit(client.post, path)
    assert response.status_code == 200
    assert "Je inschrijving is geannuleerd" in soup_of(response).select_one("main").get_text()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Goed nieuws, je hebt een plaats: Naaien",
        "Je inschrijving is geannuleerd: Naaien",
    ]
    promoted = next(m for m in mail.outbox if m.subject.startswith("Goed nieuws"))
    assert promoted.to == ["deelnemer2@example.org"]
    assert promoted.attachments[0][0] == "inschrijving.ics"

    replay = client.post(path)
    assert replay.status_code == 410
    assert "al geannuleerd" in soup_of(replay).select_one("[role=alert]").get_text()


def test_forged_cancellation_link_is_a_clear_400(site_a, course):
    registration = registration_create(page=course, data=registration_data(1))
    client = site_a.client_for()
    for token in ["onzin", registration_token(registration=registration)[:-3] + "abc"]:
        response = client.post(f"{course.url}annuleren/{token}/")
        assert response.status_code == 400
        assert "ongeldig" in soup_of(response).select_one("[role=alert]").get_text()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_minor_registration_copies_the_parent(course, mail_on_commit):
    mail_on_commit(
        registration_create,
        page=course,
        data=registration_data(
            1, is_minor=True, parent_name="Ouder Peeters", parent_email="ouder@example.org"
        ),
    )
    assert mail.outbox[0].cc == ["ouder@example.org"]


def test_reminder_goes_once_within_the_period(course_index):
    soon = CoursePageFactory(parent=course_index, days_ahead=1.5, reminder_days=2)
    later = CoursePageFactory(parent=course_index, days_ahead=10, reminder_days=2)
    registration_create(page=soon, data=registration_data(1))
    registration_create(page=later, data=registration_data(2))
    mail.outbox.clear()

    assert registrations_remind() == 1
    assert registrations_remind() == 0  # idempotent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Herinnering: {soon.title} begint binnenkort"
    assert mail.outbox[0].to == ["deelnemer1@example.org"]


def _finished_course(index, *, days_ago: int):
    end = timezone.now() - dt.timedelta(days=days_ago)
    return CoursePageFactory(parent=index, sessions=[(end - dt.timedelta(hours=2), end, "")])


def test_retention_job_anonymises_every_registration_of_finished_courses(site_a, course_index):
    from registrations.models import RegistrationSettings

    RegistrationSettings.objects.update_or_create(site=site_a.site, defaults={"retention_days": 30})
    old = _finished_course(course_index, days_ago=31)
    recent = _finished_course(course_index, days_ago=5)
    people = []
    for status in ("confirmed", "waitlisted", "cancelled"):
        registration = Registration.objects.create(
            page=old,
            site=site_a.site,
            status=status,
            name=f"Naam {status}",
            email=f"{status}@example.org",
            phone="0470 12 34 56",
            remarks="allergisch voor noten",
            is_minor=True,
            parent_name="Ouder",
            parent_email=f"ouder-{status}@example.org",
            places=2,
        )
        EmailLog.objects.create(
            registration=registration, kind="confirmed", recipient=registration.email, subject="x"
        )
        people.append(registration)
    Attendance.objects.create(registration=people[0], session_key="session-1", present=True)
    keep = Registration.objects.create(
        page=recent, site=site_a.site, status="confirmed", name="Blijft", email="blijft@example.org"
    )
    token = registration_token(registration=people[0])

    assert registrations_anonymise_expired() == 3

    for registration in Registration.objects.filter(page=old):
        assert registration.anonymised
        for field in ("name", "email", "phone", "remarks", "parent_name", "parent_email"):
            assert getattr(registration, field) == ""
    assert not EmailLog.objects.exclude(recipient="").exists()
    # no personal data left anywhere in the rows of the finished course
    dump = str(list(Registration.objects.filter(page=old).values())) + str(
        list(EmailLog.objects.values())
    )
    for word in ("Naam", "@example.org", "0470", "noten", "Ouder"):
        assert word not in dump
    # counts and attendance survive
    assert Registration.objects.filter(page=old, status="confirmed").count() == 1
    assert attendance_statistics(page_id=old.pk) == {"session-1": 2}
    keep.refresh_from_db()
    assert keep.name == "Blijft" and not keep.anonymised
    # old links die with the data
    with pytest.raises(Exception):  # noqa: B017
        registration_cancel(token=token)
    assert registrations_anonymise_expired() == 0


def test_retention_command_runs(course_index, capsys):
    from django.core.management import call_command

    call_command("registrations_anonymise")
    call_command("registrations_send_reminders")
    out = capsys.readouterr().out
    assert "anonymised" in out and "reminder" in out


def test_export_and_erasure_by_email_are_scoped_to_the_editors_sites(two_sites, central_editor):
    site_a, site_b = two_sites
    index_a = CourseIndexPageFactory(parent=site_a.home)
    index_b = CourseIndexPageFactory(parent=site_b.home)
    course_a = CoursePageFactory(parent=index_a, capacity=1)
    course_b = CoursePageFactory(parent=index_b)
    mine = registration_create(page=course_a, data=registration_data(1, email="Lies@example.org"))
    waiting = registration_create(page=course_a, data=registration_data(2))
    elsewhere = registration_create(
        page=course_b, data=registration_data(1, email="lies@example.org")
    )
    attendance_save(page=course_a, session_keys=["session-x"], present={(mine.pk, "session-x")})

    local = registrations_for_email(email="lies@example.org", user=site_a.editor)
    assert [r.pk for r in local] == [mine.pk]
    export = registration_export_data(registrations=local)
    assert export[0]["naam"] == "Deelnemer 1"
    assert export[0]["e-mail"] == "Lies@example.org"
    assert export[0]["aanwezigheden"] == [{"sessie": "session-x", "aanwezig": True}]
    assert {
        r.pk for r in registrations_for_email(email="LIES@example.org", user=central_editor)
    } == {
        mine.pk,
        elsewhere.pk,
    }

    assert registrations_erase_email(email="lies@example.org", user=site_a.editor) == 1
    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.anonymised and mine.email == "" and mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED  # the freed place was passed on
    assert elsewhere.email == "lies@example.org"  # another site's data is not theirs to erase

    assert registrations_erase_email(email="lies@example.org", user=central_editor) == 1
    elsewhere.refresh_from_db()
    assert elsewhere.anonymised
    assert not registrations_for_email(email="lies@example.org", user=central_editor).exists()


def test_cancelling_the_offer_tells_everyone_registered_once(course_index, mail_on_commit):
    course = CoursePageFactory(parent=course_index, title="Borduren", capacity=1)
    registration_create(page=course, data=registration_data(1))
    registration_create(page=course, data=registration_data(2))
    gone = registration_create(page=course, data=registration_data(3))
    registration_cancel(token=registration_token(registration=gone))
    mail.outbox.clear()

    course.offer_cancelled = True
    mail_on_commit(lambda: course.save_revision().publish())
    mail_on_commit(lambda: course.save_revision().publish())  # a second publish: no new mail

    assert sorted(m.to[0] for m in mail.outbox) == [
        "deelnemer1@example.org",
        "deelnemer2@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == "Gaat niet door: Borduren"
    assert "niet door" in message.body
    assert "/annuleren/" not in message.body and not message.attachments
