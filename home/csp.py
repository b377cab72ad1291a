"""Content-Security-Policy for every response: strict on public pages, as strict as Wagtail's
admin allows on the admin.

Django 5.2 has no built-in CSP (6.0 has); a small middleware keeps us free of a dependency for
two fixed policies. Public templates carry no inline <script> (JSON-LD data blocks aside, which
browsers do not execute), no <style> and no style attributes: the site's colours come from a
per-site stylesheet (home.views.branding_stylesheet), so no nonce is needed and HTML stays
cacheable by a CDN.

Wagtail 8's admin still initialises widgets with inline scripts and inserts inline styles
(measured in Chromium by tests/home/test_csp_browser.py; counts in docs/multi-site.md), so its
policy allows 'unsafe-inline' for those two directives and keeps the others as strict as on
public pages, except images from any HTTPS host (avatars, media on S3) and Wagtail's upgrade
check.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse

HEADER = "Content-Security-Policy"

# Video embeds (VideoEmbedBlock) come from these providers.
EMBED_FRAME_SOURCES = (
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
)

PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # UiTdatabank event images and catalogue covers are hot-linked from their own hosts;
    # media may live on an S3 domain.
    "img-src": ["'self'", "data:", "https:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'", *EMBED_FRAME_SOURCES],
    "object-src": ["'none'"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}

ADMIN_POLICY = {
    **PUBLIC_POLICY,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    # Gravatar avatars of editors, thumbnails of embeds in the chooser.
    "img-src": ["'self'", "data:", "blob:", "https:"],
    # Wagtail's dashboard asks releases.wagtail.org whether an upgrade exists.
    "connect-src": ["'self'", "https://releases.wagtail.org"],
    # Page previews are iframes of the admin itself.
    "frame-src": ["'self'", *EMBED_FRAME_SOURCES],
}


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


PUBLIC_HEADER = policy_header(PUBLIC_POLICY)
ADMIN_HEADER = policy_header(ADMIN_POLICY)


def admin_prefix() -> str:
    """The admin's URL prefix, reversed once per script prefix (it runs on every request)."""
    return _admin_prefix_for(get_script_prefix())


@functools.lru_cache(maxsize=8)
def _admin_prefix_for(_script_prefix: str) -> str:
    return reverse("wagtailadmin_home")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = (
            f"{HEADER}-Report-Only" if getattr(settings, "CSP_REPORT_ONLY", False) else HEADER
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header in response:
            return response  # a view set its own
        admin = request.path_info.startswith(admin_prefix())
        response[self.header] = ADMIN_HEADER if admin else PUBLIC_HEADER
        return response
