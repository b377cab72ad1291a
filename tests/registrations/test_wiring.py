"""Offer pages answer with views that RegistrationsConfig.ready() provides (home.wiring):
before that, they say what is missing instead of "'NoneType' object is not callable"."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from home.wiring import NotProvidedError, SetInReady
from registrations.models import OfferPageViews, offer_page_views


def _unprovided(monkeypatch, name: str) -> None:
    slot = OfferPageViews.__dict__[name]
    monkeypatch.setattr(slot, "value", SetInReady(by="x").value)


def test_ready_provided_the_offer_views():
    assert offer_page_views.register.__name__ == "registration_register"
    assert offer_page_views.cancel.__name__ == "registration_cancel"
    assert offer_page_views.registration_box.__name__ == "registration_box"
    for name in ("register", "cancel", "registration_box"):
        assert isinstance(OfferPageViews.__dict__[name], SetInReady)
        assert OfferPageViews.__dict__[name].provided


@pytest.mark.parametrize("name", ["register", "cancel", "registration_box"])
def test_an_offer_view_used_before_the_app_is_ready_says_so(monkeypatch, name):
    _unprovided(monkeypatch, name)
    with pytest.raises(ImproperlyConfigured) as raised:
        getattr(offer_page_views, name)(RequestFactory().get("/"), page=None)
    assert isinstance(raised.value, NotProvidedError)
    assert f"OfferPageViews.{name}" in str(raised.value)
    assert "RegistrationsConfig.ready()" in str(raised.value)
