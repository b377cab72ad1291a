"""The project's URLs, plus the media files that the proxy or S3 serves in production."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config import urls

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *urls.urlpatterns,
]
handler404 = urls.handler404
handler500 = urls.handler500
