from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.dashboard import dashboard_hook
from home.selectors import pages_within_user_sites, sites_for_user, user_is_central
from sitegen import push_views, views
from sitegen.dashboard import RunningCampaignsPanel
from sitegen.models import Campaign, CentralNewsItem, PageTemplate, SharedSection
from sitegen.permissions import CentralOnlyPermissionPolicy, central_only_urlpatterns
from sitegen.selectors import (
    campaigns_for_sites,
    page_template_changes,
    pages_with_outdated_template,
)


@hooks.register("register_admin_urls")
def register_sitegen_urls():
    return [
        path("websites/", views.SiteListView.as_view(), name="sitegen_sites"),
        path("websites/nieuw/", views.ProvisionSiteView.as_view(), name="sitegen_provision"),
    ]


class CentralMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_central(request.user)


@hooks.register("register_admin_menu_item")
def register_sites_menu_item():
    return CentralMenuItem(_("Websites"), reverse("sitegen_sites"), icon_name="site", order=150)


# --- Central content: shared sections, page templates, campaigns, central news ----------------


# The choosers of central snippets are open to local editors (a page embeds a shared section),
# but a chooser lists every row and its "chosen" endpoint returns any row by id: campaigns and
# central news that are not meant for the editor's sites would be readable there. The viewset
# says which rows a local editor may see (`chooser_queryset_for`); these views apply it.


class LocalScopeMixin:
    def _scoped(self, queryset: QuerySet) -> QuerySet:
        user = self.request.user
        if user_is_central(user):
            return queryset
        return self.model_class.snippet_viewset.chooser_queryset_for(user=user, queryset=queryset)

    def get_object_list(self):
        return self._scoped(super().get_object_list())

    def get_object(self, pk):
        obj = super().get_object(pk)
        if not self._scoped(self.model_class.objects.filter(pk=obj.pk)).exists():
            raise Http404
        return obj

    def get_objects(self, pks):
        return self._scoped(super().get_objects(pks))


class ScopedChooseView(LocalScopeMixin, ChooseView):
    pass


class ScopedChooseResultsView(LocalScopeMixin, ChooseResultsView):
    pass


class ScopedChosenView(LocalScopeMixin, SnippetChosenView):
    pass


class ScopedChosenMultipleView(LocalScopeMixin, SnippetChosenMultipleView):
    pass


class ScopedSnippetChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class CentralSnippetViewSet(SnippetViewSet):
    """Central editors only: every URL answers 403 to anyone else (sitegen.permissions); the
    chooser (a separate viewset) stays open so local editors can pick a shared section."""

    copy_view_enabled = False
    chooser_viewset_class = ScopedSnippetChooserViewSet

    def get_urlpatterns(self):
        return central_only_urlpatterns(super().get_urlpatterns())

    def chooser_queryset_for(self, *, user, queryset: QuerySet) -> QuerySet:
        """The rows a local editor may see in this snippet's chooser: all, by default
        (shared sections and page templates are made for every site)."""
        return queryset


class SharedSectionViewSet(CentralSnippetViewSet):
    model = SharedSection
    icon = "link"
    menu_label = _("Gedeelde secties")
    list_display = ["title", "updated_at"]
    search_fields = ["title"]


class PageTemplateViewSet(CentralSnippetViewSet):
    model = PageTemplate
    icon = "doc-empty-inverse"
    menu_label = _("Paginasjablonen")
    list_display = ["name", "page_type", "version", "updated_at"]
    search_fields = ["name"]


class CampaignViewSet(CentralSnippetViewSet):
    model = Campaign
    icon = "info-circle"
    menu_label = _("Campagnes en meldingen")
    list_display = ["title", "style", "audience", "starts_at", "ends_at"]
    list_filter = ["style", "audience", "tone"]

    def chooser_queryset_for(self, *, user, queryset: QuerySet) -> QuerySet:
        reachable = campaigns_for_sites(sites=sites_for_user(user=user))
        return queryset.filter(pk__in=reachable.values("pk"))


class CentralNewsViewSet(CentralSnippetViewSet):
    model = CentralNewsItem
    icon = "doc-full"
    menu_label = _("Netwerknieuws")
    list_display = ["title", "date", "live"]
    search_fields = ["title"]

    def chooser_queryset_for(self, *, user, queryset: QuerySet) -> QuerySet:
        reachable = CentralNewsItem.objects.filter(sites__in=sites_for_user(user=user))
        return queryset.filter(pk__in=reachable.values("pk"))


