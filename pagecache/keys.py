"""Cache keys: hostname + path + the query string normalised to the parameters the page
reads (in a fixed order). An entry is valid under the site's generation (home.generations) and
the path's own token (deleted by a purge) that it was stored with."""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.db import DatabaseError
from django.http import QueryDict

from home.generations import site_generation_key

PREFIX = "pagecache"
# Above these, a query string is rendered but never stored: crafted strings fill no cache.
MAX_VALUE_LENGTH = 200
MAX_VALUES = 20


# Remembered per process (a hit reads the same keys again and again): bounded, least recently
# used first out.
@functools.lru_cache(maxsize=8192)
def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def path_key(host: str, path: str) -> str:
    """The path's record: its current token and the query parameters its page reads."""
    return f"{PREFIX}:path:{_digest(host, path)}"


def entry_key(*, host: str, path: str, query: str) -> str:
    """The stored answer of one URL. It carries the site generation and the path token it was
    stored under, and counts only while both are current: a purge needs no delete of entries,
    and a URL has one entry, not one per generation."""
    return f"{PREFIX}:entry:{_digest(host, path, query)}"


def generation_key(site_id: int) -> str:
    return site_generation_key(site_id)


def query_normalise(query: QueryDict, known: Collection[str]) -> tuple[str | None, bool]:
    """(normalised query string, whether the query had nothing else).

    Unknown parameters are dropped, the rest sorted by name and value. None when a known
    parameter is too long or repeated too often: such a request is never cached."""
    pairs: list[tuple[str, str]] = []
    clean = True
    for name in query:
        if name not in known:
            clean = False
            continue
        values = query.getlist(name)
        if len(values) > MAX_VALUES or any(len(value) > MAX_VALUE_LENGTH for value in values):
            return None, False
        pairs.extend((name, value) for value in values if value != "")
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs), clean


# The normalised query of each raw query string, per page parameters, as this process worked it
# out: a hit with a query string reads it without parsing it again. Only short strings are kept
# (a crafted long one is parsed every time, as without this memo), and the memo is emptied when
# full: bounded whatever the requests.
_RAW_MEMO_MAX = 4096
_RAW_MEMO_LENGTH = 512
_raw_memo: dict[tuple[bytes, tuple[str, ...]], str | None] = {}


def raw_query_normalise(raw: bytes, known: tuple[str, ...]) -> str | None:
    """query_normalise()'s normalised string of a raw query string (its bytes as the WSGI
    server passed them, read as Django reads them with the default charset: QueryDict), None
    when such a request is never cached (too long a value, too many values or fields)."""
    memo_key = (raw, known)
    try:
        return _raw_memo[memo_key]
    except KeyError:
        pass
    try:
        normalised = query_normalise(QueryDict(raw), known)[0]
    except TooManyFieldsSent:
        return None  # Django answers it (400); nothing to read from the cache
    if len(raw) <= _RAW_MEMO_LENGTH:
        if len(_raw_memo) >= _RAW_MEMO_MAX:
            _raw_memo.clear()
        _raw_memo[memo_key] = normalised
    return normalised


# --- which site a hostname belongs to -------------------------------------------------------

_HOSTS_SECONDS = 60
_hosts: dict[str, int] = {}
_hosts_loaded_at = 0.0


def site_id_for_host(hostname: str, *, refresh: bool = True) -> int | None:
    """The site that answers on `hostname`, from a per-process map refreshed every minute (a
    new site is cached once its hostname is in the map; until then its pages render). With
    `refresh=False` a map older than that answers None instead of querying the database."""
    global _hosts, _hosts_loaded_at
    now = time.monotonic()
    if now - _hosts_loaded_at > _HOSTS_SECONDS:
        if not refresh:
            return None
        from wagtail.models import Site

        try:
            rows = Site.objects.values_list("hostname", "pk")
            _hosts = {hostname.lower(): pk for hostname, pk in rows}
        except DatabaseError:
            _hosts = {}
        _hosts_loaded_at = now
    return _hosts.get(hostname)


def forget_hosts() -> None:
    global _hosts_loaded_at
    _hosts_loaded_at = 0.0


def default_seconds() -> int:
    return int(getattr(settings, "PAGECACHE_SECONDS", 21600))
