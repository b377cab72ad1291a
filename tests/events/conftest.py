import datetime as dt

import pytest

from events import selectors
from library_pages.models import LocationIndexPage
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.images import ImageFactory
from tests.factories.pages import LocationPageFactory

# Wednesday 9 January 2030, 10:00 in Brussels
NOW = dt.datetime(2030, 1, 9, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2030, 1, 9)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(selectors, "_now", lambda: NOW)
    return NOW


@pytest.fixture
def mixed_agenda(site_a, frozen_now):
    """The agenda of tests/events (order, cards, statements): events that began before now
    (all day today, this morning, a three-month exhibition), events that start at the same
    moment, a series of six weeks, later single events, one that ended yesterday; a location
    page ("Filiaal Noord") on some of them, an image on others, free ones and age ranges.
    Twelve events are on the agenda (twenty per page: one page), "Voorbij" is not."""
    agenda = agenda_of(site_a.home)
    location = LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(site_a.home).get(), title="Filiaal Noord"
    )
    image = ImageFactory()
    EventPageFactory(parent=agenda, title="Hele dag", dates=[event_date(TODAY, None, None)])
    EventPageFactory(parent=agenda, title="Ochtend", dates=[event_date(TODAY, "09:30", "11:00")])
    EventPageFactory(
        parent=agenda,
        title="Tentoonstelling",
        dates=[event_date(dt.date(2030, 1, 1), None, None, end_date=dt.date(2030, 3, 31))],
        is_free=True,
        location_page=location,
    )
    for title in ("Gelijk B", "Gelijk A"):
        EventPageFactory(
            parent=agenda,
            title=title,
            dates=[event_date(dt.date(2030, 1, 10), "14:00")],
            image=image,
        )
    EventPageFactory(
        parent=agenda,
        title="Reeks",
        dates=[event_date(dt.date(2030, 1, 9) + dt.timedelta(weeks=n)) for n in range(6)],
        age_min=6,
        age_max=12,
        location_page=location,
    )
    for number in range(6):
        EventPageFactory(
            parent=agenda,
            title=f"Later {number}",
            dates=[event_date(dt.date(2030, 1, 11) + dt.timedelta(days=3 * number))],
            is_free=bool(number % 2),
            age_min=18 if number % 3 == 0 else None,
            image=image if number % 2 else None,
        )
    EventPageFactory(
        parent=agenda, title="Voorbij", dates=[event_date(dt.date(2030, 1, 8), "10:00")]
    )
    return agenda
