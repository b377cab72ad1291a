"""UiTdatabank import: every calendar type, idempotence, withdrawal, bad input, sources."""

import datetime as dt
import http.server
import json
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import EventPage, ImportRun, Occurrence
from events.services import items_from_files, items_from_url, uitdatabank_import
from events.uitdatabank import (
    MAX_DESCRIPTION_CHARS,
    SourceError,
    UitdatabankClient,
    description_sanitise,
    search_url_build,
)
from tests.factories.events import agenda_of

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2030, 1, 15)
GOOD_FILES = ["single.jsonld.json", "multiple.jsonld.json", "search-page.json"]


def run_files(site, *names, full=False, today=TODAY):
    return uitdatabank_import(
        site=site,
        items=items_from_files([FIXTURES / name for name in names]),
        source=",".join(names),
        full=full,
        today=today,
    )


def snapshot(agenda):
    pages = EventPage.objects.child_of(agenda).order_by("uitdatabank_id")
    return (
        [(p.pk, p.uitdatabank_id, p.title, p.live, p.slug, p.uitdatabank_hash) for p in pages],
        list(
            Occurrence.objects.filter(page__in=pages)
            .order_by("pk")
            .values_list("pk", "page_id", "start", "end", "status", "booking_availability")
        ),
    )


def test_every_calendar_type_imports(site_a):
    run = run_files(site_a.site, *GOOD_FILES)
    assert (run.outcome, run.seen, run.created, run.rejected) == ("klaar", 5, 5, 0)
    agenda = agenda_of(site_a.home)
    events = {p.uitdatabank_id.rsplit("-", 1)[-1]: p for p in EventPage.objects.child_of(agenda)}

    single = events["000000000001"]
    assert single.live and single.title == "Lezing: de geschiedenis van het Gravensteen"
    assert single.event_type == "0.3.2.0.0" and single.theme == "1.11.0.0.0"
    assert single.facilities == ["3.17.1.0.0", "3.27.0.0.0"]  # event and place facilities
    assert (single.age_min, single.age_max, single.is_free) == (16, None, False)
    assert [p["price"] for p in single.price_info] == [6.0, 1.5]
    assert single.booking_url == "https://tickets.gent.example/gravensteen"
    assert single.image_url == "https://media.uitdatabank.be/20300101/gravensteen.jpg"
    assert single.place_name == "Bibliotheek De Krook" and single.postal_code == "9000"
    (occurrence,) = single.occurrences.all()
    assert occurrence.start == dt.datetime(2030, 3, 12, 19, tzinfo=dt.UTC)
    assert occurrence.end == dt.datetime(2030, 3, 12, 21, tzinfo=dt.UTC)

    multiple = events["000000000002"]
    assert multiple.is_free and (multiple.age_min, multiple.age_max) == (3, 6)
    statuses = list(
        multiple.occurrences.order_by("start").values_list("status", "booking_availability")
    )
    assert statuses == [
        ("gepland", "beschikbaar"),
        ("geannuleerd", "beschikbaar"),
        ("gepland", "niet-beschikbaar"),
    ]
    assert "<p>Spannende prentenboeken" in multiple.description  # plain text became paragraphs

    periodic = events["000000000003"]
    assert periodic.title == "Atelier de programmation"  # mainLanguage fr comes first
    starts = [o.start for o in periodic.occurrences.order_by("start")]
    # Wednesdays 14:00 and Saturdays 10:00 Brussels time, Feb-May 2030 (17 weeks)
    assert len(starts) == 34
    assert starts[0] == dt.datetime(2030, 2, 2, 9, tzinfo=dt.UTC)  # Sat 10:00 CET
    assert dt.datetime(2030, 4, 3, 12, tzinfo=dt.UTC) in starts  # Wed 14:00 CEST

    permanent = events["000000000004"]
    assert permanent.occurrences.count() > 50  # Tuesdays and Thursdays over the horizon

    no_hours = events["000000000005"]
    (span,) = no_hours.occurrences.all()
    assert span.all_day
    assert span.start == dt.datetime(2030, 6, 30, 22, tzinfo=dt.UTC)
    assert span.end == dt.datetime(2030, 8, 31, 22, tzinfo=dt.UTC)


def test_three_runs_leave_the_same_rows(site_a):
    agenda = agenda_of(site_a.home)
    first = run_files(site_a.site, *GOOD_FILES)
    before = snapshot(agenda)
    for _ in range(2):
        again = run_files(site_a.site, *GOOD_FILES)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
        assert snapshot(agenda) == before
    assert first.created == 5
    assert ImportRun.objects.filter(site=site_a.site).count() == 3


