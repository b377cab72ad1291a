"""One seat-placement rule (registrations.services.seats.seat_fits) for a new registration, a
move and a promotion from the waiting list. These are the cases where registering and
promoting used to decide differently: promotion ignored the offer's state (it confirmed and
mailed people for a cancelled, unpublished or finished offer), and a move refused with "full"
where registering said "not enough places"."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page

from makerspace.models import CoursePage
from registrations.models import EmailKind, Registration, RegistrationStatus
from registrations.services import (
    RegistrationError,
    registration_cancel_by_editor,
    registration_capacity_change,
    registration_create,
    registration_move,
    registrations_promote,
    seat_fits,
)
from tests.factories.makerspace import CoursePageFactory
from tests.factories.registrations import registration_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_course(course_index):
    """One place: a confirmed holder and one person on the waiting list."""
    course = CoursePageFactory(parent=course_index, capacity=1)
    holder = registration_create(page=course, data=registration_data(1))
    waiting = registration_create(page=course, data=registration_data(2))
    assert (holder.status, waiting.status) == ("confirmed", "waitlisted")
    return course, holder, waiting


def _status(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.status


def test_a_cancellation_on_a_cancelled_offer_promotes_nobody(
    full_course, django_capture_on_commit_callbacks
):
    course, holder, waiting = full_course
    CoursePage.objects.filter(pk=course.pk).update(offer_cancelled=True)

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel_by_editor(registration=holder)

    assert _status(waiting) == RegistrationStatus.WAITLISTED
    assert not waiting.email_logs.filter(kind=EmailKind.PROMOTED).exists()


def test_a_capacity_raise_after_the_offer_is_over_promotes_nobody(full_course):
    course, _holder, waiting = full_course
    CoursePage.objects.filter(pk=course.pk).update(
        offer_starts_at=timezone.now() - dt.timedelta(days=3),
        offer_ends_at=timezone.now() - dt.timedelta(days=2),
    )

    assert registration_capacity_change(page=course, capacity=5) == []
    assert _status(waiting) == RegistrationStatus.WAITLISTED


def test_an_unpublished_offer_promotes_nobody(full_course):
    course, holder, waiting = full_course
    Page.objects.get(pk=course.pk).unpublish()
    CoursePage.objects.filter(pk=course.pk).update(capacity=2)

    assert registrations_promote(page=course) == []
    assert _status(waiting) == RegistrationStatus.WAITLISTED


def test_waiting_people_keep_their_turn_after_registration_closes(full_course):
    """Closing the registration period stops newcomers, not the waiting list."""
    course, holder, waiting = full_course
    CoursePage.objects.filter(pk=course.pk).update(
        registration_closes_at=timezone.now() - dt.timedelta(hours=1)
    )

    with pytest.raises(RegistrationError) as refused:
        registration_create(page=course, data=registration_data(3))
    assert refused.value.code == "closed"

    registration_cancel_by_editor(registration=holder)
    assert _status(waiting) == RegistrationStatus.CONFIRMED


def test_a_move_without_enough_places_says_so_like_registering(course_index):
    """Target without waiting list, 1 of 3 places free, 2 places asked: registering there
    answers "not_enough_places", and so does moving someone there (it used to say "full")."""
    source = CoursePageFactory(parent=course_index, capacity=5, max_places_per_registration=2)
    target = CoursePageFactory(
        parent=course_index, capacity=3, waitlist_enabled=False, max_places_per_registration=2
    )
    registration_create(page=target, data=registration_data(1, places=2))
    mover = registration_create(page=source, data=registration_data(2, places=2))

    with pytest.raises(RegistrationError) as by_registering:
        registration_create(page=target, data=registration_data(3, places=2))
    with pytest.raises(RegistrationError) as by_moving:
        registration_move(registration=mover, target=target)

    assert by_registering.value.code == by_moving.value.code == "not_enough_places"
    assert str(by_moving.value) == str(by_registering.value)
    assert _status(mover) == RegistrationStatus.CONFIRMED


def test_nobody_passes_the_head_of_the_waiting_list_by_either_path(course_index):
    """The head needs 2 places, 1 is free: neither a newcomer for 1 place nor the person
    behind the head (1 place) gets it; once 2 are free, the head is confirmed first."""
    course = CoursePageFactory(parent=course_index, capacity=3, max_places_per_registration=2)
    first = registration_create(page=course, data=registration_data(1, places=2))
    registration_create(page=course, data=registration_data(2, places=1))
    head = registration_create(page=course, data=registration_data(3, places=2))
    behind = registration_create(page=course, data=registration_data(4, places=1))
    assert (head.status, behind.status) == ("waitlisted", "waitlisted")

    registration_capacity_change(page=course, capacity=4)  # 1 place free
    newcomer = registration_create(page=course, data=registration_data(5, places=1))
    assert newcomer.status == RegistrationStatus.WAITLISTED
    assert _status(head) == _status(behind) == RegistrationStatus.WAITLISTED

    registration_cancel_by_editor(registration=first)  # 3 places free
    assert _status(head) == RegistrationStatus.CONFIRMED
    assert _status(behind) == RegistrationStatus.CONFIRMED
    assert _status(newcomer) == RegistrationStatus.WAITLISTED


@pytest.mark.parametrize(
    ("changes", "confirmed", "ahead", "places", "expected"),
    [
        ({}, 0, 0, 1, True),
        ({}, 1, 0, 1, True),
        ({}, 1, 0, 2, False),  # the places do not fit
        ({}, 0, 1, 1, False),  # somebody waits ahead
        ({"offer_cancelled": True}, 0, 0, 1, False),
        ({"live": False}, 0, 0, 1, False),
        ({"registration_required": False}, 0, 0, 1, False),
        ({"registration_closes_at": "past"}, 0, 0, 1, True),  # closed for newcomers only
        ({"offer_ends_at": "past"}, 0, 0, 1, False),
    ],
)
def test_the_rule(course_index, changes, confirmed, ahead, places, expected):
    now = timezone.now()
    course = CoursePageFactory(parent=course_index, capacity=2, max_places_per_registration=2)
    for name, value in changes.items():
        setattr(course, name, now - dt.timedelta(hours=1) if value == "past" else value)
    assert (
        seat_fits(
            offer=course, confirmed_places=confirmed, waiting_ahead=ahead, places=places, now=now
        )
        is expected
    )
