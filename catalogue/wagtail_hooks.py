"""Admin: the catalogue's MARC import runs, read-only, for central editors only.

`manage.py import_marc` (catalogue.services.records_import) writes one ImportRun per run. The
catalogue is shared by the whole network, so runs belong to no site: central editors see every
run, local editors see no menu item and get a 403 on every URL. The permission policy alone
would not give that 403 (Wagtail's generic views answer a refused permission with a redirect to
the dashboard), so the URLs are guarded like central's snippets. Nobody adds, edits or
deletes a run by hand: the viewset registers only the listing and the inspect view.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from catalogue.dashboard import CatalogueImportsPanel
from catalogue.messages import message_display
from catalogue.models import ImportRun
from home.central_only import central_only_urlpatterns
from home.dashboard import dashboard_hook
from home.selectors import user_is_central

NOT_YET = "—"


class ImportRunPermissionPolicy(ModelPermissionPolicy):
    """Central editors may look; nobody, not even a superuser, changes a run by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and user_is_central(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and user_is_central(user)


register_permission_policy(ImportRun, ImportRunPermissionPolicy(ImportRun))


def moment_display(value: datetime | None) -> str:
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else NOT_YET


def duration_display(run: ImportRun) -> str:
    if run.finished_at is None:
        return NOT_YET
    seconds = max(int((run.finished_at - run.started_at) / timedelta(seconds=1)), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} u {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


def source_names(run: ImportRun) -> str:
    """The file names of the run's sources (the run stores the paths as given)."""
    sources = run.sources if isinstance(run.sources, list) else []
    return ", ".join(PurePath(str(source)).name for source in sources) or NOT_YET


def counts_reconcile(run: ImportRun) -> bool:
    """Every record read is counted once as imported, rejected or deleted."""
    return run.read == run.imported + run.rejected + run.deleted


@dataclass(frozen=True)
class RejectedRow:
    source: str
    position: object
    record_id: str
    reason: str


def rejected_rows(run: ImportRun) -> list[RejectedRow]:
    """The stored rejections (catalogue.services.RejectedRecord.as_dict), read defensively: a
    row that is not in that shape is shown as far as it can be, never raised on."""
    errors = run.errors if isinstance(run.errors, list) else []
    rows = []
    for error in errors:
        if not isinstance(error, dict):
            error = {"reason": str(error)}
        rows.append(
            RejectedRow(
                source=str(error.get("source", "")),
                position=error.get("position", ""),
                record_id=str(error.get("id", "")),
                reason=message_display(error.get("message"), str(error.get("reason", ""))),
            )
        )
    return rows


class ImportRunIndexView(IndexView):
    page_title = _("Catalogusimports")
    default_ordering = "-started_at"

    def order_queryset(self, queryset: QuerySet[ImportRun]) -> QuerySet[ImportRun]:
        # Runs started in the same instant still page in a stable order.
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "-pk")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "started_at",
                label=_("Gestart"),
                accessor=lambda run: moment_display(run.started_at),
                sort_key="started_at",
                get_url=self.get_inspect_url,
            ),
            Column(
                "finished_at",
                label=_("Klaar"),
                accessor=lambda run: moment_display(run.finished_at),
                sort_key="finished_at",
            ),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("sources", label=_("Bestanden"), accessor=source_names),
            NumberColumn("read", label=_("Gelezen"), sort_key="read"),
            NumberColumn("imported", label=_("Geïmporteerd"), sort_key="imported"),
            NumberColumn("rejected", label=_("Geweigerd"), sort_key="rejected"),
            NumberColumn("deleted", label=_("Verwijderd"), sort_key="deleted"),
            Column("duration", label=_("Duur"), accessor=duration_display),
        ]


class ImportRunInspectView(InspectView):
    template_name = "catalogue/admin/importrun_inspect.html"

    def get_page_subtitle(self):
        return f"{moment_display(self.object.started_at)} · {self.object.get_status_display()}"

    def get_breadcrumbs_items(self):
        # The index is called by the menu label, not by the model's verbose name.
        index_url = reverse(self.index_url_name)
        return [
            {**item, "label": ImportRunIndexView.page_title} if item["url"] == index_url else item
            for item in super().get_breadcrumbs_items()
        ]

    def get_fields_context(self):
        run = self.object
        if run.status == ImportRun.Status.RUNNING:
            reconciles = _("nog niet: de import loopt nog")
        elif counts_reconcile(run):
            reconciles = _("ja: gelezen = geïmporteerd + geweigerd + verwijderd")
        else:
            reconciles = _("nee: gelezen ≠ geïmporteerd + geweigerd + verwijderd")
        rows = [
            (_("Gestart"), moment_display(run.started_at)),
            (_("Klaar"), moment_display(run.finished_at)),
            (_("Duur"), duration_display(run)),
            (_("Status"), run.get_status_display()),
            (_("Formaat"), run.format),
            (_("Bestanden"), ", ".join(str(s) for s in run.sources) if run.sources else NOT_YET),
            (_("Gelezen"), run.read),
            (_("Geïmporteerd"), run.imported),
            (_("Geweigerd"), run.rejected),
            (_("Verwijderd"), run.deleted),
            (_("Tellingen kloppen"), reconciles),
        ]
        return [{"label": label, "value": value, "component": None} for label, value in rows]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rejected = rejected_rows(self.object)
        context["rejected_rows"] = rejected
        context["rejected_not_stored"] = max(self.object.rejected - len(rejected), 0)
        return context


class ImportRunViewSet(ModelViewSet):
    model = ImportRun
    icon = "download"
    menu_label = _("Catalogusimports")
    menu_order = 910
    add_to_admin_menu = True
    url_prefix = "catalogus-imports"
    index_view_class = ImportRunIndexView
    inspect_view_class = ImportRunInspectView
    inspect_view_enabled = True
    list_filter = ["status"]

    def get_urlpatterns(self):
        return central_only_urlpatterns(
            [
                path("", self.index_view, name="index"),
                path("results/", self.index_results_view, name="index_results"),
                path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            ]
        )

    def get_permissions_to_register(self):
        # Group permissions would change nothing (the policy asks only whether the user is
        # central), so the group editor does not offer them.
        return Permission.objects.none()


@hooks.register("register_admin_viewset")
def register_catalogue_import_runs():
    return ImportRunViewSet("catalogue_importrun")


hooks.register("construct_homepage_panels", dashboard_hook(CatalogueImportsPanel))
