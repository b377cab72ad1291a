"""Thin views behind the RoutablePageMixin routes of the agenda and the event page."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events import feeds
from events.cards import CARD_SECONDS, CardCache, cards_render
from events.forms import FILTER_FIELDS, AgendaFilterForm
from events.models import EventIndexPage, EventPage
from events.selectors import (
    agenda_feed_occurrences,
    agenda_locations,
    agenda_page,
    event_occurrences,
)

MAX_PAGE_NUMBER = 10_000


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
    cards = CardCache(request)
    result = agenda_page(
        index=index,
        filters=filters,
        page_number=_page_number(request),
        cached_cards=cards.found,
    )
    cards_render(items=result.items, request=request, cards=cards)
    query = _filter_query(filters)
    base_url = index.get_url(request=request)
    context = index.get_context(request)
    context.update(
        {
            # the page's own URL, read once (the template's {% pageurl %} read it again each time)
            "agenda_url": base_url,
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
