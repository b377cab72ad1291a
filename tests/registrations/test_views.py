"""The visitor's form on a course page: availability, registering, bad input, spam."""

import pytest
from django.core import mail

from registrations.models import Registration, RegistrationStatus
from registrations.services import RATE_LIMIT_COUNT
from tests.factories.html import soup_of
from tests.factories.makerspace import CoursePageFactory

pytestmark = pytest.mark.django_db

VALID = {"name": "Jan Peeters", "email": "jan@example.org", "places": "1", "consent": "on"}


def post(client, course, **changes):
    data = {**VALID, **changes}
    return client.post(
        f"{course.url}inschrijven/", {k: v for k, v in data.items() if v is not None}
    )


def alert(response) -> str:
    node = soup_of(response).select_one("#inschrijven [role=alert], main [role=alert]")
    return node.get_text(" ", strip=True) if node else ""


def test_page_shows_places_left_and_an_accessible_form(site_a, course):
    response = site_a.client_for().get(course.url)
    soup = soup_of(response)
    box = soup.select_one("section#inschrijven")
    assert box.select_one(".registration__availability").get_text(strip=True) == "Nog 10 plaatsen"
    form = box.select_one("form")
    # the anchor brings the visitor back to the form and its messages after posting
    assert form["action"] == f"{course.relative_url(site_a.site)}inschrijven/#inschrijven"
    for name in ("name", "email", "phone", "remarks", "consent", "parent_name", "parent_email"):
        field = form.select_one(f"[name={name}]")
        assert soup.select_one(f"label[for={field['id']}]"), name
    honeypot = form.select_one("[name=website]")
    assert honeypot["tabindex"] == "-1"
    assert honeypot.find_parent(attrs={"aria-hidden": "true"})
    assert "privacyverklaring" in box.get_text().lower()
    # one place per registration: the field is hidden
    assert form.select_one("[name=places]")["type"] == "hidden"


def test_registering_confirms_and_mails(site_a, course, mail_on_commit):
    response = mail_on_commit(post, site_a.client_for(), course)
    assert response.status_code == 200
    assert soup_of(response).select_one("h1").get_text(strip=True) == "Je bent ingeschreven"
    registration = Registration.objects.get()
    assert (registration.name, registration.email, registration.site) == (
        "Jan Peeters",
        "jan@example.org",
        site_a.site,
    )
    assert registration.consent_at is not None
    assert len(mail.outbox) == 1


def test_full_course_offers_the_waiting_list_and_tells_the_position(site_a, course_index):
    course = CoursePageFactory(parent=course_index, capacity=1)
    client = site_a.client_for()
    post(client, course, email="eerste@example.org")
    page = soup_of(client.get(course.url))
    assert (
        page.select_one(".registration__availability")
        .get_text(strip=True)
        .startswith("Volzet - schrijf je in op de wachtlijst")
    )
    assert page.select_one("#inschrijven button").get_text(strip=True) == "Zet me op de wachtlijst"
    response = post(client, course, email="tweede@example.org")
    assert soup_of(response).select_one("h1").get_text(strip=True) == "Je staat op de wachtlijst"
    assert "plaats 1 van de wachtlijst" in soup_of(response).get_text()


def test_double_submit_says_already_registered(site_a, course):
    client = site_a.client_for()
    post(client, course)
    response = post(client, course, email="JAN@example.org")
    assert response.status_code == 409
    assert "Je bent al ingeschreven" in alert(response)
    assert Registration.objects.count() == 1


BAD_FORMS = [
    ({"name": ""}, "Vul je naam in"),
    ({"name": "x" * 5000}, "te lang"),
    ({"name": "Jan\x00Peeters"}, "ongeldige tekens"),
    ({"email": "jan@"}, "geldig e-mailadres"),
    ({"email": None}, "Vul je e-mailadres in"),
    ({"places": "0"}, "minstens 1"),
    ({"places": "-2"}, "minstens 1"),
    ({"places": "99999999999999999999999"}, "maximaal"),
    ({"places": "drie"}, "geldig aantal"),
    ({"consent": None}, "toestemming"),
    ({"is_minor": "on"}, "ouder of voogd"),
    ({"remarks": "a" * 3000}, "Maximaal 2000"),
]


def test_bad_input_gets_a_dutch_message_and_no_registration(site_a, course):
    client = site_a.client_for()
    for number, (changes, message) in enumerate(BAD_FORMS):
        client.defaults["REMOTE_ADDR"] = f"10.0.0.{number}"  # stay under the rate limit
        response = post(client, course, **changes)
        assert response.status_code == 400, changes
        assert "Controleer de gemarkeerde velden" in alert(response)
        assert message in soup_of(response).select_one("#inschrijven").get_text(), changes
    assert not Registration.objects.exists()


