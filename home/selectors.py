"""Reads about the network and who may see which part of it."""

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


def public_pages(pages: QuerySet) -> QuerySet:
    """`pages.public()` in the same query: Wagtail's `public()` first reads every view
    restriction of the network (one query more on every listing)."""
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Length, Substr
    from wagtail.models import PageViewRestriction

    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return pages.exclude(Exists(restricted))
