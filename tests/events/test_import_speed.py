"""The import's own writes that replace slower library calls give the same rows."""

import datetime as dt
import json
from collections import defaultdict

import pytest
from django.db import connection
from modelsearch.backends import get_search_backend
from modelsearch.backends.database.postgres.postgres import IndexEntry
from wagtail.models import Page

from events.models import EventPage
from events.services import items_from_files, uitdatabank_import
from home import page_bulk

TABLE = IndexEntry._meta.db_table
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL database search backend"
)

TODAY = dt.date(2030, 1, 15)


def document(number: int, **fields) -> dict:
    start = dt.datetime(2030, 2, 1, 19, tzinfo=dt.UTC) + dt.timedelta(days=number)
    doc = {
        "@id": f"https://io.uitdatabank.be/events/speed-{number:06d}",
        "mainLanguage": "nl",
        "name": {"nl": f"Snelle activiteit {number}"},
        "description": {"nl": f"<p>Beschrijving {number} met <strong>opmaak</strong>.</p>"},
        "calendarType": "single",
        "startDate": start.isoformat(),
        "endDate": (start + dt.timedelta(hours=2)).isoformat(),
        "location": {
            "name": {"nl": "Bibliotheek"},
            "address": {"nl": {"postalCode": "9000", "addressLocality": "Gent"}},
        },
        "terms": [{"id": "0.3.2.0.0", "domain": "eventtype"}],
        "workflowStatus": "APPROVED",
    }
    doc.update(fields)
    return doc


def entries(pks) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_id, title::text, autocomplete::text, body::text, title_text, "
            f"body_text, title_norm FROM {TABLE} WHERE object_id = ANY(%s) "
            "ORDER BY object_id",
            [[str(pk) for pk in pks]],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def entries_delete(pks) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE object_id = ANY(%s)",
            [[str(pk) for pk in pks]],
        )


def library_entries(pages) -> dict:
    """What the search backend itself writes for the pages."""
    pks = [page.pk for page in pages]
    entries_delete(pks)
    backend = get_search_backend()
    by_model = defaultdict(list)
    for page in pages:
        by_model[type(page)].append(page)
    for model, model_pages in by_model.items():
        backend.add_bulk(model, model_pages)
    return entries(pks)


def own_entries(pages) -> dict:
    pks = [page.pk for page in pages]
    entries_delete(pks)
    backend = get_search_backend()
    by_model = defaultdict(list)
    for page in pages:
        by_model[type(page)].append(page)
    for model, model_pages in by_model.items():
        assert page_bulk._postgres_entries_add(backend, model, model_pages)
    return entries(pks)


@postgresql_only
@pytest.mark.django_db
def test_imported_events_get_the_search_entries_the_backend_writes(site_a, tmp_path):
    documents = [
        document(1),
        document(2, description={"nl": ""}, name={"nl": "Titel met  spaties "}),
        document(3, description={"nl": "<p>Één</p><p>Twee &amp; drie</p>"}),
    ]
    path = tmp_path / "docs.json"
    path.write_text(json.dumps({"member": documents}))
    run = uitdatabank_import(
        site=site_a.site, items=items_from_files([path]), source="t", today=TODAY
    )
    assert run.created == 3
    pages = list(EventPage.objects.filter(uitdatabank_id__contains="speed-").order_by("pk"))
    assert len(pages) == 3
    written = entries([page.pk for page in pages])
    assert len(written) == 3
    assert "snell" in written[str(pages[0].pk)][0]  # the title vector holds the title
    assert written == library_entries(pages)


@postgresql_only
@pytest.mark.django_db
def test_every_page_model_of_a_site_gets_the_entries_the_backend_writes(site_a):
    pages = [
        page.specific
        for page in Page.objects.filter(depth__gt=1).descendant_of(site_a.home, inclusive=True)
    ]
    assert len({type(page) for page in pages}) > 3
    assert own_entries(pages) == library_entries(pages)


@pytest.mark.django_db
def test_another_backend_is_left_to_itself():
    class Other:
        def get_index_for_model(self, model):
            return object()

    assert page_bulk._postgres_entries_add(Other(), EventPage, []) is False


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 5),
        ("kort", 4),
        ("kort", 3),
        ("e\u0301e\u0301n", 3),  # combining accents: NFC makes three characters of five
        ("e\u0301e\u0301n", 4),
        ("a\u0300" * 10, 10),
        ("Een langere titel die te lang is", 10),
    ],
)
def test_chars_is_what_truncator_returns(text, length):
    from django.utils.text import Truncator

    from events.uitdatabank import _chars

    assert _chars(text, length) == Truncator(text).chars(length)


@pytest.mark.django_db
def test_revision_content_is_what_the_page_serialises(site_a, tmp_path):
    path = tmp_path / "docs.json"
    path.write_text(json.dumps({"member": [document(4), document(5, description={"nl": ""})]}))
    uitdatabank_import(site=site_a.site, items=items_from_files([path]), source="t", today=TODAY)
    events = list(EventPage.objects.filter(uitdatabank_id__contains="speed-"))
    others = [
        page.specific
        for page in Page.objects.filter(depth__gt=1).descendant_of(site_a.home, inclusive=True)
    ]
    assert events
    for page in events + others:
        assert page_bulk._serializable_data(page) == page.serializable_data()
        # the stored revision of an imported page holds the same content
    for page in events:
        stored = page.live_revision.content
        assert stored["dates"] and stored["title"] == page.title
        assert (
            json.loads(json.dumps(page_bulk._serializable_data(page), default=str))[
                "uitdatabank_id"
            ]
            == page.uitdatabank_id
        )


@pytest.mark.django_db
def test_log_entries_of_a_bulk_created_event(site_a, tmp_path):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import PageLogEntry

    path = tmp_path / "docs.json"
    path.write_text(json.dumps({"member": [document(6)]}))
    uitdatabank_import(site=site_a.site, items=items_from_files([path]), source="t", today=TODAY)
    page = EventPage.objects.get(uitdatabank_id__endswith="speed-000006")
    entries = {entry.action: entry for entry in PageLogEntry.objects.filter(page=page)}
    assert set(entries) == {"wagtail.create", "wagtail.publish"}
    create, publish = entries["wagtail.create"], entries["wagtail.publish"]
    assert create.uuid == publish.uuid
    assert (create.revision_id, publish.revision_id) == (None, page.live_revision_id)
    for entry in (create, publish):
        assert entry.label == page.get_admin_display_title()
        assert entry.content_type == ContentType.objects.get_for_model(EventPage)
        assert entry.data == {} and entry.content_changed and not entry.deleted
        assert entry.timestamp == page.last_published_at