class CentralContentGroup(SnippetViewSetGroup):
    items = (SharedSectionViewSet, PageTemplateViewSet, CampaignViewSet, CentralNewsViewSet)
    menu_icon = "globe"
    menu_label = _("Centrale inhoud")
    menu_name = "central-content"
    menu_order = 160


for _model in (SharedSection, PageTemplate, Campaign, CentralNewsItem):
    register_permission_policy(_model, CentralOnlyPermissionPolicy(_model))
register_snippet(CentralContentGroup)


@hooks.register("register_admin_urls")
def register_push_urls():
    return [
        path(
            "gedeelde-secties/pagina/<int:page_id>/",
            push_views.SharedSectionsOnPageView.as_view(),
            name="sitegen_shared_sections_on_page",
        ),
        path(
            "sjablonen/nieuw/<int:parent_page_id>/",
            push_views.PageFromTemplateView.as_view(),
            name="sitegen_page_from_template",
        ),
        path(
            "sjablonen/wijzigingen/<int:page_id>/",
            push_views.TemplateChangesView.as_view(),
            name="sitegen_template_changes",
        ),
        path("campagnes/", push_views.CampaignsForEditorView.as_view(), name="sitegen_campaigns"),
        path(
            "netwerk/overzicht/",
            push_views.NetworkOverviewView.as_view(),
            name="sitegen_network_overview",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_network_overview_menu_item():
    return CentralMenuItem(
        _("Netwerkoverzicht"), reverse("sitegen_network_overview"), icon_name="table", order=155
    )


class LocalMenuItem(MenuItem):
    def is_shown(self, request):
        return not user_is_central(request.user)


@hooks.register("register_admin_menu_item")
def register_campaigns_menu_item():
    return LocalMenuItem(
        _("Campagnes"), reverse("sitegen_campaigns"), icon_name="info-circle", order=165
    )


class AddFromTemplateButton(PageMenuItem):
    label = _("Nieuwe pagina op basis van sjabloon")
    icon_name = "doc-empty-inverse"
    url_name = "sitegen_page_from_template"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_add_subpage()


class DetachSectionsButton(PageMenuItem):
    label = _("Gedeelde secties loskoppelen")
    icon_name = "link"
    url_name = "sitegen_shared_sections_on_page"

    def is_shown(self, user):
        return not self.page.is_root() and self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_listing_more_buttons")
def page_listing_push_buttons(page, user, next_url=None):
    yield AddFromTemplateButton(page=page, priority=9)
    yield DetachSectionsButton(page=page, priority=55)


@hooks.register("register_page_header_buttons")
def page_header_push_buttons(page, user, view_name, next_url=None):
    yield AddFromTemplateButton(page=page, priority=16)
    yield DetachSectionsButton(page=page, priority=66)


@hooks.register("before_edit_page")
def template_change_notice(request, page):
    """Editors of a page made from a template learn when the template has changed."""
    if request.method != "GET":
        return None
    changes = page_template_changes(page=page)
    if changes is not None and changes.changed:
        messages.warning(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("De centrale versie is gewijzigd (sjabloon \u201c%(name)s\u201d).")
                % {"name": changes.origin.template.name},
                reverse("sitegen_template_changes", args=[page.pk]),
                _("Bekijk wat er veranderde"),
            ),
        )
    return None


class OutdatedTemplatesPanel(Component):
    """Dashboard: pages of the user's sites whose template has a newer central version."""

    name = "sitegen_outdated_templates"
    template_name = "sitegen/admin/outdated_templates_panel.html"
    order = 90

    def __init__(self, origins):
        self.origins = origins

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["origins"] = self.origins
        return context


@hooks.register("construct_homepage_panels")
def outdated_templates_panel(request, panels):
    pages = pages_within_user_sites(user=request.user, pages=Page.objects.all())
    origins = list(pages_with_outdated_template(pages=pages)[:20])
    if origins:
        panels.append(OutdatedTemplatesPanel(origins))


hooks.register("construct_homepage_panels", dashboard_hook(RunningCampaignsPanel))
