"""Views of central content: the public page of a central news item on the sites it was sent
to, and the read-only list of campaigns for local editors."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from central.models import CentralNewsItem
from central.selectors import campaigns_for_sites, central_news_canonical_site
from home.selectors import sites_for_user
from library_pages.models import NewsIndexPage


@require_GET
def central_news(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Served on every chosen site; rel=canonical names the one public address."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    item = get_object_or_404(CentralNewsItem, pk=pk, live=True, sites=site)
    if slug != item.slug:
        return redirect(item.path, permanent=True)
    canonical = central_news_canonical_site(item=item) or site
    news_index = NewsIndexPage.objects.live().descendant_of(site.root_page).first()
    return TemplateResponse(
        request,
        "central/central_news_item.html",
        {
            "item": item,
            "canonical_url": f"{canonical.root_url}{item.path}",
            "news_index_url": news_index.get_url(request=request) if news_index else "",
        },
    )


class CampaignsForEditorView(WagtailAdminTemplateMixin, TemplateView):
    """Campaigns that reach the user's sites, read-only (central editors edit them in the
    snippets)."""

    template_name = "central/admin/campaigns_for_editor.html"
    page_title = gettext_lazy("Campagnes en meldingen")
    header_icon = "info-circle"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        campaigns = list(
            campaigns_for_sites(sites=sites_for_user(user=self.request.user)).prefetch_related(
                "target_sites"
            )
        )
        context["campaigns"] = campaigns
        context["now"] = now
        return context
