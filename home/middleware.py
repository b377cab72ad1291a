"""Keep local editors inside their own sites in the one Wagtail admin, where Wagtail's
permission policies cannot.

Site-owned rows are scoped by their site-aware permission policies and viewsets
(home.permissions): the middleware leaves their generic views alone. What remains here:

- admin areas that cannot be scoped per site at all (users, groups, sites, workflows,
  redirects, search promotions, collections, reports): 403 for local editors;
- Wagtail views that look a page, image, document or site setting up by the id in the URL and
  show it before (or without) asking whether the user may see it: the page chooser browsing
  another site's page, the move confirmation, the "chosen" endpoints of the choosers, the
  bulk-action confirmation pages (which list the objects the user may *not* touch, by title),
  editing sessions: 404 on another site's object, decided through the same scoping functions
  (home.scoping) and policies;
- the tag autocompletes, answered from the editor's own media.
Central editors pass untouched.

The rules match resolved URL names and namespaces, never path strings, so they follow the
admin wherever it is mounted. Which rule covers which admin URL is listed, as data, in
home.admin_routes (and checked against the URL resolver by a test).

The same middleware answers 400 to malformed admin input (home.admin_input) for every user,
and AdminHostMiddleware keeps the admin on the admin hostname.
"""

from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry

from home import admin_input
from home.admin_disclosure import local_editor_request
from home.csp import admin_prefix as _admin_prefix
from home.permissions import site_owned_policy
from home.scoping import (
    chooser_start_page_for_user,
    media_reachable_by_user,
    media_tags_for_user,
    pages_reachable_by_user,
    site_owned,
    site_owned_reachable_by_user,
)
from home.selectors import sites_for_user, user_is_central

# Admin areas that cannot be scoped per site, or whose screens list other sites' titles and
# users (the reports): central editors only.
CENTRAL_ONLY_NAMESPACES = frozenset(
    {
        "wagtailusers_users",
        "wagtailusers_groups",
        "wagtailsites",
        "wagtailadmin_workflows",
        "wagtailredirects",
        "wagtailsearchpromotions",
        "wagtailadmin_collections",
        "wagtailadmin_reports",
    }
)
# Site settings that provisioning writes and only central editors change.
CENTRAL_ONLY_SETTINGS = frozenset({"home.identitysettings"})

SETTINGS_VIEWS = frozenset({"wagtailsettings:edit", "wagtailsettings:preview_on_edit"})
BULK_ACTION_VIEW = "wagtail_bulk_action"
EDITING_SESSION_VIEW = "wagtailadmin_editing_sessions:ping"
PAGE_CHOOSER_ROOT_VIEW = "wagtailadmin_choose_page"
TAG_AUTOCOMPLETE_VIEW = "wagtailadmin_tag_autocomplete"
TAG_MODEL_AUTOCOMPLETE_VIEW = "wagtailadmin_tag_model_autocomplete"
TAG_AUTOCOMPLETE_LIMIT = 10

