"""Routing of public requests (home.routing): the same answers as Wagtail's tree walk, in two
queries, with the view restrictions still applied."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from home import routing
from tests.factories.events import EventPageFactory, agenda_of
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db


def _page_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"wagtailcore_page"' in q["sql"]]


def test_a_page_three_levels_down_is_found_with_two_page_queries(site_a):
    section = StandardPageFactory(parent=site_a.home, title="Over ons", slug="wie-zijn-we")
    middle = StandardPageFactory(parent=section, title="Team", slug="team")
    leaf = StandardPageFactory(parent=middle, title="Directie", slug="directie")
    client = site_a.client_for()
    client.get("/")  # a warm worker
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/wie-zijn-we/team/directie/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == leaf.title
    # Wagtail's walk reads two rows per level (child, specific): six here, and the site.
    assert len(_page_queries(captured)) == 2, _page_queries(captured)
    assert not [q for q in captured.captured_queries if '"wagtailcore_site"' in q["sql"]]
    crumbs = [li.get_text(strip=True) for li in soup.select("nav.breadcrumbs li")]
    assert crumbs == ["Startpagina", "Over ons", "Team", "Directie"]
    links = [a["href"] for a in soup.select("nav.breadcrumbs li a")]
    assert links == ["/", "/wie-zijn-we/", "/wie-zijn-we/team/"]


def test_missing_unpublished_and_unknown_child_paths_are_404(site_a):
    section = StandardPageFactory(parent=site_a.home, title="Over ons", slug="wie-zijn-we")
    StandardPageFactory(parent=section, title="Concept", slug="concept", publish=False)
    client = site_a.client_for()
    assert client.get("/wie-zijn-we/").status_code == 200
    assert client.get("/wie-zijn-we/concept/").status_code == 404
    assert client.get("/wie-zijn-we/bestaat-niet/").status_code == 404
    assert client.get("/bestaat-niet/wie-zijn-we/").status_code == 404


def test_sub_routes_of_a_routable_page_and_its_children_both_answer(site_a):
    agenda = agenda_of(site_a.home)
    event = EventPageFactory(parent=agenda, title="Voorleesuur", slug="voorleesuur")
    client = site_a.client_for()
    base = agenda.relative_url(site_a.site)
    feed = client.get(f"{base}ical/")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    page = client.get(event.relative_url(site_a.site))
    assert page.status_code == 200
    assert BeautifulSoup(page.content, "html.parser").h1.get_text(strip=True) == "Voorleesuur"
    own_feed = client.get(f"{event.relative_url(site_a.site)}ical/")
    assert own_feed.status_code == 200
    assert "Voorleesuur" in own_feed.content.decode()


def test_a_password_restriction_on_an_ancestor_still_guards_the_page(site_a):
    section = StandardPageFactory(parent=site_a.home, title="Intern", slug="intern")
    leaf = StandardPageFactory(parent=section, title="Verslag", slug="verslag")
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    response = site_a.client_for().get("/intern/verslag/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", {"name": "password"}) is not None
    assert leaf.title not in (soup.h1.get_text(strip=True) if soup.h1 else "")


def test_a_login_restriction_sends_the_visitor_to_log_in(site_a):
    page = StandardPageFactory(parent=site_a.home, title="Leden", slug="leden")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = site_a.client_for().get("/leden/")
    assert response.status_code == 302


def test_a_new_hostname_of_a_site_answers_at_once_in_this_process(site_a):
    client = site_a.client_for()
    assert client.get("/").status_code == 200  # loads the map
    site = Site.objects.get(pk=site_a.site.pk)
    site.hostname = "nieuw.localhost"
    site.save()
    assert routing.site_for_hostname("nieuw.localhost").pk == site.pk
    assert routing.site_for_hostname(site_a.hostname) is None
