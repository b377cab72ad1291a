"""The network agenda page's costly fragments, rendered once and kept in the cache under a key
of everything they show: the event cards (each keyed on its event's publication, occurrence,
number of dates, the network map and the requesting site's generation) and the filter form's
fields (about 1,100 options with their counts: keyed on the counts themselves, so they
change together). A publish, a sync of the agenda rows or a change of the network map gives
new keys; nothing is purged by name."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Site

from events.cards import cards_fill
from events.selectors import AgendaItem, card_parts
from home.generations import site_generation
from network.forms import NETWORK_FILTER_FIELDS, NetworkAgendaFilterForm
from network.selectors import COUNTS_SECONDS

FILTER_FIELDS_TEMPLATE = "network/components/filter_fields.html"
# Longer submitted values (a crafted query string) are rendered but not kept.
FILTER_VALUE_CACHED_LENGTH = 20


def _digest(parts: tuple) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _card_key(*, item: AgendaItem, context_parts: tuple) -> str:
    """What the card shows: the event as last published (an editor's publish and an import's
    update both move `last_published_at`), its URL path and image file, its location page,
    the occurrence and the number of dates; the event's site (its name and root URL: the
    network map's generation) and the requesting site and language (`context_parts`)."""
    parts = (
        *card_parts(item),
        getattr(item, "site", None) and item.site.site_id,
        *context_parts,
    )
    return "network-card:" + _digest(parts)


def cards_render(*, items: list[AgendaItem], request: HttpRequest, map_generation: str) -> None:
    """Set each card's HTML (`item.html`), from the cache when the card is unchanged: one cache
    read for all; the missing ones are rendered by the events app (`events.cards.cards_fill`)
    under the network's keys."""
    if not items:
        return
    site = Site.find_for_request(request)
    context_parts = (
        map_generation,
        site.pk if site else 0,
        site_generation(site.pk) if site else 0,
        get_language() or "",
    )
    keyed = {_card_key(item=item, context_parts=context_parts): item for item in items}
    cards_fill(keyed, request=request)


def filter_fields_html(
    *, form: NetworkAgendaFilterForm, counts_key: str, add_counts: Callable[[], None]
) -> SafeString:
    """The form's fields with the counts in their options, from the cache for the same counts
    (`counts_key`: the filters, scope and network map they were asked under, and every
    number), language and submitted values. `add_counts` puts the counts into the form's
    choices, only when the fields are rendered. Free text (`q`) and invalid or long values
    are never kept."""
    values = tuple(
        (name, form.data.get(name, "")) for name in NETWORK_FILTER_FIELDS if form.data.get(name)
    )
    cacheable = bool(counts_key) and (
        not form.is_bound
        or (
            not form.errors
            and "q" not in dict(values)
            and all(len(value) <= FILTER_VALUE_CACHED_LENGTH for _name, value in values)
        )
    )
    key = "network-filters:" + _digest((counts_key, get_language(), values))
    html = cache.get(key) if cacheable else None
    if html is None:
        add_counts()
        html = get_template(FILTER_FIELDS_TEMPLATE).render({"filter_form": form})
        if cacheable:
            cache.set(key, html, timeout=COUNTS_SECONDS)
    return mark_safe(html)  # rendered by our own template, escaped there
