import datetime as dt

from bs4 import BeautifulSoup

from events.models import Occurrence
from tests.factories.events import EventPageFactory, agenda_of, event_date


def test_agenda_lists_event(site_a):
    agenda = agenda_of(site_a.home)
    event = EventPageFactory(
        parent=agenda, dates=[event_date(dt.date.today() + dt.timedelta(days=3))]
    )
    assert Occurrence.objects.filter(page=event).count() == 1
    response = site_a.client_for().get(agenda.url)
    assert response.status_code == 200, response.content[:2000]
    soup = BeautifulSoup(response.content, "html.parser")
    assert event.title in soup.get_text()
    response = site_a.client_for().get(event.url)
    assert response.status_code == 200, response.content[:3000]
