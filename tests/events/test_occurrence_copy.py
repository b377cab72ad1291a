"""Occurrence rows written by COPY's text format keep every value exactly."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from events.models import OCCURRENCE_EVENT_FIELDS, EventPage, Occurrence
from events.services import _occurrence_rows_insert
from home.page_bulk import pages_bulk_create
from tests.conftest import postgres_only
from tests.factories.events import agenda_of


@postgres_only
def test_copy_rows_round_trip_special_characters_nulls_and_instants(site_a):
    agenda = agenda_of(site_a.home)
    with transaction.atomic():
        (page,) = pages_bulk_create(parent=agenda, pages=[EventPage(title="Kopie", intro="x")])
    start = dt.datetime(2030, 3, 30, 23, 0, tzinfo=dt.UTC)
    note = "tab\there, line\nend, back\\slash, \\N, ‘quote’ é"
    rows = [
        (
            page.pk,
            agenda.pk,
            start,
            start + dt.timedelta(hours=2),
            False,
            "geannuleerd",
            "beschikbaar",
            start - dt.timedelta(days=1),
            note,
            1,
            True,
            # the event's columns: type, theme, ages, free, location, region, position;
            # is_last
            "0.3.2.0.0",
            "tab\there",
            3,
            None,
            True,
            None,
            "",
            Decimal("51.054300"),
            Decimal("-3.725000"),
            False,
        ),
        (
            page.pk,
            agenda.pk,
            start + dt.timedelta(days=1),
            start + dt.timedelta(days=2),
            True,
            "gepland",
            "niet-beschikbaar",
            None,
            "",
            12,
            False,
            "",
            "",
            None,
            120,
            False,
            None,
            "antwerpen",
            None,
            None,
            True,
        ),
    ]
    _occurrence_rows_insert(rows)
    stored = list(
        Occurrence.objects.filter(page=page)
        .order_by("start")
        .values_list(
            "page_id",
            "agenda_id",
            "start",
            "end",
            "all_day",
            "status",
            "booking_availability",
            "original_start",
            "note",
            "sessions",
            "live",
            *OCCURRENCE_EVENT_FIELDS,
            "is_last",
        )
    )
    assert stored == rows
