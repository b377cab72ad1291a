"""The event's filter columns copied onto its occurrence rows (events.Occurrence.event_type and
after) follow the event through every writer: publish, a new revision, unpublish, the import's
bulk path and its update path, the rolling horizon, a deleted location, and the migration
that filled them. The agenda then filters and counts occurrence rows alone."""

import datetime as dt
import importlib
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import OCCURRENCE_EVENT_FIELDS, EventPage, Occurrence, occurrence_event_values
from events.services import items_from_files, occurrences_refresh, uitdatabank_import
from library_pages.models import LocationIndexPage
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.pages import LocationPageFactory

TODAY = dt.date(2030, 1, 15)
WORKSHOP, LECTURE = "0.3.1.0.0", "0.3.2.0.0"
PAINTING, LITERATURE = "1.0.1.0.0", "1.10.0.0.0"


def copied(page: EventPage) -> set[tuple]:
    """The distinct event columns of the page's occurrence rows."""
    return set(Occurrence.objects.filter(page=page).values_list(*OCCURRENCE_EVENT_FIELDS))


def assert_one_last_row(page: EventPage) -> None:
    """Exactly one row of the event is marked last: the one that ends last, then starts last."""
    rows = list(Occurrence.objects.filter(page=page).values_list("start", "end", "is_last"))
    assert rows
    latest = max(rows, key=lambda row: (row[1], row[0]))
    assert [row for row in rows if row[2]] == [latest]


def expected(page: EventPage) -> set[tuple]:
    page = EventPage.objects.get(pk=page.pk)
    return {occurrence_event_values(page)}


@pytest.fixture
def location(site_a):
    return LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(site_a.home).get(), title="De Krook"
    )


def test_publish_copies_the_columns_and_a_new_revision_moves_them(site_a, location):
    event = EventPageFactory(
        parent=agenda_of(site_a.home),
        dates=[event_date(dt.date(2030, 2, day)) for day in (1, 8, 15)],
        event_type=WORKSHOP,
        theme=PAINTING,
        age_min=6,
        age_max=10,
        is_free=True,
        location_page=location,
        regional=True,
        region="oost-vlaanderen",
    )
    assert Occurrence.objects.filter(page=event).count() == 3
    assert copied(event) == {
        (WORKSHOP, PAINTING, 6, 10, True, location.pk, "oost-vlaanderen", None, None)
    }
    assert_one_last_row(event)
    ids = set(Occurrence.objects.filter(page=event).values_list("pk", flat=True))

    event.event_type, event.theme = LECTURE, LITERATURE
    event.age_min, event.age_max, event.is_free = 18, None, False
    event.location_page, event.regional = None, False
    event.latitude, event.longitude = Decimal("51.054300"), Decimal("3.725000")
    event.save_revision().publish()
    assert copied(event) == {
        (LECTURE, LITERATURE, 18, None, False, None, "", Decimal("51.0543"), Decimal("3.725"))
    }
    # the same rows, updated in place
    assert set(Occurrence.objects.filter(page=event).values_list("pk", flat=True)) == ids
    assert_one_last_row(event)

    # dropping the last date moves the mark to the row that now ends last
    event.dates = [event_date(dt.date(2030, 2, day)) for day in (1, 8)]
    event.save_revision().publish()
    assert Occurrence.objects.filter(page=event).count() == 2
    assert_one_last_row(event)


def test_a_draft_leaves_the_rows_and_unpublish_keeps_the_columns(site_a):
    event = EventPageFactory(
        parent=agenda_of(site_a.home), dates=[event_date(dt.date(2030, 2, 1))], theme=PAINTING
    )
    event.theme = LITERATURE
    event.save_revision()
    assert copied(event) == {("", PAINTING, None, None, False, None, "", None, None)}
    event.unpublish()
    assert not Occurrence.objects.filter(page=event, live=True).exists()
    assert copied(event) == {("", PAINTING, None, None, False, None, "", None, None)}


def test_the_rolling_horizon_writes_and_repairs_the_columns(site_a):
    event = EventPageFactory(
        parent=agenda_of(site_a.home),
        dates=[event_date(dt.date.today(), repeat="wekelijks", weekdays="0,1,2,3,4,5,6")],
        theme=PAINTING,
        age_min=3,
    )
    before = Occurrence.objects.filter(page=event).count()
    Occurrence.objects.filter(page=event).update(theme="stale", age_min=None)
    assert occurrences_refresh(today=dt.date.today() + dt.timedelta(days=30)) >= 1
    assert Occurrence.objects.filter(page=event).count() >= before
    assert (
        copied(event) == expected(event) == {("", PAINTING, 3, None, False, None, "", None, None)}
    )
    assert_one_last_row(event)


