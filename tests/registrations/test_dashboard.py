"""Dashboard: the coming sessions of the editor's site with registrations and waiting list."""

from bs4 import BeautifulSoup

from registrations.models import RegistrationStatus
from tests.conftest import admin_client_for
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.registrations import RegistrationFactory


def _panel_text(client) -> str:
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    section = soup.find("section", id="bibnet-coming-sessions-section")
    assert section is not None
    return section.get_text(" ", strip=True)


def test_coming_sessions_show_places_and_waiting_list(two_sites, course):
    site_a, site_b = two_sites
    RegistrationFactory(page=course, places=2)
    RegistrationFactory(page=course, places=1)
    RegistrationFactory(page=course, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    other = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=site_b.home), title="Naaien in Strombeek"
    )
    RegistrationFactory(page=other)
    text = _panel_text(admin_client_for(site_a.editor))
    assert "3D-printen voor beginners" in text
    assert "3 van 10 plaatsen bezet" in text
    assert "1 persoon op de wachtlijst" in text
    assert "Naaien in Strombeek" not in text


def test_singular_and_plural(site_a, course_index):
    course = CoursePageFactory(parent=course_index, title="Solderen", capacity=1)
    for position in (1, 2):
        RegistrationFactory(
            page=course, status=RegistrationStatus.WAITLISTED, waitlist_position=position
        )
    text = _panel_text(admin_client_for(site_a.editor))
    assert "0 van 1 plaats bezet" in text
    assert "2 personen op de wachtlijst" in text


def test_past_and_cancelled_offers_are_left_out(site_a, course_index):
    CoursePageFactory(parent=course_index, title="Afgelast", offer_cancelled=True)
    CoursePageFactory(parent=course_index, title="Voorbij", days_ahead=-5)
    text = _panel_text(admin_client_for(site_a.editor))
    assert "Afgelast" not in text and "Voorbij" not in text
    assert "Geen komende activiteiten of cursussen met inschrijvingen." in text
