"""The scheduled UiTdatabank sync against a local stand-in of the Search API: incremental by
`modifiedFrom` from the last successful run, paging, 429 with Retry-After, failures that keep
everything, the nightly full run, the tasks, the command, and what local editors see."""

import datetime as dt
import json
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from events.models import EventPage, ImportRun
from events.services import SYNC_OVERLAP, uitdatabank_import_site
from events.uitdatabank import UitdatabankClient
from home.models import IntegrationSettings

TODAY = timezone.localdate()


def event_document(number: int, *, modified: dt.datetime, title: str = "") -> dict:
    start = TODAY + dt.timedelta(days=10 + number)
    return {
        "@id": f"https://io.uitdatabank.be/events/{uuid.UUID(int=number)}",
        "mainLanguage": "nl",
        "name": {"nl": title or f"Voorleesuur {number}"},
        "calendarType": "single",
        "startDate": f"{start}T10:00:00+01:00",
        "endDate": f"{start}T11:00:00+01:00",
        "workflowStatus": "APPROVED",
        "modified": modified.isoformat(),
    }


class SearchStandIn:
    """What the Search API does for us: filter on modifiedFrom, page with start/limit, and
    answer scripted failures first. Records every query it received."""

    def __init__(self) -> None:
        self.documents: list[dict] = []
        self.queries: list[dict[str, str]] = []
        self.failures: list[tuple[int, dict]] = []  # (status, headers), answered in order
        self.fail_from_start: int | None = None  # a 500 for every page from this offset

    def answer(self, query: dict[str, str]) -> tuple[int, dict, bytes]:
        self.queries.append(query)
        if self.failures:
            status, headers = self.failures.pop(0)
            return status, headers, b'{"title": "stand-in failure"}'
        start, limit = int(query.get("start", 0)), int(query.get("limit", 30))
        if self.fail_from_start is not None and start >= self.fail_from_start:
            return 500, {}, b"{}"
        selected = self.documents
        if "modifiedFrom" in query:
            since = dt.datetime.fromisoformat(query["modifiedFrom"])
            selected = [d for d in selected if dt.datetime.fromisoformat(d["modified"]) >= since]
        body = {
            "@type": "PagedCollection",
            "itemsPerPage": limit,
            "totalItems": len(selected),
            "member": selected[start : start + limit],
        }
        return 200, {"Content-Type": "application/ld+json"}, json.dumps(body).encode()


@pytest.fixture
def search_api(monkeypatch):
    stand_in = SearchStandIn()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            status, headers, body = stand_in.answer(query)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(
        "UITDATABANK_SEARCH_URL", f"http://127.0.0.1:{server.server_address[1]}/events/"
    )
    yield stand_in
    server.shutdown()
    server.server_close()


@pytest.fixture
def selection(site_a):
    settings = IntegrationSettings.for_site(site_a.site)
    settings.uitdatabank_organizer_ids = "11111111-2222-3333-4444-555555555555"
    settings.save()
    return site_a


def client(sleeps: list | None = None) -> UitdatabankClient:
    return UitdatabankClient(
        timeout=2,
        retries=1,
        backoff=0.01,
        page_size=2,
        sleep=(sleeps.append if sleeps is not None else lambda seconds: None),
    )


def live_titles(site) -> list[str]:
    return sorted(
        EventPage.objects.live().exclude(uitdatabank_id="").values_list("title", flat=True)
    )


def test_first_run_reads_everything_then_only_what_changed_since_the_last_success(
    selection, search_api
):
    long_ago = timezone.now() - dt.timedelta(days=30)
    search_api.documents = [event_document(n, modified=long_ago) for n in range(1, 6)]

    first = uitdatabank_import_site(site=selection.site, client=client())
    assert (first.outcome, first.full, first.created) == ("klaar", True, 5)
    assert "modifiedFrom" not in search_api.queries[0]
    # the default filters are off, so drafts and deleted documents reach the sync
    assert search_api.queries[0]["workflowStatus"] == "*"
    assert [(q["start"], q["limit"]) for q in search_api.queries] == [
        ("0", "2"),
        ("2", "2"),
        ("4", "2"),
    ]

    search_api.queries.clear()
    search_api.documents[2] = event_document(3, modified=timezone.now(), title="Nieuwe titel")
    second = uitdatabank_import_site(site=selection.site, client=client())
    assert (second.outcome, second.full, second.seen, second.updated) == ("klaar", False, 1, 1)
    asked = dt.datetime.fromisoformat(search_api.queries[0]["modifiedFrom"])
    expected = first.started - SYNC_OVERLAP
    assert abs(asked - expected) < dt.timedelta(seconds=1)
    assert "Nieuwe titel" in live_titles(selection.site)


