"""Admin: the UiTdatabank import runs, read-only, each editor seeing their own sites' runs.

The runs are written by the importer only. The viewset offers just the listing and the
inspect view; its site-aware permission policy (home.permissions) narrows the listing to the
user's sites and answers 404 on another site's run.
"""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from events.dashboard import AgendaFiguresPanel
from events.models import ImportRun
from home.dashboard import dashboard_hook
from home.permissions import SiteOwnedPermissionPolicy, SiteScopedViewSetMixin

# Read-only for everyone; a local editor sees the runs of their own sites only.
register_permission_policy(ImportRun, SiteOwnedPermissionPolicy(ImportRun, actions=("view",)))


class ImportRunIndexView(IndexView):
    # Above the runs: what this screen is, and for a local editor when their agenda last
    # synchronised (the question they come here with).
    template_name = "events/admin/importrun_index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("site")

    def get_context_data(self, **kwargs):
        from events.services import last_successful_sync
        from home.selectors import sites_for_user, user_is_central

        context = super().get_context_data(**kwargs)
        syncs = []
        if not user_is_central(self.request.user):
            for site in sites_for_user(user=self.request.user).order_by("site_name")[:5]:
                last = last_successful_sync(site=site)
                # Runs that are not the site's own sync (a file imported by hand, the demo):
                # the screen lists them, so the sentence above must not say "never".
                by_hand = last is None and ImportRun.objects.filter(site=site).exists()
                syncs.append((site, localtime(last.started) if last else None, by_hand))
        context["bibnet_syncs"] = syncs
        return context

    def get_edit_url(self, instance):
        return self.get_inspect_url(instance)


class ImportRunInspectView(InspectView):
    def get_field_label(self, field_name, field):
        if field_name == "last_success":
            return gettext("Laatste geslaagde synchronisatie van deze website")
        return super().get_field_label(field_name, field)

    def get_last_success_display_value(self):
        from events.services import last_successful_sync

        last = last_successful_sync(site=self.object.site)
        if last is None:
            return gettext("nog geen")
        return date_format(localtime(last.started), "j F Y H:i")

    # Booleans and empty dates in the editor's words, not Python's True/False/None.
    def get_selection_display_value(self):
        return gettext("Ja") if self.object.selection else gettext("Nee")

    def get_full_display_value(self):
        return gettext("Ja") if self.object.full else gettext("Nee")

    def get_modified_from_display_value(self):
        if self.object.modified_from is None:
            return gettext("alle documenten")
        return date_format(localtime(self.object.modified_from), "j F Y H:i")

    def get_rejections_display_value(self):
        # One line per refused document (or lost date), the reason in the editor's language.
        if not self.object.rejections:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{}</code>: {}</li>",
                self.object.rejection_lines(),
            ),
        )

    def get_error_display_value(self):
        # In the editor's language (stored as message id and parameters).
        return self.object.error_display or "-"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None


class ImportRunViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = ImportRun
    icon = "download"
    # Short enough for the menu's width ("UiTdatabank-imports" ran over its edge).
    menu_label = _("Agenda-import")
    menu_order = 900
    add_to_admin_menu = True
    url_prefix = "agenda-imports"
    index_view_class = ImportRunIndexView
    inspect_view_class = ImportRunInspectView
    inspect_view_enabled = True
    list_display = [
        # The row leads to the run's detail: its rejected documents with their reasons and the
        # site's last successful sync.
        TitleColumn(
            "site",
            label=_("Website"),
            classname="bibnet-column-site",
            get_url=lambda run: reverse("events_importrun:inspect", args=(run.pk,)),
        ),
        DateColumn("started", label=_("Gestart")),
        Column("outcome", label=_("Resultaat")),
        Column(
            "full",
            label=_("Volledig"),
            accessor=lambda run: _("Ja") if run.full else _("Nee"),
        ),
        DateColumn("modified_from", label=_("Gewijzigd sinds")),
        Column("seen", label=_("Gezien")),
        Column("created", label=_("Nieuw")),
        Column("updated", label=_("Bijgewerkt")),
        Column("unchanged", label=_("Ongewijzigd")),
        Column("rejected", label=_("Geweigerd")),
        Column("withdrawn", label=_("Teruggetrokken")),
    ]
    list_filter = ["outcome"]
    inspect_view_fields = [
        "site",
        "last_success",
        "source",
        "selection",
        "modified_from",
        "full",
        "started",
        "finished",
        "outcome",
        "error",
        "seen",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "withdrawn",
        "rejections",
    ]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
        ]


@hooks.register("register_admin_viewset")
def register_import_runs():
    return ImportRunViewSet("events_importrun")


@hooks.register("insert_editor_js")
def recurrence_editor_js():
    return format_html('<script src="{}" defer></script>', static("js/admin/recurrence.js"))


# Wagtail 8 no longer has an editor-only CSS hook (`insert_editor_css` is gone and its
# output silently dropped): the small stylesheet is loaded on every admin page.
@hooks.register("insert_global_admin_css")
def recurrence_editor_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin/recurrence.css"))


hooks.register("construct_homepage_panels", dashboard_hook(AgendaFiguresPanel))
