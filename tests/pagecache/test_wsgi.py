"""The WSGI layer in front of Django (pagecache.wsgi): a hit is answered without entering
Django, with the status, body and headers of the miss and of the middleware's own hit; what the
layer is not sure of goes to Django."""

from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import redis
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from pagecache import keys
from pagecache.backends import Outage
from pagecache.middleware import HEADER
from pagecache.wsgi import PageCacheApplication
from tests.factories.events import agenda_of

pytestmark = pytest.mark.django_db

# Headers of one answer, not of the page: the seconds left change between two answers.
PER_ANSWER = {"cache-control", HEADER.lower()}


@dataclass
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def __getitem__(self, name: str) -> str:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        assert len(values) == 1, (name, self.headers)
        return values[0]

    def main(self):
        return BeautifulSoup(self.body, "html.parser").select_one("main")

    def page_headers(self) -> dict[str, str]:
        return {key.lower(): value for key, value in self.headers if key.lower() not in PER_ANSWER}


class DjangoRefused:
    """Django's handler, replaced after the miss: a hit must not reach it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        raise AssertionError(f"Django was entered for {environ['PATH_INFO']}")


class DjangoSpy:
    """Django's handler, counting the requests the layer passes on."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@contextmanager
def _inside_the_test_transaction():
    # As Django's test client does: the end of a request must not close the connection that
    # holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(
    app, host: str, path: str = "/", *, method: str = "GET", query: str = "", **meta
) -> Answer:
    """One request through a WSGI callable, as gunicorn makes it."""
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **meta,
    }
    started: dict = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=list(headers))

    with _inside_the_test_transaction():
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    return Answer(started["status"], started["headers"], body)


@pytest.fixture
def secure_settings(settings):
    """The security headers of the production settings."""
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    settings.SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.fixture
def django_app():
    return DjangoSpy(WSGIHandler())


@pytest.fixture
def layer(django_app):
    return PageCacheApplication(django_app)


