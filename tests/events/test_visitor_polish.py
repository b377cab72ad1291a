"""What a look at the agenda and event pages asked for: long card facts break at Dutch
hyphenation points, the filter labels carry no colon, and an event that takes registrations
offers a jump to its form beside "Zet in je agenda"."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from events.forms import AgendaFilterForm
from tests.factories.events import EventPageFactory, agenda_of, event_date

SOFT_HYPHEN = "\xad"


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _facts(card) -> dict[str, str]:
    return {
        dt_.get_text(strip=True): dt_.find_next_sibling("dd").get_text(strip=True)
        for dt_ in card.select(".event-card__facts dt")
    }


def test_card_facts_break_at_dutch_hyphenation_points(site_a, frozen_now):
    EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Hamlet",
        event_type="0.55.0.0.0",
        place_name="Zaal",
        city="Blankenberge",
        dates=[event_date(dt.date(2030, 1, 16), "20:00", "22:00")],
    )
    soup = _soup(site_a.client_for().get(agenda_of(site_a.home).url))
    (card,) = [c for c in soup.select(".event-card") if "Hamlet" in c.get_text()]
    facts = _facts(card)
    assert facts["Soort"].replace(SOFT_HYPHEN, "") == "Theatervoorstelling"
    assert facts["Soort"].split(SOFT_HYPHEN)[-2:] == ["stel", "ling"]
    assert SOFT_HYPHEN in facts["Waar"]
    assert facts["Waar"].replace(SOFT_HYPHEN, "") == "Zaal, Blankenberge"


def test_agenda_filter_labels_have_no_colon(site_a, frozen_now):
    labels = [
        label.get_text(strip=True)
        for label in _soup(site_a.client_for().get(agenda_of(site_a.home).url)).select(
            ".agenda-filter label, form label"
        )
    ]
    assert "Zoeken" in labels and "Wanneer" in labels
    assert not [label for label in labels if label.endswith(":")]
    form = AgendaFilterForm()
    assert form["q"].label_tag() == '<label for="id_q">Zoeken</label>'


@pytest.fixture
def workshop(site_a, frozen_now):
    return EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Workshop zeefdruk",
        registration_required=True,
        capacity=5,
        dates=[event_date(dt.date.today() + dt.timedelta(days=10), "14:00", "16:00")],
    )


def test_event_with_registration_links_to_its_form_beside_the_calendar(site_a, workshop):
    soup = _soup(site_a.client_for().get(workshop.url))
    actions = soup.select_one(".event-actions")
    links = [(a.get_text(" ", strip=True), a["href"]) for a in actions.select("a")]
    assert links[0] == ("Schrijf je in", "#inschrijven")
    assert links[1][0].startswith("Zet in je agenda")
    assert soup.select_one("#inschrijven form") is not None


def test_event_without_registration_has_no_registration_link(site_a, frozen_now):
    event = EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Poëzieavond",
        dates=[event_date(dt.date(2030, 1, 16), "20:00", "22:00")],
    )
    soup = _soup(site_a.client_for().get(event.url))
    assert [a["href"] for a in soup.select(".event-actions a")] != []
    assert not soup.select('a[href="#inschrijven"]')
