"""The import's own writes that replace slower library calls give the same rows."""

import datetime as dt
import json
import uuid
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


@pytest.mark.django_db
def test_import_pages_are_announced_once_instead_of_one_page_published_each(
    site_a, tmp_path, django_capture_on_commit_callbacks
):
    """The bulk-created pages of an import send no page_published: the run's one
    pages_changed names them, and its receivers do the same work for all of them at once
    (the site's shell generation, the network's agenda rows)."""
    from wagtail.signals import page_published

    from home.generations import site_generation
    from home.signals import pages_changed
    from network.rows import NetworkOccurrence

    published, announced = [], []

    def on_published(sender, instance, **kwargs):
        published.append(instance.pk)

    def on_changed(sender, **kwargs):
        announced.append(kwargs)

    page_published.connect(on_published, dispatch_uid="test_speed_published")
    pages_changed.connect(on_changed, dispatch_uid="test_speed_changed")
    generation = site_generation(site_a.site.pk)
    try:
        path = tmp_path / "docs.json"
        path.write_text(json.dumps({"member": [document(n) for n in range(7, 10)]}))
        with django_capture_on_commit_callbacks(execute=True):
            run = uitdatabank_import(
                site=site_a.site, items=items_from_files([path]), source="t", today=TODAY
            )
    finally:
        page_published.disconnect(dispatch_uid="test_speed_published")
        pages_changed.disconnect(dispatch_uid="test_speed_changed")
    pks = sorted(
        EventPage.objects.filter(uitdatabank_id__contains="speed-").values_list("pk", flat=True)
    )
    assert run.created == 3 and len(pks) == 3
    assert published == []
    assert len(announced) == 1
    assert announced[0]["page_ids"] == pks
    assert site_generation(site_a.site.pk) > generation
    copied = set(
        NetworkOccurrence.objects.filter(event_id__in=pks).values_list("event_id", flat=True)
    )
    assert copied == set(pks)


@pytest.mark.django_db
def test_page_rows_point_at_their_revision_whose_content_has_none_yet(site_a, tmp_path):
    """The page rows are written with their revision's reserved id (no UPDATE after); the
    revision content is the page before it had a revision, as Wagtail stores a first one."""
    from wagtail.models import Revision

    path = tmp_path / "docs.json"
    path.write_text(json.dumps({"member": [document(11), document(12)]}))
    uitdatabank_import(site=site_a.site, items=items_from_files([path]), source="t", today=TODAY)
    for page in EventPage.objects.filter(uitdatabank_id__contains="speed-"):
        revision = Revision.objects.get(object_id=str(page.pk))
        assert page.latest_revision_id == page.live_revision_id == revision.pk
        assert revision.content["pk"] == page.pk
        assert revision.content["latest_revision"] is None
        assert revision.content["live_revision"] is None
        assert [row["pk"] for row in revision.content["dates"]] == list(
            page.dates.values_list("pk", flat=True)
        )


def _prepared(value):
    """A prepared value comparable with ==: JSON adapters compare by what they hold."""
    return ("json", value.obj) if hasattr(value, "obj") else value


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="_rows_copy is PostgreSQL's COPY path (SQLite inserts), and the values compared are "
    "PostgreSQL's preparation (a UUID stays a UUID)",
)
@pytest.mark.django_db
def test_copied_values_are_what_an_insert_prepares(site_a):
    """`_rows_copy` sends an attribute as it is only where `pre_save` and `get_db_prep_save`
    give that same value: checked field by field on every model the bulk path copies, with
    plain, empty, UTC and non-UTC values."""
    from zoneinfo import ZoneInfo

    from wagtail.models import PageLogEntry, Revision

    from events.models import EventDate

    brussels = dt.datetime(2030, 3, 1, 10, tzinfo=ZoneInfo("Europe/Brussels"))
    page = EventPage(
        title="Kopie",
        slug="kopie",
        path="000100010001",
        depth=3,
        go_live_at=brussels,
        expire_at=dt.datetime(2030, 3, 2, 10, tzinfo=dt.UTC),
        age_min=6,
        facilities=["x"],
        uitdatabank_id="https://io.uitdatabank.be/events/kopie",
        latitude=None,
    )
    page.pk = page.page_ptr_id = 123456
    objects = [
        page,
        Revision(content={"a": 1}, object_id="1", created_at=brussels, object_str="x"),
        PageLogEntry(label="x", action="wagtail.create", timestamp=brussels, data={}),
        EventDate(
            page_id=123456,
            sort_order=0,
            start_date=dt.date(2030, 3, 1),
            start_time=dt.time(10),
            weekdays="0,1",
        ),
    ]
    checked = 0
    for obj in objects:
        for model in page_bulk._concrete_levels(type(obj)):
            fields = list(model._meta.local_concrete_fields)
            plan = page_bulk._copy_plan(fields)
            fast = page_bulk._copy_row(obj, plan)
            slow = [
                field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields
            ]
            assert [_prepared(v) for v in fast] == [_prepared(v) for v in slow], model
            checked += len(fields)
    assert checked > 100


