"""Admin views of the central push: detaching shared sections, pages from templates, template
change notices, the campaigns a local editor may read, and the network overview."""

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from central.models import PageTemplate
from home.central_only import forbidden
from home.models import SiteKind
from home.models.tenancy import Province
from home.selectors import user_is_central
from sitegen.push import (
    PushError,
    page_from_template_create,
    page_template_accept,
    page_template_allowed,
    page_template_keep,
    shared_section_detach,
    shared_sections_on_page,
)
from sitegen.selectors.overview import OVERVIEW_SORTS, network_overview
from sitegen.selectors.templates import page_template_changes as template_changes_for


class AdminPageView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-empty-inverse"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class PageEditMixin:
    """Views about one page: the user must be allowed to edit it (the tenancy middleware has
    already answered 404 for another site's page)."""

    def dispatch(self, request, *args, **kwargs):
        self.page = get_object_or_404(Page, pk=kwargs["page_id"]).specific
        if not self.page.permissions_for_user(request.user).can_edit():
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def edit_url(self) -> str:
        return reverse("wagtailadmin_pages:edit", args=[self.page.pk])


class SharedSectionsOnPageView(PageEditMixin, AdminPageView):
    template_name = "sitegen/admin/shared_sections_on_page.html"
    page_title = gettext_lazy("Gedeelde secties loskoppelen")
    header_icon = "link"

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        context["sections"] = shared_sections_on_page(page=self.page)
        context["edit_url"] = self.edit_url()
        return context

    def post(self, request, *args, **kwargs):
        block_id = request.POST.get("block_id", "")
        try:
            shared_section_detach(page=self.page, block_id=block_id, user=request.user)
        except PushError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        messages.success(
            request,
            _(
                "De gedeelde sectie is nu een lokale kopie in een nieuwe versie van de pagina. "
                "Publiceer de pagina om ze te tonen."
            ),
        )
        return redirect(self.edit_url())


class PageFromTemplateView(AdminPageView):
    template_name = "sitegen/admin/page_from_template.html"
    page_title = gettext_lazy("Nieuwe pagina op basis van sjabloon")
    header_icon = "doc-empty-inverse"

    def dispatch(self, request, *args, **kwargs):
        self.parent = get_object_or_404(Page, pk=kwargs["parent_page_id"]).specific
        if not self.parent.permissions_for_user(request.user).can_add_subpage():
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.parent.get_admin_display_title()

    def templates(self) -> list[PageTemplate]:
        return [
            template
            for template in PageTemplate.objects.order_by("name")
            if page_template_allowed(template=template, parent=self.parent)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.parent
        context["templates"] = self.templates()
        context.setdefault("title_value", "")
        return context

    def post(self, request, *args, **kwargs):
        templates = {str(template.pk): template for template in self.templates()}
        template = templates.get(request.POST.get("template", ""))
        title = request.POST.get("title", "")[:255]
        if template is None:
            context = self.get_context_data(
                error=_("Kies een sjabloon uit de lijst."), title_value=title
            )
            return self.render_to_response(context, status=400)
        try:
            page = page_from_template_create(
                template=template, parent=self.parent, title=title, user=request.user
            )
        except PushError as error:
            context = self.get_context_data(error=str(error), title_value=title)
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            _("Pagina \u201c%(title)s\u201d gemaakt op basis van \u201c%(template)s\u201d.")
            % {"title": page.title, "template": template.name},
        )
        return redirect("wagtailadmin_pages:edit", page.pk)


class TemplateChangesView(PageEditMixin, AdminPageView):
    template_name = "sitegen/admin/template_changes.html"
    page_title = gettext_lazy("De centrale versie is gewijzigd")
    header_icon = "warning"

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        context["changes"] = template_changes_for(page=self.page)
        context["edit_url"] = self.edit_url()
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "accept":
            if page_template_accept(page=self.page, user=request.user) is not None:
                messages.success(
                    request,
                    _(
                        "De wijzigingen van het sjabloon staan in een nieuwe versie van de "
                        "pagina. Publiceer de pagina om ze te tonen."
                    ),
                )
        elif action == "keep":
            page_template_keep(page=self.page)
            messages.success(request, _("Je houdt je eigen versie van de pagina."))
        else:
            messages.error(request, _("Kies of je de wijzigingen overneemt of niet."))
            return redirect(request.path)
        return redirect(self.edit_url())


class NetworkOverviewView(AdminPageView):
    template_name = "sitegen/admin/network_overview.html"
    page_title = gettext_lazy("Netwerkoverzicht")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not user_is_central(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def filters(self) -> dict:
        params = self.request.GET
        kind = params.get("soort", "")
        province = params.get("provincie", "")
        sort = params.get("sorteer", "naam")
        return {
            "kind": kind if kind in SiteKind.values else "",
            "province": province if province in Province.values else "",
            "warnings_only": params.get("waarschuwingen") == "1",
            "sort": sort.lstrip("-") if sort.lstrip("-") in OVERVIEW_SORTS else "naam",
            "descending": sort.startswith("-"),
        }

    def get(self, request, *args, **kwargs):
        filters = self.filters()
        overview = network_overview(**filters)
        if request.GET.get("formaat") == "csv":
            return self.csv_response(overview)
        context = self.get_context_data(overview=overview, filters=filters)
        context["kinds"] = SiteKind.choices
        context["provinces"] = Province.choices
        context["sorts"] = [
            ("naam", _("Naam")),
            ("soort", _("Soort")),
            ("versie", _("Blauwdrukversie")),
            ("paginas", _("Aantal pagina's")),
            ("bewerkt", _("Laatst bewerkt")),
            ("evenementen", _("Komende evenementen")),
            ("waarschuwingen", _("Waarschuwingen")),
        ]
        query = request.GET.copy()
        query["formaat"] = "csv"
        context["csv_query"] = query.urlencode()
        return self.render_to_response(context)

    @staticmethod
    def csv_response(overview) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="netwerkoverzicht.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                "naam",
                "slug",
                "soort",
                "provincie",
                "hostnaam",
                "blauwdrukversie",
                "paginas",
                "laatst_bewerkt",
                "bewerkt_door",
                "komende_evenementen",
                "locaties",
                "locaties_zonder_feestdaguren",
                "kleurwaarschuwingen",
            ]
        )
        for site in overview.sites:
            writer.writerow(
                [
                    _csv_cell(site.name),
                    site.slug,
                    site.kind,
                    site.province,
                    site.hostname,
                    site.blueprint_version,
                    site.pages,
                    site.last_edit_at.isoformat() if site.last_edit_at else "",
                    _csv_cell(site.last_edit_by),
                    site.upcoming_events,
                    site.locations,
                    site.locations_without_holiday_hours,
                    _csv_cell("; ".join(site.colour_warnings)),
                ]
            )
        return response


def _csv_cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
