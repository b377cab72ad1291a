"""The agenda's section of the site search (home.search): the site's coming events matching
the query, in date order, with a link to the agenda's own search.

Every word must occur in the title, intro, place or organizer ("voorlees" finds
"Voorleesuurtje"); on PostgreSQL a word also matches a title word within a typo
(pg_trgm word similarity) when the exact words find nothing."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Min, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page, Site

from events.models import EventIndexPage, Occurrence
from events.selectors import agenda_scope
from home.lifetime import expires_at
from home.search import (
    SECTION_ITEMS,
    SearchItem,
    SearchSection,
    corrected_query,
    outside_restrictions,
)

TEXT_FIELDS = ("page__title", "page__intro", "page__place_name", "page__organizer_name")
# pg_trgm word similarity of a query word and the closest word of a title.
TYPO_SIMILARITY = 0.5
MAX_WORDS = 8


def _words(query: str) -> list[str]:
    return re.findall(r"\w+", query)[:MAX_WORDS]


def _exact(occurrences: QuerySet, words: list[str]) -> QuerySet:
    for word in words:
        any_field = Q()
        for name in TEXT_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        occurrences = occurrences.filter(any_field)
    return occurrences


def _forgiving(occurrences: QuerySet, words: list[str]) -> QuerySet:
    from django.contrib.postgres.search import TrigramWordSimilarity

    for number, word in enumerate(words):
        alias = f"similarity_{number}"
        occurrences = occurrences.alias(**{alias: TrigramWordSimilarity(word, "page__title")})
        any_field = Q(**{f"{alias}__gte": TYPO_SIMILARITY})
        for name in TEXT_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        occurrences = occurrences.filter(any_field)
    return occurrences


# An event's fields the section shows, read with its first coming date in one statement.
SHOWN = {
    "title": "page__title",
    "url_path": "page__url_path",
    "intro": "page__intro",
    "place_name": "page__place_name",
    "location": "page__location_page__title",
}
# Events read for one query; more are counted as "meer dan 200".
EVENTS_LIMIT = 200


def _grouped(occurrences: QuerySet) -> QuerySet:
    return (
        occurrences.values("page_id", *SHOWN.values())
        .annotate(first=Min("start"))
        .order_by("first", "page_id")
    )


def _count_text(total: int) -> str:
    if total >= EVENTS_LIMIT:
        return ngettext(
            "meer dan %(count)s activiteit", "meer dan %(count)s activiteiten", EVENTS_LIMIT
        ) % {"count": EVENTS_LIMIT}
    return ngettext("%(count)s activiteit", "%(count)s activiteiten", total) % {"count": total}


def _item(row: dict, request: HttpRequest) -> SearchItem:
    # The URL from the event's path and the site root paths cached for the request: no query.
    page = Page(id=row["page_id"], url_path=row[SHOWN["url_path"]])
    return SearchItem(
        title=row[SHOWN["title"]],
        url=page.get_url(request) or "",
        description=row[SHOWN["intro"]],
        meta=row[SHOWN["location"]] or row[SHOWN["place_name"]],
        start=row["first"],
    )


def events_section(*, site: Site, query: str, request: HttpRequest) -> SearchSection | None:
    agendas = list(
        EventIndexPage.objects.live()
        .filter(outside_restrictions())
        .descendant_of(site.root_page)
        .order_by("path")
    )
    if not agendas:
        return None
    words = _words(query)
    now = timezone.now()
    scope = Q()
    for agenda in agendas:
        scope |= agenda_scope(index=agenda)
    coming = Occurrence.objects.filter(scope, live=True, end__gt=now)
    rows = list(_grouped(_exact(coming, words))[:EVENTS_LIMIT])
    forgiven = False
    if not rows and connection.vendor == "postgresql":
        rows = list(_grouped(_forgiving(coming, words))[:EVENTS_LIMIT])
        forgiven = bool(rows)
    total = len(rows)
    items = [_item(row, request) for row in rows[:SECTION_ITEMS]]
    suggestion = corrected_query(query, vocabulary=[i.title for i in items]) if forgiven else ""
    # The section changes when a listed event starts.
    expires_at(request, min((i.start for i in items if i.start > now), default=None))
    agenda_url = agendas[0].get_url(request) or ""
    return SearchSection(
        kind="activiteiten",
        heading=_("Activiteiten"),
        total=total,
        count_text=_count_text(total),
        items=items,
        more_url=f"{agenda_url}?{urlencode({'q': suggestion or query})}" if agenda_url else "",
        more_text=(
            ngettext(
                "De activiteit in de agenda", "Alle %(count)s activiteiten in de agenda", total
            )
            % {"count": total}
            if total and total < EVENTS_LIMIT
            else _("Alle activiteiten in de agenda")
            if total
            else _("Zoek in de agenda")
        ),
        suggestion=suggestion,
    )
