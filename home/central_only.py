"""Central content is for central editors: a permission policy and a URL guard for the
snippet admin of shared sections, page templates, campaigns and central news.

A permission policy alone is not enough: Wagtail's generic views answer a refused permission
with a redirect to the dashboard, and the architecture asks for 403 on every URL (list, edit,
delete, history, revisions, inspect, copy, usage), GET and POST. The choosers are a separate
viewset and stay open, so local editors can pick a shared section for a page.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.views.defaults import permission_denied
from wagtail.permission_policies import ModelPermissionPolicy

from home.selectors import user_is_central


class CentralOnlyPermissionPolicy(ModelPermissionPolicy):
    """Every action for central editors, none for anyone else."""

    def user_has_permission(self, user, action):
        return user_is_central(user)

    def user_has_any_permission(self, user, actions):
        return user_is_central(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return user_is_central(user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return user_is_central(user)

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        return manager.all() if user_is_central(user) else manager.none()


def forbidden(request: HttpRequest) -> HttpResponse:
    """A 403 response. Raising PermissionDenied inside an admin view is not enough: Wagtail's
    require_admin_access turns it into a redirect to the dashboard."""
    return permission_denied(request, PermissionDenied())


def central_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_is_central(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapped


def central_only_urlpatterns(patterns: list) -> list:
    """The same URL patterns, each refusing non-central users with 403."""
    guarded = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            guarded.append(pattern)  # nested viewsets guard themselves
        elif isinstance(pattern, URLPattern):
            guarded.append(
                path(str(pattern.pattern), central_only(pattern.callback), name=pattern.name)
            )
    return guarded
