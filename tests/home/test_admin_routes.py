"""Every admin URL pattern with an argument is classified in home.admin_routes with the
permission policy that guards it, and the classification agrees with the code that applies the
policy. A new Wagtail (or project) view with an id in its URL fails this test until someone
decides which policy keeps it per site."""

import sys

from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import policy_registry

from central.models import Campaign, CentralNewsItem, PageTemplate, SharedSection
from central.permissions import CentralContentPermissionPolicy
from events.models import ImportRun
from home import middleware
from home.admin_routes import ADMIN_ROUTES, admin_route_for, view_class_of, view_model_of
from home.central_only import central_only
from home.models import BrandingSettings, ContactSettings, IntegrationSettings, NavigationSettings
from home.permissions import SiteOwnedPermissionPolicy, SiteScopedViewMixin, site_owned_policy
from home.scoping import site_owned
from registrations.models import Registration

ADMIN_PREFIX = "admin/"
_CENTRAL_ONLY_CODE = central_only(lambda request: None).__code__
# Views home.middleware answers itself (from the editor's own tags), besides the views whose
# objects it checks against their policy (POLICY_CHECKED_VIEWS).
MIDDLEWARE_ANSWERED_VIEWS = {middleware.TAG_MODEL_AUTOCOMPLETE_VIEW}
# For each policy a route may name, the models it guards and the class the registry must hold.
POLICY_CLASSES = {
    "pages": ([Page], PagePermissionPolicy),
    "collections": ([get_image_model(), get_document_model()], CollectionOwnershipPermissionPolicy),
    "site_settings": (
        [BrandingSettings, ContactSettings, IntegrationSettings, NavigationSettings],
        SitePermissionPolicy,
    ),
    "central_snippets": (
        [SharedSection, PageTemplate, Campaign, CentralNewsItem],
        CentralContentPermissionPolicy,
    ),
}


def _walk(resolver, prefix="", namespaces=()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespaces, pattern


def _arguments(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.regex.groupindex)


def admin_patterns_with_arguments():
    for route, namespaces, pattern in _walk(get_resolver()):
        if route.startswith(ADMIN_PREFIX) and (args := _arguments(pattern)):
            view_name = ":".join((*namespaces, pattern.name or ""))
            yield route, view_name, namespaces, pattern, args


def _policy_scoped(pattern) -> bool:
    """A view that a viewset built through SiteScopedViewSetMixin, for a model whose
    registered permission policy is site-aware."""
    view_class = view_class_of(pattern.callback)
    model = view_model_of(pattern.callback)
    return (
        view_class is not None
        and issubclass(view_class, SiteScopedViewMixin)
        and model is not None
        and site_owned_policy(model) is not None
    )


def _central_only(namespaces, pattern) -> bool:
    if middleware.CENTRAL_ONLY_NAMESPACES.intersection(namespaces):
        return True
    # Wagtail wraps every admin view again (require_admin_access): follow the wrappers.
    view = pattern.callback
    while view is not None:
        if getattr(view, "__code__", None) is _CENTRAL_ONLY_CODE:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_admin_url_with_an_argument_is_classified():
    patterns = list(admin_patterns_with_arguments())
    unclassified = [
        f"{route} ({view_name})"
        for route, view_name, *_ in patterns
        if admin_route_for(view_name) is None
    ]
    counts: dict[str, int] = {}
    for _route, view_name, *_ in patterns:
        route_rule = admin_route_for(view_name)
        if route_rule is not None:
            key = f"{route_rule.guard}/{route_rule.policy}"
            counts[key] = counts.get(key, 0) + 1
    total = sum(1 for route, *_ in _walk(get_resolver()) if route.startswith(ADMIN_PREFIX))
    sys.stdout.write(
        f"\nadmin URL patterns: {total}; with arguments: {len(patterns)}; by category: {counts}\n"
    )
    assert unclassified == [], "classify these in home.admin_routes:\n" + "\n".join(unclassified)


def test_the_classification_matches_the_guards():
    """`middleware` must be a view home.middleware checks against the policy (or answers);
    `viewset` a view built by SiteScopedViewSetMixin; `central_only` refused to local editors
    as a whole area; and only those name no policy."""
    wrong = []
    for route, view_name, namespaces, pattern, _args in admin_patterns_with_arguments():
        rule = admin_route_for(view_name)
        if rule is None:
            continue
        checked = middleware.POLICY_CHECKED_VIEWS | MIDDLEWARE_ANSWERED_VIEWS
        if rule.guard == "middleware" and view_name not in checked:
            wrong.append(f"{route}: classified middleware, but the middleware does not check it")
        if rule.guard == "central_only" and not _central_only(namespaces, pattern):
            wrong.append(f"{route}: classified central_only, but open to local editors")
        if rule.guard == "viewset" and not _policy_scoped(pattern):
            wrong.append(f"{route}: classified viewset, but its view is not site-scoped")
        if (rule.policy in ("none", "central")) != (rule.guard in ("harmless", "central_only")):
            wrong.append(f"{route}: guard {rule.guard} with policy {rule.policy}")
    assert wrong == [], "\n".join(wrong)


def test_every_named_policy_is_the_one_registered_for_its_models():
    """The policy a route names is what Wagtail's registry holds for the models it covers:
    a page, image, document or settings view asks Wagtail's policy, and that policy is the
    site-aware one (pages and collections by group permissions, settings per site)."""
    for name, (models, policy_class) in POLICY_CLASSES.items():
        for model in models:
            policy = policy_registry.get_by_type(model)
            assert isinstance(policy, policy_class), (name, model, policy)
    for route in ADMIN_ROUTES:
        if route.policy == "site_owned":
            continue  # checked per model by the viewset tests below
        assert route.policy in {*POLICY_CLASSES, "by_model", "central", "none"}, route
    assert isinstance(site_owned_policy(ImportRun), SiteOwnedPermissionPolicy)
    assert isinstance(site_owned_policy(Registration), SiteOwnedPermissionPolicy)


def test_every_view_of_a_site_owned_model_is_scoped_by_its_policy():
    """A ModelViewSet or SnippetViewSet of a model with a `site` foreign key, listing or
    detail, must scope its views through the model's site-aware permission policy (or be
    central-only): the middleware no longer guards generic views by model."""
    open_views = []
    for route, namespaces, pattern in _walk(get_resolver()):
        if not route.startswith(ADMIN_PREFIX):
            continue
        model = view_model_of(pattern.callback)
        if model is None or not site_owned(model):
            continue
        if not (_policy_scoped(pattern) or _central_only(namespaces, pattern)):
            open_views.append(f"{route} ({model._meta.label})")
    assert open_views == [], "scope these with home.permissions:\n" + "\n".join(open_views)


def test_the_site_owned_check_sees_the_agenda_import_runs():
    """The check above is not vacuous: the UiTdatabank import runs are site-owned views."""
    scoped = [
        route
        for route, _namespaces, pattern in _walk(get_resolver())
        if route.startswith(ADMIN_PREFIX) and _policy_scoped(pattern)
    ]
    assert any("agenda-imports/inspect/" in route for route in scoped), scoped


def test_every_rule_is_used():
    """A rule that matches nothing is stale (a renamed Wagtail view) and hides nothing."""
    view_names = [view_name for _r, view_name, *_ in admin_patterns_with_arguments()]
    from fnmatch import fnmatchcase

    unused = [
        rule.view_name
        for rule in ADMIN_ROUTES
        if not any(fnmatchcase(name, rule.view_name) for name in view_names)
    ]
    assert unused == []
