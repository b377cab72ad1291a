"""The "Achtergrondtaken" admin screen (central editors only) and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.selectors import user_is_central
from jobs.forms import JobStartForm
from jobs.models import Heartbeat
from jobs.selectors import (
    job_runs_failed_recent,
    process_kind_alive,
    processes_status,
    schedules_overview,
)
from jobs.services import JobError, schedule_enqueue


class JobsOverviewView(WagtailAdminTemplateMixin, FormView):
    template_name = "jobs/admin/overview.html"
    form_class = JobStartForm
    page_title = gettext_lazy("Achtergrondtaken")
    header_icon = "cogs"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        if not user_is_central(request.user):
            # A response, not a raise: Wagtail's admin turns a raised PermissionDenied into a
            # redirect to the dashboard.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context.update(
            {
                "rows": schedules_overview(now=now),
                "failures": job_runs_failed_recent(),
                "processes": processes_status(now=now),
                "worker_alive": process_kind_alive(kind=Heartbeat.Kind.WORKER, now=now),
                "scheduler_alive": process_kind_alive(kind=Heartbeat.Kind.SCHEDULER, now=now),
                "backend": settings.TASKS["default"]["BACKEND"],
                "action_url": reverse("jobs_overview"),
            }
        )
        return context

    def form_valid(self, form: JobStartForm) -> HttpResponse:
        site = form.cleaned_data.get("site")
        try:
            schedule_enqueue(schedule=form.schedule, site_id=site.pk if site else None)
        except JobError:
            form.add_error("site", _("Deze taak kan niet voor één website gestart worden."))
            return self.form_invalid(form)
        if site is None:
            text = _("“%(job)s” is ingepland voor alle websites.") % {"job": form.schedule.label}
        else:
            text = _("“%(job)s” is ingepland voor %(site)s.") % {
                "job": form.schedule.label,
                "site": site.site_name or site.hostname,
            }
        messages.success(self.request, text)
        return redirect("jobs_overview")


def health_status() -> tuple[bool, dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if getattr(settings, "REDIS_URL", None):
        try:
            import redis

            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
            )
            client.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    return all(value == "ok" for value in checks.values()), checks


def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health_status()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
