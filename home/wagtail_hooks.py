"""Admin wiring that keeps local editors inside their own sites.

Page permissions (GroupPagePermission on the home page), collection permissions and per-site
setting permissions do most of the work (home.permissions). What they leave open is closed
here: the copy form names its destination page before asking for permission to add to it, the page
chooser shows the whole tree, the page listings' filters list every site and every page
owner and editor of the network, the admin API lists every image and document, the
dashboard panels follow the user and not the site, and the menus offer central-only areas.
The URL guards are in home.middleware; the decisions in home.selectors.

Image and document choosers need no hook: Wagtail filters them by the "choose" collection
permission, which provisioning grants on the site's own collection only (and which keeps a
shared collection usable if central editors open one to every site).
"""

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import BaseMediaFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.widgets import AdminPageChooser
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.chooser import ImageChooseViewMixin
from wagtail.models import Page

from home.dashboard import (
    DraftsPanel,
    ModerationPanel,
    NetworkSitesPanel,
    StalePagesPanel,
    dashboard_hook,
)
from home.editor_guide import editor_guide
from home.middleware import admin_url_is_central_only
from home.scoping import (
    media_for_user,
    media_tags_for_user,
    page_editors_for_user,
    page_owners_for_user,
    page_within_user_sites,
    pages_within_user_sites,
)
from home.selectors import sites_for_user, user_is_central

# --- Page copy: the destination is a page the user may add to -----------------------------


@hooks.register("before_copy_page")
def copy_only_into_permitted_pages(request, page):
    """Wagtail checks the copy's destination in the form, whose error names the destination
    page by title; refuse another site's destination before the form sees it."""
    if request.method != "POST" or user_is_central(request.user):
        return None
    destination = Page.objects.filter(pk=request.POST.get("new_parent_page") or None).first()
    if (
        destination is not None
        and not destination.permissions_for_user(request.user).can_add_subpage()
    ):
        return permission_denied(request)
    return None


# --- Page move: every page of the subtree may stand in the destination's site -------------


@hooks.register("before_move_page")
def move_only_where_the_subtree_fits(request, page, destination):
    """Wagtail's move chooser offers no destination where a page of the subtree may not stand
    (BasePage.can_move_to); a confirmation opened by its URL would end in a bare 403 when
    posted. Say which page types stand in the way instead."""
    subtree_misfits = getattr(page, "subtree_misfits", None)
    misfits = subtree_misfits(destination) if subtree_misfits is not None else []
    if not misfits:
        return None
    messages.error(
        request,
        _(
            "„%(page)s” kan niet naar „%(destination)s” verplaatst worden: „%(page)s” of een "
            "pagina eronder is een %(types)s, en die hoort niet thuis op die site."
        )
        % {
            "page": page.get_admin_display_title(),
            "destination": destination.get_admin_display_title(),
            "types": _(" of een ").join(str(model._meta.verbose_name) for model in misfits),
        },
    )
    return redirect("wagtailadmin_pages:move", page.pk)


# --- Page chooser and explorer ---------------------------------------------------------------


@hooks.register("construct_page_chooser_queryset")
def page_chooser_within_user_sites(pages, request):
    return pages_within_user_sites(user=request.user, pages=pages)


@hooks.register("construct_explorer_page_queryset")
def explorer_within_user_sites(parent_page, pages, request):
    # Wagtail already limits the explorer to explorable pages unless
    # WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS is turned off; this holds either way.
    return pages_within_user_sites(user=request.user, pages=pages)


def _scope_page_listing_filters() -> None:
    """The page listings (explorer, page type usage, forms) offer filters whose choices are
    every site, every page owner and every page editor of the network. Wagtail has no hook for
    these choices, so give the shared filter objects request-aware querysets; FilterSet
    subclasses share the declared filter objects, and every request deep-copies them."""
    filters = PageFilterSet.declared_filters
    filters["site"].queryset = lambda request: sites_for_user(user=request.user)
    filters["owner"].queryset = lambda request: page_owners_for_user(user=request.user)
    filters["edited_by"].queryset = lambda request: page_editors_for_user(user=request.user)


_scope_page_listing_filters()


def _page_chooser_titles_in_dutch() -> None:
    """Wagtail titles a chooser for one page type "Choose a page (Location)", which reads
    "Kies een pagina (Locatie)": it glues the capitalised type name to the sentence, so no
    translation can fix it. Every page chooser (FieldPanel, PageChooserPanel, blocks, forms)
    is an AdminPageChooser; say "Kies een locatie" instead."""
    original_init = AdminPageChooser.__init__
    if getattr(original_init, "dutch_titles", False):
        return

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if self.model is not Page:
            self.choose_one_text = format_lazy(
                _("Kies een {page_type}"), page_type=self.model._meta.verbose_name
            )

    __init__.dutch_titles = True
    AdminPageChooser.__init__ = __init__


_page_chooser_titles_in_dutch()


# --- Tags of images and documents -------------------------------------------------------------
# The media listings and the image chooser offer the network's most used tags as filters;
# Wagtail has no hook for them, so narrow them for local editors after Wagtail builds them.


