"""What Wagtail's permission policies cannot decide for local editors in the one admin.

Which site's objects a local editor may open is decided by permission policies, in Wagtail's
own views: pages by page permissions (GroupPagePermission on the site's home page), images and
documents by collection permissions (the site's own collection), site settings by per-site
permissions, site-owned rows by their SiteOwnedPermissionPolicy (home.permissions). Wagtail's
views refuse another site's object by asking them ("no permission", back to the dashboard).
What remains here:

- admin areas that cannot be scoped per site at all (users, groups, sites, workflows,
  redirects, search promotions, collections, reports, identity settings): 403;
- the few Wagtail views that look an object up by id and show it without asking any policy:
  the page chooser's parent page and its "chosen" answer, the move confirmation (its slug
  check names the page before Wagtail's before_move_page hook runs), the bulk-action
  confirmation pages (which list the objects the user may *not* touch, by title) and editing
  sessions. They answer 404 unless the object's own policy permits it
  (home.permissions.objects_permitted);
- the page chooser's start (Wagtail opens it at the common ancestor of a page type's pages)
  and the tag autocompletes (one tag table for the network), answered from the editor's own
  site.
Central editors pass untouched.

The rules match resolved URL names, never path strings, so they follow the admin wherever it
is mounted. Which policy guards which admin URL is listed, as data, in home.admin_routes (and
checked against the URL resolver by a test).

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
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from home import admin_input
from home.admin_disclosure import local_editor_request
from home.csp import admin_prefix as _admin_prefix
from home.permissions import ANY_ACTIONS, objects_permitted, permission_policy_for
from home.scoping import chooser_start_page_for_user, media_tags_for_user, site_owned
from home.selectors import user_is_central

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
PAGE_CHOOSER_CHILD_VIEW = "wagtailadmin_choose_page_child"
PAGE_CHOSEN_MULTIPLE_VIEW = "wagtailadmin_choose_page_chosen_multiple"
PAGE_MOVE_CONFIRM_VIEW = "wagtailadmin_pages:move_confirm"
TAG_AUTOCOMPLETE_VIEW = "wagtailadmin_tag_autocomplete"
TAG_MODEL_AUTOCOMPLETE_VIEW = "wagtailadmin_tag_model_autocomplete"
TAG_AUTOCOMPLETE_LIMIT = 10

# Wagtail views that show an object named in the request without asking a permission policy:
# the middleware asks the object's policy first. (All other views with an id ask it
# themselves; home.admin_routes lists which policy each one asks.)
POLICY_CHECKED_VIEWS = frozenset(
    {
        PAGE_CHOOSER_CHILD_VIEW,
        PAGE_CHOSEN_MULTIPLE_VIEW,
        # names the slug of the page to move before the before_move_page hook runs
        PAGE_MOVE_CONFIRM_VIEW,
        BULK_ACTION_VIEW,
        EDITING_SESSION_VIEW,
    }
)


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


# What a bulk action or an editing session does with an object: anything but choosing it.
EDITING_ACTIONS = tuple(action for action in ANY_ACTIONS if action != "choose")


def _model_closed_to_user(user, model: type) -> bool:
    """A snippet or model whose permission policy lets the user change nothing (the central
    snippets, which local editors may only choose): its bulk-action screens would list the
    titles of every row."""
    if issubclass(model, (Page, get_image_model(), get_document_model())):
        return False
    policy = permission_policy_for(model)
    if policy is None:
        return False  # Wagtail's model permissions apply
    return not policy.user_has_any_permission(user, EDITING_ACTIONS)


def _bulk_action_permitted(request: HttpRequest, match: ResolverMatch) -> bool:
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
            return bool(parent) and objects_permitted(user=request.user, model=Page, ids=[parent])
        return not site_owned(model)
    return objects_permitted(user=request.user, model=model, ids=ids)


def _policy_permits(request: HttpRequest, match: ResolverMatch) -> bool:
    """For POLICY_CHECKED_VIEWS: whether the objects they would show are the user's."""
    user, kwargs, view_name = request.user, match.kwargs, match.view_name
    if view_name == PAGE_CHOOSER_CHILD_VIEW:
        return objects_permitted(user=user, model=Page, ids=[kwargs.get("parent_page_id")])
    if view_name == PAGE_MOVE_CONFIRM_VIEW:
        ids = [kwargs.get("page_to_move_id"), kwargs.get("destination_id")]
        return objects_permitted(user=user, model=Page, ids=ids)
    if view_name == PAGE_CHOSEN_MULTIPLE_VIEW:
        return objects_permitted(user=user, model=Page, ids=request.GET.getlist("id"))
    if view_name == BULK_ACTION_VIEW:
        return _bulk_action_permitted(request, match)
    if view_name == EDITING_SESSION_VIEW:
        model = _model_or_none(kwargs.get("app_label", ""), kwargs.get("model_name", ""))
        if model is None:
            return True
        return not _model_closed_to_user(user, model) and objects_permitted(
            user=user, model=model, ids=[kwargs.get("object_id")]
        )
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
        if match.view_name in POLICY_CHECKED_VIEWS and not _policy_permits(request, match):
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
        if model is Tag:
            return cls._tag_autocomplete(request)
        return JsonResponse([], safe=False)

    @staticmethod
    def _tag_autocomplete(request: HttpRequest) -> HttpResponse:
        """Tag suggestions from the editor's own images and documents only."""
        term = request.GET.get("term", "")
        names: set[str] = set()
        if term:
            for model in (get_image_model(), get_document_model()):
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