def test_registering_for_a_past_or_cancelled_course_is_refused(site_a, course_index):
    client = site_a.client_for()
    past = CoursePageFactory(parent=course_index, days_ahead=-2)
    cancelled = CoursePageFactory(parent=course_index, offer_cancelled=True)
    assert "voorbij" in alert(post(client, past))
    response = post(client, cancelled)
    assert response.status_code == 400
    assert "geannuleerd" in alert(response)
    assert not Registration.objects.exists()
    # no form on such pages
    assert soup_of(client.get(past.url)).select_one("#inschrijven form") is None


def test_unpublished_course_is_not_served(site_a, course_index):
    course = CoursePageFactory(parent=course_index)
    course.unpublish()
    response = post(site_a.client_for(), course)
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_honeypot_refuses_silently_for_people(site_a, course):
    response = post(site_a.client_for(), course, website="http://spam.example")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_rate_limit_per_client_address(site_a, course):
    client = site_a.client_for()
    for i in range(RATE_LIMIT_COUNT):
        post(client, course, email=f"persoon{i}@example.org")
    response = post(client, course, email="nog-een@example.org")
    assert response.status_code == 429
    assert "Te veel inschrijvingen" in alert(response)
    assert Registration.objects.count() == RATE_LIMIT_COUNT
    other = site_a.client_for()
    other.defaults["REMOTE_ADDR"] = "10.1.2.3"
    assert post(other, course, email="ander@example.org").status_code == 200


def test_several_places_when_the_course_allows_it(site_a, course_index):
    course = CoursePageFactory(parent=course_index, capacity=5, max_places_per_registration=3)
    client = site_a.client_for()
    form = soup_of(client.get(course.url)).select_one("#inschrijven form")
    assert form.select_one("[name=places]")["max"] == "3"
    post(client, course, places="3")
    assert Registration.objects.get().places == 3
    assert "Nog 2 plaatsen" in soup_of(client.get(course.url)).get_text()
    assert post(client, course, email="b@example.org", places="4").status_code == 400


def test_get_on_the_register_url_goes_to_the_form(site_a, course):
    response = site_a.client_for().get(f"{course.url}inschrijven/")
    assert response.status_code == 302
    assert response["Location"] == f"{course.relative_url(site_a.site)}#inschrijven"


def test_cancelled_status_is_used_by_promotion_counts(site_a, course_index):
    course = CoursePageFactory(parent=course_index, capacity=1)
    client = site_a.client_for()
    post(client, course, email="a@example.org")
    post(client, course, email="b@example.org")
    assert list(Registration.objects.values_list("status", flat=True).order_by("pk")) == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]


def test_form_posts_to_the_site_being_served_in_a_network(two_sites):
    # with several sites page.url is absolute (default port); the form must stay on the host
    site_a, _site_b = two_sites
    from tests.factories.makerspace import CourseIndexPageFactory

    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home))
    client = site_a.client_for()
    page = soup_of(client.get(course.get_url()))
    action = page.select_one("#inschrijven form")["action"]
    assert action.startswith("/") and action.endswith("/inschrijven/#inschrijven")
    response = client.get(action.split("#")[0])
    assert response.status_code == 302 and response["Location"].startswith("/")


FIELDS_FRAGMENT = "registrations/includes/registration_fields.html"


def _form_without_token(response) -> str:
    """The form's HTML but its signed token (which carries the time it was made)."""
    form = soup_of(response).select_one("#inschrijven form")
    form.select_one("[name=pagecache_form]").decompose()
    return str(form)


def test_unbound_form_fields_come_from_the_cache_per_number_of_places(site_a, course_index):
    one = CoursePageFactory(parent=course_index, capacity=5, max_places_per_registration=1)
    three = CoursePageFactory(parent=course_index, capacity=5, max_places_per_registration=3)
    client = site_a.client_for()
    first = client.get(one.url)
    assert FIELDS_FRAGMENT in [template.name for template in first.templates]
    again = client.get(one.url)
    assert FIELDS_FRAGMENT not in [template.name for template in again.templates]
    assert _form_without_token(again) == _form_without_token(first)
    assert soup_of(again).select_one("#inschrijven [name=places]")["type"] == "hidden"
    # another number of places is another fragment
    places = soup_of(client.get(three.url)).select_one("#inschrijven [name=places]")
    assert places["type"] == "number" and places["max"] == "3"


def test_a_refused_form_is_rendered_with_its_values_and_errors_after_a_cached_one(site_a, course):
    client = site_a.client_for()
    client.get(course.url)  # the unbound fields are cached
    response = post(client, course, email="geen-adres", name="Jan Peeters")
    assert response.status_code == 400
    box = soup_of(response).select_one("#inschrijven")
    assert box.select_one("[name=name]")["value"] == "Jan Peeters"
    assert box.select_one("[name=email]")["value"] == "geen-adres"
    assert "Geef een geldig e-mailadres" in box.get_text()
