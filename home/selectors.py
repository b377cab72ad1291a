"""Reads about the network and who may see which part of it."""

import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from wagtail.models import Collection, Site

from home.models import Tenant

CENTRAL_PERMISSION = "home.manage_network"


def user_is_central(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Central (Cultuurconnect) editors see and manage every site."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(CENTRAL_PERMISSION)


def tenants_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Tenant]:
    if user_is_central(user):
        return Tenant.objects.all()
    if not user.is_authenticated:
        return Tenant.objects.none()
    return Tenant.objects.filter(
        Q(editors_group__user=user) | Q(moderators_group__user=user)
    ).distinct()


def site_root_paths_for_user(*, user: AbstractBaseUser | AnonymousUser) -> list[str] | None:
    """Tree paths of the home pages a user works in; None means every site (central editors).

    Cached on the user object, which lives as long as the request.
    """
    if user_is_central(user):
        return None
    cached = getattr(user, "_tenant_root_paths", None)
    if cached is None:
        cached = list(tenants_for_user(user=user).values_list("site__root_page__path", flat=True))
        user._tenant_root_paths = cached
    return cached


def path_q(paths: list[str], field: str = "path") -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def collections_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Collection]:
    if user_is_central(user):
        return Collection.objects.all()
    paths = list(tenants_for_user(user=user).values_list("collection__path", flat=True))
    return Collection.objects.filter(path_q(paths))


def sites_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Site]:
    if user_is_central(user):
        return Site.objects.all()
    return Site.objects.filter(tenant__in=tenants_for_user(user=user))


def site_hostnames() -> list[str]:
    return list(Site.objects.values_list("hostname", flat=True).distinct())


def search_terms(query: str) -> str:
    """The words of a visitor's query, without the punctuation that the search backends read
    as syntax (SQLite FTS5 and PostgreSQL tsquery both reject stray quotes and backslashes)."""
    return " ".join(re.findall(r"\w+", query))


def site_pages_search(*, site: Site, query: str):
    """Live, public pages of one site matching the query, best first."""
    from wagtail.models import Page

    terms = search_terms(query)
    if not terms:
        return Page.objects.none()
    return (
        Page.objects.live()
        .public()
        .descendant_of(site.root_page, inclusive=True)
        .specific()
        .search(terms, operator="and")
    )


# ---------------------------------------------------------------------------------------------
# Admin scoping: what a local editor may see and reach in the one Wagtail admin.
# Read by home.wagtail_hooks (choosers, menus, listings) and home.middleware (URL guards).
# Central editors are never narrowed: every function returns the unfiltered answer for them.
# ---------------------------------------------------------------------------------------------

# Collection permissions that make an image or document part of a user's media library.
MEDIA_ACTIONS = ("add", "change", "delete", "choose")


def _ids(values: list[Any]) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()]


def pages_within_user_sites(*, user: AbstractBaseUser | AnonymousUser, pages: QuerySet) -> QuerySet:
    """Narrow a page queryset to the trees of the sites the user works in."""
    paths = site_root_paths_for_user(user=user)
    if paths is None:
        return pages
    return pages.filter(path_q(paths))


def page_within_user_sites(*, user: AbstractBaseUser | AnonymousUser, page: Any) -> bool:
    paths = site_root_paths_for_user(user=user)
    return paths is None or any(page.path.startswith(root) for root in paths)


def pages_reachable_by_user(*, user: AbstractBaseUser | AnonymousUser, page_ids: list[Any]) -> bool:
    """Whether every existing page among page_ids lies in one of the user's sites, or above
    them (the tree root, which the explorer and the page chooser pass through).

    Ids of pages that do not exist are left to the view, which answers 404 itself.
    """
    paths = site_root_paths_for_user(user=user)
    if paths is None:
        return True
    ids = _ids(page_ids)
    if not ids:
        return True
    from wagtail.models import Page

    return all(
        any(path.startswith(root) or root.startswith(path) for root in paths)
        for path in Page.objects.filter(pk__in=ids).values_list("path", flat=True)
    )


def chooser_start_page_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Any:
    """Where a local editor's page chooser opens: their home page, or the tree root when
    they work in several sites. None for central editors (Wagtail's own choice)."""
    paths = site_root_paths_for_user(user=user)
    if paths is None:
        return None
    from wagtail.models import Page

    if len(paths) == 1:
        return Page.objects.filter(path=paths[0]).first()
    return Page.get_first_root_node()


def media_for_user(
    *, user: AbstractBaseUser | AnonymousUser, model: type, queryset: QuerySet | None = None
) -> QuerySet:
    """Images or documents in the collections where the user holds a collection permission.

    Follows Wagtail's collection permissions rather than the tenant's collection, so that a
    shared collection that central editors open to every site stays usable.
    """
    from wagtail.permissions import policy_registry

    queryset = model._default_manager.all() if queryset is None else queryset
    if user_is_central(user):
        return queryset
    collections = policy_registry.get_by_type(model).collections_user_has_any_permission_for(
        user, MEDIA_ACTIONS
    )
    return queryset.filter(collection__in=collections)


def media_reachable_by_user(
    *, user: AbstractBaseUser | AnonymousUser, model: type, ids: list[Any]
) -> bool:
    ids = _ids(ids)
    if not ids or user_is_central(user):
        return True
    existing = model._default_manager.filter(pk__in=ids)
    return not existing.exclude(pk__in=media_for_user(user=user, model=model).values("pk")).exists()


def site_owned(model: type) -> bool:
    """A model whose rows belong to one site through a `site` foreign key (site-owned
    snippets, BaseSiteSetting)."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field("site")
    except (FieldDoesNotExist, AttributeError):
        return False
    return getattr(field, "related_model", None) is Site


def site_owned_reachable_by_user(
    *, user: AbstractBaseUser | AnonymousUser, model: type, ids: list[Any]
) -> bool:
    ids = _ids(ids)
    if not ids or user_is_central(user):
        return True
    return not (
        model._default_manager.filter(pk__in=ids)
        .exclude(site__in=sites_for_user(user=user))
        .exists()
    )


def page_owners_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """Owners of the pages the user works on: the choices of the page listings' owner filter."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    pages = pages_within_user_sites(user=user, pages=Page.objects.all())
    return get_user_model().objects.filter(
        pk__in=pages.order_by().values_list("owner_id", flat=True).distinct()
    )


def page_editors_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """Users who edited the pages the user works on: the 'edited by' filter's choices."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page, PageLogEntry

    pages = pages_within_user_sites(user=user, pages=Page.objects.all())
    return get_user_model().objects.filter(
        pk__in=PageLogEntry.objects.filter(action="wagtail.edit", page__in=pages)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )


def media_tags_for_user(
    *, user: AbstractBaseUser | AnonymousUser, model: type, term: str = "", limit: int = 10
) -> QuerySet:
    """Tags on the images or documents the user may see, most used first (or, with a term,
    those starting with it, by name): the tag filters and the tag autocomplete of the admin.

    Tags are one table for the whole network; without this, a local editor would read the tags
    that other sites put on their media."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from taggit.models import Tag

    content_type = ContentType.objects.get_for_model(model)
    tags = Tag.objects.filter(
        taggit_taggeditem_items__content_type=content_type,
        taggit_taggeditem_items__object_id__in=media_for_user(user=user, model=model).values("pk"),
    )
    if term:
        return tags.filter(name__istartswith=term).distinct().order_by("name")[:limit]
    return tags.annotate(item_count=Count("taggit_taggeditem_items")).order_by("-item_count")[
        :limit
    ]
