"""Admin scoping: what a local editor may see and reach in the one Wagtail admin.

Read by home.wagtail_hooks (choosers, listings' filters, tags, dashboard), home.middleware (the
page chooser's start, the tag autocompletes) and other apps' admin listings. Whether a user may
open an object by id is not decided here but by the object's permission policy
(home.permissions.objects_permitted). Central editors are never narrowed: every function
returns the unfiltered answer for them.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from wagtail.models import Site

from home.selectors import path_q, site_root_paths_for_user, user_is_central

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


def site_owned(model: type) -> bool:
    """A model whose rows belong to one site through a `site` foreign key (site-owned
    snippets, BaseSiteSetting)."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field("site")
    except (FieldDoesNotExist, AttributeError):
        return False
    return getattr(field, "related_model", None) is Site


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
