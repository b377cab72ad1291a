"""Course pages build their context with selectors that MakerspaceConfig.ready() provides
(home.wiring): before that, they say what is missing instead of "'NoneType' object is not
callable"."""

import pytest
from django.test import RequestFactory

from home.wiring import NotProvidedError, SetInReady
from makerspace.models import CourseIndexPage, CoursePage
from tests.factories.makerspace import CoursePageFactory


def _unprovided(monkeypatch, owner: type) -> None:
    slot = owner.__dict__["context_builder"]
    monkeypatch.setattr(slot, "value", SetInReady(by="x").value)


def test_ready_provided_the_context_builders():
    assert CourseIndexPage.context_builder.__name__ == "course_index_context"
    assert CoursePage.context_builder.__name__ == "course_page_context"
    assert isinstance(CourseIndexPage.__dict__["context_builder"], SetInReady)
    assert isinstance(CoursePage.__dict__["context_builder"], SetInReady)


@pytest.mark.django_db
@pytest.mark.parametrize("owner", [CourseIndexPage, CoursePage])
def test_a_course_page_before_the_app_is_ready_says_so(site_a, monkeypatch, owner):
    _unprovided(monkeypatch, owner)
    index = CourseIndexPage.objects.descendant_of(site_a.home).first()
    page = index if owner is CourseIndexPage else CoursePageFactory(parent=index, days_ahead=5)
    request = RequestFactory().get(page.url, HTTP_HOST=site_a.hostname)
    with pytest.raises(NotProvidedError, match=rf"{owner.__name__}\.context_builder .*Makerspace"):
        page.get_context(request)
