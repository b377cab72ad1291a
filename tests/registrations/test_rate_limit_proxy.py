"""Rate limit and login lockout behind a trusted proxy: keyed on the real client (and, for
registrations, on the site), never on the proxy every visitor shares."""

import pytest
from django.test import override_settings

from registrations.models import Registration
from registrations.services import RATE_LIMIT_COUNT
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_behind_proxy")]

PROXY = "10.20.30.40"
VALID = {"name": "Jan Peeters", "email": "jan@example.org", "places": "1", "consent": "on"}


@pytest.fixture
def _behind_proxy():
    with override_settings(TRUSTED_PROXIES=["10.20.0.0/16"]):
        yield


def post(client, course, *, email: str, forwarded_for: str | None, remote_addr: str = PROXY):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(f"{course.url}inschrijven/", {**VALID, "email": email}, **headers)


@pytest.fixture
def big_course(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    return CoursePageFactory(parent=index, capacity=100)


def test_eleven_clients_behind_one_proxy_each_have_their_budget(site_a, big_course):
    client = site_a.client_for()
    attempts = RATE_LIMIT_COUNT + 1
    statuses = [
        post(
            client, big_course, email=f"p{i}@example.org", forwarded_for=f"198.51.100.{i}"
        ).status_code
        for i in range(attempts)
    ]
    assert statuses == [200] * attempts
    assert Registration.objects.count() == attempts


def test_one_client_behind_the_proxy_hits_the_limit(site_a, big_course):
    client = site_a.client_for()
    statuses = [
        # the client's own fake prefix changes every time; the proxy-appended address does not
        post(
            client, big_course, email=f"p{i}@example.org", forwarded_for=f"1.1.1.{i}, 198.51.100.7"
        ).status_code
        for i in range(RATE_LIMIT_COUNT + 1)
    ]
    assert statuses == [200] * RATE_LIMIT_COUNT + [429]
    # another visitor behind the same proxy is not affected
    other = post(client, big_course, email="ander@example.org", forwarded_for="198.51.100.8")
    assert other.status_code == 200


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(site_a, big_course):
    client = site_a.client_for()
    statuses = [
        post(
            client,
            big_course,
            email=f"p{i}@example.org",
            forwarded_for=f"198.51.100.{i}",
            remote_addr="203.0.113.9",
        ).status_code
        for i in range(RATE_LIMIT_COUNT + 1)
    ]
    assert statuses[-1] == 429
    assert Registration.objects.count() == RATE_LIMIT_COUNT


def test_the_same_client_has_a_budget_per_site(two_sites):
    site_a, site_b = two_sites
    course_a = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home), capacity=50)
    course_b = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_b.home), capacity=50)
    client_a, client_b = site_a.client_for(), site_b.client_for()
    statuses = [
        post(
            client_a, course_a, email=f"a{i}@example.org", forwarded_for="198.51.100.7"
        ).status_code
        for i in range(RATE_LIMIT_COUNT + 1)
    ]
    assert statuses[-1] == 429
    response = post(client_b, course_b, email="b@example.org", forwarded_for="198.51.100.7")
    assert response.status_code == 200
    assert Registration.objects.filter(site=site_b.site).count() == 1


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_axes_locks_out_the_real_client_only(client):
    from axes.models import AccessAttempt

    UserFactory(username="centraal", password="juist-wachtwoord-123", is_superuser=True)

    def login(password: str, forwarded_for: str):
        return client.post(
            "/admin/login/",
            {"username": "centraal", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for _ in range(2):
        assert login("fout", "198.51.100.7").status_code == 200  # the form again
    assert login("fout", "198.51.100.7").status_code == 429  # the third failure locks
    assert login("juist-wachtwoord-123", "198.51.100.7").status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]
    # the same account from another visitor behind the same proxy still logs in
    response = login("juist-wachtwoord-123", "198.51.100.8")
    assert response.status_code == 302
