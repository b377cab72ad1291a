"""Site-aware permission policies (home.permissions): a site-owned row is decided by its
model's policy, and the viewsets built with SiteScopedViewSetMixin scope their listing and
every object lookup, so another site's id answers 404 with nothing of it in the answer.

Per viewset: the UiTdatabank import runs (the project's ModelViewSet of a site-owned model)
over HTTP; every generic view class Wagtail's ModelViewSet builds (edit, delete, inspect,
history, usage, copy) on a site-owned model (registrations) through the mixin; bulk actions
and editing sessions through the middleware, which asks the same policy."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from events.models import ImportRun
from home.permissions import SiteOwnedPermissionPolicy, SiteScopedViewSetMixin, objects_permitted
from registrations.models import Registration
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.registrations import RegistrationFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/agenda-imports/"


@pytest.fixture
def runs(two_sites):
    site_a, site_b = two_sites
    run_a = ImportRun.objects.create(site=site_a.site, source="gent-bron.json", seen=3)
    run_b = ImportRun.objects.create(site=site_b.site, source="strombeekgeheim.json", seen=7)
    return run_a, run_b


# --- the policy -------------------------------------------------------------------------------


def test_the_import_run_policy_is_site_aware_and_read_only(two_sites, runs, central_editor):
    site_a, _site_b = two_sites
    run_a, run_b = runs
    policy = policy_registry.get_by_type(ImportRun)
    assert isinstance(policy, SiteOwnedPermissionPolicy)

    editor = site_a.editor
    assert policy.user_has_permission(editor, "view")
    assert not policy.user_has_permission(editor, "change")
    assert not policy.user_has_permission(central_editor, "delete")
    assert policy.user_has_permission_for_instance(editor, "view", run_a)
    assert not policy.user_has_permission_for_instance(editor, "view", run_b)
    assert list(policy.instances_user_has_any_permission_for(editor, ["view"])) == [run_a]
    assert set(policy.instances_user_has_any_permission_for(central_editor, ["view"])) == {
        run_a,
        run_b,
    }
    assert not policy.instances_user_has_any_permission_for(editor, ["change"]).exists()
    assert policy.ids_reachable(user=editor, ids=[run_a.pk])
    assert not policy.ids_reachable(user=editor, ids=[run_a.pk, run_b.pk])


def test_a_user_of_no_site_is_given_nothing(runs):
    from tests.factories.users import UserFactory

    nobody = UserFactory(username="zonder-site")
    policy = policy_registry.get_by_type(ImportRun)
    assert not policy.user_has_permission(nobody, "view")
    assert not policy.instances_user_has_any_permission_for(nobody, ["view"]).exists()


# --- the import runs' viewset over HTTP ------------------------------------------------------


def test_listing_shows_only_the_editors_runs(two_sites, runs, admin_client):
    site_a, _site_b = two_sites
    run_a, run_b = runs
    client = admin_client(site_a.editor)
    for url in (INDEX, f"{INDEX}results/"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert f"{INDEX}inspect/{run_a.pk}/" in body
        assert f"{INDEX}inspect/{run_b.pk}/" not in body
        assert "Cultuurcentrum Strombeek" not in body


def test_another_sites_run_answers_404_with_nothing_of_it(two_sites, runs, admin_client):
    site_a, _site_b = two_sites
    run_a, run_b = runs
    client = admin_client(site_a.editor)
    own = client.get(f"{INDEX}inspect/{run_a.pk}/")
    assert own.status_code == 200
    assert "gent-bron.json" in own.content.decode()

    other = client.get(f"{INDEX}inspect/{run_b.pk}/")
    assert other.status_code == 404
    assert "strombeekgeheim" not in other.content.decode()
    assert "Strombeek" not in other.content.decode()


def test_central_editor_inspects_another_sites_run(runs, admin_client_central):
    _run_a, run_b = runs
    response = admin_client_central.get(f"{INDEX}inspect/{run_b.pk}/")
    assert response.status_code == 200
    assert "strombeekgeheim.json" in response.content.decode()


def test_a_post_to_another_sites_run_changes_nothing(two_sites, runs, admin_client):
    site_a, _site_b = two_sites
    _run_a, run_b = runs
    response = admin_client(site_a.editor).post(f"{INDEX}inspect/{run_b.pk}/", {"seen": 0})
    assert response.status_code == 404
    run_b.refresh_from_db()
    assert run_b.seen == 7


def test_bulk_actions_and_editing_sessions_ask_the_policy(two_sites, runs):
    """The middleware's check of bulk-action ids and editing-session objects goes through the
    model's site-aware policy."""
    site_a, _site_b = two_sites
    run_a, run_b = runs
    editor = site_a.editor
    assert objects_permitted(user=editor, model=ImportRun, ids=[run_a.pk])
    assert not objects_permitted(user=editor, model=ImportRun, ids=[run_b.pk])
    assert not objects_permitted(user=editor, model=ImportRun, ids=[str(run_a.pk), str(run_b.pk)])


