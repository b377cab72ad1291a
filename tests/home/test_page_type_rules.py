"""Which page types an editor may add where: the network's page types (agenda, search, map,
"in de buurt") only on the network site (the agenda on a regional site too), the catalogue and
the makerspace only on sites whose blueprint has them (BasePage.site_kinds). Wagtail's "Pagina
toevoegen" chooser, its create view and its move view all ask the same rule."""

import pytest
from django.urls import reverse

from catalogue.models import CatalogueSearchPage
from events.models import EventIndexPage
from library_pages.models import StandardPage
from makerspace.models import CourseIndexPage
from network.models import NetworkAgendaPage, NetworkSearchPage
from places.models import NearbyPage, NetworkMapPage
from sitegen.services import network_site_provision
from tests.conftest import admin_client_for
from tests.factories.html import soup_of

pytestmark = pytest.mark.django_db

NETWORK_TYPES = (NetworkAgendaPage, NetworkSearchPage, NetworkMapPage, NearbyPage)


def _offered(client, parent) -> set[str]:
    """The page types "Pagina toevoegen" offers under `parent`, as app_label.model."""
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[parent.pk]))
    prefix = "/admin/pages/add/"
    if response.status_code == 302:
        # One type only: Wagtail goes straight to its form.
        assert response["Location"].startswith(prefix)
        app_label, model = response["Location"][len(prefix) :].split("/")[:2]
        return {f"{app_label}.{model}"}
    assert response.status_code == 200
    offered = set()
    for link in soup_of(response).select(f'a[href^="{prefix}"]'):
        app_label, model = link["href"][len(prefix) :].split("/")[:2]
        offered.add(f"{app_label}.{model}")
    return offered


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def test_a_library_editor_is_not_offered_the_network_page_types(site_a):
    offered = _offered(admin_client_for(site_a.editor), site_a.home)
    assert _label(StandardPage) in offered
    for model in NETWORK_TYPES:
        assert _label(model) not in offered
    for model in NETWORK_TYPES:
        assert not model.can_create_at(site_a.home)


def test_a_central_editor_on_a_cultuurcentrum_is_not_offered_them_either(
    site_b, admin_client_central
):
    offered = _offered(admin_client_central, site_b.home)
    assert _label(StandardPage) in offered
    for model in (*NETWORK_TYPES, CatalogueSearchPage, CourseIndexPage):
        assert _label(model) not in offered


def test_a_cultuurcentrum_holds_no_catalogue_and_no_makerspace(site_a, site_b):
    # The library's blueprint has them (its catalogue exists already: max one per home).
    assert CourseIndexPage.site_kinds and CatalogueSearchPage.site_kinds
    assert not CatalogueSearchPage.can_create_at(site_b.home)
    assert not CourseIndexPage.can_create_at(site_b.home)
    assert CatalogueSearchPage.fits_site_of(site_a.home)
    assert CourseIndexPage.fits_site_of(site_a.home)


def test_the_create_view_refuses_a_network_page_on_a_library(site_a, admin_client_central):
    url = reverse("wagtailadmin_pages:add", args=["network", "networkagendapage", site_a.home.pk])
    response = admin_client_central.post(url, {"title": "Agenda", "slug": "netwerkagenda"})
    assert response.status_code in (302, 403)
    assert not NetworkAgendaPage.objects.descendant_of(site_a.home).exists()


def test_a_page_type_rule_keeps_a_page_from_moving_to_another_kind(site_a, site_b):
    catalogue = CatalogueSearchPage.objects.descendant_of(site_a.home).first()
    assert catalogue is not None
    assert not catalogue.can_move_to(site_b.home)
    # A page type without a rule moves as Wagtail allows.
    assert EventIndexPage.site_kinds == ()


def test_the_network_site_may_hold_them(site_a, admin_client_central):
    tenant = network_site_provision(hostname="netwerk.testserver").tenant
    home = tenant.site.root_page.specific
    # Its blueprint placed one of each (max one per home), so none is offered again...
    for model in NETWORK_TYPES:
        assert model.objects.child_of(home).count() == 1
        assert model.fits_site_of(home)
    # ...and once removed, it is offered there.
    NetworkSearchPage.objects.child_of(home).get().delete()
    assert _label(NetworkSearchPage) in _offered(admin_client_central, home)
    assert NetworkSearchPage.can_create_at(home)
