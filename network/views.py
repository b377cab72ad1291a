"""Admin views for central editors: the regions and their member municipalities. Thin: the
choices come from network.selectors, the change from network.services. Their URLs answer 403
to anyone else (home.central_only, network.wagtail_hooks)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.models import REGION_MEMBER_KINDS, Tenant
from network.forms import RegionMunicipalitiesForm
from network.selectors import region_municipality_choices, regions_list
from network.services import region_municipalities_set

REGIONS_TITLE = gettext_lazy("Regio's")


class RegionListView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "network/admin/region_list.html"
    page_title = REGIONS_TITLE
    header_icon = "group"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regions"] = regions_list()
        return context


class RegionEditView(WagtailAdminTemplateMixin, FormView):
    template_name = "network/admin/region_edit.html"
    form_class = RegionMunicipalitiesForm
    header_icon = "group"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        self.region = get_object_or_404(
            Tenant.objects.select_related("site"), pk=kwargs["pk"], kind__in=REGION_MEMBER_KINDS
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.region.site.site_name or self.region.slug

    def get_page_subtitle(self):
        return _("Gemeenten van de regio")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("network_regions"), "label": REGIONS_TITLE},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["choices"] = region_municipality_choices(region=self.region)
        return kwargs

    def get_initial(self):
        return {
            "gemeenten": list(self.region.region_municipalities.values_list("nis_code", flat=True))
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["region"] = self.region
        context["action_url"] = reverse("network_region_edit", args=[self.region.pk])
        context["submit_button_label"] = _("Opslaan")
        return context

    def form_valid(self, form):
        change = region_municipalities_set(region=self.region, municipalities=form.municipalities())
        parts = []
        if change.added:
            parts.append(_("toegevoegd: %(names)s") % {"names": ", ".join(change.added)})
        if change.removed:
            parts.append(_("weggenomen: %(names)s") % {"names": ", ".join(change.removed)})
        if change.renamed:
            parts.append(_("nieuwe naam: %(names)s") % {"names": ", ".join(change.renamed)})
        name = self.get_page_title()
        if parts:
            messages.success(
                self.request,
                _("Regio “%(name)s” bijgewerkt (%(changes)s).")
                % {"name": name, "changes": "; ".join(parts)},
            )
        else:
            messages.info(self.request, _("Regio “%(name)s”: niets gewijzigd.") % {"name": name})
        return redirect("network_regions")

    def form_invalid(self, form):
        messages.error(self.request, _("De regio kon niet worden opgeslagen."))
        return super().form_invalid(form)