def test_changed_document_updates_in_place(site_a, tmp_path):
    run_files(site_a.site, "single.jsonld.json")
    document = json.loads((FIXTURES / "single.jsonld.json").read_text())
    document["name"]["nl"] = "Lezing: het Gravensteen (nieuwe titel)"
    document["startDate"] = "2030-03-13T19:00:00+00:00"
    document["endDate"] = "2030-03-13T21:00:00+00:00"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document))
    page = EventPage.objects.get(uitdatabank_id=document["@id"])
    run = uitdatabank_import(
        site=site_a.site, items=items_from_files([path]), source="x", today=TODAY
    )
    assert (run.updated, run.created) == (1, 0)
    page.refresh_from_db()
    assert page.title.endswith("(nieuwe titel)")
    assert [o.start.day for o in page.occurrences.all()] == [13]


def test_deleted_upstream_is_withdrawn(site_a):
    run_files(site_a.site, *GOOD_FILES)
    run = run_files(site_a.site, "deleted.jsonld.json")
    assert run.withdrawn == 1
    page = EventPage.objects.get(uitdatabank_id__endswith="000000000002")
    assert not page.live
    assert page.occurrences.exists()
    assert not page.occurrences.filter(live=True).exists()  # gone from the agenda
    # the rest stays
    assert EventPage.objects.live().filter(uitdatabank_id__startswith="https://io.").count() == 4


def test_full_run_withdraws_what_is_missing_and_partial_run_does_not(site_a):
    run_files(site_a.site, *GOOD_FILES)
    partial = run_files(site_a.site, "single.jsonld.json")
    assert partial.withdrawn == 0
    full = run_files(site_a.site, "single.jsonld.json", full=True)
    assert full.withdrawn == 4
    assert list(
        EventPage.objects.live().exclude(uitdatabank_id="").values_list("title", flat=True)
    ) == ["Lezing: de geschiedenis van het Gravensteen"]
    # back upstream: published again
    again = run_files(site_a.site, *GOOD_FILES)
    assert again.updated == 4
    assert EventPage.objects.live().exclude(uitdatabank_id="").count() == 5


def test_bad_records_are_rejected_with_reasons_and_the_rest_imports(site_a):
    run_files(site_a.site, "single.jsonld.json")
    run = run_files(site_a.site, "bad-records.json", "malformed.json", "multiple.jsonld.json")
    assert run.outcome == "klaar"
    assert run.created == 2  # the good record between the bad ones, and multiple
    assert run.rejected == 8
    reasons = {item["id"].rsplit("/", 1)[-1]: item["reason"] for item in run.rejections}
    assert "calendarType" in reasons["bad-0001"]
    assert "naam ontbreekt" in reasons["bad-0002"]
    assert "begindatum ontbreekt" in reasons["bad-0003"]
    assert "geen geldige datum" in reasons["bad-0004"]
    assert "einddatum ligt voor" in reasons["bad-0005"]
    assert any("malformed.json" in item["id"] for item in run.rejections)
    # stored earlier, untouched
    assert EventPage.objects.live().filter(uitdatabank_id__endswith="000000000001").exists()


def test_huge_description_is_rejected(site_a, tmp_path):
    document = json.loads((FIXTURES / "single.jsonld.json").read_text())
    document["description"]["nl"] = "<p>" + "bla " * MAX_DESCRIPTION_CHARS + "</p>"
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(document))
    run = uitdatabank_import(
        site=site_a.site, items=items_from_files([path]), source="x", today=TODAY
    )
    assert run.rejected == 1 and "te lang" in run.rejections[0]["reason"]
    assert not EventPage.objects.filter(uitdatabank_id=document["@id"]).exists()


XSS_CORPUS = [
    "<script>alert(1)</script><p>tekst</p>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klik</a>',
    '<p onclick="alert(1)">klik</p>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<style>body{display:none}</style><p>x</p>",
    '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_corpus_is_sanitised(payload):
    cleaned = description_sanitise(payload).lower()
    for needle in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "javascript:",
        "<iframe",
        "<style",
        "<svg",
        "<img",
    ):
        assert needle not in cleaned


