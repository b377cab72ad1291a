from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("zoeken/", home_views.search, name="search"),
    path("sitemap.xml", home_views.sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("huisstijl/<int:site_id>.css", home_views.branding_stylesheet, name="branding_stylesheet"),
    path("netwerknieuws/", include("central.urls")),
    path("open-data/", include("opendata.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("", home_views.network_root, name="network_root"),
    # Wagtail's page URLs, routed in two queries (home.routing); wagtail_urls below keeps its
    # other views and the name `wagtail_serve` for reversing.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", home_views.serve_page, name="page_serve"),
    path("", include(wagtail_urls)),
]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
