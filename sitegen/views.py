"""Admin views for central editors: the list of sites and the provisioning form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.models import Tenant
from home.selectors import user_is_central
from sitegen.blueprints import BLUEPRINTS
from sitegen.forms import ProvisionSiteForm
from sitegen.services import ProvisioningError, provision_site


class CentralOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_is_central(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SiteListView(CentralOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "sitegen/site_list.html"
    page_title = gettext_lazy("Websites")
    header_icon = "site"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tenants"] = Tenant.objects.select_related("site").order_by("slug")
        context["add_url"] = reverse("sitegen_provision")
        return context


class ProvisionSiteView(CentralOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "sitegen/provision.html"
    form_class = ProvisionSiteForm
    page_title = gettext_lazy("Nieuwe website")
    header_icon = "site"
    success_url = reverse_lazy("sitegen_sites")
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("sitegen_sites"), "label": _("Websites")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse("sitegen_provision")
        context["submit_button_label"] = _("Website aanmaken")
        context["submit_button_active_label"] = _("Bezig met aanmaken\u2026")
        return context

    def form_valid(self, form):
        request = form.site_request()
        if Tenant.objects.filter(slug=request.slug).exists():
            form.add_error("slug", _("Er bestaat al een website met deze slug."))
            return self.form_invalid(form)
        try:
            result = provision_site(
                blueprint=BLUEPRINTS[form.cleaned_data["kind"]], request=request
            )
        except ProvisioningError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        site = result.tenant.site
        messages.success(
            self.request,
            _("Website \u201c%(name)s\u201d aangemaakt op %(url)s.")
            % {"name": site.site_name, "url": site.root_url},
        )
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        messages.error(self.request, _("De website kon niet worden aangemaakt."))
        return super().form_invalid(form)
