"""Queries and in-process time of every public page type, uncached (the page cache off), as a
warm worker renders them: the second request of each page."""

import datetime as dt
import sys
import time

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.models import CatalogueSearchPage
from library_pages.models import LocationIndexPage
from tests.factories.catalogue import MarcRecordFactory, records_load
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.pages import (
    LocationPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    news_index_of,
)

pytestmark = pytest.mark.django_db

# Queries per page type, uncached, with the site shell warm in its per-site cache (home.shell),
# as ceilings at today's counts: the goal is 10 or fewer. Routing (home.routing) costs
# two (the pages on the path, the specific page with whether a view restriction applies).
# Lower a ceiling when a page gets cheaper; a page that gets dearer fails here.
CEILINGS = {
    "home": 5,
    "content": 2,
    "news index": 4,
    "news item": 2,
    "agenda": 6,  # the number of events, the ordered read, the cards (docs/events.md)
    "event": 7,
    "course index": 8,
    "course": 8,
    "location": 5,
    "catalogue search": 10,
    "record": 7,
}
# Page types that read the agenda in date order: on SQLite (the embedded default), which allows
# no LIMIT inside a UNION, that read takes two queries instead of one.
ORDERED_AGENDA_READ = {"home", "agenda"}


def _ceiling(name: str) -> int:
    extra = 0 if connection.features.supports_slicing_ordering_in_compound else 1
    return CEILINGS[name] + (extra if name in ORDERED_AGENDA_READ else 0)


@pytest.fixture
def page_paths(site_a, tmp_path, settings):
    settings.PAGECACHE_ENABLED = False
    home = site_a.home
    relative = lambda page: page.relative_url(site_a.site)  # noqa: E731
    agenda = agenda_of(home)
    day = timezone.localdate() + dt.timedelta(days=4)
    events = [
        EventPageFactory(parent=agenda, title=f"Activiteit {n}", dates=[event_date(day)])
        for n in range(12)
    ]
    news_index = news_index_of(home)
    news = [NewsPageFactory(parent=news_index, title=f"Nieuws {n}") for n in range(12)]
    locations = LocationIndexPage.objects.descendant_of(home).first()
    location = LocationPageFactory(
        parent=locations or home, title="Hoofdbib", hours=[(d, 9, 17) for d in range(7)]
    )
    course_index = CourseIndexPageFactory(parent=home)
    courses = [
        CoursePageFactory(parent=course_index, title=f"Cursus {n}", capacity=10) for n in range(6)
    ]
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id=f"90000{n}",
                title=f"Harry Potter deel {n}",
                author="Rowling, J.K.",
                holdings=(("gent", "De Krook", "ROWL", "beschikbaar", "2026-03-01"),),
            )
            for n in range(5)
        ],
    )
    catalogue = CatalogueSearchPage.objects.descendant_of(home).get()
    content = StandardPageFactory(parent=home, title="Praktische info")
    return {
        "home": "/",
        "content": relative(content),
        "news index": relative(news_index),
        "news item": relative(news[0]),
        "agenda": relative(agenda),
        "event": relative(events[0]),
        "course index": relative(course_index),
        "course": relative(courses[0]),
        "location": relative(location),
        "catalogue search": relative(catalogue) + "?q=harry",
        "record": relative(catalogue) + "titel/900001/",
    }


def measure(client, path) -> tuple[int, float, int]:
    client.get(path)  # a warm worker: site root paths, content types
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
    return len(queries), elapsed, response.status_code


def test_every_page_type_uncached_within_its_query_ceiling(site_a, page_paths, capsys):
    client = site_a.client_for()
    counts = {}
    for name, path in page_paths.items():
        queries, elapsed, status = measure(client, path)
        assert status == 200, name
        counts[name] = queries
        with capsys.disabled():
            sys.stdout.write(f"\n  {name:<17} {queries:>3} queries {elapsed * 1000:7.1f} ms")
    over = {name: count for name, count in counts.items() if count > _ceiling(name)}
    assert not over, over
    assert set(counts) == set(CEILINGS)
