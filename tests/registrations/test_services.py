"""The engine's rules: validation, states, waiting list, promotion, capacity, move, tokens."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from registrations.models import Registration, RegistrationStatus
from registrations.selectors import OfferState, offer_availability
from registrations.services import (
    RegistrationError,
    registration_cancel,
    registration_cancel_by_editor,
    registration_capacity_change,
    registration_create,
    registration_move,
    registration_token,
    registrations_promote,
)
from tests.factories.makerspace import CoursePageFactory, session_times
from tests.factories.registrations import registration_data

pytestmark = pytest.mark.django_db


def test_confirms_while_places_last_then_waiting_list_in_order(course_index):
    course = CoursePageFactory(parent=course_index, capacity=2)
    results = [registration_create(page=course, data=registration_data(i)) for i in range(4)]

    assert [r.status for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r.waitlist_position for r in results] == [None, None, 1, 2]
    availability = offer_availability(page=course)
    assert availability.state == OfferState.WAITLIST
    assert availability.label == "Volzet - schrijf je in op de wachtlijst"


def test_availability_label_counts_free_places(course):
    registration_create(page=course, data=registration_data(1, places=1))
    for i in range(6):
        registration_create(page=course, data=registration_data(10 + i))
    assert offer_availability(page=course).label == "Nog 3 plaatsen"


BAD_INPUT = [
    ({"name": ""}, "required"),
    ({"name": "   "}, "required"),
    ({"name": "a" * 201}, "too_long"),
    ({"name": "Jan\x00"}, "invalid_text"),
    ({"email": "geen-adres"}, "invalid_email"),
    ({"email": "a@" + "b" * 260 + ".be"}, "too_long"),
    ({"places": 0}, "places"),
    ({"places": -3}, "places"),
    ({"places": 10**12}, "places"),
    ({"places": "2"}, "places"),
    ({"remarks": "x" * 2001}, "too_long"),
    ({"consent": False}, "consent"),
    ({"is_minor": True, "parent_name": "", "parent_email": "ouder@example.org"}, "required"),
    ({"is_minor": True, "parent_name": "Ouder", "parent_email": "fout"}, "invalid_email"),
]


def test_bad_input_is_refused_with_a_dutch_message(course):
    # one course for every case: provisioning a site per case would dominate the runtime
    for overrides, code in BAD_INPUT:
        with pytest.raises(RegistrationError) as raised:
            registration_create(page=course, data=registration_data(1, **overrides))
        assert raised.value.code == code, overrides
        assert raised.value.message
    assert not Registration.objects.exists()


def test_more_places_than_allowed_are_refused(course_index):
    course = CoursePageFactory(parent=course_index, capacity=10, max_places_per_registration=3)
    assert registration_create(page=course, data=registration_data(1, places=3)).places == 3
    with pytest.raises(RegistrationError, match="1 tot 3 plaatsen"):
        registration_create(page=course, data=registration_data(2, places=4))


def test_same_address_twice_is_refused_case_insensitively(course):
    registration_create(page=course, data=registration_data(1, email="Jan@Example.org"))
    with pytest.raises(RegistrationError) as raised:
        registration_create(page=course, data=registration_data(2, email="jan@example.org"))
    assert raised.value.code == "duplicate"
    assert "Je bent al ingeschreven" in raised.value.message
    assert Registration.objects.count() == 1


def test_after_cancelling_the_same_address_may_register_again(course):
    first = registration_create(page=course, data=registration_data(1))
    registration_cancel(token=registration_token(registration=first))
    again = registration_create(page=course, data=registration_data(1))
    assert again.status == RegistrationStatus.CONFIRMED


def test_offers_that_do_not_accept_registrations(course_index):
    past = CoursePageFactory(parent=course_index, days_ahead=-3)
    cancelled = CoursePageFactory(parent=course_index, offer_cancelled=True)
    full = CoursePageFactory(parent=course_index, capacity=1, waitlist_enabled=False)
    registration_create(page=full, data=registration_data(1))
    unpublished = CoursePageFactory(parent=course_index, publish=False)
    unpublished.live = False
    unpublished.save()
    not_open = CoursePageFactory(
        parent=course_index, registration_opens_at=timezone.now() + dt.timedelta(days=2)
    )
    closed = CoursePageFactory(
        parent=course_index, registration_closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    expected = {
        past: ("past", "voorbij"),
        cancelled: ("cancelled", "geannuleerd"),
        full: ("full", "volzet"),
        unpublished: ("unpublished", "niet mogelijk"),
        not_open: ("not_yet_open", "nog niet geopend"),
        closed: ("closed", "afgesloten"),
    }
    for page, (code, words) in expected.items():
        with pytest.raises(RegistrationError) as raised:
            registration_create(page=page, data=registration_data(99))
        assert raised.value.code == code
        assert words in raised.value.message.lower()
    assert Registration.objects.count() == 1


def test_a_group_that_does_not_fit_is_told_so_without_waiting_list(course_index):
    course = CoursePageFactory(
        parent=course_index, capacity=3, waitlist_enabled=False, max_places_per_registration=4
    )
    registration_create(page=course, data=registration_data(1, places=2))
    with pytest.raises(RegistrationError) as raised:
        registration_create(page=course, data=registration_data(2, places=2))
    assert raised.value.code == "not_enough_places"


def test_cancelling_promotes_the_first_in_line_and_closes_the_gap(course_index):
    course = CoursePageFactory(parent=course_index, capacity=1)
    holder = registration_create(page=course, data=registration_data(1))
    first, second, third = (
        registration_create(page=course, data=registration_data(i)) for i in (2, 3, 4)
    )

    registration_cancel(token=registration_token(registration=holder))

    for registration in (holder, first, second, third):
        registration.refresh_from_db()
    assert holder.status == RegistrationStatus.CANCELLED
    assert first.status == RegistrationStatus.CONFIRMED and first.waitlist_position is None
    assert (second.waitlist_position, third.waitlist_position) == (1, 2)


def test_cancelling_from_the_waiting_list_closes_the_gap(course_index):
    course = CoursePageFactory(parent=course_index, capacity=1)
    registration_create(page=course, data=registration_data(1))
    waiting = [registration_create(page=course, data=registration_data(i)) for i in (2, 3, 4)]
    registration_cancel_by_editor(registration=waiting[0])
    positions = [Registration.objects.get(pk=r.pk).waitlist_position for r in waiting[1:]]
    assert positions == [1, 2]


def test_promotion_is_strictly_first_in_first_out(course_index):
    course = CoursePageFactory(parent=course_index, capacity=2, max_places_per_registration=2)
    holder = registration_create(page=course, data=registration_data(1, places=1))
    registration_create(page=course, data=registration_data(2, places=1))
    group = registration_create(page=course, data=registration_data(3, places=2))
    single = registration_create(page=course, data=registration_data(4, places=1))

    registration_cancel_by_editor(registration=holder)

    group.refresh_from_db()
    single.refresh_from_db()
    # one place free: the group (first in line) does not fit, and nobody passes it
    assert group.status == RegistrationStatus.WAITLISTED and group.waitlist_position == 1
    assert single.status == RegistrationStatus.WAITLISTED and single.waitlist_position == 2


def test_raising_capacity_promotes_and_lowering_keeps_confirmed_people(course_index):
    course = CoursePageFactory(parent=course_index, capacity=1)
    registrations = [registration_create(page=course, data=registration_data(i)) for i in range(4)]

    promoted = registration_capacity_change(page=course, capacity=3)

    assert [p.pk for p in promoted] == [registrations[1].pk, registrations[2].pk]
    course.refresh_from_db()
    assert course.capacity == 3
    assert course.get_latest_revision_as_object().capacity == 3
    registration_capacity_change(page=course, capacity=1)
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 3
    late = registration_create(page=course, data=registration_data(9))
    assert late.status == RegistrationStatus.WAITLISTED


def test_capacity_change_refuses_nonsense(course):
    for capacity in (-1, 100_001, "5", True):
        with pytest.raises(RegistrationError):
            registration_capacity_change(page=course, capacity=capacity)
    course.refresh_from_db()
    assert course.capacity == 10


def test_publishing_a_higher_capacity_promotes(course_index):
    course = CoursePageFactory(parent=course_index, capacity=1)
    registration_create(page=course, data=registration_data(1))
    waiting = registration_create(page=course, data=registration_data(2))
    course.capacity = 2
    course.save_revision().publish()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_nothing_is_promoted_while_no_place_is_free(course_index):
    course = CoursePageFactory(parent=course_index, capacity=1)
    registration_create(page=course, data=registration_data(1))
    registration_create(page=course, data=registration_data(2))
    assert registrations_promote(page=course) == []


def test_move_to_another_course_frees_the_place(course_index):
    source = CoursePageFactory(parent=course_index, capacity=1)
    target = CoursePageFactory(parent=course_index, capacity=5)
    mover = registration_create(page=source, data=registration_data(1))
    waiting = registration_create(page=source, data=registration_data(2))

    moved = registration_move(registration=mover, target=target)

    mover.refresh_from_db()
    waiting.refresh_from_db()
    assert moved.page_id == target.pk and moved.status == RegistrationStatus.CONFIRMED
    assert moved.email == mover.email
    assert mover.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_move_refuses_a_duplicate_on_the_target(course_index):
    source = CoursePageFactory(parent=course_index)
    target = CoursePageFactory(parent=course_index)
    mover = registration_create(page=source, data=registration_data(1))
    registration_create(page=target, data=registration_data(1))
    with pytest.raises(RegistrationError) as raised:
        registration_move(registration=mover, target=target)
    assert raised.value.code == "duplicate"
    mover.refresh_from_db()
    assert mover.status == RegistrationStatus.CONFIRMED


def test_forged_tokens_are_refused(course):
    registration = registration_create(page=course, data=registration_data(1))
    for token in ["", "onzin", "x" * 500, "WzEsImFiYyJd:1vQ3:deadbeef", "../../etc/passwd"]:
        with pytest.raises(RegistrationError) as raised:
            registration_cancel(token=token)
        assert raised.value.code == "invalid_token"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_token_signed_for_another_nonce_is_refused(course):
    from registrations.services import _token_signer

    registration = registration_create(page=course, data=registration_data(1))
    token = registration_token(registration=registration)
    assert re.fullmatch(r"[\w-]+", token) and len(token) < 80
    value = f"{registration.pk}x{'g' * 16}"  # a guessed nonce, correctly signed
    with pytest.raises(RegistrationError):
        registration_cancel(token=value + _token_signer().signature(value))
    other = f"{registration.pk + 1}x{registration.token[:16]}"  # another id, old signature
    with pytest.raises(RegistrationError):
        registration_cancel(token=other + token[len(other) :])


def test_a_replayed_token_says_already_cancelled(course):
    registration = registration_create(page=course, data=registration_data(1))
    token = registration_token(registration=registration)
    registration_cancel(token=token)
    with pytest.raises(RegistrationError) as raised:
        registration_cancel(token=token)
    assert raised.value.code == "already_cancelled"


def test_a_token_of_another_course_is_refused_on_this_course(course_index):
    one = CoursePageFactory(parent=course_index)
    other = CoursePageFactory(parent=course_index)
    registration = registration_create(page=one, data=registration_data(1))
    with pytest.raises(RegistrationError):
        registration_cancel(token=registration_token(registration=registration), page=other)


def test_schedule_fields_follow_the_sessions(course_index):
    times = session_times(days_ahead=5, count=3)
    course = CoursePageFactory(
        parent=course_index,
        sessions=[(start, end, f"Dag {i}") for i, (start, end) in enumerate(times)],
    )
    course.refresh_from_db()
    assert course.offer_starts_at == times[0][0]
    assert course.offer_ends_at == times[-1][1]


def test_message_to_participants_refuses_header_injection(course):
    from registrations.services import registrations_message

    registration_create(page=course, data=registration_data(1))
    with pytest.raises(RegistrationError):
        registrations_message(page=course, subject="Hallo\nBcc: iedereen@example.org", body="x")
    with pytest.raises(RegistrationError):
        registrations_message(page=course, subject="Hallo", body="")