def test_editing_session_of_another_sites_run_is_404(two_sites, runs, admin_client):
    site_a, _site_b = two_sites
    run_a, run_b = runs
    client = admin_client(site_a.editor)
    response = client.post(f"/admin/editing-sessions/ping/events/importrun/{run_b.pk}/0/")
    assert response.status_code == 404
    assert "Strombeek" not in response.content.decode()


# --- every generic view of a ModelViewSet, through the mixin ---------------------------------


class RegistrationViewSet(SiteScopedViewSetMixin, ModelViewSet):
    """Not registered in the admin: built here to reach every view class Wagtail makes."""

    model = Registration
    form_fields = ["name"]
    inspect_view_enabled = True
    copy_view_enabled = True


OBJECT_VIEWS = ["edit_view", "delete_view", "inspect_view", "history_view", "usage_view"]


@pytest.fixture
def registrations(two_sites):
    site_a, site_b = two_sites
    course_a = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home))
    course_b = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_b.home))
    return (
        RegistrationFactory(page=course_a, name="Gentse Deelnemer"),
        RegistrationFactory(page=course_b, name="Strombeekse Deelnemer"),
    )


def _view(viewset, attribute: str, user, pk=None):
    """The view instance as Django's View.setup leaves it, without the rest of the views'
    setup (which reverses this unregistered viewset's URLs)."""
    view_function = getattr(viewset, attribute)
    view = view_function.view_class(**view_function.view_initkwargs)
    view.request = RequestFactory().get("/")
    view.request.user = user
    view.args = ()
    view.kwargs = {} if pk is None else {"pk": str(pk)}
    if pk is not None:
        view.pk = str(pk)
    return view


@pytest.mark.parametrize("attribute", [*OBJECT_VIEWS, "copy_view"])
def test_every_object_view_looks_up_within_the_users_sites(
    two_sites, registrations, central_editor, attribute
):
    site_a, _site_b = two_sites
    reg_a, reg_b = registrations
    viewset = RegistrationViewSet("test_registrations")

    with pytest.raises(Http404):
        _view(viewset, attribute, site_a.editor, pk=reg_b.pk).get_object()
    assert _view(viewset, attribute, site_a.editor, pk=reg_a.pk).get_object() == reg_a
    assert _view(viewset, attribute, central_editor, pk=reg_b.pk).get_object() == reg_b


def test_the_index_view_lists_within_the_users_sites(two_sites, registrations, central_editor):
    site_a, _site_b = two_sites
    reg_a, reg_b = registrations
    viewset = RegistrationViewSet("test_registrations")

    assert list(_view(viewset, "index_view", site_a.editor).get_base_queryset()) == [reg_a]
    central_listing = _view(viewset, "index_view", central_editor).get_base_queryset()
    assert set(central_listing) == {reg_a, reg_b}


def test_bulk_action_on_another_sites_registration_is_404(two_sites, registrations, admin_client):
    site_a, _site_b = two_sites
    _reg_a, reg_b = registrations
    response = admin_client(site_a.editor).get(
        "/admin/bulk/registrations/registration/delete/", {"id": reg_b.pk}
    )
    assert response.status_code == 404
    assert "Strombeekse" not in response.content.decode()
    assert Registration.objects.filter(pk=reg_b.pk).exists()
    assert not objects_permitted(user=site_a.editor, model=Registration, ids=[reg_b.pk])
    assert objects_permitted(user=site_a.editor, model=Registration, ids=[_reg_a.pk])
