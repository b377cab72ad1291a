"""Public views of central content: a central news item on the sites it was sent to."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.models import Site

from sitegen.models import CentralNewsItem
from sitegen.selectors import central_news_canonical_site


@require_GET
def central_news(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Served on every chosen site; rel=canonical names the one public address."""
    from library_pages.models import NewsIndexPage

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
        "sitegen/central_news_item.html",
        {
            "item": item,
            "canonical_url": f"{canonical.root_url}{item.path}",
            "news_index_url": news_index.get_url(request=request) if news_index else "",
        },
    )
