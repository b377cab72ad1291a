"""The visitor's address behind trusted proxies: X-Forwarded-For read from the right, only as
far as trusted hops go; spoofed or malformed values never win and never raise."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from home.client_address import ClientAddressMiddleware, client_address_for, parse_address

PROXIES = ["10.0.0.0/8", "192.0.2.7", "2001:db8:ffff::/48"]


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


CASES = [
    # (REMOTE_ADDR, X-Forwarded-For, expected client)
    ("203.0.113.5", None, "203.0.113.5"),
    # an untrusted peer's header is the client's own claim: ignored
    ("203.0.113.5", "198.51.100.1", "203.0.113.5"),
    # one trusted proxy in front
    ("10.1.2.3", "198.51.100.1", "198.51.100.1"),
    # the client prepended a fake address: the proxy appended the real one, read from the right
    ("10.1.2.3", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
    # CDN -> load balancer -> app: trusted hops are skipped
    ("10.1.2.3", "1.1.1.1, 198.51.100.1, 192.0.2.7, 10.9.9.9", "198.51.100.1"),
    # several headers are joined with commas by the server; spaces do not matter
    ("10.1.2.3", "1.1.1.1,198.51.100.1 ,  10.0.0.2", "198.51.100.1"),
    # ports and brackets as some proxies write them; IPv4-mapped IPv6
    ("10.1.2.3", "198.51.100.1:5123", "198.51.100.1"),
    ("10.1.2.3", "[2001:db8::1]:443", "2001:db8::1"),
    ("::ffff:10.1.2.3", "::ffff:198.51.100.1", "198.51.100.1"),
    ("2001:db8:ffff::1", "2001:DB8:0::5", "2001:db8::5"),
    # malformed hop behind trusted ones: stop at the last address we could trust
    ("10.1.2.3", "198.51.100.1, unknown, 10.0.0.2", "10.0.0.2"),
    ("10.1.2.3", "<script>", "10.1.2.3"),
    ("10.1.2.3", "", "10.1.2.3"),
    ("10.1.2.3", ",,,", "10.1.2.3"),
    ("10.1.2.3", "9" * 5000, "10.1.2.3"),
    # every hop trusted (an internal client): the leftmost one
    ("10.1.2.3", "10.4.4.4, 10.0.0.2", "10.4.4.4"),
    # a peer without a usable address
    ("", "198.51.100.1", ""),
    ("not-an-ip", "198.51.100.1", ""),
]


@override_settings(TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(("remote_addr", "forwarded_for", "expected"), CASES)
def test_client_address(remote_addr, forwarded_for, expected):
    assert client_address_for(request_from(remote_addr, forwarded_for)) == expected


@override_settings(TRUSTED_PROXIES=[])
def test_by_default_nobody_is_trusted():
    request = request_from("127.0.0.1", "198.51.100.1")
    assert client_address_for(request) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["unix", "10.0.0.0/8"])
def test_a_unix_socket_peer_is_trusted_only_when_named():
    assert client_address_for(request_from("", "198.51.100.1, 10.0.0.2")) == "198.51.100.1"
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        assert client_address_for(request_from("", "198.51.100.1")) == ""


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_middleware_rewrites_remote_addr_and_keeps_the_peer():
    seen = {}

    def view(request):
        seen["remote_addr"] = request.META["REMOTE_ADDR"]
        seen["client"] = client_address_for(request)
        return HttpResponse()

    request = request_from("10.1.2.3", "1.1.1.1, 198.51.100.1")
    ClientAddressMiddleware(view)(request)
    assert seen == {"remote_addr": "198.51.100.1", "client": "198.51.100.1"}
    assert request.META["BIBNET_PEER_ADDR"] == "10.1.2.3"


def test_parse_address_rejects_garbage():
    for value in ("", "unknown", "1.2.3", "1.2.3.4.5", "[::1", "_hidden", "a" * 100):
        assert parse_address(value) is None, value


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "proxy.example"])
def test_a_bad_trusted_proxies_setting_fails_the_system_check():
    with pytest.raises(SystemCheckError, match="proxy.example"):
        call_command("check")
