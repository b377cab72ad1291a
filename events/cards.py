"""The event cards' HTML cache, shared by the agenda, the "Binnenkort" block and the event
page's related events: one entry per card, keyed on the values of everything it shows
(`events.selectors.card_parts`), the site under its cache generation and the language."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template import Context
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Site

from events.selectors import AgendaItem, card_parts
from home.generations import site_generation
from home.shell import site_shell_for_request

CARD_TEMPLATE = "events/components/event_card.html"
# A card's HTML is kept this long at most; its key changes with everything it shows.
CARD_SECONDS = 6 * 3600


class CardCache:
    """The card cache of one request: everything a card shows comes from the values of
    `card_parts` (the event as last published: an editor's publish and an import's update
    both move `last_published_at`; its image file, its location page, the occurrence and the
    number of dates), the site (relative or absolute link, the default image of its shell,
    under its generation) and the language. `site` when the caller knows it (else the
    request's)."""

    def __init__(self, request, *, site: Site | None = None) -> None:
        self.request = request
        self.site = site
        self._context: tuple | None = None

    def key(self, parts: tuple) -> str:
        if self._context is None:
            site = self.site or Site.find_for_request(self.request)
            site_id = site.pk if site else 0
            generation = site_generation(site_id) if site else 0
            self._context = (site_id, generation, get_language() or "")
        digest = hashlib.sha256(repr((*parts, *self._context)).encode()).hexdigest()
        return "event-card:" + digest[:32]

    def found(self, parts_list: list[tuple]) -> list[str | None]:
        """Each card's HTML when cached (for `agenda_page(cached_cards=...)`): one read."""
        keys = [self.key(parts) for parts in parts_list]
        found = cache.get_many(keys) if keys else {}
        return [mark_safe(found[key]) if key in found else None for key in keys]


def cards_render(*, items: list[AgendaItem], request, cards: CardCache | None = None) -> None:
    """The HTML of each card (`item.html`), from the cache when the card is unchanged: in a
    large agenda the cards are most of the page's rendering time. One cache read for all;
    items that already have their HTML (found by `agenda_page`) are left as they are."""
    items = [item for item in items if not item.html]
    if not items:
        return
    cards = cards or CardCache(request)
    cards_fill({cards.key(card_parts(item)): item for item in items}, request=request)


def cards_fill(keyed: dict[str, AgendaItem], *, request) -> None:
    """Set `item.html` of each card of `keyed` (cache key -> item) from the cache, rendering
    the cards it lacks with the card template and storing them: one cache read and at most one
    write for all. The agenda's key (`CardCache`) and the network agenda's
    (network.fragments) differ in what they add to `card_parts`; the rendering is this one."""
    if not keyed:
        return
    found = cache.get_many(list(keyed))
    missing = {}
    template = shell = None
    for key, item in keyed.items():
        html = found.get(key)
        if html is None:
            if template is None:
                template = get_template(CARD_TEMPLATE).template
                shell = site_shell_for_request(request=request)
            context = Context({"item": item, "request": request, "shell": shell})
            html = missing[key] = template.render(context)
        item.html = mark_safe(html)  # rendered by our own template, escaped there
    if missing:
        cache.set_many(missing, timeout=CARD_SECONDS)
