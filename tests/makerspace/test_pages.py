"""Course pages and the course index: details in Belgian time, filters, validation, demo."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from library_pages.models import LocationIndexPage
from makerspace.demo import demo_courses_add
from makerspace.models import (
    Audience,
    CourseIndexPage,
    CoursePage,
    CoursePrerequisite,
    CourseSession,
)
from tests.factories.html import soup_of
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.pages import LocationPageFactory

pytestmark = pytest.mark.django_db


def _in_two_months() -> dt.datetime:
    today = timezone.localdate()
    first = (today.replace(day=1) + dt.timedelta(days=62)).replace(day=10)
    return timezone.make_aware(dt.datetime.combine(first, dt.time(14)))


def test_course_page_shows_sessions_in_belgian_time_and_the_practical_details(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    location_index = (
        site_a.home.get_children()
        .type(__import__("library_pages.models", fromlist=["LocationIndexPage"]).LocationIndexPage)
        .first()
    )
    location = LocationPageFactory(parent=location_index, title="De Krook", city="Gent")
    beginners = CoursePageFactory(parent=index, title="3D-printen voor beginners")
    start = dt.datetime(2031, 7, 1, 7, 0, tzinfo=dt.UTC)  # 09:00 in Brussels (summer time)
    course = CoursePageFactory(
        parent=index,
        title="Makerspace-opleiding",
        sessions=[
            (start, start + dt.timedelta(hours=7), "Dag 1 Inleiding en cases"),
            (
                start + dt.timedelta(days=1),
                start + dt.timedelta(days=1, hours=7),
                "Dag 2 Praktijkdag",
            ),
        ],
        location=location,
        price="120.00",
        price_note="lunch inbegrepen",
        audience=Audience.PROFESSIONALS,
        min_age=18,
        what_to_bring="Een laptop",
        machines=["3d-printer", "lasercutter"],
        prerequisite_text="Basiskennis van een computer.",
    )
    course.prerequisite_links = [CoursePrerequisite(course=beginners)]
    course.save_revision().publish()

    response = site_a.client_for().get(course.url)
    assert response.status_code == 200
    soup = soup_of(response)
    sessions = [" ".join(li.get_text().split()) for li in soup.select(".course-sessions li")]
    assert sessions[0].startswith("Dag 1 Inleiding en cases dinsdag 1 juli 2031, 09:00–16:00")
    assert "Dag 2 Praktijkdag" in sessions[1]
    assert soup.select_one(".course-sessions time")["datetime"].startswith(
        "2031-07-01T09:00:00+02:00"
    )
    details = soup.select_one("dl.details").get_text(" ", strip=True)
    for text in (
        "De Krook",
        "€ 120,00",
        "lunch inbegrepen",
        "Professionals",
        "vanaf 18 jaar",
        "3D-printer, Lasercutter",
        "Een laptop",
        "Basiskennis",
    ):
        assert text in details, text
    assert soup.select_one(f"dl.details a[href='{beginners.relative_url(site_a.site)}']")
    assert soup.select_one(f"dl.details a[href='{location.relative_url(site_a.site)}']")


def test_index_lists_upcoming_courses_of_its_own_site_with_availability(two_sites):
    site_a, site_b = two_sites
    index = CourseIndexPageFactory(parent=site_a.home)
    other = CourseIndexPageFactory(parent=site_b.home)
    CoursePageFactory(parent=index, title="Later", days_ahead=20)
    CoursePageFactory(parent=index, title="Eerst", days_ahead=3, capacity=3)
    CoursePageFactory(parent=index, title="Voorbij", days_ahead=-5)
    CoursePageFactory(parent=other, title="Elders")

    soup = soup_of(site_a.client_for().get(index.url))
    cards = soup.select(".course-list .card")
    assert [c.select_one(".card__title").get_text(strip=True) for c in cards] == ["Eerst", "Later"]
    assert (
        cards[0].select_one(".registration__availability").get_text(strip=True) == "Nog 3 plaatsen"
    )


def test_index_filters_by_machine_audience_and_month(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    start = _in_two_months()
    CoursePageFactory(
        parent=index,
        title="Printen",
        machines=["3d-printer"],
        audience=Audience.YOUTH,
        days_ahead=3,
    )
    CoursePageFactory(
        parent=index,
        title="Naaien",
        machines=["naaimachine"],
        audience=Audience.ADULTS,
        sessions=[(start, start + dt.timedelta(hours=2), "")],
    )
    client = site_a.client_for()

    def titles(**params):
        response = client.get(index.url, params)
        assert response.status_code == 200
        return [a.get_text(strip=True) for a in soup_of(response).select(".card__title a")]

    assert titles(machine="naaimachine") == ["Naaien"]
    assert titles(doelgroep="jongeren") == ["Printen"]
    assert titles(maand=f"{start:%Y-%m}") == ["Naaien"]
    assert titles(machine="3d-printer", doelgroep="volwassenen") == []


def test_invalid_filter_parameters_are_a_400_with_a_message(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    CoursePageFactory(parent=index, title="Printen", machines=["3d-printer"])
    client = site_a.client_for()
    for params in (
        {"machine": "kernreactor"},
        {"maand": "2026-13"},
        {"maand": "'; drop table"},
        {"doelgroep": "x" * 5000},
        {"maand": "1999-01"},
    ):
        response = client.get(index.url, params)
        assert response.status_code == 400, params
        soup = soup_of(response)
        assert "ongeldig" in soup.select_one("[role=alert]").get_text()
        assert [a.get_text(strip=True) for a in soup.select(".card__title a")] == ["Printen"]
    assert client.get(index.url, {"pagina": "abc"}).status_code == 200


def test_index_query_count_does_not_grow_with_courses(site_a, django_assert_max_num_queries):
    index = CourseIndexPageFactory(parent=site_a.home)
    client = site_a.client_for()
    CoursePageFactory(parent=index, machines=["3d-printer"])
    client.get(index.url)
    connection.queries_log.clear()
    with django_assert_max_num_queries(40) as few:
        client.get(index.url)
    few_count = len(few)  # the capture reads a log that is cleared below
    for _ in range(6):
        CoursePageFactory(parent=index, machines=["3d-printer", "lasercutter"])
    connection.queries_log.clear()
    with django_assert_max_num_queries(few_count):
        response = client.get(index.url)
    assert len(soup_of(response).select(".course-list .card")) == 7


def test_validation_of_ages_sessions_and_prerequisites(two_sites):
    site_a, site_b = two_sites
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home))
    foreign = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_b.home))

    course.min_age, course.max_age = 12, 8
    with pytest.raises(ValidationError) as raised:
        course.full_clean()
    assert "max_age" in raised.value.message_dict

    course.min_age = course.max_age = None
    course.prerequisite_links = [CoursePrerequisite(course=foreign)]
    with pytest.raises(ValidationError) as raised:
        course.full_clean()
    assert "eigen website" in str(raised.value)

    start = timezone.now()
    session = CourseSession(page=course, starts_at=start, ends_at=start - dt.timedelta(hours=1))
    with pytest.raises(ValidationError):
        session.full_clean()


def test_demo_courses(site_a):
    demo_courses_add(tenant=site_a.tenant)
    demo_courses_add(tenant=site_a.tenant)  # idempotent
    index = CourseIndexPage.objects.child_of(site_a.home).get()
    training = CoursePage.objects.child_of(index).get(slug="makerspace-opleiding")
    assert [s.title for s in training.registration_sessions()] == [
        "Dag 1 Inleiding en cases",
        "Dag 2 Praktijkdag",
        "Dag 3 Strategie en visie",
        "Dag 4 Community management",
    ]
    beginners = CoursePage.objects.child_of(index).get(title="3D-printen voor beginners")
    assert len(beginners.registration_sessions()) == 2
    assert CoursePage.objects.child_of(index).count() == 3
    response = site_a.client_for().get(beginners.url)
    assert "Volzet - schrijf je in op de wachtlijst" in soup_of(response).get_text()


def test_location_must_belong_to_the_same_site(two_sites):
    site_a, site_b = two_sites
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home))
    foreign_index = LocationIndexPage.objects.child_of(site_b.home).first()
    foreign = LocationPageFactory(parent=foreign_index)
    course.location = foreign
    with pytest.raises(ValidationError):
        course.full_clean()


def test_course_page_query_count_does_not_grow_with_sessions_and_registrations(
    site_a, django_assert_max_num_queries
):
    from registrations.services import registration_create
    from tests.factories.registrations import registration_data

    index = CourseIndexPageFactory(parent=site_a.home)
    small = CoursePageFactory(parent=index, machines=["3d-printer"])
    client = site_a.client_for()
    client.get(small.url)
    # CaptureQueriesContext counts in a log of at most 9000 queries; provisioning fills it
    connection.queries_log.clear()
    with django_assert_max_num_queries(60) as baseline:
        client.get(small.url)
    baseline_count = len(baseline)  # the capture reads a log that is cleared below
    start = timezone.now() + dt.timedelta(days=5)
    big = CoursePageFactory(
        parent=index,
        machines=["3d-printer", "lasercutter", "naaimachine"],
        sessions=[
            (start + dt.timedelta(days=i), start + dt.timedelta(days=i, hours=2), f"Dag {i}")
            for i in range(6)
        ],
        capacity=30,
    )
    for i in range(20):
        registration_create(page=big, data=registration_data(i))
    client.get(big.url)
    connection.queries_log.clear()
    with django_assert_max_num_queries(baseline_count):
        response = client.get(big.url)
    assert len(soup_of(response).select(".course-sessions li")) == 6


def test_editor_creates_a_course_in_the_admin_with_times_in_belgian_time(site_a, admin_client):
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from makerspace.models import Machine

    index = CourseIndexPageFactory(parent=site_a.home)
    client = admin_client(site_a.moderator)
    add_url = reverse("wagtailadmin_pages:add", args=["makerspace", "coursepage", index.pk])
    assert client.get(add_url).status_code == 200
    printer = Machine.objects.get(slug="3d-printer")
    data = nested_form_data(
        {
            "title": "Vinyl snijden",
            "slug": "vinyl-snijden",
            "intro": "Stickers en textiel.",
            "body": streamfield([]),
            "sessions": inline_formset(
                [
                    {
                        "title": "Dag 1",
                        "starts_at": "2031-01-15 19:00",
                        "ends_at": "2031-01-15 21:00",
                        "description": "",
                    }
                ]
            ),
            "prerequisite_links": inline_formset([]),
            "location_text": "Makerspace",
            "price": "5",
            "audience": "iedereen",
            "capacity": "8",
            "max_places_per_registration": "1",
            "registration_required": "on",
            "waitlist_enabled": "on",
            "action-publish": "publish",
        }
    )
    data["machines"] = [str(printer.pk)]  # a multiple choice, not a nested form
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    course = CoursePage.objects.get(slug="vinyl-snijden")
    session = course.sessions.get()
    # 19:00 in Brussels in winter is 18:00 UTC
    assert session.starts_at == dt.datetime(2031, 1, 15, 18, 0, tzinfo=dt.UTC)
    assert course.offer_starts_at == session.starts_at
    assert list(course.machines.values_list("slug", flat=True)) == ["3d-printer"]