def _scope_media_tag_filters() -> None:
    original_init = BaseMediaFilterSet.__init__

    def init(self, *args, request=None, **kwargs):
        original_init(self, *args, request=request, **kwargs)
        tag_filter = self.filters.get("tag")
        if tag_filter is None or request is None or user_is_central(request.user):
            return
        tags = media_tags_for_user(user=request.user, model=self._meta.model)
        if tags:
            tag_filter.extra["choices"] = [(tag.name, tag.name) for tag in tags]
        else:
            del self.filters["tag"]

    BaseMediaFilterSet.__init__ = init

    original_context = ImageChooseViewMixin.get_context_data

    def get_context_data(self, **kwargs):
        context = original_context(self, **kwargs)
        if not user_is_central(self.request.user):
            context["popular_tags"] = media_tags_for_user(user=self.request.user, model=self.model)
        return context

    ImageChooseViewMixin.get_context_data = get_context_data


_scope_media_tag_filters()


# --- Admin API (images and documents list every collection) ----------------------------------


class SiteScopedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return media_for_user(
            user=self.request.user, model=self.model, queryset=super().get_queryset()
        )


class SiteScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return media_for_user(
            user=self.request.user, model=self.model, queryset=super().get_queryset()
        )


@hooks.register("construct_admin_api", order=100)  # after wagtail.images and wagtail.documents
def admin_api_within_user_sites(router):
    router.register_endpoint("images", SiteScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", SiteScopedDocumentsAdminAPIViewSet)


# --- Dashboard -------------------------------------------------------------------------------
# The panels list the user's own edits, locks and moderation requests wherever they were made:
# an editor who moved from one site to another would keep seeing the old site's pages.


def _page_visible(request, obj) -> bool:
    return not isinstance(obj, Page) or page_within_user_sites(user=request.user, page=obj)


class SiteScopedRecentEditsPanel(RecentEditsPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = parent_context["request"]
        context["last_edits"] = [
            (edited_at, page)
            for edited_at, page in context["last_edits"]
            if _page_visible(request, page)
        ]
        return context


class SiteScopedLockedPagesPanel(LockedPagesPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["locked_pages"] = pages_within_user_sites(
            user=parent_context["request"].user, pages=context["locked_pages"]
        )
        return context


class SiteScopedUserObjectsInWorkflowModerationPanel(UserObjectsInWorkflowModerationPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = parent_context["request"]
        context["workflow_states"] = [
            state
            for state in context["workflow_states"]
            if _page_visible(request, state.content_object)
        ]
        return context


class SiteScopedWorkflowObjectsToModeratePanel(WorkflowObjectsToModeratePanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = parent_context["request"]
        context["states"] = [
            state for state in context["states"] if _page_visible(request, state["obj"])
        ]
        return context


SITE_SCOPED_PANELS = {
    RecentEditsPanel: SiteScopedRecentEditsPanel,
    LockedPagesPanel: SiteScopedLockedPagesPanel,
    UserObjectsInWorkflowModerationPanel: SiteScopedUserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel: SiteScopedWorkflowObjectsToModeratePanel,
}


@hooks.register("construct_homepage_panels")
def dashboard_within_user_sites(request, panels):
    if user_is_central(request.user):
        return
    for index, panel in enumerate(panels):
        scoped = SITE_SCOPED_PANELS.get(type(panel))
        if scoped is not None:
            panels[index] = scoped()


# --- Menus: hide the central-only areas that home.middleware refuses ------------------------


def _hide_central_only(request, menu_items) -> None:
    if user_is_central(request.user):
        return
    menu_items[:] = [item for item in menu_items if not admin_url_is_central_only(item.url)]


@hooks.register("construct_main_menu")
def main_menu_for_local_editors(request, menu_items):
    _hide_central_only(request, menu_items)


@hooks.register("construct_settings_menu")
def settings_menu_for_local_editors(request, menu_items):
    _hide_central_only(request, menu_items)


@hooks.register("construct_reports_menu")
def reports_menu_for_local_editors(request, menu_items):
    _hide_central_only(request, menu_items)


# --- Dashboard panels for the job (home.dashboard) -----------------------------------------
hooks.register("construct_homepage_panels", dashboard_hook(DraftsPanel))
hooks.register("construct_homepage_panels", dashboard_hook(ModerationPanel))
hooks.register("construct_homepage_panels", dashboard_hook(StalePagesPanel))
hooks.register("construct_homepage_panels", dashboard_hook(NetworkSitesPanel))


# --- The Dutch editor guide replaces Wagtail's English one -----------------------------------


@hooks.register("register_admin_urls")
def editor_guide_urls():
    return [
        path("handleiding/", editor_guide, name="bibnet_editor_guide"),
        path("handleiding/<slug:slug>/", editor_guide, name="bibnet_editor_guide_chapter"),
    ]


@hooks.register("construct_help_menu")
def help_menu_in_dutch(request, menu_items):
    # Wagtail's "Editor Guide" and "What's new" lead to English pages about Wagtail itself.
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]
    menu_items.insert(
        0,
        MenuItem(
            _("Handleiding voor redacteurs"),
            reverse("bibnet_editor_guide"),
            name="bibnet-editor-guide",
            icon_name="help",
            order=1000,
        ),
    )
