"""Admin of central content: the snippets central editors edit (shared sections, page
templates, campaigns, central news) with choosers scoped for local editors, and the read-only
list of campaigns for local editors."""

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import policy_registry, register_permission_policy
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
from central.permissions import CHOOSE, central_content_policy
from home.central_only import central_only_urlpatterns
from home.dashboard import dashboard_hook
from home.selectors import user_is_central

# --- Central content: shared sections, page templates, campaigns, central news ----------------


# The choosers of central snippets are open to local editors (a page embeds a shared section),
# but Wagtail's snippet chooser lists every row and its "chosen" endpoint returns any row by id:
# campaigns and central news that are not meant for the editor's sites would be readable there.
# These views narrow every lookup to the rows the model's permission policy lets the user
# choose (central.permissions).


class LocalScopeMixin:
    def _scoped(self, queryset: QuerySet) -> QuerySet:
        policy = policy_registry.get_by_type(self.model_class)
        choosable = policy.instances_user_has_permission_for(self.request.user, CHOOSE)
        return queryset.filter(pk__in=choosable.values("pk"))

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


class CentralNewsViewSet(CentralSnippetViewSet):
    model = CentralNewsItem
    icon = "doc-full"
    menu_label = _("Netwerknieuws")
    list_display = ["title", "date", "live"]
    search_fields = ["title"]


class CentralContentGroup(SnippetViewSetGroup):
    items = (SharedSectionViewSet, PageTemplateViewSet, CampaignViewSet, CentralNewsViewSet)
    menu_icon = "globe"
    menu_label = _("Centrale inhoud")
    menu_name = "central-content"
    menu_order = 160


for _model in (SharedSection, PageTemplate, Campaign, CentralNewsItem):
    register_permission_policy(_model, central_content_policy(_model))
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
