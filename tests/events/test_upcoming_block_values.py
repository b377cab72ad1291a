"""The "Binnenkort" block's cache entry holds values (the agenda's URL, each card's cache-key
values and number of dates), never pickled pages; a hit renders the cards from the card
cache, and a card gone from there is rendered in full again."""

import datetime as dt
import pickle

import pytest
from django.core.cache import cache

from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of


@pytest.fixture
def block_home(site_a, frozen_now, settings):
    settings.UPCOMING_BLOCK_CACHE = True
    home = site_a.home
    home.body = [{"type": "upcoming_events", "value": {"title": "Binnenkort", "count": 2}}]
    home.save_revision().publish()
    agenda = agenda_of(home)
    for title, day in (("Voorleesuur", 10), ("Taalcafé", 11), ("Breicafé", 12)):
        EventPageFactory(parent=agenda, title=title, dates=[event_date(dt.date(2030, 1, day))])
    return home


def _block(client):
    response = client.get("/")
    assert response.status_code == 200
    return soup_of(response).select_one(".block-upcoming-events")


@pytest.fixture
def stored(monkeypatch):
    """The block's entries as they are written to the cache."""
    entries: dict[str, object] = {}
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("upcoming-block:"):
            entries[key] = value
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return entries


def test_the_entry_holds_values_and_a_hit_gives_the_same_block(site_a, block_home, stored):
    from events.cards import CardCache

    client = site_a.client_for()
    first = _block(client)
    titles = [a.get_text(strip=True) for a in first.select(".card__title a")]
    assert titles == ["Voorleesuur", "Taalcafé"]
    assert len(stored) == 1
    entry = next(iter(stored.values()))
    assert set(entry) == {"agenda_url", "cards", "until"}
    assert entry["agenda_url"] == agenda_of(block_home).relative_url(site_a.site)
    assert b"model_unpickle" not in pickle.dumps(entry)  # no model instance inside
    assert [count for _parts, count, _id in entry["cards"]] == [1, 1]

    second = _block(client)
    assert str(second) == str(first)
    assert first.select_one("a[href$='/agenda/']") is not None

    # a card gone from the card cache: the block reads its events and renders it in full
    request = client.get("/").wsgi_request
    parts, _count, _id = entry["cards"][1]
    cache.delete(CardCache(request).key(parts))
    third = _block(client)
    assert str(third) == str(first)
    assert cache.get(CardCache(request).key(parts)) is not None

    # an entry of the earlier layout (pickled pages, before a deploy) is read again
    key = next(iter(stored))
    cache.set(key, {"agenda": None, "items": [], "until": None}, 300)
    assert str(_block(client)) == str(first)
