import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings

from events.models import EventStatus
from home.models import IntegrationSettings
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.uitpublish.standin import EntryApiStandIn

PLACE_ID = "5cf42d51-3a4f-46f0-a8af-1aeb5ce0b53c"
ORGANIZER_ID = "4f6f1fa8-3b2a-4c8c-a42f-1f3a4f2e9b10"
FUTURE = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture
def standin():
    server = EntryApiStandIn().start()
    cache.clear()  # no token of another test's server
    with override_settings(**server.settings()):
        yield server
    server.stop()
    cache.clear()


@pytest.fixture
def integration(site_a):
    settings = IntegrationSettings.for_site(site_a.site)
    settings.uitdatabank_place_ids = PLACE_ID
    settings.uitdatabank_organizer_ids = ORGANIZER_ID
    settings.save()
    return settings


@pytest.fixture
def local_event(site_a, integration):
    return EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Voorleesuur in de bib",
        event_type="0.3.1.0.0",
        dates=[event_date(FUTURE), event_date(FUTURE + dt.timedelta(days=7))],
        status=EventStatus.SCHEDULED,
    )
