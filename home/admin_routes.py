"""Every admin URL that takes an argument, and what keeps a local editor inside their sites there.

An admin URL with an id in it can show or change another site's object. Each such URL pattern
is classified here, by its resolved view name (shell-style patterns), into one category:

- POLICY: a generic view of a viewset whose model has a site-aware permission policy
  (home.permissions.SiteScopedViewSetMixin): the listing and every object lookup are narrowed
  to the user's sites, another site's id answers 404.
- GUARDED: home.middleware looks the id up and answers 404 for another site's object (pages,
  images, documents, site settings, bulk actions, editing sessions).
- SCOPED: the view itself (or a hook, or a chooser viewset) looks the object up in a queryset
  narrowed to the user's sites, or answers from such a queryset.
- CENTRAL_ONLY: the whole area answers 403 to local editors (home.middleware's namespaces,
  home.central_only.central_only_urlpatterns).
- HARMLESS: the argument names nothing of a site (a content type, a tag model, the user's
  own upload or editing session, a password-reset token).

tests/home/test_admin_routes.py walks the URL resolver and fails on any admin pattern with an
argument that no rule here classifies, so a new Wagtail view cannot open silently, and on any
generic view of a site-owned model that is neither policy-scoped nor central-only.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

Category = Literal["policy", "guarded", "scoped", "central_only", "harmless"]


@dataclass(frozen=True)
class AdminRoute:
    view_name: str  # a resolved view name, or a shell-style pattern of them
    category: Category
    reason: str


ADMIN_ROUTES: tuple[AdminRoute, ...] = (
    # --- first the exceptions inside guarded namespaces: arguments that name no object
    AdminRoute("wagtailadmin_pages:type_use", "harmless", "a page type"),
    AdminRoute("wagtailadmin_pages:type_use_results", "harmless", "a page type"),
    AdminRoute("wagtailadmin_pages:choose_parent", "harmless", "a page type"),
    AdminRoute("wagtailimages:*_upload*", "harmless", "Wagtail filters uploads by uploader"),
    AdminRoute("wagtaildocs:*_upload*", "harmless", "Wagtail filters uploads by uploader"),
    # --- pages: every page id keyword (page_id, parent_page_id, page_to_move_id, destination_id,
    # page_pk) and the `pk` of the page namespaces are checked by home.middleware
    AdminRoute("wagtailadmin_explore", "guarded", "parent_page_id"),
    AdminRoute("wagtailadmin_explore_results", "guarded", "parent_page_id"),
    AdminRoute("wagtailadmin_choose_page_child", "guarded", "parent_page_id"),
    AdminRoute("wagtailadmin_pages:*", "guarded", "page id keywords, pk of revisions compare"),
    AdminRoute("wagtailadmin_api:pages:*", "guarded", "pk of the pages namespace"),
    AdminRoute("wagtailforms:*", "guarded", "page_id"),
    AdminRoute("sitegen_shared_sections_on_page", "guarded", "page_id"),
    AdminRoute("sitegen_page_from_template", "guarded", "parent_page_id"),
    AdminRoute("sitegen_template_changes", "guarded", "page_id"),
    # --- images and documents: image_id, document_id, doc_id, pk of the chooser and API
    AdminRoute("wagtailimages:*", "guarded", "image_id; uploads are the user's own"),
    AdminRoute("wagtaildocs:*", "guarded", "document_id / doc_id; uploads are the user's own"),
    AdminRoute("wagtailimages_chooser:*", "guarded", "pk / image_id"),
    AdminRoute("wagtaildocs_chooser:*", "guarded", "pk"),
    AdminRoute("wagtailadmin_api:images:*", "guarded", "pk of the images namespace"),
    AdminRoute("wagtailadmin_api:documents:*", "guarded", "pk of the documents namespace"),
    # --- site-owned rows: the viewset's site-aware permission policy
    AdminRoute("events_importrun:*", "policy", "SiteOwnedPermissionPolicy of ImportRun"),
    # --- site settings, bulk actions, editing sessions
    AdminRoute("wagtailsettings:*", "guarded", "pk is the site; identity settings central"),
    AdminRoute("wagtail_bulk_action", "guarded", "?id= per model; closed models refused"),
    AdminRoute("wagtailadmin_editing_sessions:ping", "guarded", "object_id per model"),
    # --- scoped by their own querysets
    AdminRoute("registrations_admin:*", "scoped", "offers_for_user, registrations_for_user"),
    AdminRoute("uitpublish_admin:*", "scoped", "page_id: page permissions (can_edit), else 404"),
    AdminRoute(
        "wagtailsnippetchoosers_central_*",
        "scoped",
        "central ScopedSnippetChooserViewSet: chooser_queryset_for per viewset",
    ),
    AdminRoute(
        "wagtailadmin_tag_model_autocomplete",
        "scoped",
        "home.middleware answers from the editor's own tags",
    ),
    # --- central editors only
    AdminRoute("wagtailusers_users:*", "central_only", "CENTRAL_ONLY_NAMESPACES"),
    AdminRoute("wagtailusers_groups:*", "central_only", "CENTRAL_ONLY_NAMESPACES"),
    AdminRoute("wagtailsites:*", "central_only", "CENTRAL_ONLY_NAMESPACES"),
    AdminRoute("wagtailadmin_workflows:*", "central_only", "CENTRAL_ONLY_NAMESPACES"),
    AdminRoute("wagtailredirects:*", "central_only", "CENTRAL_ONLY_NAMESPACES"),
    AdminRoute("wagtailsearchpromotions:*", "central_only", "CENTRAL_ONLY_NAMESPACES"),
    AdminRoute("wagtailadmin_collections:*", "central_only", "CENTRAL_ONLY_NAMESPACES"),
    AdminRoute("wagtailsnippets_central_*", "central_only", "central_only_urlpatterns"),
    AdminRoute("catalogue_importrun:*", "central_only", "central_only_urlpatterns"),
    # --- arguments that name nothing of a site
    AdminRoute("wagtailadmin_editing_sessions:release", "harmless", "the user's own session"),
    AdminRoute("wagtailadmin_password_reset_confirm", "harmless", "uid and token"),
    AdminRoute("bibnet_editor_guide_chapter", "harmless", "slug of a chapter of the editor guide"),
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
