"""Forms on cached pages (registration) without a per-visitor CSRF token.

A cached page is the same for every visitor, so it cannot carry Django's per-visitor CSRF
token (that token also sets a cookie, which makes a response uncacheable). Such a form carries
a signed, time-bound form token instead (`{% pagecache_form_token action_url %}`) that binds
it to its host and action path, and the POST must come from the same origin: its `Origin`
header (sent by every current browser on a form POST), else `Sec-Fetch-Site: same-origin`, else
a same-host `Referer`. A POST with a valid token and a same-origin proof skips Django's CSRF
check; one with a token that fails either check is refused with 403. A POST without the token
field goes through Django's CSRF check as before. Security reasoning: docs/caching.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseForbidden
from django.utils.html import escape
from django.utils.translation import gettext as _

FIELD = "pagecache_form"
SALT = "pagecache.form"


def form_token_max_age() -> int:
    """A cached page lives at most PAGECACHE_SECONDS; a visitor then gets a few hours to fill
    in the form."""
    return int(getattr(settings, "PAGECACHE_SECONDS", 21600)) + 4 * 3600


def form_token_make(*, host: str, action: str) -> str:
    path = urlsplit(action).path or "/"
    return signing.TimestampSigner(salt=SALT).sign(f"{host.lower()}|{path}")


def _token_valid(request: HttpRequest, token: str) -> bool:
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=form_token_max_age())
    except signing.BadSignature:
        return False
    return value == f"{request.get_host().lower()}|{request.path}"


def _same_origin(request: HttpRequest) -> bool:
    host = request.get_host().lower()
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc.lower() == host
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    referer = request.META.get("HTTP_REFERER")
    if referer is not None:
        return urlsplit(referer).netloc.lower() == host
    return False


def _refused(reason: str) -> HttpResponseForbidden:
    return HttpResponseForbidden(
        f'<!doctype html><html lang="nl-BE"><meta charset="utf-8"><title>{escape(reason)}'
        f"</title><h1>{escape(reason)}</h1><p>"
        + escape(_("Ga terug naar de pagina, laad ze opnieuw en verstuur het formulier nog eens."))
        + "</p></html>",
        content_type="text/html; charset=utf-8",
    )


def form_guard(request: HttpRequest) -> HttpResponseForbidden | None:
    """Check a POST from a form on a cached page; a 403 when it fails, None otherwise (then
    Django's CSRF middleware decides about posts that carry no form token)."""
    if request.method != "POST":
        return None
    content_type = request.content_type or ""
    if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    token = request.POST.get(FIELD)
    if token is None:
        return None
    if getattr(request, "_dont_enforce_csrf_checks", False):
        return None  # Django's test client, as for Django's own CSRF check
    if not _same_origin(request):
        return _refused(_("Dit formulier werd niet vanaf deze website verstuurd."))
    if not _token_valid(request, token):
        return _refused(_("Dit formulier is verlopen of ongeldig."))
    request._dont_enforce_csrf_checks = True
    return None