def _document(*, theme: str, age: str, price: float) -> dict:
    start = dt.datetime(2030, 2, 1, 19, tzinfo=dt.UTC)
    return {
        "@id": "https://io.uitdatabank.be/events/copy-000001",
        "mainLanguage": "nl",
        "name": {"nl": "Voorleesuur"},
        "calendarType": "single",
        "startDate": start.isoformat(),
        "endDate": (start + dt.timedelta(hours=1)).isoformat(),
        "location": {
            "name": {"nl": "Bibliotheek"},
            "address": {"nl": {"postalCode": "9000", "addressLocality": "Gent"}},
        },
        "terms": [
            {"id": WORKSHOP, "domain": "eventtype"},
            {"id": theme, "domain": "theme"},
        ],
        "typicalAgeRange": age,
        "priceInfo": [{"category": "base", "name": {"nl": "Basistarief"}, "price": price}],
        "workflowStatus": "APPROVED",
    }


def _import(site, tmp_path, document: dict, name: str):
    path = tmp_path / name
    path.write_text(json.dumps({"totalItems": 1, "member": [document]}))
    return uitdatabank_import(site=site, items=items_from_files([path]), source=name, today=TODAY)


def test_the_import_writes_the_columns_in_bulk_and_follows_a_changed_document(
    site_a, tmp_path, monkeypatch
):
    from events import services

    bulk = []
    real = services._occurrences_create
    monkeypatch.setattr(
        services, "_occurrences_create", lambda **kwargs: bulk.append(1) or real(**kwargs)
    )
    run = _import(site_a.site, tmp_path, _document(theme=PAINTING, age="6-12", price=0), "a.json")
    assert run.created == 1 and bulk == [1]  # the bulk path (COPY on PostgreSQL)
    event = EventPage.objects.get(uitdatabank_id__endswith="copy-000001")
    assert (
        copied(event)
        == {(WORKSHOP, PAINTING, 6, 12, True, None, "", None, None)}
        == expected(event)
    )
    assert_one_last_row(event)

    run = _import(site_a.site, tmp_path, _document(theme=LITERATURE, age="18-", price=8), "b.json")
    assert run.updated == 1  # the per-page path (occurrences_sync)
    assert copied(event) == {(WORKSHOP, LITERATURE, 18, None, False, None, "", None, None)}
    assert_one_last_row(event)


def test_deleting_the_location_clears_it_on_the_rows(site_a, location):
    event = EventPageFactory(
        parent=agenda_of(site_a.home),
        dates=[event_date(dt.date(2030, 2, 1))],
        location_page=location,
    )
    assert copied(event) == {("", "", None, None, False, location.pk, "", None, None)}
    location.delete()
    assert copied(event) == {("", "", None, None, False, None, "", None, None)}


def test_the_migration_fills_the_columns_of_existing_rows(site_a):
    event = EventPageFactory(
        parent=agenda_of(site_a.home),
        dates=[event_date(dt.date(2030, 2, day)) for day in (1, 2)],
        event_type=LECTURE,
        theme=LITERATURE,
        age_max=12,
        is_free=True,
        regional=True,
        region="antwerpen",
    )
    Occurrence.objects.filter(page=event).update(
        event_type="",
        theme="",
        age_min=None,
        age_max=None,
        is_free=False,
        region="",
        is_last=False,
    )
    migration = importlib.import_module("events.migrations.0007_occurrence_event_columns")
    # The function reads only the editor's connection (SQLite allows no schema editor inside
    # the test's transaction).
    migration.copy_event_columns(apps, SimpleNamespace(connection=connection))
    assert copied(event) == {(LECTURE, LITERATURE, None, 12, True, None, "antwerpen", None, None)}
    assert_one_last_row(event)


def test_the_migration_fills_the_position_of_existing_rows(site_a, location):
    own = EventPageFactory(
        parent=agenda_of(site_a.home),
        dates=[event_date(dt.date(2030, 2, day)) for day in (1, 2)],
        latitude=Decimal("51.2194"),
        longitude=Decimal("4.4025"),
    )
    at_location = EventPageFactory(
        parent=agenda_of(site_a.home),
        dates=[event_date(dt.date(2030, 2, 1))],
        location_page=location,
    )
    Occurrence.objects.update(latitude=None, longitude=None)
    migration = importlib.import_module("events.migrations.0009_occurrence_position")
    migration.copy_position(apps, SimpleNamespace(connection=connection))
    assert copied(own) == expected(own)
    assert {row[-2:] for row in copied(own)} == {(Decimal("51.2194"), Decimal("4.4025"))}
    assert copied(at_location) == {("", "", None, None, False, location.pk, "", None, None)}


