"""The registration form works from a cached page (signed form token + same-origin check)
and a forged post is refused; "Nu open" changes at the opening time even with a cached page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pagecache import forms as pagecache_forms
from pagecache.middleware import HEADER
from registrations.models import Registration
from tests.factories.html import soup_of
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.pages import LocationPageFactory

pytestmark = pytest.mark.django_db

VALID = {"name": "Jan Peeters", "email": "jan@example.org", "places": "1", "consent": "on"}


@pytest.fixture
def course(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    return CoursePageFactory(parent=index, title="3D-printen voor beginners", capacity=10)


def cached_form(site, course) -> tuple[str, dict]:
    """The course page from the cache: the form's action and its hidden fields."""
    client = site.client_for()
    path = course.relative_url(site.site)
    client.get(path)
    response = client.get(path)
    assert response[HEADER] == "hit"
    assert not response.cookies  # no per-visitor CSRF cookie: the page is the same for all
    form = soup_of(response).select_one("section#inschrijven form")
    hidden = {
        field["name"]: field.get("value", "")
        for field in form.select("input[type=hidden]")
        if field.get("name")
    }
    assert pagecache_forms.FIELD in hidden
    return form["action"].split("#")[0], hidden


def browser(site) -> Client:
    """A client that enforces CSRF checks, as a browser request meets them."""
    return Client(enforce_csrf_checks=True, HTTP_HOST=site.hostname)


def test_form_posted_from_a_cached_page_registers(site_a, course, commit):
    action, hidden = cached_form(site_a, course)
    response = commit(
        browser(site_a).post,
        action,
        {**hidden, **VALID},
        HTTP_ORIGIN=f"http://{site_a.hostname}",
    )
    assert response.status_code == 200
    assert soup_of(response).select_one("h1").get_text(strip=True) == "Je bent ingeschreven"
    assert Registration.objects.filter(page=course, email="jan@example.org").count() == 1
    # The registration purged the page: the places left are shown fresh.
    page = site_a.client_for().get(course.relative_url(site_a.site))
    assert page[HEADER] == "miss"
    availability = soup_of(page).select_one(".registration__availability").get_text(strip=True)
    assert availability == "Nog 9 plaatsen"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://kwaadwillig.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://kwaadwillig.example/formulier.html"},
        {},
    ],
    ids=["other-origin", "null-origin", "cross-site", "other-referer", "no-proof"],
)
def test_forged_post_is_refused(site_a, course, headers):
    action, hidden = cached_form(site_a, course)
    response = browser(site_a).post(action, {**hidden, **VALID}, **headers)
    assert response.status_code == 403
    assert "niet vanaf deze website" in soup_of(response).get_text()
    assert not Registration.objects.exists()


def test_same_origin_without_origin_header_is_accepted(site_a, course):
    action, hidden = cached_form(site_a, course)
    response = browser(site_a).post(action, {**hidden, **VALID}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 200
    assert Registration.objects.count() == 1


def test_token_of_another_form_or_expired_is_refused(site_a, course, monkeypatch):
    action, hidden = cached_form(site_a, course)
    origin = {"HTTP_ORIGIN": f"http://{site_a.hostname}"}
    other = CoursePageFactory(parent=course.get_parent(), title="Lasersnijden", capacity=5)
    other_action = f"{other.relative_url(site_a.site)}inschrijven/"
    response = browser(site_a).post(other_action, {**hidden, **VALID}, **origin)
    assert response.status_code == 403
    assert "verlopen of ongeldig" in soup_of(response).get_text()

    monkeypatch.setattr(pagecache_forms, "form_token_max_age", lambda: -1)
    response = browser(site_a).post(action, {**hidden, **VALID}, **origin)
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_post_without_form_token_still_meets_django_csrf(site_a, course):
    action, hidden = cached_form(site_a, course)
    hidden.pop(pagecache_forms.FIELD)
    response = browser(site_a).post(
        action, {**hidden, **VALID}, HTTP_ORIGIN=f"http://{site_a.hostname}"
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


# --- time-bound content --------------------------------------------------------------------------


def test_now_open_changes_at_opening_time_with_a_cached_page(site_a, monkeypatch):
    location = LocationPageFactory(
        parent=site_a.home, title="Hoofdbib", hours=[(day, 9, 17) for day in range(7)]
    )
    path = location.relative_url(site_a.site)
    day = timezone.localdate() + dt.timedelta(days=2)
    clock = {"now": timezone.make_aware(dt.datetime.combine(day, dt.time(8, 58)))}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    client = site_a.client_for()

    def status():
        response = client.get(path)
        label = soup_of(response).select_one("main .opening-status__label").get_text(strip=True)
        return response[HEADER], label

    assert status() == ("miss", "Gesloten, opent vandaag om 09:00")
    assert status() == ("hit", "Gesloten, opent vandaag om 09:00")
    # The entry says it lives until the opening: at most two minutes for a CDN too.
    assert 0 < int(client.get(path)["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 120

    clock["now"] = clock["now"].replace(hour=9, minute=0, second=5)
    assert status() == ("miss", "Nu open tot 17:00")
    assert status() == ("hit", "Nu open tot 17:00")

    clock["now"] = clock["now"].replace(hour=17, minute=0, second=1)
    header, label = status()
    assert header == "miss"
    assert label.startswith("Gesloten, opent morgen")