# URL keyword arguments that carry a page id, in any admin URL.
PAGE_ID_KWARGS = frozenset(
    {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"}
)
# Admin URLs whose `pk` is a page id (revision comparison, admin API).
PAGE_PK_NAMESPACES = frozenset({"wagtailadmin_pages", "wagtailadmin_api:pages"})
# Views that take a list of page ids in the query string.
PAGE_ID_LIST_VIEWS = frozenset({"wagtailadmin_choose_page_chosen_multiple"})


def _image_model():
    return get_image_model()


def _document_model():
    return get_document_model()


# URL keyword arguments and namespaces (with `pk`) that carry an image or document id.
MEDIA_ID_KWARGS: dict[str, Callable[[], type]] = {
    "image_id": _image_model,
    "document_id": _document_model,
    "doc_id": _document_model,
}
MEDIA_PK_NAMESPACES: dict[str, Callable[[], type]] = {
    "wagtailimages_chooser": _image_model,
    "wagtaildocs_chooser": _document_model,
    "wagtailadmin_api:images": _image_model,
    "wagtailadmin_api:documents": _document_model,
}


def _model_or_none(app_label: str, model_name: str) -> type | None:
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None


def match_is_central_only(match: ResolverMatch) -> bool:
    """Whether a resolved admin URL belongs to an area for central editors only."""
    if CENTRAL_ONLY_NAMESPACES.intersection(match.namespaces):
        return True
    kwargs = match.kwargs
    if match.view_name in SETTINGS_VIEWS:
        setting = f"{kwargs.get('app_name')}.{kwargs.get('model_name')}".lower()
        return setting in CENTRAL_ONLY_SETTINGS
    if match.view_name == BULK_ACTION_VIEW:
        model = _model_or_none(kwargs.get("app_label", ""), kwargs.get("model_name", ""))
        return model is not None and model._meta.label == settings.AUTH_USER_MODEL
    return False


def admin_url_is_central_only(url: str) -> bool:
    """For menus: whether an admin URL (path, optionally with a query string) is central-only."""
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return match_is_central_only(match)


def objects_reachable(*, user, model: type, ids: list) -> bool:
    """Whether every id names an object of one of the user's sites (or an object that is not
    tied to a site)."""
    if issubclass(model, Page):
        return pages_reachable_by_user(user=user, page_ids=ids)
    if issubclass(model, (_image_model(), _document_model())):
        return media_reachable_by_user(user=user, model=model, ids=ids)
    policy = site_owned_policy(model)
    if policy is not None:
        return policy.ids_reachable(user=user, ids=ids)
    if site_owned(model):  # site settings and site-owned rows without a policy of their own
        return site_owned_reachable_by_user(user=user, model=model, ids=ids)
    return True


def _model_closed_to_user(user, model: type) -> bool:
    """A snippet or model whose permission policy grants the user nothing (the central
    snippets of sitegen): its bulk-action screens would list the titles of every row."""
    if issubclass(model, (Page, _image_model(), _document_model())):
        return False
    policy = policy_registry.get_by_type(model, fallback=False)
    if policy is None:
        return False  # Wagtail's model permissions apply
    actions = ["add", "change", "delete", "publish", "unpublish", "view", "lock", "unlock"]
    return not policy.user_has_any_permission(user, actions)


def _bulk_action_reachable(request: HttpRequest, match: ResolverMatch) -> bool:
    model = _model_or_none(match.kwargs.get("app_label", ""), match.kwargs.get("model_name", ""))
    if model is None:
        return True  # Wagtail answers 404
    if _model_closed_to_user(request.user, model):
        return False
    ids = request.GET.getlist("id")
    if "all" in ids:
        # "Select all" takes every object of the listing: for pages the children (or, when
        # searching, descendants) of `childOf`, without it the whole network; site-owned
        # models list every site's rows. Images and documents are filtered by Wagtail.
        if issubclass(model, Page):
            parent = request.GET.get("childOf")
            return bool(parent) and pages_reachable_by_user(user=request.user, page_ids=[parent])
        return not site_owned(model)
    return objects_reachable(user=request.user, model=model, ids=ids)


def _reachable(request: HttpRequest, match: ResolverMatch) -> bool:
    user = request.user
    kwargs = match.kwargs
    view_name = match.view_name

    page_ids = [value for key, value in kwargs.items() if key in PAGE_ID_KWARGS]
    if "pk" in kwargs and match.namespace in PAGE_PK_NAMESPACES:
        page_ids.append(kwargs["pk"])
    if view_name in PAGE_ID_LIST_VIEWS:
        page_ids.extend(request.GET.getlist("id"))
    if view_name == "wagtailadmin_pages:copy" and request.method == "POST":
        # the copy form's errors name the destination page
        page_ids.append(request.POST.get("new_parent_page", ""))
    if not pages_reachable_by_user(user=user, page_ids=page_ids):
        return False

    for key, model in MEDIA_ID_KWARGS.items():
        if key in kwargs and not media_reachable_by_user(
            user=user, model=model(), ids=[kwargs[key]]
        ):
            return False
    media_model = MEDIA_PK_NAMESPACES.get(match.namespace)
    if media_model is not None:
        ids = [kwargs["pk"]] if "pk" in kwargs else request.GET.getlist("id")
        if not media_reachable_by_user(user=user, model=media_model(), ids=ids):
            return False

    if (
        view_name in SETTINGS_VIEWS
        and "pk" in kwargs
        and not sites_for_user(user=user).filter(pk=kwargs["pk"]).exists()
    ):
        return False
    if view_name == BULK_ACTION_VIEW:
        return _bulk_action_reachable(request, match)
    if view_name == EDITING_SESSION_VIEW:
        model = _model_or_none(kwargs.get("app_label", ""), kwargs.get("model_name", ""))
        if model is not None:
            return objects_reachable(user=user, model=model, ids=[kwargs.get("object_id")])
    # Generic views of site-owned models (ModelViewSet, SnippetViewSet) are not checked here:
    # their viewsets scope the listing and every object lookup through the model's site-aware
    # permission policy (home.permissions.SiteScopedViewSetMixin); the route test fails on a
    # viewset of a site-owned model that does not.
    return True


class AdminHostMiddleware:
    """The admin, its login and its password reset answer on the admin hostname only.

    On a site's hostname `/admin/...` is a 404 (the site's own 404 page), not a redirect to
    the admin host: a redirect would advertise the admin's address on ~460 public hostnames,
    and nobody needs the admin there (editors bookmark the admin host; the userbar's links
    are not shown on site hosts because the admin session cookie is the admin host's). The
    session cookie, login throttling and CSRF origin then belong to one hostname.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.ADMIN_HOST_ONLY
            and request.path_info.startswith(_admin_prefix())
            and request.get_host().rsplit(":", 1)[0].lower() != settings.ADMIN_HOSTNAME.lower()
        ):
            raise Http404
        return self.get_response(request)


class AdminTenancyMiddleware:
    """403 on central-only admin areas and 404 on other sites' objects, for local editors.

    Goes after AuthenticationMiddleware. Runs in process_view, when the URL is resolved.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path_info.startswith(_admin_prefix())
            and not user_is_central(user)
        ):
            # Forms re-rendered after a refused save describe nothing of other sites
            # (home.admin_disclosure); template responses render inside this block.
            with local_editor_request(user):
                return self.get_response(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated:
            return None  # Wagtail sends anonymous users to the login form
        if not request.path_info.startswith(_admin_prefix()):
            return None
        malformed = admin_input.malformed_admin_request(request, match)
        if malformed is not None:
            return malformed
        if user_is_central(user):
            return None
        if match_is_central_only(match):
            raise PermissionDenied
        if match.view_name == PAGE_CHOOSER_ROOT_VIEW:
            return self._page_chooser_start(request)
        if match.view_name == TAG_AUTOCOMPLETE_VIEW:
            return self._tag_autocomplete(request)
        if match.view_name == TAG_MODEL_AUTOCOMPLETE_VIEW:
            return self._tag_model_autocomplete(request, match)
        if not _reachable(request, match):
            return TemplateResponse(request, "wagtailadmin/404.html", status=404)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not request.path_info.startswith(_admin_prefix()):
            return None
        return admin_input.bad_request_for_exception(request, exception)

    @classmethod
    def _tag_model_autocomplete(cls, request: HttpRequest, match: ResolverMatch) -> HttpResponse:
        """The autocomplete of one tag model: Wagtail answers from the whole network's tags.
        The project's images and documents use taggit's Tag; no other tag model belongs to a
        site, so local editors get nothing from any other."""
        model = _model_or_none(match.kwargs.get("app_name", ""), match.kwargs.get("model_name", ""))
        if model is None:
            raise Http404
        from taggit.models import Tag

        if model is Tag:
            return cls._tag_autocomplete(request)
        return JsonResponse([], safe=False)

    @staticmethod
    def _tag_autocomplete(request: HttpRequest) -> HttpResponse:
        """Tag suggestions from the editor's own images and documents only."""
        term = request.GET.get("term", "")
        names: set[str] = set()
        if term:
            for model in (_image_model(), _document_model()):
                names.update(
                    tag.name
                    for tag in media_tags_for_user(
                        user=request.user, model=model, term=term, limit=TAG_AUTOCOMPLETE_LIMIT
                    )
                )
        return JsonResponse(sorted(names)[:TAG_AUTOCOMPLETE_LIMIT], safe=False)

    @staticmethod
    def _page_chooser_start(request: HttpRequest) -> HttpResponse | None:
        """Open the page chooser in the editor's own site.

        Without a parent page, Wagtail starts at the first common ancestor of all pages of the
        requested type, which may be a page of another site.
        """
        start = chooser_start_page_for_user(user=request.user)
        if start is None:
            return None
        url = reverse("wagtailadmin_choose_page_child", args=[start.pk])
        query = request.META.get("QUERY_STRING")
        return redirect(f"{url}?{query}" if query else url)
