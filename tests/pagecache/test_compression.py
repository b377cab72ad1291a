"""Bodies stored gzip-compressed: a hit is answered with the stored bytes to a request that
accepts gzip and decompressed to one that does not, by the WSGI layer and the middleware
alike; the answer varies on Accept-Encoding whatever it sends."""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler

from pagecache import hits, keys
from pagecache.middleware import HEADER
from pagecache.wsgi import PageCacheApplication
from tests.pagecache.test_wsgi import DjangoRefused, call

pytestmark = pytest.mark.django_db

BROWSER = "gzip, deflate, br, zstd"


def _vary(answer) -> list[str]:
    return [part.strip().lower() for part in answer["Vary"].split(",")]


@pytest.fixture
def warm(site_a):
    """The layer after a miss of the site's home page (plain, as stored) and a missing page."""
    layer = PageCacheApplication(WSGIHandler())
    home = call(layer, site_a.hostname, HTTP_ACCEPT_ENCODING=BROWSER)
    missing = call(layer, site_a.hostname, "/bestaat-niet/", HTTP_ACCEPT_ENCODING=BROWSER)
    assert (home[HEADER], missing[HEADER]) == ("miss", "miss")
    layer.application = DjangoRefused()
    return layer, home, missing


def test_the_entry_is_stored_compressed_once(site_a, warm):
    _layer, home, _missing = warm
    entry = cache.get(keys.entry_key(host=site_a.hostname, path="/", query=""))
    assert entry["encoding"] == "gzip"
    assert gzip.decompress(entry["content"]) == home.body
    assert entry["length"] == len(home.body)
    assert len(entry["content"]) < len(home.body) / 3
    # The miss is answered uncompressed, and says it varies on Accept-Encoding.
    assert all(name.lower() != "content-encoding" for name, _value in home.headers)
    assert "accept-encoding" in _vary(home)


def test_a_request_that_accepts_gzip_gets_the_stored_bytes(site_a, warm):
    layer, home, _missing = warm
    hit = call(layer, site_a.hostname, HTTP_ACCEPT_ENCODING=BROWSER)
    assert (hit.status, hit[HEADER], hit["Content-Encoding"]) == ("200 OK", "hit", "gzip")
    assert hit["Content-Length"] == str(len(hit.body))
    assert gzip.decompress(hit.body) == home.body
    # The page's own Vary is kept, Accept-Encoding merged into it once.
    assert _vary(hit) == _vary(home)
    assert _vary(hit).count("accept-encoding") == 1
    assert hit.page_headers().keys() - home.page_headers().keys() == {"content-encoding"}


@pytest.mark.parametrize(
    "accept_encoding", ["", "identity", "br", "gzip;q=0", "gzip; q=0.0, br", "*;q=0", "gzip;q=x"]
)
def test_a_request_that_refuses_gzip_gets_the_page_decompressed(site_a, warm, accept_encoding):
    layer, home, _missing = warm
    meta = {"HTTP_ACCEPT_ENCODING": accept_encoding} if accept_encoding else {}
    hit = call(layer, site_a.hostname, **meta)
    assert (hit[HEADER], hit.body) == ("hit", home.body)
    assert all(name.lower() != "content-encoding" for name, _value in hit.headers)
    assert hit["Content-Length"] == str(len(home.body))
    assert "accept-encoding" in _vary(hit)
    assert hit.page_headers() == home.page_headers()


def test_head_has_the_headers_of_its_get_and_no_body(site_a, warm):
    layer, home, _missing = warm
    get = call(layer, site_a.hostname, HTTP_ACCEPT_ENCODING="gzip")
    head = call(layer, site_a.hostname, method="HEAD", HTTP_ACCEPT_ENCODING="gzip")
    assert (head.body, head["Content-Encoding"]) == (b"", "gzip")
    assert head["Content-Length"] == get["Content-Length"] == str(len(get.body))
    plain_head = call(layer, site_a.hostname, method="HEAD")
    assert plain_head.body == b""
    assert plain_head["Content-Length"] == str(len(home.body))
    assert all(name.lower() != "content-encoding" for name, _value in plain_head.headers)


