"""Every admin URL pattern with an argument is classified in home.admin_routes, and the
classification agrees with what the guards actually inspect. A new Wagtail (or project) view
with an id in its URL fails this test until someone decides how it is kept per site."""

import sys

from django.urls import URLPattern, URLResolver, get_resolver

from home import middleware
from home.admin_routes import ADMIN_ROUTES, admin_route_for, view_class_of, view_model_of
from home.central_only import central_only
from home.permissions import SiteScopedViewMixin, site_owned_policy
from home.scoping import site_owned

ADMIN_PREFIX = "admin/"
# The keyword arguments home.middleware looks up for every view (besides per-view rules).
GUARDED_KWARGS = middleware.PAGE_ID_KWARGS | set(middleware.MEDIA_ID_KWARGS)
GUARDED_PK_NAMESPACES = middleware.PAGE_PK_NAMESPACES | set(middleware.MEDIA_PK_NAMESPACES)
GUARDED_VIEWS = {middleware.BULK_ACTION_VIEW, middleware.EDITING_SESSION_VIEW}
_CENTRAL_ONLY_CODE = central_only(lambda request: None).__code__


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


def _guarded_by_middleware(view_name, namespaces, pattern, args) -> bool:
    namespace = ":".join(namespaces)
    if view_name in GUARDED_VIEWS or args & GUARDED_KWARGS:
        return True
    if "pk" in args and namespace in GUARDED_PK_NAMESPACES:
        return True
    return view_name in middleware.SETTINGS_VIEWS  # the site's pk; central-only settings


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
            counts[route_rule.category] = counts.get(route_rule.category, 0) + 1
    total = sum(1 for route, *_ in _walk(get_resolver()) if route.startswith(ADMIN_PREFIX))
    sys.stdout.write(
        f"\nadmin URL patterns: {total}; with arguments: {len(patterns)}; by category: {counts}\n"
    )
    assert unclassified == [], "classify these in home.admin_routes:\n" + "\n".join(unclassified)


def test_the_classification_matches_the_guards():
    """`guarded` must name an argument home.middleware inspects; `central_only` must be
    refused to local editors as a whole area."""
    wrong = []
    for route, view_name, namespaces, pattern, args in admin_patterns_with_arguments():
        rule = admin_route_for(view_name)
        if rule is None:
            continue
        if rule.category == "guarded" and not _guarded_by_middleware(
            view_name, namespaces, pattern, args
        ):
            wrong.append(f"{route}: classified guarded, the middleware checks none of {args}")
        if rule.category == "central_only" and not _central_only(namespaces, pattern):
            wrong.append(f"{route}: classified central_only, but open to local editors")
        if rule.category == "policy" and not _policy_scoped(pattern):
            wrong.append(f"{route}: classified policy, but its view is not site-scoped")
    assert wrong == [], "\n".join(wrong)


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
