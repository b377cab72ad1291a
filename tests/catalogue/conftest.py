"""Catalogue fixtures: two library sites with their own catalogue profile, records with holdings
at both, and a local stand-in for the Cultuurconnect catalogue web service."""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

# The browser checks of tests/catalogue/test_browser.py reuse the demo network, Chromium and
# axe-core fixtures of tests/browser.
from tests.browser.conftest import axe_source, browser, demo_network  # noqa: F401
from tests.conftest import site_provision
from tests.factories.catalogue import (  # noqa: F401
    MarcRecordFactory,
    records_load,
    synthetic_catalogue,
    synthetic_marc_file,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture
def library_b(db):
    return site_provision("leuven", "Bibliotheek Leuven")


@pytest.fixture
def two_libraries(site_a, library_b):
    return site_a, library_b


@pytest.fixture
def records(db, tmp_path):
    return records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id="900001",
                title="Harry Potter en de steen der wijzen",
                author="Rowling, J.K.",
                isbn="9789076957906",
                year=2019,
                audience="vanaf 10 jaar",
                summary="Harry ontdekt dat hij een tovenaar is",
                genres=("Fantasy",),
                holdings=(
                    ("gent", "De Krook", "ROWL", "beschikbaar", "2026-03-01"),
                    ("gent", "Sint-Amandsberg", "ROWL", "uitgeleend", "2026-01-01"),
                    ("leuven", "Tweebronnen", "ROWL", "uitgeleend", "2025-01-01"),
                ),
            ),
            MarcRecordFactory(
                record_id="900002",
                title="Het verdriet van België",
                author="Claus, Hugo",
                year=2018,
                genres=("Romans",),
                holdings=(("leuven", "Tweebronnen", "CLAU", "beschikbaar", "2026-03-02"),),
            ),
            MarcRecordFactory(
                record_id="900003",
                title="Koken met groenten",
                author="Peeters, Sofie",
                year=2024,
                siso="643.5",
                holdings=(("gent", "De Krook", "643.5", "beschikbaar", "2026-02-01"),),
            ),
        ],
    )


@dataclass
class FakeService:
    url: str
    requests: list = field(default_factory=list)
    mode: str = "ok"  # ok | error | slow


class XmlHandler(BaseHTTPRequestHandler):
    """Base of the stand-ins: quiet, and answers XML without failing when the client is gone
    (a test of a timeout closes the connection first)."""

    def log_message(self, *args):
        pass

    def answer(self, status: int, body: bytes = b"") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@contextmanager
def service_serve(settings, handler: type[XmlHandler]):
    """Serve `handler` on 127.0.0.1 (random port) and point the catalogue settings at it;
    yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.CATALOGUE_API_URL = url
    settings.CATALOGUE_API_KEY = "test-key"
    settings.CATALOGUE_API_TIMEOUT = 0.5
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def catalogue_service(settings):
    """An HTTP server on 127.0.0.1 (random port) answering in the documented XML shapes."""
    state = FakeService(url="")

    class Handler(XmlHandler):
        def do_GET(self):
            parsed = urlparse(self.path)
            state.requests.append((parsed.path, parse_qs(parsed.query)))
            if state.mode == "slow":
                time.sleep(1.5)
            if state.mode == "error":
                return self.answer(500)
            endpoint = parsed.path.rstrip("/").rsplit("/", 1)[-1]
            files = {
                "search": "cc_search.xml",
                "details": "cc_details.xml",
                "availability": "cc_availability.xml",
            }
            name = files.get(endpoint)
            if name is None or parse_qs(parsed.query).get("authorization") != ["test-key"]:
                return self.answer(401)
            return self.answer(200, (DATA / name).read_bytes())

    with service_serve(settings, Handler) as url:
        state.url = url
        yield state
