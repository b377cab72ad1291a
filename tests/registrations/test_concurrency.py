"""Races on PostgreSQL: every seat change locks the offer row, so no count can go stale.

Each thread has its own database connection (Django connections are per thread) and closes it
at the end; a barrier releases all threads at once.
"""

import threading
from collections import Counter

import pytest
from django.db import connection

from registrations.models import Registration, RegistrationStatus
from registrations.services import (
    RegistrationError,
    registration_cancel,
    registration_create,
    registration_token,
)
from tests.conftest import postgres_only
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.registrations import registration_data

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROUNDS = 3


def race(count: int, action) -> tuple[list, list[BaseException]]:
    """Run action(i) in `count` threads released together; (results, unexpected errors)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = action(i)
        except RegistrationError as error:
            results[i] = error
        except BaseException as error:  # noqa: BLE001 - every other failure is a test failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results, errors


def statuses(course) -> Counter:
    return Counter(Registration.objects.filter(page=course).values_list("status", flat=True))


def test_fifty_racers_for_ten_seats_in_every_round(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    for round_number in range(ROUNDS):
        course = CoursePageFactory(parent=index, capacity=10, waitlist_enabled=True)

        results, errors = race(
            50,
            lambda i, course=course, r=round_number: registration_create(
                page=course, data=registration_data(1000 * r + i)
            ),
        )

        assert errors == []
        assert not [r for r in results if isinstance(r, RegistrationError)]
        counts = statuses(course)
        assert counts[RegistrationStatus.CONFIRMED] == 10
        assert counts[RegistrationStatus.WAITLISTED] == 40
        positions = sorted(
            Registration.objects.filter(
                page=course, status=RegistrationStatus.WAITLISTED
            ).values_list("waitlist_position", flat=True)
        )
        assert positions == list(range(1, 41))


def test_twenty_simultaneous_submissions_of_one_address_make_one_registration(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    course = CoursePageFactory(parent=index, capacity=10)

    results, errors = race(
        20,
        lambda i: registration_create(
            page=course,
            # the same address written differently: the index is on lower(email)
            data=registration_data(
                name=f"Dubbel {i}", email="Dubbel@Example.org" if i % 2 else "dubbel@example.org"
            ),
        ),
    )

    assert errors == []
    assert Registration.objects.filter(page=course).count() == 1
    refused = [r for r in results if isinstance(r, RegistrationError)]
    assert len(refused) == 19
    assert {r.code for r in refused} == {"duplicate"}
    assert "al ingeschreven" in refused[0].message


def test_cancellations_racing_registrations_never_oversell_and_promote_first_in_line(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    course = CoursePageFactory(parent=index, capacity=10)
    confirmed = [registration_create(page=course, data=registration_data(i)) for i in range(10)]
    waiting = [registration_create(page=course, data=registration_data(100 + i)) for i in range(5)]
    assert [w.waitlist_position for w in waiting] == [1, 2, 3, 4, 5]
    tokens = [registration_token(registration=r) for r in confirmed[:5]]

    def action(i: int):
        if i < 5:
            return registration_cancel(token=tokens[i])
        return registration_create(page=course, data=registration_data(200 + i))

    results, errors = race(25, action)

    assert errors == []
    counts = statuses(course)
    confirmed_places = sum(
        Registration.objects.filter(page=course, status=RegistrationStatus.CONFIRMED).values_list(
            "places", flat=True
        )
    )
    assert confirmed_places == 10
    assert counts[RegistrationStatus.CANCELLED] == 5
    # the five who waited before the race got the five freed seats, whatever the interleaving
    for registration in waiting:
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.CONFIRMED
    # the twenty newcomers wait, with dense positions
    positions = sorted(
        Registration.objects.filter(page=course, status=RegistrationStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, 21))