def test_a_failing_page_fails_the_run_withdraws_nothing_and_the_next_run_resumes(
    selection, search_api
):
    long_ago = timezone.now() - dt.timedelta(days=30)
    search_api.documents = [event_document(n, modified=long_ago) for n in range(1, 6)]
    first = uitdatabank_import_site(site=selection.site, client=client())

    search_api.fail_from_start = 2
    failed = uitdatabank_import_site(site=selection.site, client=client(), full=True)
    assert failed.outcome == "mislukt" and "500" in failed.error
    assert failed.withdrawn == 0 and len(live_titles(selection.site)) == 5

    search_api.fail_from_start = None
    search_api.queries.clear()
    uitdatabank_import_site(site=selection.site, client=client())
    asked = dt.datetime.fromisoformat(search_api.queries[0]["modifiedFrom"])
    assert abs(asked - (first.started - SYNC_OVERLAP)) < dt.timedelta(seconds=1)


def test_429_is_waited_out_for_its_retry_after_and_then_fails_the_run(selection, search_api):
    search_api.documents = [event_document(1, modified=timezone.now())]
    search_api.failures = [(429, {"Retry-After": "7"}), (429, {"Retry-After": "100000"})]
    sleeps: list[float] = []
    run = uitdatabank_import_site(site=selection.site, client=client(sleeps))
    assert (run.outcome, run.created) == ("klaar", 1)
    assert sleeps == [7.0, 60.0]  # the server's wait, bounded

    search_api.failures = [(429, {"Retry-After": "1"})] * 10
    run = uitdatabank_import_site(site=selection.site, client=client(sleeps), full=True)
    assert run.outcome == "mislukt" and "429" in run.error
    assert run.withdrawn == 0 and live_titles(selection.site) == ["Voorleesuur 1"]


def test_nightly_full_run_withdraws_what_left_the_selection_and_incremental_does_not(
    selection, search_api
):
    long_ago = timezone.now() - dt.timedelta(days=30)
    search_api.documents = [event_document(n, modified=long_ago) for n in range(1, 4)]
    uitdatabank_import_site(site=selection.site, client=client())
    search_api.documents.pop(0)
    assert uitdatabank_import_site(site=selection.site, client=client()).withdrawn == 0
    full = uitdatabank_import_site(site=selection.site, client=client(), full=True)
    assert (full.withdrawn, full.unchanged) == (1, 2)
    assert live_titles(selection.site) == ["Voorleesuur 2", "Voorleesuur 3"]


def test_sync_all_task_runs_one_import_per_site_with_a_selection(two_sites, search_api):
    from events.tasks import uitdatabank_import_all_task, uitdatabank_sync_all_task

    site_a, site_b = two_sites
    settings = IntegrationSettings.for_site(site_a.site)
    settings.uitdatabank_organizer_ids = "11111111-2222-3333-4444-555555555555"
    settings.save()
    search_api.documents = [event_document(1, modified=timezone.now())]
    assert uitdatabank_sync_all_task.enqueue(full=False).return_value == 1
    run = ImportRun.objects.get()
    assert (run.site_id, run.selection, run.created) == (site_a.site.pk, True, 1)
    assert uitdatabank_import_all_task is uitdatabank_sync_all_task
    assert uitdatabank_sync_all_task.enqueue(full=True).return_value == 1
    assert ImportRun.objects.filter(site=site_b.site).count() == 0
    assert ImportRun.objects.order_by("-started").first().full


def test_command_reads_every_file_option_and_all_sites(selection, search_api, tmp_path, capsys):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(event_document(1, modified=timezone.now())))
    second.write_text(json.dumps([event_document(2, modified=timezone.now())]))
    call_command(
        "import_uitdatabank", "--site", "gent", "--file", str(first), "--file", str(second)
    )
    assert "2 nieuw" in capsys.readouterr().out

    search_api.documents = [event_document(3, modified=timezone.now())]
    call_command("import_uitdatabank", "--all", "--full")
    out = capsys.readouterr().out
    assert "1 nieuw" in out and "2 teruggetrokken" in out


def test_local_editor_sees_own_sync_state_with_reasons_and_nothing_of_another_site(
    two_sites, search_api, admin_client
):
    site_a, site_b = two_sites
    for site in (site_a, site_b):
        settings = IntegrationSettings.for_site(site.site)
        settings.uitdatabank_organizer_ids = "11111111-2222-3333-4444-555555555555"
        settings.save()
    broken = {"@id": "https://io.uitdatabank.be/events/zonder-naam", "calendarType": "single"}
    search_api.documents = [broken]
    run_a = uitdatabank_import_site(site=site_a.site, client=client())
    run_b = uitdatabank_import_site(site=site_b.site, client=client())

    browser = admin_client(site_a.editor)
    page = browser.get(f"/admin/agenda-imports/inspect/{run_a.pk}/")
    assert page.status_code == 200
    text = BeautifulSoup(page.content, "html.parser").get_text(" ", strip=True)
    assert "Laatste geslaagde synchronisatie" in text
    assert "zonder-naam" in text and "De naam ontbreekt." in text
    assert browser.get(f"/admin/agenda-imports/inspect/{run_b.pk}/").status_code == 404
    listing = browser.get("/admin/agenda-imports/").content.decode()
    assert "Bibliotheek Gent" in listing and "Strombeek" not in listing
