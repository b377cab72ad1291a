"""Dashboard panels for the job, and the small frame every app's panels share.

Local editors see what waits for them on their own sites (their drafts, pages in moderation,
pages nobody has looked at for a year); central editors see the network's figures. Each app
owns the panels of its own data in `<app>/dashboard.py` and registers each with one line in
its wagtail_hooks.py: `hooks.register("construct_homepage_panels", dashboard_hook(Panel))`.

Every panel reads a bounded number of rows in a fixed number of queries, whatever the size
of the network (tests/home/test_dashboard.py counts them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count
from django.db.models.functions import Cast
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from home.models import Tenant
from home.models.tenancy import SiteKind
from home.scoping import pages_within_user_sites
from home.selectors import user_is_central

ROWS_SHOWN = 10
STALE_AFTER = dt.timedelta(days=365)


@dataclass(frozen=True)
class DashboardRow:
    title: str
    url: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    url: str = ""


class Audience:
    LOCAL = "local"
    CENTRAL = "central"


class ListPanel(Component):
    """A heading, a short list of links with a few facts each, and a line when there is more."""

    template_name = "wagtailadmin/home/bibnet_list_panel.html"
    audience = Audience.LOCAL

    class Media:
        css = {"all": ["css/admin/dashboard.css"]}

    heading = ""
    empty_text = ""  # shown when nothing is listed; without one the panel stays away

    def rows(self, request) -> tuple[list[DashboardRow], int]:
        """(the rows shown, how many there are in all)."""
        raise NotImplementedError

    def more_url(self, request) -> str:
        return ""

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        rows, total = self.rows(request)
        return {
            "panel": self,
            "heading": self.heading,
            "rows": rows,
            "more": max(0, total - len(rows)),
            "more_url": self.more_url(request),
            "empty_text": self.empty_text,
            "panel_id": self.name.replace("_", "-"),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context or {})
        if not context.get("rows") and not context.get("figures") and not context["empty_text"]:
            return ""
        return get_template(self.template_name).render(context)


class FiguresPanel(ListPanel):
    """A few counts of the network, for central editors."""

    template_name = "wagtailadmin/home/bibnet_figures_panel.html"
    audience = Audience.CENTRAL

    def figures(self, request) -> list[Figure]:
        raise NotImplementedError

    def get_context_data(self, parent_context):
        return {
            "heading": self.heading,
            "figures": self.figures(parent_context["request"]),
            "empty_text": "",
            "panel_id": self.name.replace("_", "-"),
        }


def dashboard_hook(panel_class: type[ListPanel]) -> Callable:
    """The construct_homepage_panels hook that adds one panel for its audience."""

    def add_panel(request, panels) -> None:
        central = user_is_central(request.user)
        if (panel_class.audience == Audience.CENTRAL) == central:
            panels.append(panel_class())

    add_panel.__name__ = f"dashboard_{panel_class.name}"
    return add_panel


def when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def day(moment: dt.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j F Y") if moment else ""


# --- Local editors ------------------------------------------------------------------------


class DraftsPanel(ListPanel):
    name = "bibnet_drafts"
    order = 60
    heading = _("Jouw concepten")
    empty_text = _("Je hebt geen onafgewerkte wijzigingen.")

    def rows(self, request):
        pages = pages_within_user_sites(
            user=request.user,
            pages=Page.objects.filter(
                has_unpublished_changes=True, latest_revision__user=request.user
            ),
        ).order_by("-latest_revision_created_at", "-pk")
        shown = list(pages[:ROWS_SHOWN])
        total = len(shown) if len(shown) < ROWS_SHOWN else pages.count()
        rows = [
            DashboardRow(
                title=page.get_admin_display_title(),
                url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
                details=[
                    _("nooit gepubliceerd")
                    if not page.first_published_at
                    else _("gepubliceerd, met wijzigingen"),
                    _("bewaard op %(when)s") % {"when": when(page.latest_revision_created_at)},
                ],
            )
            for page in shown
        ]
        return rows, total


class ModerationPanel(ListPanel):
    name = "bibnet_moderation"
    order = 70
    heading = _("Wachten op goedkeuring")
    empty_text = _("Er wachten geen pagina's van jullie website op goedkeuring.")

    def rows(self, request):
        states = (
            WorkflowState.objects.filter(
                status=WorkflowState.STATUS_IN_PROGRESS,
                # Page's generic relation joins on the specific content type; the state keeps
                # the specific one and the base one, so match on the base type and the id.
                base_content_type=ContentType.objects.get_for_model(Page),
                object_id__in=pages_within_user_sites(
                    user=request.user, pages=Page.objects.all()
                ).values(page_id=Cast("pk", CharField())),
            )
            .select_related("requested_by", "current_task_state__task")
            .prefetch_related("content_object")
            .order_by("created_at", "pk")
        )
        shown = list(states[:ROWS_SHOWN])
        total = len(shown) if len(shown) < ROWS_SHOWN else states.count()
        rows = []
        for state in shown:
            page = state.content_object
            details = [
                _("ingediend door %(name)s op %(when)s")
                % {
                    "name": state.requested_by.get_full_name() or state.requested_by.get_username()
                    if state.requested_by
                    else "—",
                    "when": when(state.created_at),
                }
            ]
            if state.current_task_state_id:
                details.append(_("stap: %(task)s") % {"task": state.current_task_state.task.name})
            rows.append(
                DashboardRow(
                    title=page.get_admin_display_title() if page else "—",
                    url=reverse("wagtailadmin_pages:edit", args=[state.object_id]),
                    details=details,
                )
            )
        return rows, total


class StalePagesPanel(ListPanel):
    name = "bibnet_stale_pages"
    order = 200
    heading = _("Al een jaar niet nagekeken")
    empty_text = _("Alle gepubliceerde pagina's zijn het voorbije jaar nog bijgewerkt.")

    def rows(self, request):
        limit = timezone.now() - STALE_AFTER
        pages = pages_within_user_sites(
            user=request.user,
            pages=Page.objects.filter(live=True, depth__gt=2, last_published_at__lt=limit),
        ).order_by("last_published_at", "pk")
        shown = list(pages[:ROWS_SHOWN])
        total = len(shown) if len(shown) < ROWS_SHOWN else pages.count()
        rows = [
            DashboardRow(
                title=page.get_admin_display_title(),
                url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
                details=[
                    _("laatst gepubliceerd op %(day)s") % {"day": day(page.last_published_at)}
                ],
            )
            for page in shown
        ]
        return rows, total

    def more_url(self, request):
        return reverse("wagtailadmin_reports:aging_pages")


# --- Central editors ----------------------------------------------------------------------


class NetworkSitesPanel(FiguresPanel):
    name = "bibnet_network_sites"
    order = 50
    heading = _("Het netwerk")

    def figures(self, request):
        kinds = dict(Tenant.objects.values_list("kind").annotate(count=Count("pk")).order_by())
        figures = [
            Figure(label=str(label), value=kinds.get(value, 0)) for value, label in SiteKind.choices
        ]
        pages = Page.objects.filter(depth__gt=1)
        figures.append(Figure(label=str(_("pagina's")), value=pages.count()))
        figures.append(Figure(label=str(_("gepubliceerd")), value=pages.filter(live=True).count()))
        return figures
