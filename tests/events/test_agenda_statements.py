"""The agenda's count and ordered read run as fixed PostgreSQL statements on the filter's
compiled condition (events.selectors._events_count_sql, _ordered_rows_sql): they read what
the ORM's queries read, for every kind of filter, the free text included."""

import datetime as dt

import pytest
from django.db import connections

from events import selectors
from events.models import Occurrence
from tests.events.conftest import NOW

FILTERS = [
    {},
    {"wanneer": "week"},
    {"wanneer": "vandaag"},
    {"van": dt.date(2030, 1, 10), "tot": dt.date(2030, 2, 10)},
    {"gratis": True},
    {"leeftijd": 8},
    {"leeftijdsgroep": "gezinnen"},
    {"q": "Gelijk"},
    {"q": "100%_"},
    {"thema": "1.10.0.0.0", "gratis": True},
]


@pytest.fixture
def statement_agenda(mixed_agenda):
    """The agenda of tests/events/conftest.py: running events, a series, a run of days,
    events at the same moment, free ones and age ranges."""
    if connections[Occurrence.objects.db].vendor != "postgresql":
        pytest.skip("the statements are PostgreSQL's; elsewhere the ORM runs the queries")
    return mixed_agenda


def _matching(agenda, filters):
    return selectors.agenda_occurrences(index=agenda, filters=filters, now=NOW).order_by()


@pytest.mark.parametrize("filters", FILTERS)
def test_the_count_statement_counts_what_the_orm_counts(statement_agenda, filters):
    matching = _matching(statement_agenda, filters)
    for bounded in (False, True):
        orm = selectors.events_count_orm(matching, bounded=bounded)
        assert selectors.events_count(matching, bounded=bounded) == orm
    if filters in ({}, {"q": "Gelijk"}):
        assert orm > 0  # the filters that must match something do


@pytest.mark.parametrize("filters", FILTERS)
def test_the_ordered_statement_reads_what_the_orm_reads(statement_agenda, filters):
    matching = _matching(statement_agenda, filters)
    start, _end = selectors.when_window(filters=filters, now=NOW)
    for begun_limit, later_limit in ((1, 2), (3, 4), (40, 40)):
        limits = {"window_start": start, "begun_limit": begun_limit, "later_limit": later_limit}
        raw = selectors._ordered_rows(matching, **limits)
        orm = selectors._ordered_rows_orm(matching, **limits)
        # a UNION ALL keeps no order across its parts: compare each part in its own order
        for part, key in ((0, lambda row: (row[1], row[2])), (1, lambda row: (row[2], row[1]))):
            assert sorted((r for r in raw if r[0] == part), key=key) == sorted(
                (r for r in orm if r[0] == part), key=key
            )
        assert len(raw) == len(orm)
    if not filters:
        assert any(row[0] == 0 for row in raw) and any(row[0] == 1 for row in raw)


@pytest.mark.parametrize(
    "filters",
    [
        {"q": "Gelijk"},
        {"q": "later"},
        {"q": "later", "gratis": True},
        {"q": "dag"},
        {"q": "e", "van": dt.date(2030, 1, 10), "tot": dt.date(2030, 2, 10)},
        {"q": "niets hiervan"},
    ],
)
def test_free_text_is_matched_in_one_query_with_the_same_page(statement_agenda, filters):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    matching = _matching(statement_agenda, filters)
    start, end = selectors.when_window(filters=filters, now=NOW)
    for per_page, page_number in ((20, 1), (2, 2)):
        with CaptureQueriesContext(connection) as captured:
            found = selectors.agenda_page(
                index=statement_agenda,
                filters=filters,
                per_page=per_page,
                page_number=page_number,
                now=NOW,
            )
        # the grouped read of every matching row, the free text in it (the reference)
        expected = selectors._agenda_page_grouped(
            matching, window_start=start, page_number=page_number, per_page=per_page, now=NOW
        )
        shown = [(item.event.pk, item.occurrence.start, item.count) for item in found.items]
        assert shown == [
            (item.event.pk, item.occurrence.start, item.count) for item in expected.items
        ]
        assert found.page_obj.paginator.count == selectors.events_count_orm(
            matching, bounded=end is not None
        )
        assert found.page_obj.number == expected.page_obj.number
        texts = [query["sql"] for query in captured if "LIKE" in query["sql"]]
        assert len(texts) == 1, texts
    if filters["q"] != "niets hiervan":
        assert found.items


def test_the_locations_statement_reads_what_the_orm_reads(statement_agenda, site_a, site_b):
    from library_pages.models import LocationIndexPage
    from tests.factories.pages import LocationPageFactory

    for site, titles in ((site_a, ("Zuid", "Centrum")), (site_b, ("Elders",))):
        parent = LocationIndexPage.objects.child_of(site.home).get()
        for title in titles:
            LocationPageFactory(parent=parent, title=title)
    gone = LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(site_a.home).get(), title="Gesloten"
    )
    gone.unpublish()
    found = selectors.agenda_locations(index=statement_agenda)
    assert found == selectors.agenda_locations_orm(index=statement_agenda)
    # the site's own live locations, by title ("Filiaal Noord": the agenda's fixture)
    assert [title for _pk, title in found] == ["Centrum", "Filiaal Noord", "Zuid"]
