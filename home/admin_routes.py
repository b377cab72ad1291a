"""Every admin URL that takes an argument, and which permission policy keeps a local editor
inside their sites there.

An admin URL with an id in it can show or change another site's object. Each such URL pattern
is classified here, by its resolved view name (shell-style patterns), with the policy that
decides it and where that policy is asked:

policies (`policy`):
- "pages": Wagtail's PagePermissionPolicy; editors hold GroupPagePermission on their site's
  home page, so another site's pages are not theirs;
- "collections": Wagtail's CollectionOwnershipPermissionPolicy of images and documents; each
  site's editors hold permissions on the site's own collection (Tenant.collection);
- "site_settings": Wagtail's SitePermissionPolicy of BaseSiteSetting (GroupSitePermission per
  site);
- "site_owned": home.permissions.SiteOwnedPermissionPolicy of rows with a `site` key;
- "by_model": the registered policy of the model named in the URL (bulk actions, editing
  sessions), through home.permissions.objects_permitted;
- "central_snippets": the policies of central's snippets (central.permissions);
- "central": none, the area is for central editors only; "none": the argument names nothing of
  a site.

where it is asked (`guard`):
- "view": the view asks the policy before showing or changing the object (Wagtail's own views,
  and ours that do as Wagtail does); Wagtail refuses with "no permission";
- "middleware": the view shows the object without asking, so home.middleware asks the policy
  first and answers 404 (home.middleware.POLICY_CHECKED_VIEWS) or answers itself;
- "viewset": a generic view built through home.permissions.SiteScopedViewSetMixin: the listing
  and every object lookup are narrowed by the policy, another site's id answers 404;
- "queryset": the view looks the object up in a queryset the policy narrowed;
- "central_only": the whole area answers 403 to local editors; "harmless": nothing to guard.

tests/home/test_admin_routes.py walks the URL resolver and fails on any admin pattern with an
argument that no rule here classifies, so a new Wagtail view cannot open silently, and checks
each guard against the code that applies it; tests/home/test_admin_isolation.py requests each
kind with another site's ids.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

Guard = Literal["view", "middleware", "viewset", "queryset", "central_only", "harmless"]
Policy = Literal[
    "pages",
    "collections",
    "site_settings",
    "site_owned",
    "by_model",
    "central_snippets",
    "central",
    "none",
]


@dataclass(frozen=True)
class AdminRoute:
    view_name: str  # a resolved view name, or a shell-style pattern of them
    guard: Guard
    policy: Policy
    reason: str


def _view(view_name: str, policy: Policy, reason: str) -> AdminRoute:
    return AdminRoute(view_name, "view", policy, reason)


def _harmless(view_name: str, reason: str) -> AdminRoute:
    return AdminRoute(view_name, "harmless", "none", reason)


def _central(view_name: str, reason: str) -> AdminRoute:
    return AdminRoute(view_name, "central_only", "central", reason)


ADMIN_ROUTES: tuple[AdminRoute, ...] = (
    # --- first the exceptions inside policy-guarded namespaces: arguments that name no object
    _harmless("wagtailadmin_pages:type_use", "a page type"),
    _harmless("wagtailadmin_pages:type_use_results", "a page type"),
    _harmless("wagtailadmin_pages:choose_parent", "a page type"),
    _harmless("wagtailimages:*_upload*", "Wagtail filters uploads by uploader"),
    _harmless("wagtaildocs:*_upload*", "Wagtail filters uploads by uploader"),
    # --- pages
    AdminRoute(
        "wagtailadmin_choose_page_child", "middleware", "pages", "the chooser shows its parent"
    ),
    AdminRoute(
        "wagtailadmin_pages:move_confirm", "middleware", "pages", "slug check before the hook"
    ),
    _view("wagtailadmin_explore", "pages", "explorable pages"),
    _view("wagtailadmin_explore_results", "pages", "explorable pages"),
    _view("wagtailadmin_pages:*", "pages", "permissions_for_user; copy: before_copy_page hook"),
    AdminRoute("wagtailadmin_api:pages:*", "queryset", "pages", "explorable_instances"),
    _view("wagtailforms:*", "pages", "get_forms_for_user"),
    _view("sitegen_shared_sections_on_page", "pages", "can_edit"),
    _view("sitegen_page_from_template", "pages", "can_add_subpage"),
    _view("sitegen_template_changes", "pages", "can_edit"),
    _view("uitpublish_admin:*", "pages", "can_edit, else 404"),
    # --- images and documents
    _view("wagtailimages:*", "collections", "user_has_permission_for_instance"),
    _view("wagtaildocs:*", "collections", "user_has_permission_for_instance"),
    _view("wagtailimages_chooser:*", "collections", "the chooser's 'choose' queryset"),
    _view("wagtaildocs_chooser:*", "collections", "the chooser's 'choose' queryset"),
    AdminRoute(
        "wagtailadmin_api:images:*", "queryset", "collections", "home.wagtail_hooks admin API"
    ),
    AdminRoute(
        "wagtailadmin_api:documents:*", "queryset", "collections", "home.wagtail_hooks admin API"
    ),
    AdminRoute(
        "wagtailadmin_tag_model_autocomplete",
        "middleware",
        "collections",
        "answered from the tags of the editor's own images and documents",
    ),
    # --- site settings (identity settings: central only, home.middleware)
    _view("wagtailsettings:*", "site_settings", "user_has_permission_for_instance"),
    # --- site-owned rows
    AdminRoute("events_importrun:*", "viewset", "site_owned", "ImportRun"),
    AdminRoute("registrations_admin:*", "queryset", "site_owned", "Registration, offers"),
    # --- views that take a model and ids: the model's own policy
    AdminRoute("wagtail_bulk_action", "middleware", "by_model", "?id=; closed models refused"),
    AdminRoute("wagtailadmin_editing_sessions:ping", "middleware", "by_model", "object_id"),
    # --- central snippets choosers: the snippet's policy decides what a local editor sees
    AdminRoute(
        "wagtailsnippetchoosers_central_*",
        "queryset",
        "central_snippets",
        "central ScopedSnippetChooserViewSet: chooser_queryset_for per viewset",
    ),
    # --- central editors only
    _central("wagtailusers_users:*", "CENTRAL_ONLY_NAMESPACES"),
    _central("wagtailusers_groups:*", "CENTRAL_ONLY_NAMESPACES"),
    _central("wagtailsites:*", "CENTRAL_ONLY_NAMESPACES"),
    _central("wagtailadmin_workflows:*", "CENTRAL_ONLY_NAMESPACES"),
    _central("wagtailredirects:*", "CENTRAL_ONLY_NAMESPACES"),
    _central("wagtailsearchpromotions:*", "CENTRAL_ONLY_NAMESPACES"),
    _central("wagtailadmin_collections:*", "CENTRAL_ONLY_NAMESPACES"),
    _central("wagtailsnippets_central_*", "central_only_urlpatterns"),
    _central("catalogue_importrun:*", "central_only_urlpatterns"),
    _central("network_region_edit", "network.wagtail_hooks: central_only"),
    # --- arguments that name nothing of a site
    _harmless("wagtailadmin_editing_sessions:release", "the user's own session"),
    _harmless("wagtailadmin_password_reset_confirm", "uid and token"),
    _harmless("bibnet_editor_guide_chapter", "slug of a chapter of the editor guide"),
)


def view_class_of(callback) -> type | None:
    """The class of a class-based view, through Wagtail's wrappers."""
    view = callback
    while view is not None:
        view_class = getattr(view, "view_class", None)
        if view_class is not None:
            return view_class
        view = getattr(view, "__wrapped__", None)
    return None


def view_model_of(callback) -> type | None:
    """The model of a generic admin view (SnippetViewSet, ModelViewSet), if it has one."""
    view = callback
    while view is not None:
        initkwargs = getattr(view, "view_initkwargs", None) or {}
        model = initkwargs.get("model") or getattr(getattr(view, "view_class", None), "model", None)
        if isinstance(model, type):
            return model
        view = getattr(view, "__wrapped__", None)
    return None


def admin_route_for(view_name: str) -> AdminRoute | None:
    """The first rule that classifies this resolved admin view name, if any."""
    for route in ADMIN_ROUTES:
        if fnmatchcase(view_name, route.view_name):
            return route
    return None
