"""The address of the visitor, also behind reverse proxies and CDNs.

`REMOTE_ADDR` is the peer of the socket: behind a proxy that is the proxy, shared by every
visitor of every site. `X-Forwarded-For` carries the visitor's address, but any client can send
that header, so it is only believed as far as trusted hops go: when the peer is one of the
`TRUSTED_PROXIES` (settings, from the environment; IPs and CIDR networks), the header is read
from the right, each trusted hop is skipped, and the first address that is not a trusted proxy
is the client. Everything to its left was written by the client and is ignored. Malformed
values never raise: the walk stops at the last address it could trust.

`ClientAddressMiddleware` computes the address once per request, keeps it as
`request.client_address` and also writes it into `REMOTE_ADDR` (the socket peer stays in
`META["BIBNET_PEER_ADDR"]`). Rewriting is deliberate: Django (INTERNAL_IPS in the debug context
processor, broken-link and error mails), Wagtail (preview requests copy REMOTE_ADDR) and
django-axes' fallback all read REMOTE_ADDR, and behind a proxy they should all see the visitor,
not the proxy. The middleware therefore runs first.
"""

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PEER_META_KEY = "BIBNET_PEER_ADDR"
# A peer without an IP address (a Unix socket, where gunicorn gives an empty REMOTE_ADDR) is
# trusted only when TRUSTED_PROXIES names it with this word.
UNIX_SOCKET = "unix"
# A forwarding chain longer than this is not walked further: no real deployment has that
# many proxies, and a client must not make us parse an arbitrarily long header.
MAX_HOPS = 20


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[tuple[IPNetwork, ...], bool]:
    networks: list[IPNetwork] = []
    unix = False
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        if entry.lower() == UNIX_SOCKET:
            unix = True
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR network."
            ) from error
    return tuple(networks), unix


def trusted_proxies() -> tuple[tuple[IPNetwork, ...], bool]:
    """(networks, whether a Unix-socket peer is trusted) from settings.TRUSTED_PROXIES."""
    return _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def parse_address(value: str) -> IPAddress | None:
    """An IP address from a header or socket value, or None. Accepts the forms proxies write:
    `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`, `::ffff:1.2.3.4`."""
    value = value.strip().strip('"')
    if not value or len(value) > 64:
        return None
    if value.startswith("["):
        value, bracket, _port = value[1:].partition("]")
        if not bracket:
            return None
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_address_for(request: HttpRequest) -> str:
    """The visitor's IP address as a string ("" when unknown)."""
    known = getattr(request, "client_address", None)
    if known is not None:  # the middleware already walked the chain (and rewrote REMOTE_ADDR)
        return known
    return _client_address(request.META)


def _client_address(meta) -> str:
    networks, unix = trusted_proxies()
    peer_value = meta.get("REMOTE_ADDR") or ""
    peer = parse_address(peer_value)
    if peer is None:
        if not (unix and not peer_value):
            return ""
    elif not _is_trusted(peer, networks):
        return str(peer)
    # The peer is a trusted proxy: walk the chain it forwarded, right to left.
    hops = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")[-MAX_HOPS:]
    client = str(peer) if peer is not None else ""
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy forwarded something that is no address ("unknown", an obfuscated
            # id): nothing to its left can be believed. Keep the last address we could trust.
            break
        client = str(address)
        if not _is_trusted(address, networks):
            break
    return client


def check_trusted_proxies(app_configs=None, **kwargs) -> list[checks.Error]:
    """System check: a typo in TRUSTED_PROXIES fails `manage.py check`, not every request."""
    try:
        trusted_proxies()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="home.E001")]
    return []


class ClientAddressMiddleware:
    """Put the real client address in `request.client_address` and REMOTE_ADDR (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = _client_address(request.META)
        request.META[PEER_META_KEY] = request.META.get("REMOTE_ADDR", "")
        request.META["REMOTE_ADDR"] = address
        request.client_address = address
        return self.get_response(request)