def test_a_cached_not_found_page_is_compressed_too(site_a, warm):
    layer, _home, missing = warm
    hit = call(layer, site_a.hostname, "/bestaat-niet/", HTTP_ACCEPT_ENCODING="x-gzip")
    assert (hit.status, hit[HEADER], hit["Content-Encoding"]) == ("404 Not Found", "hit", "gzip")
    assert gzip.decompress(hit.body) == missing.body
    plain = call(layer, site_a.hostname, "/bestaat-niet/")
    assert (plain.status, plain.body) == ("404 Not Found", missing.body)


def test_the_middlewares_hit_answers_the_same_way(site_a):
    client = site_a.client_for()
    miss = client.get("/")
    assert miss[HEADER] == "miss"
    zipped = client.get("/", headers={"accept-encoding": BROWSER})
    assert (zipped[HEADER], zipped["Content-Encoding"]) == ("hit", "gzip")
    assert gzip.decompress(zipped.content) == miss.content
    assert zipped["Content-Length"] == str(len(zipped.content))
    plain = client.get("/", headers={"accept-encoding": "gzip;q=0"})
    assert (plain[HEADER], plain.content) == ("hit", miss.content)
    assert not plain.has_header("Content-Encoding")
    head = client.head("/", headers={"accept-encoding": "gzip"})
    assert (head.content, head["Content-Length"]) == (b"", zipped["Content-Length"])


def test_a_small_or_binary_body_is_stored_as_it_is(site_a):
    entry = {
        "status": 200,
        "headers": [("Content-Type", "text/plain"), ("ETag", '"v1"')],
        "content": b"kort",
        "until": 4102444800.0,
    }
    headers, body = hits.hit_answer(entry, accept_encoding="gzip", head=False)
    assert body == b"kort"
    assert dict(headers)["ETag"] == '"v1"'
    assert "Content-Encoding" not in dict(headers)


PLAIN = b"<p>" + b"tekst " * 500 + b"</p>"


def compressed_entry() -> dict:
    """An entry as the middleware stores a compressed page, with an ETag."""
    return {
        "status": 200,
        "headers": [("Content-Type", "text/html"), ("ETag", '"v1"'), ("Vary", "Accept-Encoding")],
        "content": gzip.compress(PLAIN, mtime=0),
        "encoding": "gzip",
        "length": len(PLAIN),
        "until": 4102444800.0,
    }


def test_a_stored_etag_is_weak_on_the_compressed_answer():
    plain = PLAIN
    entry = compressed_entry()
    headers, body = hits.hit_answer(entry, accept_encoding="gzip", head=False)
    assert dict(headers)["ETag"] == 'W/"v1"'
    assert gzip.decompress(body) == plain
    headers, body = hits.hit_answer(entry, accept_encoding="identity", head=False)
    assert (dict(headers)["ETag"], body) == ('"v1"', plain)


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("deflate, gzip;q=1.0, *;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0.001", True),
        ("", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("br;q=1, *;q=0", False),
        ("gzip;q=abc", False),
    ],
)
def test_accept_encoding_q_values(header, accepted):
    assert hits.accepts_gzip(header) is accepted


def test_an_entry_kept_in_memory_answers_every_kind_of_request_as_a_fresh_copy_would():
    """The near cache hands out the same entry object hit after hit, and the headers worked
    out for one kind of answer are kept on it: each kind (compressed or not, GET or HEAD, with
    the layer's added headers or without) must still get its own, and the seconds left follow
    the clock."""
    plain = PLAIN
    stored = compressed_entry()
    added = hits.AddedHeaders([("X-Content-Type-Options", "nosniff"), ("ETag", '"outer"')])
    kept = dict(stored)
    kinds = [
        {"accept_encoding": "gzip", "head": False},
        {"accept_encoding": "identity", "head": False},
        {"accept_encoding": "gzip", "head": True, "added": added},
        {"accept_encoding": "identity", "head": True},
        {"accept_encoding": "gzip", "head": False, "added": added},
    ]
    for now in (4102444800.0 - 100, 4102444800.0 - 40):
        for kind in kinds:
            expected = hits.hit_answer(dict(stored), now=now, **kind)
            assert hits.hit_answer(kept, now=now, **kind) == expected
    headers, body = hits.hit_answer(kept, accept_encoding="gzip", head=False, added=added)
    names = [name for name, _value in headers]
    # The page's own ETag (weak, compressed) wins over an added one; added headers come last.
    assert dict(headers)["ETag"] == 'W/"v1"'
    assert names.count("ETag") == 1
    assert names[-1] == "X-Content-Type-Options"
    assert dict(headers)["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert gzip.decompress(body) == plain