def test_script_in_description_never_reaches_the_page(site_a, tmp_path):
    document = json.loads((FIXTURES / "single.jsonld.json").read_text())
    document["description"]["nl"] = "".join(XSS_CORPUS)
    document["name"]["nl"] = "<b>Titel</b><script>alert(1)</script>"
    path = tmp_path / "xss.json"
    path.write_text(json.dumps(document))
    uitdatabank_import(site=site_a.site, items=items_from_files([path]), source="x", today=TODAY)
    page = EventPage.objects.get(uitdatabank_id=document["@id"])
    assert "<script" not in page.description and "onerror" not in page.description
    response = site_a.client_for().get(page.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "alert(1)</script>" not in body
    assert "onerror=alert" not in body


# --- HTTP sources ---------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        action = self.routes.get(path)
        if action == "slow":
            time.sleep(1.5)
            return self._send(200, b"{}")
        if action == "error":
            return self._send(500, b"boom")
        if action is None:
            return self._send(404, b"not found")
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        start = 0
        for part in query.split("&"):
            if part.startswith("start="):
                start = int(part[6:])
        members = action[start : start + 2]
        body = json.dumps({"totalItems": len(action), "member": members}).encode()
        return self._send(200, body)

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_source():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Handler.routes
    server.shutdown()
    server.server_close()
    _Handler.routes.clear()


def test_paged_search_source_imports_every_page(site_a, http_source):
    base, routes = http_source
    members = json.loads((FIXTURES / "search-page.json").read_text())["member"]
    members.append(json.loads((FIXTURES / "single.jsonld.json").read_text()))
    routes["/events/"] = members
    client = UitdatabankClient(api_key="test", timeout=2, retries=0)
    run = uitdatabank_import(
        site=site_a.site,
        items=items_from_url(f"{base}/events/?q=x", client=client),
        source="test",
        full=True,
        today=TODAY,
    )
    assert (run.outcome, run.seen, run.created) == ("klaar", 4, 4)


@pytest.mark.parametrize("behaviour", ["slow", "error"])
def test_failing_source_fails_the_run_and_loses_nothing(site_a, http_source, behaviour):
    run_files(site_a.site, *GOOD_FILES)
    base, routes = http_source
    routes["/events/"] = behaviour
    client = UitdatabankClient(timeout=0.5, retries=1, backoff=0.01)
    run = uitdatabank_import(
        site=site_a.site,
        items=items_from_url(f"{base}/events/", client=client),
        source="test",
        full=True,
        today=TODAY,
    )
    assert run.outcome == "mislukt" and run.error
    assert run.withdrawn == 0
    assert EventPage.objects.live().exclude(uitdatabank_id="").count() == 5


def test_client_raises_source_error_on_non_json(http_source):
    base, routes = http_source
    with pytest.raises(SourceError):
        UitdatabankClient(timeout=1, retries=0).get_json(f"{base}/missing")


def test_search_url_contains_the_selection():
    url = search_url_build(
        organizer_ids=["abc-1"], place_ids=[], labels=["bib gent"], postal_codes=["9000"]
    )
    assert "organizer.id" in url and "labels" in url and "9000" in url
    assert search_url_build(organizer_ids=[], place_ids=[]) is None


# --- Command and task -----------------------------------------------------------------------


def test_command_imports_files(site_a, capsys):
    call_command(
        "import_uitdatabank", "--site", "gent", "--file", *[str(FIXTURES / n) for n in GOOD_FILES]
    )
    assert "5 gezien" in capsys.readouterr().out


def test_command_refuses_unknown_site_and_missing_selection(site_a):
    with pytest.raises(CommandError):
        call_command("import_uitdatabank", "--site", "nergens", "--file", "x.json")
    with pytest.raises(CommandError):
        call_command("import_uitdatabank", "--site", "gent")


def test_task_records_a_failed_run_without_selection(site_a):
    from events.tasks import uitdatabank_import_task

    result = uitdatabank_import_task.enqueue(site_id=site_a.site.pk)
    assert result.return_value["outcome"] == "mislukt"


def test_a_second_run_for_the_same_site_waits_for_the_first(site_a, site_b):
    ImportRun.objects.create(site=site_a.site, source="bezig")
    run = run_files(site_a.site, "single.jsonld.json")
    assert run.outcome == "mislukt" and "al een import" in run.error
    assert not EventPage.objects.exclude(uitdatabank_id="").exists()
    # another site is not held up
    assert run_files(site_b.site, "single.jsonld.json").created == 1


def test_records_read_before_a_source_failure_are_kept(site_a):
    from events.services import SourceItem

    good = json.loads((FIXTURES / "single.jsonld.json").read_text())

    def items():
        yield SourceItem(document=good, origin="page 1")
        raise SourceError("pagina 2 antwoordt niet")

    run = uitdatabank_import(site=site_a.site, items=items(), source="x", full=True, today=TODAY)
    assert (run.outcome, run.created, run.withdrawn) == ("mislukt", 1, 0)
    assert "pagina 2" in run.error
    assert EventPage.objects.filter(uitdatabank_id=good["@id"], live=True).exists()


def test_site_selection_builds_the_search_query(two_sites):
    from events.models import EventIndexPage
    from events.services import selection_url_for_site
    from events.tasks import uitdatabank_import_all_task
    from home.models import IntegrationSettings

    site_a, site_b = two_sites
    # no selection anywhere: the scheduled task imports nothing and records nothing
    assert uitdatabank_import_all_task.enqueue().return_value == 0
    assert not ImportRun.objects.exists()

    settings = IntegrationSettings.for_site(site_a.site)
    settings.uitdatabank_organizer_ids = "7481A1F9-D5CB-3BC9-D3C308240015B44D"
    settings.save()
    EventIndexPage.objects.filter(pk=agenda_of(site_a.home).pk).update(
        uitdatabank_labels="bib gent, voorlezen", uitdatabank_postal_codes="9000"
    )
    url = selection_url_for_site(site=site_a.site)
    assert "7481A1F9-D5CB-3BC9-D3C308240015B44D" in url
    assert "voorlezen" in url and "9000" in url
    assert selection_url_for_site(site=site_b.site) is None
