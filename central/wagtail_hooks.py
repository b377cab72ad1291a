"""Admin of central content: the snippets central editors edit (shared sections, page
templates, campaigns, central news) with choosers scoped for local editors, and the read-only
list of campaigns for local editors."""

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
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

from central import views
from central.dashboard import RunningCampaignsPanel
from central.models import Campaign, CentralNewsItem, PageTemplate, SharedSection
from central.selectors import campaigns_for_sites
from home.central_only import CentralOnlyPermissionPolicy, central_only_urlpatterns
from home.dashboard import dashboard_hook
from home.selectors import sites_for_user, user_is_central

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
    """Central editors only: every URL answers 403 to anyone else (home.central_only); the
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
def register_central_urls():
    return [
        path("campagnes/", views.CampaignsForEditorView.as_view(), name="central_campaigns"),
    ]


class LocalMenuItem(MenuItem):
    def is_shown(self, request):
        return not user_is_central(request.user)


@hooks.register("register_admin_menu_item")
def register_campaigns_menu_item():
    return LocalMenuItem(
        _("Campagnes"), reverse("central_campaigns"), icon_name="info-circle", order=165
    )


hooks.register("construct_homepage_panels", dashboard_hook(RunningCampaignsPanel))