def test_a_hit_is_answered_without_entering_django(secure_settings, site_a, layer, django_app):
    https = {"HTTP_X_FORWARDED_PROTO": "https"}
    miss = call(layer, site_a.hostname, **https)
    assert (miss.status, miss[HEADER]) == ("200 OK", "miss")
    assert django_app.calls == 1

    layer.application = DjangoRefused()
    hit = call(layer, site_a.hostname, **https)
    assert (hit.status, hit[HEADER]) == ("200 OK", "hit")
    assert hit.body == miss.body
    assert hit.main() is not None
    # Everything the full stack produced on the miss: security headers (HSTS on HTTPS), CSP,
    # Vary, Content-Type and Content-Length, X-Frame-Options.
    assert hit.page_headers() == miss.page_headers()
    assert hit["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert hit["Content-Length"] == str(len(hit.body))
    assert re.fullmatch(r"public, max-age=0, s-maxage=\d+", hit["Cache-Control"])
    assert int(hit["Cache-Control"].rsplit("=", 1)[1]) <= int(
        miss["Cache-Control"].rsplit("=", 1)[1]
    )


def test_the_layers_hit_is_the_middlewares_hit(secure_settings, site_a, layer):
    """The same headers, in the same order, as a hit answered by the middleware (Django's test
    client, which does not go through the layer)."""
    client = site_a.client_for()
    assert client.get("/", headers={"x-forwarded-proto": "https"})[HEADER] == "miss"
    through_django = client.get("/", headers={"x-forwarded-proto": "https"})
    assert through_django[HEADER] == "hit"

    layer.application = DjangoRefused()
    hit = call(layer, site_a.hostname, HTTP_X_FORWARDED_PROTO="https")
    assert hit.body == through_django.content
    assert [(name.lower(), value) for name, value in hit.headers] == [
        (name.lower(), value) for name, value in through_django.items()
    ]


def test_plain_http_gets_no_hsts_and_https_redirects_go_to_django(secure_settings, site_a, layer):
    assert call(layer, site_a.hostname)[HEADER] == "miss"
    layer.application = DjangoRefused()
    hit = call(layer, site_a.hostname)
    assert hit[HEADER] == "hit"
    assert all(name != "Strict-Transport-Security" for name, _value in hit.headers)

    secure_settings.SECURE_SSL_REDIRECT = True
    spy = DjangoSpy(WSGIHandler())
    redirecting = PageCacheApplication(spy)
    answer = call(redirecting, site_a.hostname)
    assert answer.status.startswith("301")
    assert answer["Location"] == f"https://{site_a.hostname}/"
    assert spy.calls == 1
    assert call(redirecting, site_a.hostname, HTTP_X_FORWARDED_PROTO="https")[HEADER] == "hit"
    assert spy.calls == 1


def test_head_is_answered_without_body(site_a, layer):
    page = call(layer, site_a.hostname)
    layer.application = DjangoRefused()
    head = call(layer, site_a.hostname, method="HEAD")
    assert (head.status, head[HEADER], head.body) == ("200 OK", "hit", b"")
    assert head["Content-Length"] == str(len(page.body))


def test_query_strings_follow_the_normalisation_of_the_keys(site_a, layer, django_app):
    agenda = agenda_of(site_a.home).relative_url(site_a.site)
    query = urlencode({"thema": "muziek", "type": "concert"})
    miss = call(layer, site_a.hostname, agenda, query=query)
    assert miss[HEADER] == "miss"
    calls = django_app.calls
    # Other order, a tracking parameter: the same entry, without Django.
    hit = call(layer, site_a.hostname, agenda, query="type=concert&utm_source=x&thema=muziek")
    assert (hit[HEADER], hit.body) == ("hit", miss.body)
    assert django_app.calls == calls
    # A value too long to be stored: Django renders it.
    huge = call(layer, site_a.hostname, agenda, query=urlencode({"thema": "z" * 5000}))
    assert (huge.status, huge[HEADER]) == ("200 OK", "bypass")
    assert django_app.calls == calls + 1


def test_a_query_string_is_parsed_once_per_process(site_a, layer, django_app, monkeypatch):
    """The layer keeps each query string's normalised form (keys.raw_query_normalise): later
    hits of that URL parse nothing; the answer is the same entry."""
    monkeypatch.setattr(keys, "_raw_memo", {})
    parsed = []
    real = keys.QueryDict

    def counting(raw, *args, **kwargs):
        parsed.append(raw)
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(keys, "QueryDict", counting)
    agenda = agenda_of(site_a.home).relative_url(site_a.site)
    miss = call(layer, site_a.hostname, agenda, query="thema=muziek")
    assert miss[HEADER] == "miss"
    query = "thema=muziek&utm_source=nieuwsbrief"
    first = call(layer, site_a.hostname, agenda, query=query)
    assert first[HEADER] == "hit"
    parsed.clear()
    for _ in range(3):
        hit = call(layer, site_a.hostname, agenda, query=query)
        assert (hit[HEADER], hit.body) == ("hit", miss.body)
    assert parsed == []


def test_query_strings_are_read_as_django_reads_them(site_a, layer, django_app):
    """Percent-escapes, '+', repeated parameters and bytes that are no UTF-8 (Django falls back
    to Latin-1) give the entry Django's own parse gives."""
    agenda = agenda_of(site_a.home).relative_url(site_a.site)
    for stored, asked in (
        ("q=caf%C3%A9+concert", "q=caf%C3%A9%20concert"),
        ("thema=muziek&thema=theater", "utm_medium=x&thema=muziek&thema=theater"),
        ("q=%E9t%E9", "q=%E9t%E9&fbclid=1"),
    ):
        assert call(layer, site_a.hostname, agenda, query=stored)[HEADER] in ("miss", "hit")
        calls = django_app.calls
        assert call(layer, site_a.hostname, agenda, query=asked)[HEADER] == "hit", asked
        assert django_app.calls == calls, asked


def test_the_query_memo_is_bounded_and_keeps_no_long_strings(monkeypatch):
    monkeypatch.setattr(keys, "_raw_memo", {})
    monkeypatch.setattr(keys, "_RAW_MEMO_MAX", 8)
    params = ("q",)
    long_query = b"q=" + b"a" * keys._RAW_MEMO_LENGTH
    assert keys.raw_query_normalise(long_query, params) is None  # a value too long to store
    assert keys._raw_memo == {}
    for number in range(20):
        assert keys.raw_query_normalise(b"q=%d&x=1" % number, params) == f"q={number}"
        assert len(keys._raw_memo) <= 8


def test_too_many_fields_go_to_django_without_an_error_of_the_layer(
    site_a, layer, django_app, settings, caplog
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    agenda = agenda_of(site_a.home).relative_url(site_a.site)
    assert call(layer, site_a.hostname, agenda)[HEADER] == "miss"
    calls = django_app.calls
    with caplog.at_level(logging.ERROR, logger="pagecache"):
        answer = call(layer, site_a.hostname, agenda, query="&".join(f"a{n}=1" for n in range(9)))
    assert answer.status.startswith("400")
    assert django_app.calls == calls + 1
    assert not layer._failed
    # Neither the layer nor the middleware take it for a cache outage.
    assert not Outage.down
    assert [record for record in caplog.records if record.name == "pagecache"] == []


def test_what_the_layer_does_not_answer_goes_to_django(site_a, layer, django_app):
    host = site_a.hostname
    assert call(layer, host)[HEADER] == "miss"
    cases = {
        "post": {"method": "POST"},
        "session cookie": {"HTTP_COOKIE": f"{django_settings.SESSION_COOKIE_NAME}=abc"},
        "admin": {"path": "/admin/"},
        "documents": {"path": "/documents/1/x.pdf"},
        "unknown host": {"host": "elders.example"},
    }
    for name, case in cases.items():
        before = django_app.calls
        case = dict(case)
        answer = call(layer, case.pop("host", host), case.pop("path", "/"), **case)
        assert django_app.calls == before + 1, name
        assert answer.status != "500 Internal Server Error", name
        if name == "session cookie":
            assert answer[HEADER] == "bypass"
            assert "private" in answer["Cache-Control"]
    # Another cookie (a consent cookie) is no reason to render the page.
    before = django_app.calls
    assert call(layer, host, HTTP_COOKIE="keuze=ja")[HEADER] == "hit"
    assert django_app.calls == before


def test_an_unknown_host_gets_djangos_400(site_a, layer, settings):
    settings.ALLOWED_HOSTS = [site_a.hostname]
    assert call(layer, "elders.example").status.startswith("400")


def test_a_stale_map_of_hostnames_goes_to_django_which_refreshes_it(site_a, layer, django_app):
    call(layer, site_a.hostname)
    keys.forget_hosts()
    before = django_app.calls
    # Django's middleware answers the hit and reloads the map; the next hit is the layer's.
    assert call(layer, site_a.hostname)[HEADER] == "hit"
    assert django_app.calls == before + 1
    assert call(layer, site_a.hostname)[HEADER] == "hit"
    assert django_app.calls == before + 1


def test_a_not_found_hit_is_logged_as_django_logs_it(site_a, layer, caplog):
    assert call(layer, site_a.hostname, "/bestaat-niet/")[HEADER] == "miss"
    layer.application = DjangoRefused()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        hit = call(layer, site_a.hostname, "/bestaat-niet/")
    assert (hit.status, hit[HEADER]) == ("404 Not Found", "hit")
    assert [(r.name, r.getMessage(), r.status_code) for r in caplog.records] == [
        ("django.request", "Not Found: /bestaat-niet/", 404)
    ]


def test_a_cache_outage_goes_to_django_and_is_logged_once(
    site_a, layer, django_app, settings, caplog
):
    settings.CACHES = {"default": {"BACKEND": "tests.pagecache.test_middleware.TolerantDownCache"}}
    Outage.down = False
    try:
        with caplog.at_level(logging.ERROR):
            for _ in range(3):
                answer = call(layer, site_a.hostname)
                assert (answer.status, answer[HEADER]) == ("200 OK", "bypass")
                assert answer.main() is not None
        assert django_app.calls == 3
        outage_lines = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(outage_lines) == 1
    finally:
        Outage.down = False


def test_a_cache_backend_that_raises_is_passed_on_to_django(site_a, settings):
    call(PageCacheApplication(WSGIHandler()), site_a.hostname)  # the map of hostnames
    settings.CACHES = {"default": {"BACKEND": "tests.pagecache.test_middleware.DownCache"}}

    def django(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"Django"]

    answer = call(PageCacheApplication(django), site_a.hostname)
    assert (answer.status, answer.body) == ("200 OK", b"Django")


def test_the_middleware_before_the_page_cache_only_adds_headers():
    """The layer adds what this middleware adds to a public page, nothing else (see
    pagecache.wsgi): a new middleware before the page cache must be checked against that rule
    and named here."""
    names = list(django_settings.MIDDLEWARE)
    before = names[: names.index("pagecache.middleware.PageCacheMiddleware")]
    assert before == [
        "jobs.middleware.HealthCheckMiddleware",
        "home.hosts.SiteHostMiddleware",
        "home.client_address.ClientAddressMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "home.middleware.AdminHostMiddleware",
        "home.csp.ContentSecurityPolicyMiddleware",
    ]


def test_production_and_runserver_serve_through_the_layer():
    from django.core.servers.basehttp import get_internal_wsgi_application

    assert django_settings.WSGI_APPLICATION == "config.wsgi.application"
    application = get_internal_wsgi_application()
    assert isinstance(application, PageCacheApplication)
    assert isinstance(application.application, WSGIHandler)


# --- with Redis (REDIS_URL), the production backend ---------------------------------------------


def test_with_redis_a_hit_is_one_mget_without_django(
    secure_settings, site_a, redis_page_cache, layer, django_app, monkeypatch
):
    https = {"HTTP_X_FORWARDED_PROTO": "https"}
    miss = call(layer, site_a.hostname, **https)
    assert miss[HEADER] == "miss"
    layer.application = DjangoRefused()
    commands = []
    real_mget = redis.Redis.mget
    monkeypatch.setattr(
        redis.Redis, "mget", lambda self, *a, **k: commands.append(a) or real_mget(self, *a, **k)
    )
    hit = call(layer, site_a.hostname, **https)
    assert (hit[HEADER], hit.body) == ("hit", miss.body)
    assert hit.page_headers() == miss.page_headers()
    assert len(commands) == 1


def test_with_redis_down_the_layer_passes_on_and_django_renders(
    site_a, redis_page_cache, settings, layer, django_app, caplog
):
    # Reassigned, not changed in place: the backend was built from the setting already.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    Outage.down = False
    try:
        with caplog.at_level(logging.ERROR):
            for _ in range(3):
                answer = call(layer, site_a.hostname)
                assert (answer.status, answer[HEADER]) == ("200 OK", "bypass")
        assert django_app.calls == 3
        assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
    finally:
        Outage.down = False
