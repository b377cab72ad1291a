"""What a cache hit is: which requests may be answered from the cache, how their entry is found
and checked, and the headers of the answer. One definition for the two places that answer hits:
the WSGI layer in front of Django (pagecache.wsgi, most hits, before any middleware runs) and
PageCacheMiddleware (hits of requests the layer passes on, e.g. through Django's test client,
and the misses it renders and stores). See docs/caching.md."""

from __future__ import annotations

import functools
import gzip
import math
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseBase, QueryDict
from django.utils import timezone
from django.utils.cache import get_max_age, patch_cache_control

from pagecache import keys

HEADER = "X-Page-Cache"
# Paths that are never public pages.
EXCLUDED_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/healthz")


def site_for(*, method: str, path: str, raw_host: str, refresh: bool = True) -> int | None:
    """The id of the site whose cache may answer this request, None when it may not (another
    method, the cache off, a path that is no public page, a hostname of no site).

    Only hostnames of sites count: these are allowed hosts, no need to validate further; any
    other host goes to Django (ALLOWED_HOSTS and its 400). With `refresh=False` a stale map
    of hostnames counts as unknown (the WSGI layer never queries the database)."""
    if method not in ("GET", "HEAD"):
        return None
    if not getattr(settings, "PAGECACHE_ENABLED", True):
        return None
    if path.startswith(EXCLUDED_PREFIXES):
        return None
    hostname = raw_host.rsplit(":", 1)[0].lower() if raw_host else ""
    if not hostname:
        return None
    return keys.site_id_for_host(hostname, refresh=refresh)


def entry_lookup(
    *,
    site_id: int,
    host: str,
    path: str,
    query: QueryDict | None = None,
    raw_query: bytes = b"",
    now: float | None = None,
) -> tuple[dict | None, dict | None, int]:
    """(the entry to serve or None, the path's record or None, the site's generation).

    `host` is the Host header lowered (with its port, as stored). The query string is given
    either parsed, as `query` (the middleware: the request's GET), or as `raw_query`, its bytes
    as the WSGI server passed them (the WSGI layer, which only answers requests that Django
    reads in the default charset): those are normalised through a per-process memo
    (keys.raw_query_normalise) and parsed once per distinct string. `now` is the moment the
    entry must still be valid at, as a timestamp (default: Django's clock, now)."""
    if query is not None:

        def normalise(params: tuple[str, ...]) -> str | None:
            return keys.query_normalise(query, params)[0]

        has_query = bool(query)
    else:

        def normalise(params: tuple[str, ...]) -> str | None:
            return keys.raw_query_normalise(raw_query, params)

        has_query = bool(raw_query)
    generation_key = keys.generation_key(site_id)
    record_key = keys.path_key(host, path)
    wanted = [generation_key, record_key]
    # Without a query string the entry's key is known before the path's record is read
    # (whatever parameters the page reads, the normalised query is empty); with one, the
    # parameters the path's record named last time in this process give the key: one round
    # trip either way, checked against the record read with it.
    guessed_params = _params_seen.get((host, path)) if has_query else ()
    entry_key = None
    if guessed_params is not None:
        normalised = normalise(guessed_params) if has_query else ""
        if normalised is not None:
            entry_key = keys.entry_key(host=host, path=path, query=normalised)
            wanted.append(entry_key)
    read_many = _reader()
    found = read_many(wanted)
    generation = int(found.get(generation_key) or 1)
    record = found.get(record_key)
    if record is None:
        return None, None, generation
    if not has_query or (guessed_params is not None and tuple(record["params"]) == guessed_params):
        entry = found.get(entry_key) if entry_key is not None else None
    else:
        params = tuple(record["params"])
        _params_remember(host, path, params)
        normalised = normalise(params)
        if normalised is None:
            return None, record, generation
        key = keys.entry_key(host=host, path=path, query=normalised)
        entry = read_many([key]).get(key)
    if (
        entry is None
        or entry.get("generation") != generation
        or entry.get("token") != record["token"]
        or entry["until"] <= (clock() if now is None else now)
    ):
        return None, record, generation
    return entry, record, generation


# The default cache's read of this thread: the Redis backend's lean read
# (pagecache.backends.RedisCache.read_many), else get_many. Django hands out a backend per
# thread through `caches` (asgiref's Local, a few microseconds per look-up: a third of a hit's
# time in front of Django); this thread's is kept here until the CACHES setting changes
# (tests), when Django builds new backends too.
_readers = threading.local()
_readers_version = 0


def _reader() -> Callable[[list[str]], dict]:
    kept = getattr(_readers, "kept", None)
    if kept is not None and kept[0] == _readers_version:
        return kept[1]
    backend = caches[DEFAULT_CACHE_ALIAS]
    read = getattr(backend, "read_many", None) or backend.get_many
    _readers.kept = (_readers_version, read)
    return read


@receiver(setting_changed)
def _readers_forget(*, setting: str, **_kwargs) -> None:
    global _readers_version
    if setting == "CACHES":
        _readers_version += 1


# The query parameters each path's record named, as this process last read them (a path's
# parameters are its page type's: they change only with the code or the page at the path).
# Bounded: emptied when full.
_PARAMS_SEEN_MAX = 4096
_params_seen: dict[tuple[str, str], tuple[str, ...]] = {}


