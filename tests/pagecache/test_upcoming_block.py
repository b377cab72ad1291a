"""The "Binnenkort" block's events come from the cache on an uncached render while nothing
they show changed: a publish, an unpublish or an import retires them with the home page's
purge, and time passing a shown occurrence's end retires them on its own."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.signals import pages_changed
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def block_cache_on(settings, page_cache_on):
    """Every render goes through the view (the page cache off), the block's cache on; the
    purges run on commit whatever the page cache's setting."""
    settings.PAGECACHE_ENABLED = False
    settings.UPCOMING_BLOCK_CACHE = True


@pytest.fixture
def clock(monkeypatch):
    day = timezone.localdate() + dt.timedelta(days=3)
    moment = {"now": timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def home(site_a, commit):
    home = site_a.home
    home.body = [{"type": "upcoming_events", "value": {"title": "Binnenkort", "count": 2}}]
    commit(home.save_revision().publish)
    return home


def titles(client) -> list[str]:
    block = soup_of(client.get("/")).select_one(".block-upcoming-events")
    return [a.get_text(strip=True) for a in block.select(".card__title a")] if block else []


def render(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    return response.content.decode(), len(queries)


def test_second_render_reads_no_agenda_and_gives_the_same_html(
    site_a, home, clock, commit, settings
):
    day = clock["now"].date()
    commit(
        EventPageFactory,
        parent=agenda_of(home),
        title="Voorleesuur met Lotte",
        dates=[event_date(day, "14:00", "15:00")],
    )
    client = site_a.client_for()
    render(client)  # the site's shell and the block's entry
    cached, cached_queries = render(client)
    settings.UPCOMING_BLOCK_CACHE = False
    fresh, fresh_queries = render(client)
    assert cached == fresh
    # The block's own reads: its running and later occurrences (one statement on PostgreSQL,
    # two on SQLite: events.selectors._ordered_rows), their dates and their pages.
    block_queries = 3 if connection.vendor == "postgresql" else 4
    assert cached_queries == fresh_queries - block_queries
    assert titles(client) == ["Voorleesuur met Lotte"]


def test_publish_and_unpublish_of_an_event_show_on_the_next_render(site_a, home, clock, commit):
    client = site_a.client_for()
    assert titles(client) == []
    assert titles(client) == []  # cached: no events
    event = commit(
        EventPageFactory,
        parent=agenda_of(home),
        title="Voorleesuur met Lotte",
        dates=[event_date(clock["now"].date(), "14:00", "15:00")],
    )
    assert titles(client) == ["Voorleesuur met Lotte"]
    assert titles(client) == ["Voorleesuur met Lotte"]
    commit(event.unpublish)
    assert titles(client) == []


def test_an_import_signal_retires_the_block(site_a, home, clock, commit):
    client = site_a.client_for()
    assert titles(client) == []
    # An import writes its pages without Wagtail's publish signals, then names them.
    event = EventPageFactory(
        parent=agenda_of(home),
        title="Taalcafé",
        dates=[event_date(clock["now"].date(), "14:00", "15:00")],
    )
    assert titles(client) == []  # no purge yet: the cached selection stands
    commit(pages_changed.send, sender=None, site_ids=[site_a.site.pk], page_ids=[event.pk])
    assert titles(client) == ["Taalcafé"]


def test_an_occurrence_leaves_the_block_when_it_ends(site_a, home, clock, commit):
    day = clock["now"].date()
    commit(
        EventPageFactory,
        parent=agenda_of(home),
        title="Voorleesuur met Lotte",
        dates=[event_date(day, "10:00", "11:00")],
    )
    commit(
        EventPageFactory,
        parent=agenda_of(home),
        title="Taalcafé",
        dates=[event_date(day, "14:00", "15:00")],
    )
    commit(
        EventPageFactory,
        parent=agenda_of(home),
        title="Breicafé",
        dates=[event_date(day, "16:00", "17:00")],
    )
    client = site_a.client_for()
    assert titles(client) == ["Voorleesuur met Lotte", "Taalcafé"]
    assert titles(client) == ["Voorleesuur met Lotte", "Taalcafé"]
    clock["now"] = clock["now"].replace(hour=10, minute=30)  # started, still running
    assert titles(client) == ["Voorleesuur met Lotte", "Taalcafé"]
    clock["now"] = clock["now"].replace(hour=11, minute=0, second=1)  # ended: no purge
    assert titles(client) == ["Taalcafé", "Breicafé"]


def test_after_a_purge_unchanged_cards_come_from_the_card_cache(
    site_a, home, clock, commit, settings, monkeypatch
):
    """A publish purges the home page and the block reads its events again: the events whose
    card did not change are not built as pages (their cards are in the card cache), the one
    that changed is, and shows its new title."""
    from events import selectors

    day = clock["now"].date()
    agenda = agenda_of(home)
    commit(EventPageFactory, parent=agenda, title="Voorleesuur", dates=[event_date(day, "14:00")])
    changed = commit(
        EventPageFactory, parent=agenda, title="Taalcafé", dates=[event_date(day, "16:00")]
    )
    built: list[int] = []
    real_built = selectors._agenda_cards_built

    def spy(values, *, wanted, now):
        built.extend(page_id for page_id, _start in wanted)
        return real_built(values, wanted=wanted, now=now)

    monkeypatch.setattr(selectors, "_agenda_cards_built", spy)
    client = site_a.client_for()
    assert titles(client) == ["Voorleesuur", "Taalcafé"]
    assert len(built) == 2  # a cold site: both built

    built.clear()
    changed.title = "Taalcafé voor beginners"
    commit(changed.save_revision().publish)
    assert titles(client) == ["Voorleesuur", "Taalcafé voor beginners"]
    assert built == [changed.pk]  # the unchanged card came from the card cache

    built.clear()
    cached, _queries = render(client)
    assert built == []  # the block's entry: nothing read
    settings.UPCOMING_BLOCK_CACHE = False
    fresh, _queries = render(client)
    assert cached == fresh