AGENDA_FILTERS = [
    {"type": WORKSHOP},
    {"thema": PAINTING},
    {"leeftijdsgroep": "kinderen"},
    {"leeftijd": "8"},
    {"gratis": "1"},
    {"wanneer": "week"},
    {"van": "2030-01-10", "tot": "2030-01-20"},
    {"thema": PAINTING, "leeftijdsgroep": "kinderen", "gratis": "1"},
]


@pytest.mark.parametrize("params", AGENDA_FILTERS, ids=lambda p: "&".join(p))
def test_the_filtered_agenda_reads_occurrence_rows_alone(site_a, frozen_now, params):
    agenda = agenda_of(site_a.home)
    for day in (10, 11, 12):
        EventPageFactory(
            parent=agenda,
            dates=[event_date(dt.date(2030, 1, day))],
            event_type=WORKSHOP,
            theme=PAINTING,
            age_min=6,
            age_max=10,
            is_free=True,
        )
    client = site_a.client_for()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(agenda.relative_url(site_a.site), params)
    assert response.status_code == 200
    reads = [q["sql"] for q in captured if "events_occurrence" in q["sql"]]
    # the count and the ordered read: occurrence rows only (the cards then read the events)
    counts = [sql for sql in reads if "COUNT(" in sql.upper() and "OVER" not in sql.upper()]
    assert len(counts) == 1
    assert "events_eventpage" not in counts[0]
    bounded = "wanneer" in params or "tot" in params
    assert ("COUNT(DISTINCT" in counts[0].upper()) == bounded
    assert ('"is_last"' in counts[0]) == (not bounded)
    ordered = [sql for sql in reads if "UNION" in sql.upper() or "LIMIT" in sql.upper()]
    assert ordered and all("events_eventpage" not in sql for sql in ordered[:1])


COUNT_FILTERS = [
    {},
    {"thema": PAINTING},
    {"leeftijdsgroep": "kinderen"},
    {"gratis": "1"},
    {"van": dt.date(2030, 1, 20)},
    {"wanneer": "week"},
    {"wanneer": "maand", "thema": PAINTING},
    {"van": dt.date(2030, 1, 10), "tot": dt.date(2030, 1, 12)},
    {"q": "reeks"},
]


def test_the_number_of_events_counts_each_matching_event_once(site_a, frozen_now):
    """Counted from the last rows without an end to the period, as distinct events with
    one: the same number as grouping every matching row."""
    from django.db.models import Count, Sum

    from events.selectors import agenda_occurrences, agenda_page

    agenda = agenda_of(site_a.home)
    # a weekly series that began before now and runs on, a series that ends before the
    # 20th, single dates, a period of days, and one long past
    EventPageFactory(
        parent=agenda,
        title="Wekelijkse reeks",
        dates=[event_date(dt.date(2030, 1, 2) + dt.timedelta(weeks=n)) for n in range(8)],
        theme=PAINTING,
        age_min=6,
    )
    EventPageFactory(
        parent=agenda,
        title="Korte reeks",
        dates=[event_date(dt.date(2030, 1, day)) for day in (10, 11, 15)],
        theme=PAINTING,
        is_free=True,
    )
    EventPageFactory(
        parent=agenda,
        title="Tentoonstelling",
        dates=[event_date(dt.date(2030, 1, 5), None, None, end_date=dt.date(2030, 2, 28))],
    )
    for day in (9, 11, 25):
        EventPageFactory(parent=agenda, dates=[event_date(dt.date(2030, 1, day))], age_max=10)
    EventPageFactory(parent=agenda, dates=[event_date(dt.date(2029, 12, 1))])
    for filters in COUNT_FILTERS:
        matching = agenda_occurrences(index=agenda, filters=filters)
        distinct = matching.aggregate(n=Count("page_id", distinct=True))["n"]
        result = agenda_page(index=agenda, filters=filters)
        assert result.page_obj.paginator.count == distinct == len(result.items), filters
        # each card's number of sessions in the period: its matching rows' sessions
        sessions = matching.values("page_id").annotate(n=Sum("sessions")).order_by()
        expected = dict(sessions.values_list("page_id", "n"))
        assert {item.event.pk: item.count for item in result.items} == expected, filters
    assert agenda_page(index=agenda, filters={}).page_obj.paginator.count == 6
