"""The network agenda and a site's own agenda apply one filter specification
(events.selectors.occurrence_filter): for every filter, the network's rows of a site are the
site's own matching occurrence rows."""

import datetime as dt

import pytest
from django.utils import timezone

from events.selectors import agenda_scope, occurrences_matching
from network.selectors import network_map, network_rows
from tests.factories.events import EventPageFactory, agenda_of, event_date

WORKSHOP, LECTURE = "0.3.1.0.0", "0.3.2.0.0"
PAINTING, LITERATURE = "1.0.1.0.0", "1.10.0.0.0"


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


FILTERS = [
    {},
    {"type": WORKSHOP},
    {"thema": LITERATURE},
    {"leeftijdsgroep": "kinderen"},
    {"leeftijdsgroep": "gezinnen"},
    {"leeftijd": 15},
    {"gratis": True},
    {"wanneer": "week"},
    {"van": _day(5), "tot": _day(20)},
    {"thema": PAINTING, "leeftijdsgroep": "kinderen", "gratis": True},
    {"q": "lezing"},
]


@pytest.fixture
def agenda(site_a):
    agenda = agenda_of(site_a.home)
    EventPageFactory(
        parent=agenda,
        title="Schilderen voor kinderen",
        dates=[event_date(_day(n)) for n in (1, 8, 15)],
        event_type=WORKSHOP,
        theme=PAINTING,
        age_min=6,
        age_max=11,
        is_free=True,
    )
    EventPageFactory(
        parent=agenda,
        title="Lezing over poëzie",
        dates=[event_date(_day(10))],
        event_type=LECTURE,
        theme=LITERATURE,
        age_min=16,
    )
    EventPageFactory(
        parent=agenda,
        title="Familievoorstelling",
        dates=[event_date(_day(3)), event_date(_day(30))],
        event_type=WORKSHOP,
        age_max=99,
    )
    EventPageFactory(parent=agenda, title="Voorbij", dates=[event_date(_day(-5))])
    return agenda


@pytest.mark.django_db
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "&".join(f) or "none")
def test_network_rows_of_a_site_are_its_own_matching_rows(site_a, agenda, filters):
    now = timezone.now()
    own = occurrences_matching(scope=agenda_scope(index=agenda), filters=filters, now=now)
    rows = network_rows(network=network_map(), filters=filters, now=now, site_ids={site_a.site.pk})
    expected = set(own.values_list("page_id", "start"))
    assert set(rows.values_list("event_id", "start")) == expected
    if not filters:
        assert len({page_id for page_id, _start in expected}) == 3
