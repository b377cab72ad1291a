"""Thin views behind the RoutablePageMixin routes of the agenda and the event page."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.template import Context
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from events import feeds
from events.forms import FILTER_FIELDS, AgendaFilterForm
from events.models import EventIndexPage, EventPage
from events.selectors import (
    AgendaItem,
    agenda_feed_occurrences,
    agenda_locations,
    agenda_page,
    card_parts,
    event_occurrences,
)
from home.generations import site_generation
from home.shell import site_shell_for_request

MAX_PAGE_NUMBER = 10_000
CARD_TEMPLATE = "events/components/event_card.html"
# A card's HTML is kept this long at most; its key changes with everything it shows.
CARD_SECONDS = 6 * 3600


def _filters(request, index: EventIndexPage) -> tuple[AgendaFilterForm, dict]:
    form = AgendaFilterForm(request.GET or None, locations=agenda_locations(index=index))
    filters = form.valid_filters() if request.GET else {}
    return form, filters


FILTER_FIELDS_TEMPLATE = "events/components/agenda_filter_fields.html"
# Longer values (a crafted query string) are rendered but not kept.
FILTER_VALUE_CACHED_LENGTH = 20


def _filter_fields_html(*, form: AgendaFilterForm, index: EventIndexPage) -> str:
    """The filter form's fields, from the cache for the same agenda, locations, language and
    submitted values: about 150 options and their labels cost more to render than the
    query behind the page. Free text (`q`) and invalid values are rendered every time."""
    values = tuple((name, form.data.get(name, "")) for name in FILTER_FIELDS if form.data.get(name))
    cacheable = not form.is_bound or (
        not form.errors
        and "q" not in dict(values)
        and all(len(value) <= FILTER_VALUE_CACHED_LENGTH for _name, value in values)
    )
    if not cacheable:
        return ""  # the template renders the fields itself
    locations = [(str(value), str(label)) for value, label in form.fields["locatie"].choices]
    parts = (index.pk, get_language(), locations, values)
    key = "agenda-filters:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    html = cache.get(key)
    if html is None:
        html = get_template(FILTER_FIELDS_TEMPLATE).render({"filter_form": form})
        cache.set(key, html, timeout=CARD_SECONDS)
    return mark_safe(html)  # rendered by our own template, escaped there


def _filter_query(filters: dict) -> str:
    """The query string that keeps the filters (for pagination and feed links)."""
    values = {}
    for name in FILTER_FIELDS:
        value = filters.get(name)
        if value in (None, "", False):
            continue
        values[name] = "1" if value is True else str(value)
    return urlencode(values)


def _page_number(request) -> int:
    raw = request.GET.get("pagina", "1")
    if not raw.isdigit():
        return 1
    number = int(raw)
    if number > MAX_PAGE_NUMBER:
        raise Http404(_("Deze pagina bestaat niet."))
    return max(number, 1)


def agenda(request, *, index: EventIndexPage):
    form, filters = _filters(request, index)
    result = agenda_page(index=index, filters=filters, page_number=_page_number(request))
    _cards_render(items=result.items, request=request)
    query = _filter_query(filters)
    base_url = index.get_url(request=request)
    context = index.get_context(request)
    context.update(
        {
            "filter_form": form,
            "filter_fields_html": _filter_fields_html(form=form, index=index),
            "filters_active": bool(filters),
            "agenda": result,
            "extra_query": query,
            "feed_links": [
                (
                    label,
                    f"{base_url}{index.reverse_subpage(route)}" + (f"?{query}" if query else ""),
                )
                for label, route in (
                    (_("iCal-agenda"), "feed_ical"),
                    (_("RSS"), "feed_rss"),
                    (_("Atom"), "feed_atom"),
                    (_("JSON"), "feed_json"),
                )
            ],
        }
    )
    return TemplateResponse(request, index.get_template(request), context)


def agenda_feed(request, *, index: EventIndexPage, kind: str) -> HttpResponse:
    _form, filters = _filters(request, index)
    occurrences = agenda_feed_occurrences(index=index, filters=filters)
    site_name = index.get_site().site_name if index.get_site() else ""
    title = f"{index.title} | {site_name}" if site_name else index.title
    link = index.get_full_url(request=request) or ""
    if kind == "ics":
        body = feeds.ical_calendar(title=title, occurrences=occurrences, request=request)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="agenda.ics"'
        return response
    if kind in ("rss", "atom"):
        body = feeds.syndication_feed(
            kind=kind,
            title=title,
            link=link,
            feed_url=request.build_absolute_uri(),
            description=index.intro or title,
            occurrences=occurrences,
            request=request,
        )
        content_type = "application/atom+xml" if kind == "atom" else "application/rss+xml"
        return HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    data = feeds.json_feed(
        title=title,
        link=link,
        feed_url=request.build_absolute_uri(),
        occurrences=occurrences,
        request=request,
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def event_ical(request, *, event: EventPage) -> HttpResponse:
    occurrences = event_occurrences(event=event)
    body = feeds.ical_event_calendar(
        event=event,
        occurrences=[_with_page(occurrence, event) for occurrence in occurrences],
        request=request,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def _with_page(occurrence, event: EventPage):
    occurrence.page = event  # the event is at hand: no query per occurrence
    return occurrence


def _card_key(*, item: AgendaItem, site_id: int, generation: int, language: str) -> str:
    """Everything the card shows comes from these values: the event as last published (an
    editor's publish and an import's update both move `last_published_at`), its image file,
    its location page, the occurrence and the number of dates; the site (relative or absolute
    link, the default image of its shell, under its generation) and the language."""
    parts = (
        *card_parts(item),
        site_id,
        generation,
        language,
    )
    return "event-card:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _cards_render(*, items: list[AgendaItem], request) -> None:
    """The HTML of each card (`item.html`), from the cache when the card is unchanged: in a
    large agenda the cards are most of the page's rendering time. One cache read for all."""
    if not items:
        return
    site = Site.find_for_request(request)
    site_id = site.pk if site else 0
    generation = site_generation(site_id) if site else 0
    language = get_language() or ""
    keys = {
        _card_key(item=item, site_id=site_id, generation=generation, language=language): item
        for item in items
    }
    found = cache.get_many(list(keys))
    missing = {}
    template = None
    for key, item in keys.items():
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