def _params_remember(host: str, path: str, params: tuple[str, ...]) -> None:
    if len(_params_seen) >= _PARAMS_SEEN_MAX:
        _params_seen.clear()
    _params_seen[(host, path)] = params


def clock() -> float:
    # Django's clock, as when the entry's end was computed (tests move it).
    return timezone.now().timestamp()


@functools.lru_cache(maxsize=256)
def answer_cache_control(stored: str, remaining: int) -> str:
    """The Cache-Control of an answer: the view's own directives (a browser lifetime,
    `immutable`), `public`, the browser's max-age (the view's, else 0, so that a browser asks
    again and a purge reaches it) and s-maxage for shared caches (a CDN keeps the page exactly
    as long as we do). Django's own patch_cache_control, remembered per (directives, seconds
    left): it changes once a second."""
    response = HttpResponseBase()
    if stored:
        response.headers["Cache-Control"] = stored
    patch_cache_control(
        response, public=True, max_age=get_max_age(response) or 0, s_maxage=remaining
    )
    return response.headers["Cache-Control"]


@functools.lru_cache(maxsize=64)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip (RFC 9110 12.5.3): `gzip` or `x-gzip`
    with a q-value above 0, or `*` above 0 when gzip is not named. A q-value that is no
    number refuses. Remembered per header value (browsers send a handful of them)."""
    named: float | None = None
    star: float | None = None
    for item in accept_encoding.lower().split(","):
        coding, _sep, params = item.partition(";")
        coding = coding.strip()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if coding == "*":
            star = quality
        else:
            named = quality if named is None else max(named, quality)
    if named is not None:
        return named > 0
    return star is not None and star > 0


def _weak(etag: str) -> str:
    return etag if etag.startswith("W/") else f"W/{etag}"


# A hit's headers but its Cache-Control, worked out once per entry object and kind of answer
# (compressed or not, the headers added around the cache; a HEAD's are its GET's), kept on the entry
# itself: an entry the near cache keeps (pagecache.nearcache) is the same object hit after hit,
# and what is worked out from it lives exactly as long as the near cache keeps it (headers
# only, a few hundred bytes: the body is never kept decompressed). An entry read from Redis or
# the local memory cache is a new object each time (nothing to reuse). Entries read are never
# stored again, so this key never reaches the cache.
PREPARED = "_answers"


class AddedHeaders:
    """Headers added to every hit where the page does not carry them itself (the WSGI layer's
    `outer` headers), held so that the prepared answers can be keyed on the holder's identity
    (an object in the key stays alive, so its identity cannot be reused)."""

    __slots__ = ("headers",)

    def __init__(self, headers: list[tuple[str, str]]) -> None:
        self.headers = tuple(headers)


def hit_answer(
    entry: dict,
    *,
    accept_encoding: str,
    head: bool,
    now: float | None = None,
    added: AddedHeaders | None = None,
) -> tuple[list[tuple[str, str]], bytes]:
    """(headers, body) of a hit: the headers as the page's own view and the middleware after
    the cache gave them (stored on the miss), with the body's length, the Cache-Control of the
    seconds left and `X-Page-Cache: hit`, then the `added` headers the page does not carry
    itself (the WSGI layer: those of the middleware before the cache, security and CSP; the
    middleware adds nothing here, the middleware before it add theirs on the way out).

    An entry stored gzip-compressed (`encoding`) is answered as stored, with
    `Content-Encoding: gzip` and a weak ETag (the bytes differ from the plain answer's), to a
    request that accepts gzip, and decompressed otherwise; its stored Vary names
    Accept-Encoding either way. A HEAD gets the headers of the GET and no body."""
    send_gzip = entry.get("encoding") == "gzip" and accepts_gzip(accept_encoding)
    prepared = entry.get(PREPARED)
    if prepared is None:
        prepared = entry[PREPARED] = {}
    variant = (send_gzip, added)
    answer = prepared.get(variant)
    if answer is None:
        answer = prepared[variant] = _answer_prepare(entry, send_gzip, added)
    before, after = answer
    if head:
        body = b""
    elif entry.get("encoding") == "gzip" and not send_gzip:
        body = gzip.decompress(entry["content"])
    else:
        body = entry["content"]
    remaining = max(0, math.floor(entry["until"] - (clock() if now is None else now)))
    cache_control = answer_cache_control(entry.get("cache_control", ""), remaining)
    return [*before, ("Cache-Control", cache_control), *after], body


def _answer_prepare(
    entry: dict, send_gzip: bool, added: AddedHeaders | None
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(the headers before Cache-Control, those after it) of one kind of answer; a HEAD's are
    its GET's."""
    if entry.get("encoding") == "gzip" and not send_gzip:
        length = str(entry["length"])
    else:
        length = str(len(entry["content"]))
    before = []
    for name, value in entry["headers"]:
        lowered = name.lower()
        if lowered == "content-length":
            value = length
        elif lowered == "etag" and send_gzip:
            value = _weak(value)
        before.append((name, value))
    if not any(name.lower() == "content-length" for name, _value in before):
        before.append(("Content-Length", length))
    if send_gzip:
        before.append(("Content-Encoding", "gzip"))
    after = [(HEADER, "hit")]
    if added is not None:
        present = {name.lower() for name, _value in before} | {"cache-control", HEADER.lower()}
        after.extend((name, value) for name, value in added.headers if name.lower() not in present)
    return tuple(before), tuple(after)