@pytest.mark.django_db
def test_serialised_fields_are_what_modelcluster_writes(site_a):
    """The revision content's fast path (`_fields_data`) against modelcluster's own, for a
    page with non-UTC and UTC datetimes, JSON values and a foreign key, and for its dates."""
    from zoneinfo import ZoneInfo

    from modelcluster.models import get_serializable_data_for_fields

    from events.models import EventDate

    page = EventPage(
        title="Serieel",
        slug="serieel",
        go_live_at=dt.datetime(2030, 3, 1, 10, tzinfo=ZoneInfo("Europe/Brussels")),
        expire_at=dt.datetime(2030, 3, 2, 10, tzinfo=dt.UTC),
        facilities=["a"],
        contact_point={"email": ["a@b.be"]},
        translation_key=uuid.uuid4(),
        locale_id=1,
    )
    page.dates = [
        EventDate(start_date=dt.date(2030, 3, 1), start_time=dt.time(10), weekdays="0"),
        EventDate(start_date=dt.date(2030, 3, 2), repeat="wekelijks"),
    ]
    assert page_bulk._serializable_data(page) == page.serializable_data()
    for child in page.dates.all():
        assert page_bulk._fields_data(child) == get_serializable_data_for_fields(child)
    assert page_bulk._serializable_data(page)["go_live_at"].tzinfo == dt.UTC


@postgresql_only
@pytest.mark.django_db
def test_entries_written_in_chunks_get_the_title_norms_of_one_backend_add(
    site_a, tmp_path, monkeypatch
):
    """The title statistics are refreshed once after the last chunk: the entries are those the
    backend writes when it adds all the pages at once."""
    path = tmp_path / "docs.json"
    titles = ["Kort", "Een veel langere titel voor de statistiek", "Midden lang", "X", "Twee"]
    path.write_text(
        json.dumps({"member": [document(20 + n, name={"nl": t}) for n, t in enumerate(titles)]})
    )
    uitdatabank_import(site=site_a.site, items=items_from_files([path]), source="t", today=TODAY)
    pages = list(EventPage.objects.filter(uitdatabank_id__contains="speed-").order_by("pk"))
    assert len(pages) == 5
    refreshed = []
    from modelsearch.backends.database.postgres.postgres import PostgresIndex

    original = PostgresIndex._refresh_title_norms

    def counting(self, *args, **kwargs):
        refreshed.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PostgresIndex, "_refresh_title_norms", counting)
    monkeypatch.setattr(page_bulk, "BATCH_SIZE", 2)
    entries_delete([page.pk for page in pages])
    page_bulk._search_index_now(pages, committed=False)
    assert len(refreshed) == 1  # three chunks, one refresh
    written = entries([page.pk for page in pages])
    assert len({row[-1] for row in written.values()}) > 1  # the norms differ by title length
    assert written == library_entries(pages)


@pytest.mark.parametrize(
    "text",
    ["", "Kort", "  twee   spaties \n en regels ", "a > b &amp; c", "Één\u00a0nbsp", "<p>Eén.</p>"],
)
def test_plain_text_of_text_without_tags_is_what_strip_tags_gives(text):
    from django.utils.html import strip_tags

    from events.uitdatabank import BLOCK_END, plain_text

    assert plain_text(text) == " ".join(strip_tags(BLOCK_END.sub(" ", text)).split())


@postgresql_only
@pytest.mark.django_db
def test_entries_split_over_statements_bound_by_the_server_are_the_same(site_a, monkeypatch):
    """The entries go in statements whose parameters the server binds, split where a statement
    would hold too many of them: the same rows as the backend's."""
    pages = [
        page.specific
        for page in Page.objects.filter(depth__gt=1).descendant_of(site_a.home, inclusive=True)
    ]
    statements = []
    real = page_bulk._execute_server_bound

    def counting(cursor, sql, params):
        statements.append(len(params))
        return real(cursor, sql, params)

    monkeypatch.setattr(page_bulk, "MAX_BOUND_PARAMETERS", 40)
    monkeypatch.setattr(page_bulk, "_execute_server_bound", counting)
    assert own_entries(pages) == library_entries(pages)
    assert len(statements) > len({type(page) for page in pages})  # split within a model
    assert max(statements) <= 40 or min(statements) > 40  # a row is never cut


@postgresql_only
@pytest.mark.django_db
def test_a_statement_whose_placeholders_cannot_be_numbered_goes_through_django():
    with connection.cursor() as cursor:
        # bound by the server, in the same transaction
        page_bulk._execute_server_bound(
            cursor, "CREATE TEMP TABLE bound_test AS SELECT %s::int AS v, %s AS t", [41, "één"]
        )
        cursor.execute("SELECT v, t FROM bound_test")
        assert cursor.fetchone() == (41, "één")
        # a literal percent sign: Django's cursor, which reads %% as one
        page_bulk._execute_server_bound(cursor, "SELECT '100%%' || %s", ["!"])
        assert cursor.fetchone() == ("100%!",)
