"""UiTdatabank import: new events of a batch are created in bulk, with a per-record fallback."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import services
from events.models import EventPage, Occurrence
from events.services import items_from_files, occurrences_sync, uitdatabank_import
from tests.factories.events import agenda_of

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2030, 1, 15)
GOOD_FILES = ["single.jsonld.json", "multiple.jsonld.json", "search-page.json"]


def document(number: int, *, kind: str = "single", title: str = "", ident: str = "") -> dict:
    start = dt.datetime(2030, 2, 1, 19, tzinfo=dt.UTC) + dt.timedelta(days=number)
    doc = {
        "@id": ident or f"https://io.uitdatabank.be/events/bulk-{number:06d}",
        "mainLanguage": "nl",
        "name": {"nl": title or f"Bulkactiviteit {number}"},
        "description": {"nl": f"<p>Beschrijving {number}.</p>"},
        "calendarType": kind,
        "location": {
            "name": {"nl": "Bibliotheek"},
            "address": {"nl": {"postalCode": "9000", "addressLocality": "Gent"}},
        },
        "terms": [{"id": "0.3.2.0.0", "domain": "eventtype"}],
        "workflowStatus": "APPROVED",
    }
    if kind == "single":
        doc["startDate"] = start.isoformat()
        doc["endDate"] = (start + dt.timedelta(hours=2)).isoformat()
    return doc


def run_documents(site, documents, tmp_path, *, name="docs.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"totalItems": len(documents), "member": documents}))
    return uitdatabank_import(site=site, items=items_from_files([path]), source=name, today=TODAY)


@pytest.fixture
def bulk_calls(monkeypatch):
    calls = []
    real = services.pages_bulk_create

    def counting(**kwargs):
        calls.append(len(kwargs["pages"]))
        return real(**kwargs)

    monkeypatch.setattr(services, "pages_bulk_create", counting)
    return calls


def occurrence_rows(page):
    return list(
        Occurrence.objects.filter(page=page)
        .order_by("start", "end")
        .values_list(
            "start",
            "end",
            "agenda_id",
            "live",
            "all_day",
            "status",
            "booking_availability",
            "original_start",
            "note",
            "sessions",
        )
    )


def test_new_events_of_a_batch_are_created_in_one_bulk_call(site_a, tmp_path, bulk_calls):
    run = run_documents(site_a.site, [document(n) for n in range(12)], tmp_path)
    assert (run.outcome, run.created, run.rejected) == ("klaar", 12, 0)
    assert bulk_calls == [12]
    agenda = agenda_of(site_a.home)
    pages = list(EventPage.objects.child_of(agenda).exclude(uitdatabank_id=""))
    assert len(pages) == 12
    agenda.refresh_from_db()
    assert agenda.numchild == EventPage.objects.child_of(agenda).count()
    for page in pages:
        assert page.live and not page.has_unpublished_changes
        assert page.live_revision_id and page.latest_revision_id == page.live_revision_id
        assert page.url_path == f"{agenda.url_path}{page.slug}/"
        assert page.uitdatabank_hash  # kept: the next run skips the unchanged document
        assert page.dates.count() == 1
        ((start, _end, agenda_id, live, *_rest),) = occurrence_rows(page)
        assert (agenda_id, live) == (agenda.pk, True)
    # the page is served on the site and found by the search
    page = pages[0]
    response = site_a.client_for().get(page.url_path[len(site_a.home.url_path) - 1 :])
    assert response.status_code == 200
    assert EventPage.objects.live().search(pages[3].title).results()[0].pk == pages[3].pk
    again = run_documents(site_a.site, [document(n) for n in range(12)], tmp_path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 12)


def test_query_count_does_not_grow_with_the_batch(site_a, tmp_path):
    counts = []
    for offset, size in ((0, 5), (100, 40)):
        docs = [document(offset + n) for n in range(size)]
        with CaptureQueriesContext(connection) as captured:
            run = run_documents(site_a.site, docs, tmp_path, name=f"d{offset}.json")
        assert run.created == size
        counts.append(len(captured))
    # the one-by-one path costs dozens of queries per page; the bulk path a few per batch
    assert counts[1] < counts[0] + 40, counts


def test_bulk_rows_are_what_occurrences_sync_would_write(site_a, tmp_path, bulk_calls):
    docs = [json.loads((FIXTURES / "single.jsonld.json").read_text())]
    docs.append(json.loads((FIXTURES / "multiple.jsonld.json").read_text()))
    docs.extend(json.loads((FIXTURES / "search-page.json").read_text())["member"])
    permanent = document(900, kind="permanent")  # no hours: every day, all day
    docs.append(permanent)
    run = run_documents(site_a.site, docs, tmp_path)
    assert (run.created, run.rejected) == (6, 0)
    assert bulk_calls == [6]
    for page in EventPage.objects.child_of(agenda_of(site_a.home)).exclude(uitdatabank_id=""):
        rows = occurrence_rows(page)
        assert rows, page.title
        # the per-page service finds nothing to add, remove or change
        assert occurrences_sync(page=page, today=TODAY) == (0, 0)
        assert occurrence_rows(page) == rows
    page = EventPage.objects.get(uitdatabank_id=permanent["@id"])
    rows = Occurrence.objects.filter(page=page, all_day=True)
    # every day up to the horizon, stored as one row a day for the daily window and one row
    # per run of days beyond it
    assert sum(rows.values_list("sessions", flat=True)) >= 400
    assert rows.count() < 50
    cancelled = Occurrence.objects.filter(
        page__uitdatabank_id__endswith="000000000002", status="geannuleerd"
    )
    assert cancelled.count() == 1


def test_a_failing_bulk_falls_back_to_one_record_at_a_time(site_a, tmp_path, bulk_calls):
    # Two documents whose pages get the same slug: the bulk creation refuses the batch, the
    # fallback creates the first and rejects the second with a reason; the others land.
    twin_a = document(1, title="Tweeling", ident="https://io.uitdatabank.be/events/twinsame-a")
    twin_b = document(2, title="Tweeling", ident="https://io.uitdatabank.be/events/twinsame-b")
    docs = [document(10), twin_a, document(11), twin_b, document(12)]
    run = run_documents(site_a.site, docs, tmp_path)
    assert bulk_calls == [5]
    assert (run.outcome, run.created, run.rejected) == ("klaar", 4, 1)
    (rejection,) = run.rejections
    assert rejection["id"] == twin_b["@id"]
    assert rejection["reason"].startswith("Opslaan mislukt")
    agenda = agenda_of(site_a.home)
    imported = EventPage.objects.child_of(agenda).exclude(uitdatabank_id="")
    assert sorted(imported.values_list("uitdatabank_id", flat=True)) == sorted(
        d["@id"] for d in docs if d is not twin_b
    )
    assert all(page.occurrences.filter(live=True).count() == 1 for page in imported)
    # nothing of the failed bulk attempt is left behind
    agenda.refresh_from_db()
    assert agenda.numchild == EventPage.objects.child_of(agenda).count()
    assert not Occurrence.objects.filter(page__isnull=True).exists()


def test_a_bulk_error_once_loses_no_record(site_a, tmp_path, monkeypatch):
    real = services.pages_bulk_create
    calls = []

    def failing_once(**kwargs):
        calls.append(len(kwargs["pages"]))
        if len(calls) == 1:
            real(**kwargs)  # writes, then fails: the savepoint must take it all back
            raise RuntimeError("database refused")
        return real(**kwargs)

    monkeypatch.setattr(services, "pages_bulk_create", failing_once)
    docs = [document(n) for n in range(services.BATCH_SIZE + 3)]
    run = run_documents(site_a.site, docs, tmp_path)
    assert calls == [services.BATCH_SIZE, 3]  # the second batch is bulk again
    assert (run.outcome, run.created, run.rejected) == ("klaar", len(docs), 0)
    agenda = agenda_of(site_a.home)
    imported = EventPage.objects.child_of(agenda).exclude(uitdatabank_id="")
    assert imported.count() == len(docs)
    assert Occurrence.objects.filter(page__in=imported).count() == len(docs)
    agenda.refresh_from_db()
    assert agenda.numchild == EventPage.objects.child_of(agenda).count()


def test_scheduled_and_repeated_documents_keep_their_single_path(site_a, tmp_path, bulk_calls):
    later = document(1)
    later["availableFrom"] = "2099-01-01T00:00:00+00:00"
    first = document(2)
    changed = dict(first, name={"nl": "Nieuwe titel"})
    run = run_documents(site_a.site, [document(3), later, first, changed], tmp_path)
    assert (run.created, run.updated, run.rejected) == (3, 1, 0)
    assert bulk_calls == [2]  # document 3 and `first`, flushed before its second version
    page = EventPage.objects.get(uitdatabank_id=later["@id"])
    assert not page.live and page.go_live_at.year == 2099
    assert not page.occurrences.filter(live=True).exists()
    assert EventPage.objects.get(uitdatabank_id=first["@id"]).title == "Nieuwe titel"
