"""The agenda's free-text filter matches an event's title, short description, place and
organiser, whatever the case; on PostgreSQL each of those is answered from a trigram index
(events/migrations/0008), not by reading every event of the network."""

import datetime as dt

import pytest
from django.db import connection

from events import selectors
from tests.events.conftest import NOW, TODAY
from tests.factories.events import EventPageFactory, agenda_of, event_date

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "events_page_title_trgm",
    "events_eventpage_intro_trgm",
    "events_eventpage_place_trgm",
    "events_eventpage_organizer_trgm",
}


@pytest.fixture
def described(site_a, frozen_now):
    agenda = agenda_of(site_a.home)
    day = TODAY + dt.timedelta(days=2)
    for title, extra in (
        ("Voorlezen met Fien", {}),
        ("Boekenclub", {"intro": "We lezen samen een Zweedse thriller."}),
        ("Lezing", {"place_name": "Zaal Harmonie"}),
        ("Workshop", {"organizer_name": "Vormingplus Gent-Eeklo"}),
    ):
        EventPageFactory(parent=agenda, title=title, dates=[event_date(day)], **extra)
    return agenda


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("fien", "Voorlezen met Fien"),
        ("ZWEEDSE", "Boekenclub"),
        ("harmonie", "Lezing"),
        ("gent-eeklo", "Workshop"),
    ],
)
def test_free_text_matches_each_field_whatever_the_case(described, text, title):
    rows = selectors.agenda_occurrences(index=described, filters={"q": text}, now=NOW)
    assert {row.page.title for row in rows.select_related("page")} == {title}


def test_free_text_is_served_by_the_trigram_indexes(described):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's; SQLite reads the rows")
    rows = selectors.agenda_occurrences(index=described, filters={"q": "harmonie"}, now=NOW)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test database is too small for the planner to prefer an index: forbid the scans
        # it would choose instead, so that the plan shows which indexes can serve the filter.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    used = {name for name in TRIGRAM_INDEXES if name in plan}
    assert used == TRIGRAM_INDEXES, plan
