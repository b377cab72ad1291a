"""A move takes the whole subtree along: every page in it must fit the destination's kind of
site (BasePage.site_kinds), not only the page that is moved. Wagtail's move chooser, its
confirmation and the move itself ask BasePage.can_move_to; the confirmation says why in Dutch
(home.wagtail_hooks.move_only_where_the_subtree_fits)."""

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from catalogue.models import CatalogueSearchPage
from library_pages.models import StandardPage
from makerspace.models import CourseIndexPage
from tests.factories.html import soup_of
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db


def _move_confirm(page, destination) -> str:
    return reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk])


def _parent_of(page) -> Page:
    return Page.objects.get(pk=page.pk).get_parent()


@pytest.fixture
def library_folder(site_a) -> StandardPage:
    """A library folder page ("Aanbod") with its makerspace under it, as an editor may build
    it: the course overview may stand under any page of a library."""
    folder = StandardPageFactory(parent=site_a.home, title="Aanbod", slug="aanbod")
    courses = CourseIndexPageFactory(parent=folder, slug="makerspace-aanbod")
    CoursePageFactory(parent=courses)
    return Page.objects.get(pk=folder.pk).specific


@pytest.fixture
def catalogue_folder(site_a) -> StandardPage:
    """A library folder page with a catalogue page under it (placed by code: the editor's
    chooser offers the catalogue under the home page only)."""
    folder = StandardPageFactory(parent=site_a.home, title="Zoeken", slug="zoeken-map")
    folder.add_child(instance=CatalogueSearchPage(title="Catalogus", slug="catalogus-map"))
    return Page.objects.get(pk=folder.pk).specific


def test_a_library_subtree_with_a_catalogue_may_not_move_to_a_cultuurcentrum(
    catalogue_folder, site_b, central_editor
):
    # The folder's own type has no rule: only the page under it stands in the way.
    assert StandardPage.fits_site_of(site_b.home)
    assert catalogue_folder.subtree_misfits(site_b.home) == [CatalogueSearchPage]
    assert not catalogue_folder.can_move_to(site_b.home)
    assert not catalogue_folder.permissions_for_user(central_editor).can_move_to(site_b.home)


def test_the_confirmation_refuses_the_move_with_a_dutch_message(
    catalogue_folder, site_a, site_b, admin_client_central
):
    url = _move_confirm(catalogue_folder, site_b.home)
    for response in (admin_client_central.get(url), admin_client_central.post(url)):
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "wagtailadmin_pages:move", args=[catalogue_folder.pk]
        )
        queued = list(messages.get_messages(response.wsgi_request))
        assert queued and queued[-1].level == messages.ERROR
        text = str(queued[-1])
        destination = site_b.home.get_admin_display_title()
        assert f"„Zoeken” kan niet naar „{destination}” verplaatst worden" in text
        assert "is een catalogus" in text
    assert _parent_of(catalogue_folder).pk == site_a.home.pk
    assert CatalogueSearchPage.objects.descendant_of(site_b.home).count() == 0


def test_the_message_is_shown_on_the_move_chooser(catalogue_folder, site_b, admin_client_central):
    response = admin_client_central.get(_move_confirm(catalogue_folder, site_b.home), follow=True)
    assert response.status_code == 200
    shown = " ".join(soup_of(response).get_text(" ").split())
    assert "verplaatst worden: „Zoeken” of een pagina eronder is een catalogus" in shown


def test_a_makerspace_in_a_library_folder_stays_in_libraries(
    library_folder, site_a, site_b, admin_client_central
):
    assert not library_folder.can_move_to(site_b.home)
    response = admin_client_central.post(_move_confirm(library_folder, site_b.home))
    assert response.status_code == 302
    assert _parent_of(library_folder).pk == site_a.home.pk
    assert CourseIndexPage.objects.descendant_of(site_b.home).count() == 0
    queued = list(messages.get_messages(response.wsgi_request))
    assert "is een overzicht van makerspace-cursussen" in str(queued[-1])


def test_a_subtree_without_rules_moves_to_a_cultuurcentrum(site_a, site_b, admin_client_central):
    folder = StandardPageFactory(parent=site_a.home, title="Over ons", slug="over-ons-map")
    child = StandardPageFactory(parent=folder, slug="geschiedenis")
    folder = Page.objects.get(pk=folder.pk).specific
    assert folder.subtree_misfits(site_b.home) == []
    response = admin_client_central.post(_move_confirm(folder, site_b.home))
    assert response.status_code == 302
    assert response["Location"] != reverse("wagtailadmin_pages:move", args=[folder.pk])
    assert _parent_of(folder).pk == site_b.home.pk
    assert _parent_of(child).pk == folder.pk
    assert Page.objects.get(pk=child.pk).url_path.startswith(site_b.home.url_path)


def test_a_subtree_with_a_makerspace_moves_within_the_library(
    library_folder, site_a, admin_client_central
):
    other = StandardPageFactory(parent=site_a.home, title="Doen", slug="doen")
    response = admin_client_central.post(_move_confirm(library_folder, other))
    assert response.status_code == 302
    assert _parent_of(library_folder).pk == other.pk
    assert CourseIndexPage.objects.descendant_of(other).count() == 1


def test_the_subtree_page_types_cost_one_query_whatever_its_size(library_folder, site_b):
    courses = CourseIndexPage.objects.descendant_of(library_folder).get()
    for _ in range(5):
        CoursePageFactory(parent=courses)
    StandardPageFactory(parent=library_folder)
    folder = Page.objects.get(pk=library_folder.pk).specific
    with CaptureQueriesContext(connection) as queries:
        restricted = folder.subtree_restricted_types
    assert len(queries) == 1
    assert restricted == [CourseIndexPage]
    # The move chooser asks for every destination it lists: the subtree is read once.
    assert not folder.can_move_to(site_b.home)
    with CaptureQueriesContext(connection) as queries:
        assert folder.subtree_restricted_types == [CourseIndexPage]
    assert len(queries) == 0
