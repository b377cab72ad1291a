"""Site-aware permission policies and the viewset mixin that applies them.

A row that belongs to one site through a foreign key to `wagtailcore.Site` (an UiTdatabank
import run, a registration) is guarded by a `SiteOwnedPermissionPolicy`, registered with
`wagtail.permissions.register_permission_policy` like Wagtail's own policies. The policy
answers the model-level question (may this user use the area at all) and the instance-level
one (is this row of one of the user's sites); `instances_user_has_any_permission_for` is the
narrowed queryset.

Filtering a viewset's listing is not enough: Wagtail's edit, delete, inspect, history, usage,
revisions and copy views look the object up by the id in the URL. `SiteScopedViewSetMixin`
wraps every view a `ModelViewSet` or `SnippetViewSet` builds, so the listing shows the user's
rows only and any other site's id answers 404, with nothing of it in the answer.
Central editors (home.selectors.user_is_central) are never narrowed.

`objects_permitted` asks the model's registered permission policy whether a user may touch
objects by id: Wagtail's `PagePermissionPolicy` (GroupPagePermission on each site's home page:
the explorable pages), its collection policies for images and documents (each site's own
collection), `SitePermissionPolicy` for site settings (GroupSitePermission per site) and
`SiteOwnedPermissionPolicy` for site-owned rows. The few admin screens that look an object up
before asking any policy (home.middleware, home.wagtail_hooks) and the description of refused
references (home.admin_disclosure) decide through it, never through a rule of their own.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from home.scoping import _ids
from home.selectors import sites_for_user, user_is_central


class SiteOwnedPermissionPolicy(ModelPermissionPolicy):
    """Rows of a model that belong to one site.

    `actions` are the actions anyone is given at all (`("view",)` for a read-only log). Central
    editors hold them on every row; a local editor holds them on the rows of the sites whose
    editor or moderator group they belong to, and on no other row.
    """

    def __init__(self, model: type[Model], *, actions: Iterable[str], site_field: str = "site"):
        super().__init__(model)
        self.actions = frozenset(actions)
        self.site_field = site_field

    # --- model level -------------------------------------------------------------------------

    def user_has_permission(self, user, action: str) -> bool:
        if action not in self.actions or not user.is_active:
            return False
        return user_is_central(user) or sites_for_user(user=user).exists()

    def user_has_any_permission(self, user, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    # --- instance level ----------------------------------------------------------------------

    def scope_queryset(self, *, user, queryset: QuerySet) -> QuerySet:
        """Narrow any queryset of the model to the rows of the user's sites."""
        if user_is_central(user):
            return queryset
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(**{f"{self.site_field}__in": sites_for_user(user=user)})

    def instance_in_user_sites(self, *, user, instance: Model) -> bool:
        if user_is_central(user):
            return True
        site_id = getattr(instance, f"{self.site_field}_id", None)
        return site_id is not None and sites_for_user(user=user).filter(pk=site_id).exists()

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        return self.user_has_permission(user, action) and self.instance_in_user_sites(
            user=user, instance=instance
        )

    def user_has_any_permission_for_instance(
        self, user, actions: Iterable[str], instance: Model
    ) -> bool:
        return self.user_has_any_permission(user, actions) and self.instance_in_user_sites(
            user=user, instance=instance
        )

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        manager = self.model._default_manager
        if not self.user_has_any_permission(user, actions):
            return manager.none()
        return self.scope_queryset(user=user, queryset=manager.all())

    def instances_user_has_permission_for(self, user, action: str) -> QuerySet:
        return self.instances_user_has_any_permission_for(user, [action])

    def ids_reachable(self, *, user, ids: list[Any]) -> bool:
        """Whether every existing row among ids is one of the user's sites' rows (ids that
        do not exist are left to the view, which answers 404)."""
        ids = _ids(ids)
        if not ids or user_is_central(user):
            return True
        existing = self.model._default_manager.filter(pk__in=ids)
        return not existing.exclude(
            pk__in=self.scope_queryset(user=user, queryset=self.model._default_manager.all())
        ).exists()


