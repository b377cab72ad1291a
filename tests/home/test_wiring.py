"""Page models whose views an AppConfig.ready() provides (home.wiring): used before the app is
ready, they fail with a message that names what is missing and who provides it, instead of an
AttributeError on the class or "'NoneType' object is not callable"."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from catalogue.models import CataloguePageViews, CatalogueSearchPage, catalogue_page_views
from events.models import EventIndexPage, EventPage
from home.wiring import NotProvidedError, SetInReady, provide


def _unprovided(monkeypatch, owner: type, name: str) -> None:
    """As before the app's ready() ran: the declared slot holds no value."""
    slot = owner.__dict__[name]
    monkeypatch.setattr(slot, "value", SetInReady(by="x").value)


def test_ready_provided_the_views():
    assert EventIndexPage.agenda_view.__name__ == "agenda"
    assert EventPage.ical_view.__name__ == "event_ical"
    assert catalogue_page_views.search.__name__ == "catalogue_search"


def test_an_agenda_used_before_the_app_is_ready_says_so(db, monkeypatch):
    _unprovided(monkeypatch, EventIndexPage, "agenda_view")
    request = RequestFactory().get("/agenda/")
    with pytest.raises(ImproperlyConfigured) as raised:
        EventIndexPage(title="Agenda", slug="agenda").agenda(request)
    message = str(raised.value)
    assert "EventIndexPage.agenda_view" in message
    assert "EventsConfig.ready()" in message


def test_an_event_page_context_before_the_app_is_ready_says_so(monkeypatch):
    _unprovided(monkeypatch, EventPage, "context_builder")
    with pytest.raises(NotProvidedError, match=r"EventPage\.context_builder .*EventsConfig"):
        EventPage.context_builder(event=None, request=None)


def test_a_catalogue_page_used_before_the_app_is_ready_says_so(db, monkeypatch):
    _unprovided(monkeypatch, CataloguePageViews, "search")
    request = RequestFactory().get("/catalogus/")
    with pytest.raises(ImproperlyConfigured, match=r"CataloguePageViews\.search .*Catalogue"):
        CatalogueSearchPage(title="Catalogus", slug="catalogus").search_view(request)


def test_introspection_sees_a_missing_attribute(monkeypatch):
    # Wagtail's routable pages look through a class with getattr(cls, name, None): an
    # unprovided attribute must read as missing, not stop that.
    _unprovided(monkeypatch, EventIndexPage, "agenda_feed_view")
    assert getattr(EventIndexPage, "agenda_feed_view", None) is None
    assert EventIndexPage.get_subpage_urls()


def test_provide_fills_declared_attributes_only():
    class Page:
        view = SetInReady(by="TestConfig.ready()")

    class Child(Page):
        pass

    with pytest.raises(NotProvidedError, match=r"Page\.view is not set yet: TestConfig"):
        Child.view  # noqa: B018 - reading it is the test
    provide(Child, view=len)
    assert Page.view is len and Child().view is len
    with pytest.raises(TypeError, match="not declared"):
        provide(Page, other=len)
