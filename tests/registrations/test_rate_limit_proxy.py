"""Rate limit and login lockout behind a trusted proxy: keyed on the real client (and, for
registrations, on the site), never on the proxy every visitor shares."""

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import override_settings

from registrations.models import Registration
from registrations.services import RATE_LIMIT_COUNT
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_behind_proxy")]

PROXY = "10.20.30.40"
VALID = {"name": "Jan Peeters", "email": "jan@example.org", "places": "1", "consent": "on"}


@pytest.fixture
def _behind_proxy():
    with override_settings(TRUSTED_PROXIES=["10.20.0.0/16"]):
        yield


def post(client, course, *, email: str, forwarded_for: str | None, remote_addr: str = PROXY):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(f"{course.url}inschrijven/", {**VALID, "email": email}, **headers)


@pytest.fixture
def big_course(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    return CoursePageFactory(parent=index, capacity=100)


def test_eleven_clients_behind_one_proxy_each_have_their_budget(site_a, big_course):
    client = site_a.client_for()
    attempts = RATE_LIMIT_COUNT + 1
    statuses = [
        post(
            client, big_course, email=f"p{i}@example.org", forwarded_for=f"198.51.100.{i}"
        ).status_code
        for i in range(attempts)
    ]
    assert statuses == [200] * attempts
    assert Registration.objects.count() == attempts


def test_one_client_behind_the_proxy_hits_the_limit(site_a, big_course):
    client = site_a.client_for()
    statuses = [
        # the client's own fake prefix changes every time; the proxy-appended address does not
        post(
            client, big_course, email=f"p{i}@example.org", forwarded_for=f"1.1.1.{i}, 198.51.100.7"
        ).status_code
        for i in range(RATE_LIMIT_COUNT + 1)
    ]
    assert statuses == [200] * RATE_LIMIT_COUNT + [429]
    # another visitor behind the same proxy is not affected
    other = post(client, big_course, email="ander@example.org", forwarded_for="198.51.100.8")
    assert other.status_code == 200


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(site_a, big_course):
    client = site_a.client_for()
    statuses = [
        post(
            client,
            big_course,
            email=f"p{i}@example.org",
            forwarded_for=f"198.51.100.{i}",
            remote_addr="203.0.113.9",
        ).status_code
        for i in range(RATE_LIMIT_COUNT + 1)
    ]
    assert statuses[-1] == 429
    assert Registration.objects.count() == RATE_LIMIT_COUNT


def test_the_same_client_has_a_budget_per_site(two_sites):
    site_a, site_b = two_sites
    course_a = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_a.home), capacity=50)
    course_b = CoursePageFactory(parent=CourseIndexPageFactory(parent=site_b.home), capacity=50)
    client_a, client_b = site_a.client_for(), site_b.client_for()
    statuses = [
        post(
            client_a, course_a, email=f"a{i}@example.org", forwarded_for="198.51.100.7"
        ).status_code
        for i in range(RATE_LIMIT_COUNT + 1)
    ]
    assert statuses[-1] == 429
    response = post(client_b, course_b, email="b@example.org", forwarded_for="198.51.100.7")
    assert response.status_code == 200
    assert Registration.objects.filter(site=site_b.site).count() == 1


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_axes_locks_out_the_real_client_only(admin_client):
    from axes.models import AccessAttempt

    client = admin_client()
    UserFactory(username="beheerder-axes", password="juist-wachtwoord-123", is_superuser=True)

    def login(password: str, forwarded_for: str):
        return client.post(
            "/admin/login/",
            {"username": "beheerder-axes", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for _ in range(2):
        assert login("fout", "198.51.100.7").status_code == 200  # the form again
    assert login("fout", "198.51.100.7").status_code == 429  # the third failure locks
    assert login("juist-wachtwoord-123", "198.51.100.7").status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]
    # the same account from another visitor behind the same proxy still logs in
    response = login("juist-wachtwoord-123", "198.51.100.8")
    assert response.status_code == 302


# --- A real reverse proxy in front of a live server ---------------------------------------------

PROXY_SOURCE = "127.0.0.254"  # the proxy's outgoing address: what the app sees as REMOTE_ADDR
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}


class Forwarder(BaseHTTPRequestHandler):
    """A few lines of reverse proxy, as nginx does it: forward, append the peer's address to
    X-Forwarded-For (keeping whatever the client sent), pass the answer back."""

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        prior = self.headers.get("X-Forwarded-For")
        peer = self.client_address[0]
        headers["X-Forwarded-For"] = f"{prior}, {peer}" if prior else peer
        upstream = http.client.HTTPConnection(
            *self.server.upstream, source_address=(PROXY_SOURCE, 0), timeout=60
        )
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        content = response.read()
        upstream.close()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = forward

    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture
def reverse_proxy(live_server):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Forwarder)
    server.upstream = ("127.0.0.1", live_server.thread.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


class Visitor:
    """A browser on its own loopback address (127.0.0.x), talking to the proxy only."""

    def __init__(self, *, address: str, proxy_port: int, host: str):
        self.address, self.proxy_port, self.host = address, proxy_port, host
        self.csrf = ""
        self.form_token = ""

    def request(self, method: str, path: str, *, body: str | None = None, headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.proxy_port, source_address=(self.address, 0), timeout=60
        )
        all_headers = {"Host": self.host, **(headers or {})}
        if self.csrf:
            all_headers["Cookie"] = f"csrftoken={self.csrf}"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        token = re.search(r'name="pagecache_form" value="([^"]+)"', content)
        if token:
            self.form_token = token.group(1)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.csrf = value.split(";", 1)[0].split("=", 1)[1]
        connection.close()
        return response.status

    def register(self, path: str, *, email: str, claims: str | None = None) -> int:
        if not self.form_token:
            assert self.request("GET", path) == 200
        # The form of a (cacheable) page carries a signed form token instead of a CSRF token,
        # and a browser sends the page's origin with the post (docs/caching.md).
        form = {**VALID, "email": email, "pagecache_form": self.form_token}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{self.host}",
        }
        if claims:  # what a client may write itself; the proxy appends the real peer
            headers["X-Forwarded-For"] = claims
        return self.request("POST", f"{path}inschrijven/", body=urlencode(form), headers=headers)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TRUSTED_PROXIES=[PROXY_SOURCE])
def test_rate_limit_keys_on_the_visitor_behind_a_real_proxy(site_a, reverse_proxy):
    index = CourseIndexPageFactory(parent=site_a.home)
    course = CoursePageFactory(parent=index, capacity=100)
    path = urlsplit(course.full_url).path

    def visitor(number: int) -> Visitor:
        return Visitor(address=f"127.0.0.{number}", proxy_port=reverse_proxy, host=site_a.hostname)

    busy = visitor(2)
    statuses = [
        busy.register(path, email=f"p{i}@example.org", claims=f"198.51.100.{i}")
        for i in range(RATE_LIMIT_COUNT + 1)
    ]
    assert statuses == [200] * RATE_LIMIT_COUNT + [429]
    # other visitors behind the same proxy keep their own budget
    assert [visitor(n).register(path, email=f"q{n}@example.org") for n in (3, 4)] == [200, 200]
    assert Registration.objects.filter(page=course).count() == RATE_LIMIT_COUNT + 2
