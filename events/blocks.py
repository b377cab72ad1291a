"""The "Binnenkort" block: the next events of the site's agenda, optionally filtered.

Registered in home's ContentStreamBlock by EventsConfig.ready(); no model imports at module
level, so that the module can be imported before the app registry is ready.
"""

import contextlib
import hashlib
import math
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from events import taxonomy


def _choices(terms: dict[str, str]):
    return [("", _("Alle")), *taxonomy.choices(terms)]


class UpcomingEventsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=120, default="Binnenkort")
    count = blocks.IntegerBlock(label=_("Aantal"), min_value=1, max_value=12, default=3)
    event_type = blocks.ChoiceBlock(
        label=_("Soort"), choices=_choices(taxonomy.EVENT_TYPES), required=False
    )
    theme = blocks.ChoiceBlock(label=_("Thema"), choices=_choices(taxonomy.THEMES), required=False)
    age_group = blocks.ChoiceBlock(
        label=_("Voor wie"),
        choices=[("", _("Iedereen"))]
        + [(group.slug, group.label) for group in taxonomy.AGE_GROUPS.values()],
        required=False,
    )

    class Meta:
        icon = "date"
        label = _("Binnenkort in de agenda")
        template = "events/blocks/upcoming_events.html"
        preview_value = {"title": "Binnenkort", "count": 3}
        description = _("De eerstvolgende activiteiten uit de agenda van deze website")

    def get_context(self, value, parent_context=None):
        from wagtail.models import Site

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        site = Site.find_for_request(request) if request is not None else None
        filters = {
            key: value.get(name)
            for key, name in (
                ("type", "event_type"),
                ("thema", "theme"),
                ("leeftijdsgroep", "age_group"),
            )
            if value.get(name)
        }
        limit = value.get("count") or 3
        agenda_url, items = (
            upcoming_selection(site=site, filters=filters, limit=limit, request=request)
            if site is not None
            else ("", [])
        )
        context["agenda_url"] = agenda_url
        context["items"] = items
        return context


def _upcoming_select(*, site, filters: dict, limit: int, request=None, cached_cards=None) -> tuple:
    """(the URL of the site's agenda, its next events): three queries. `cached_cards` (see
    `events.selectors.agenda_page`): events whose card it has come back as that HTML alone,
    without their pages being built."""
    from events.selectors import upcoming_events
    from events.services import agenda_for_site

    agenda = agenda_for_site(site=site)
    items = (
        upcoming_events(index=agenda, filters=filters, limit=limit, cached_cards=cached_cards)
        if agenda
        else []
    )
    return (agenda.get_url(request=request) or "") if agenda else "", items


def _cached_cards(*, entry: dict, site, request) -> list | None:
    """The items of a stored entry as cards from the card cache (events.cards): the entry
    keeps each card's `card_parts`, number of dates and page id, never pages. None when a
    card is not (or no longer) in the card cache, or the cache fails: the caller then reads
    the events."""
    from events.cards import CardCache
    from events.selectors import AgendaItem

    cards = entry.get("cards")
    if cards is None or "agenda_url" not in entry:
        return None  # an entry of the earlier layout (pickled pages): read again
    try:
        found = CardCache(request, site=site).found([parts for parts, _count, _id in cards])
    except Exception:  # a cache outage must never cost the page
        return None
    if any(html is None for html in found):
        return None
    return [
        AgendaItem(event=None, occurrence=None, count=count, html=html, event_id=event_id)
        for (_parts, count, event_id), html in zip(cards, found, strict=True)
    ]


def _upcoming_keys(*, site) -> tuple[str, str]:
    """(the site's generation key, the record key of its home page): whatever retires the
    home page's cached answer retires these."""
    from home.generations import site_generation_key
    from pagecache import keys

    return site_generation_key(site.pk), keys.path_key(urlsplit(site.root_url).netloc.lower(), "/")


def upcoming_selection(*, site, filters: dict, limit: int, request=None) -> tuple:
    """The URL of the block's agenda and its events, from the cache while nothing they show
    changed.

    The entry lives under the site's generation and the token of its home page's record in
    the page cache (`pagecache.keys.path_key`): a purge of the home page (an event published,
    unpublished, moved or imported on this site's agendas, or a regional one shown here)
    deletes that record, a site-wide purge bumps the generation. The token is read (or made)
    before the events are, so data read before a purge is never stored under a token made
    after it. The entry is used only until the first moment its events change on their own
    (a shown occurrence starts or ends: `expires_at` of the selector), and the page being
    rendered gets that moment as its lifetime as before.

    The entry holds values, never pages: the agenda's URL and each event's card as its
    `card_parts` (the card cache's key) and number of dates; a hit renders the cards from the
    card cache, and a card missing there sends the block back to the database."""
    from events import selectors
    from events.cards import CardCache
    from home.lifetime import expires_at, lifetime_capture
    from pagecache import keys

    if not getattr(settings, "UPCOMING_BLOCK_CACHE", True):
        return _upcoming_select(site=site, filters=filters, limit=limit, request=request)
    generation_key, record_key = _upcoming_keys(site=site)
    try:
        found = cache.get_many([generation_key, record_key])
        record = found.get(record_key)
        if record is None:
            record = {"token": secrets.token_hex(6), "params": ()}
            if not cache.add(record_key, record, keys.default_seconds() + 3600):
                record = cache.get(record_key) or record
        generation = found.get(generation_key) or 1
        entry_key = (
            "upcoming-block:"
            + hashlib.sha256(
                repr(
                    (site.pk, generation, record["token"], sorted(filters.items()), limit)
                ).encode()
            ).hexdigest()[:32]
        )
        entry = cache.get(entry_key)
    except Exception:  # a cache outage must never cost the page
        return _upcoming_select(site=site, filters=filters, limit=limit, request=request)
    now = selectors._now()
    if entry is not None and (entry["until"] is None or entry["until"] > now):
        items = _cached_cards(entry=entry, site=site, request=request)
        if items is not None:
            expires_at(request, entry["until"])
            return entry["agenda_url"], items
    # The events' cards are looked up in the card cache before their pages are built: after a
    # purge of the home page (any publish on the site) most cards are unchanged, and reading
    # their values is one fixed SQL statement where building the pages is an ORM query over
    # five tables. The parts each card was looked up with are kept for the entry.
    card_cache = CardCache(request, site=site)
    looked_up: dict[int, tuple] = {}

    def cached_cards(parts_list: list[tuple]) -> list:
        looked_up.update((parts[0], parts) for parts in parts_list)
        return card_cache.found(parts_list)

    with lifetime_capture(request) as lifetime:
        agenda_url, items = _upcoming_select(
            site=site, filters=filters, limit=limit, request=request, cached_cards=cached_cards
        )
    seconds = keys.default_seconds()
    if lifetime.until is not None:
        seconds = min(seconds, math.floor((lifetime.until - now).total_seconds()))
    if seconds >= 1:
        with contextlib.suppress(Exception):  # an entry not stored is rendered next time
            cache.set(
                entry_key,
                {
                    "agenda_url": agenda_url,
                    "cards": [
                        (
                            selectors.card_parts(item)
                            if item.event is not None
                            else looked_up[item.event_id],
                            item.count,
                            item.event_id,
                        )
                        for item in items
                    ],
                    "until": lifetime.until,
                },
                seconds,
            )
    return agenda_url, items
