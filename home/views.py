from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from home.branding import branding_css, branding_version
from home.fragments import render_lifetime
from home.models import BrandingSettings
from home.routing import route_for_request
from home.search import search_terms, site_search, visitor_query


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """One search box: the site's pages, its agenda and (libraries) its catalogue, a section
    per kind (home.search)."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    query = visitor_query(request.GET.get("q", ""))
    try:
        page_number = max(1, int(request.GET.get("pagina", "1")))
    except ValueError:
        page_number = 1
    outcome = None
    if search_terms(query):
        outcome = site_search(site=site, query=query, request=request, page_number=page_number)
    return TemplateResponse(
        request,
        "home/search.html",
        {
            "search_query": query,
            "outcome": outcome,
            "site": site,
            "extra_query": urlencode({"q": query}),
        },
    )


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """The sitemap of the site asked for. Wagtail's view falls back to the default site, and
    with none (an unknown host on this network) it would raise; an unknown host gets a 404."""
    if Site.find_for_request(request) is None:
        raise Http404
    return wagtail_sitemap(request)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    site = Site.find_for_request(request)
    # The bare search page may be crawled; its results pages may not (an endless, thin space):
    # `$` ends the match (RFC 9309), and the longer Allow rule wins over the Disallow.
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /zoeken/$", "Disallow: /zoeken/"]
    if site is not None:
        lines.append(f"Sitemap: {site.root_url}/sitemap.xml")
    else:
        lines = ["User-agent: *", "Disallow: /"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    site = Site.find_for_request(request)
    context = {"site": site}
    if site is None:
        context["network_sites"] = Site.objects.order_by("site_name")
    return render(request, "404.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Kept free of database access: the database may be why we are here.
    return render(request, "500.html", status=500)


def network_root(request: HttpRequest) -> HttpResponse:
    """The bare admin host (e.g. localhost:8000) lists the network; site hosts serve pages."""
    if Site.find_for_request(request) is None:
        sites = Site.objects.select_related("root_page").order_by("site_name")
        return render(request, "home/network.html", {"network_sites": sites})
    return serve_page(request, "")


def serve_page(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's `serve`, routed in two queries (home.routing) or none (a route kept in the
    cache, home.fragments). What the page's context names with `expires_at` is kept for the
    fragments its template caches."""
    with render_lifetime(request):
        route_for_request(request, path)
        return wagtail_serve(request, path)


BRANDING_MAX_AGE = 365 * 24 * 3600  # the URL carries a version of the colours


@require_GET
def branding_stylesheet(request: HttpRequest, site_id: int) -> HttpResponse:
    """A site's colours as CSS custom properties (linked from base.html instead of an inline
    <style>, which the Content-Security-Policy forbids)."""
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise Http404
    branding = BrandingSettings.for_site(site)
    response = HttpResponse(branding_css(branding), content_type="text/css; charset=utf-8")
    if request.GET.get("v") == branding_version(branding):
        response["Cache-Control"] = f"public, max-age={BRANDING_MAX_AGE}, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response