def site_owned_policy(model: type) -> SiteOwnedPermissionPolicy | None:
    """The model's registered site-aware policy, if it has one."""
    policy = policy_registry.get_by_type(model, fallback=False)
    return policy if isinstance(policy, SiteOwnedPermissionPolicy) else None


# Any action at all: an object on which the user may do none of these is another site's.
ANY_ACTIONS = (
    "add",
    "change",
    "delete",
    "choose",
    "view",
    "publish",
    "unpublish",
    "lock",
    "unlock",
    "bulk_delete",
)


def permission_policy_for(model: type) -> BasePermissionPolicy | None:
    """The permission policy Wagtail registered for the model (or one of its bases)."""
    return policy_registry.get_by_type(model, fallback=False)


def _permitted_queryset(*, user, model: type) -> QuerySet | None:
    """The objects of `model` the user may touch at all, as the model's policy decides; None
    when the model's policy does not tie objects to sites (Wagtail's model permissions)."""
    if issubclass(model, Page):
        return PagePermissionPolicy().explorable_instances(user)
    policy = permission_policy_for(model)
    if policy is None or type(policy) is ModelPermissionPolicy:
        return None
    try:
        permitted = policy.instances_user_has_any_permission_for(user, ANY_ACTIONS)
    except NotImplementedError:
        return None
    return permitted


def objects_permitted(*, user, model: type, ids: list[Any]) -> bool:
    """Whether the user may touch every existing object among ids, by the model's policy.

    Pages: explorable (their site's tree, or an ancestor of it such as the tree root).
    Ids that do not exist, or are not integers, are left to the view (404 or 400).
    """
    ids = _ids(ids)
    if not ids or user_is_central(user):
        return True
    permitted = _permitted_queryset(user=user, model=model)
    if permitted is None:
        return True
    existing = model._default_manager.filter(pk__in=ids)
    return not existing.exclude(pk__in=permitted.values("pk")).exists()


def instance_permitted(*, user, instance: Model) -> bool:
    return objects_permitted(user=user, model=type(instance), ids=[instance.pk])


class SiteScopedViewMixin:
    """Put in front of a generic admin view class by SiteScopedViewSetMixin."""

    def _site_policy(self) -> SiteOwnedPermissionPolicy:
        policy = site_owned_policy(self.model)
        if policy is None:
            raise TypeError(f"{self.model._meta.label} has no SiteOwnedPermissionPolicy")
        return policy

    def get_base_queryset(self):
        # listings and their results (IndexView), usage and history listings
        queryset = super().get_base_queryset()
        if getattr(queryset, "model", None) is not self.model:
            return queryset
        return self._site_policy().scope_queryset(user=self.request.user, queryset=queryset)

    def get_object(self, *args, **kwargs):
        # every view that takes the object's id: edit, delete, inspect, history, usage,
        # revisions, copy, unpublish, preview
        try:
            obj = super().get_object(*args, **kwargs)
        except PermissionDenied:
            # Views that ask the policy themselves (copy) refuse another site's row with 403;
            # answer 404 as everywhere else, so that a row's existence is not told either.
            if not self._pk_in_user_sites():
                raise Http404 from None
            raise
        if isinstance(obj, self.model) and not self._site_policy().instance_in_user_sites(
            user=self.request.user, instance=obj
        ):
            raise Http404
        return obj

    def _pk_in_user_sites(self) -> bool:
        pk = unquote(str(self.kwargs.get(getattr(self, "pk_url_kwarg", "pk"), "")))
        rows = self._site_policy().scope_queryset(
            user=self.request.user, queryset=self.model._default_manager.filter(pk=pk)
        )
        return rows.exists()


@cache
def site_scoped_view_class(view_class: type) -> type:
    if issubclass(view_class, SiteScopedViewMixin):
        return view_class
    return type(f"SiteScoped{view_class.__name__}", (SiteScopedViewMixin, view_class), {})


class SiteScopedViewSetMixin:
    """For a ModelViewSet or SnippetViewSet of a model with a SiteOwnedPermissionPolicy: every
    view of the viewset lists and looks up the rows of the user's sites only."""

    site_scoped = True

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(site_scoped_view_class(view_class), **kwargs)
