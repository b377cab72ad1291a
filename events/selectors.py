"""Reads of the agenda. Every query runs on occurrence rows joined to their pages, in a fixed
number of queries whatever the number of events shown or stored."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Col, RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page

from events import taxonomy
from events.models import (
    BookingAvailability,
    EventIndexPage,
    EventPage,
    EventStatus,
    Occurrence,
)
from events.recurrence import BRUSSELS, rule_describe
from pagecache import expires_at

PER_PAGE = 20
FEED_LIMIT = 200
CARD_RENDITION = "fill-480x270"

SCHEMA_STATUS = {
    EventStatus.SCHEDULED: "https://schema.org/EventScheduled",
    EventStatus.SOLD_OUT: "https://schema.org/EventScheduled",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
    EventStatus.MOVED: "https://schema.org/EventRescheduled",
}


def _now() -> dt.datetime:
    """The current instant (tests pin it here)."""
    return timezone.now()


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=BRUSSELS)


def when_window(*, filters: dict, now: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    """The period the visitor asked for, never starting before now."""
    today = now.astimezone(BRUSSELS).date()
    start: dt.datetime = now
    end: dt.datetime | None = None
    when = filters.get("wanneer")
    if when == "vandaag":
        end = _local_midnight(today + dt.timedelta(days=1))
    elif when == "weekend":
        weekday = today.weekday()
        saturday = (
            today + dt.timedelta(days=(5 - weekday) % 7)
            if weekday < 5
            else (today - dt.timedelta(days=weekday - 5))
        )
        start = max(now, _local_midnight(saturday))
        end = _local_midnight(saturday + dt.timedelta(days=2))
    elif when == "week":
        end = _local_midnight(today + dt.timedelta(days=7 - today.weekday()))
    elif when == "maand":
        first_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = _local_midnight(first_next)
    if filters.get("van"):
        start = max(start, _local_midnight(filters["van"]))
    if filters.get("tot"):
        until = _local_midnight(filters["tot"] + dt.timedelta(days=1))
        end = until if end is None else min(end, until)
    return start, end


def agenda_scope(*, index: EventIndexPage) -> Q:
    """This agenda's own events, plus regional events of other sites when it shows them."""
    scope = Q(agenda_id=index.pk)
    if index.include_regional and index.region:
        # Occurrence.region: the event's province when it is regional.
        scope |= Q(region=index.region)
    return scope


def age_q(filters: dict) -> Q:
    """The age filters (age group, age) on rows with the event's `age_min` and `age_max`."""
    query = Q()
    group = taxonomy.AGE_GROUPS.get(filters.get("leeftijdsgroep", ""))
    if group is not None:
        if group.slug == "gezinnen":
            # open to children and to adults alike
            query &= Q(age_min__isnull=True) | Q(age_min__lte=12)
            query &= Q(age_max__isnull=True) | Q(age_max__gte=18)
        else:
            upper = group.max_age if group.max_age is not None else 120
            query &= Q(age_min__isnull=True) | Q(age_min__lte=upper)
            query &= Q(age_max__isnull=True) | Q(age_max__gte=group.min_age)
    age = filters.get("leeftijd")
    if age is not None:
        query &= Q(age_min__isnull=True) | Q(age_min__lte=age)
        query &= Q(age_max__isnull=True) | Q(age_max__gte=age)
    return query


def _window_q(start: dt.datetime, end: dt.datetime | None) -> Q:
    """Rows that overlap the period. An occurrence that ended exactly when the period starts
    (an all-day one at midnight) is not in it; a zero-length one at that instant is."""
    query = Q(end__gte=start) & ~Q(end=start, start__lt=start)
    if end is not None:
        query &= Q(start__lt=end)
    return query


def occurrence_filter(*, filters: dict, now: dt.datetime, event_field: str = "page") -> Q:
    """The visitor's filters as one condition on rows that carry an occurrence's times and
    its event's filter columns (`event_type`, `theme`, `age_min`, `age_max`, `is_free`,
    `location_page`): the site agenda's occurrence rows (events.Occurrence) and the network
    agenda's rows (network.NetworkOccurrence) both apply this one specification.
    `event_field` names the rows' foreign key to their EventPage (the free-text filter)."""
    query = _window_q(*when_window(filters=filters, now=now))
    if filters.get("type"):
        query &= Q(event_type=filters["type"])
    if filters.get("thema"):
        query &= Q(theme=filters["thema"])
    if filters.get("gratis"):
        query &= Q(is_free=True)
    if filters.get("locatie"):
        query &= Q(location_page_id=filters["locatie"])
    if filters.get("q"):
        text = filters["q"]
        # Two subqueries, one per table, so that each is answered from its trigram indexes
        # (events/migrations/0008): an OR across the page's and the event's columns would
        # join every event of the network to its page row. A page whose title matches but is
        # no event has no rows here.
        described = EventPage.objects.filter(
            Q(intro__icontains=text)
            | Q(place_name__icontains=text)
            | Q(organizer_name__icontains=text)
        )
        titled = Page.objects.filter(title__icontains=text)
        query &= Q(**{f"{event_field}__in": described.values("pk")}) | Q(
            **{f"{event_field}__in": titled.values("pk")}
        )
    return query & age_q(filters)


def occurrences_matching(*, scope: Q, filters: dict, now: dt.datetime) -> QuerySet[Occurrence]:
    """Live occurrences within `scope` (agendas) that match the visitor's filters: occurrence
    rows alone (they carry the event's filter columns), joined to the events only for the
    free-text filter."""
    return Occurrence.objects.filter(scope, occurrence_filter(filters=filters, now=now), live=True)


def agenda_occurrences(
    *, index: EventIndexPage, filters: dict, now: dt.datetime | None = None
) -> QuerySet[Occurrence]:
    return occurrences_matching(scope=agenda_scope(index=index), filters=filters, now=now or _now())


@dataclass
class AgendaItem:
    # None only for a card found in the card cache (`cached_cards` of agenda_page): then
    # `html` holds it and nothing else of the event was read.
    event: EventPage | None
    occurrence: Occurrence | None
    count: int
    # The card's HTML when the view rendered it ahead (events.views), else rendered in place.
    html: str = ""
    # The event's page id (also when `event` is None).
    event_id: int = 0

    def __post_init__(self) -> None:
        if self.event is not None and not self.event_id:
            self.event_id = self.event.pk

    @property
    def more(self) -> int:
        return self.count - 1


@dataclass
class AgendaResult:
    page_obj: Any
    items: list[AgendaItem] = field(default_factory=list)


def _card_images() -> QuerySet:
    return get_image_model().objects.prefetch_renditions(CARD_RENDITION)


def _grouped_page(grouped: QuerySet, *, page_number: int, per_page: int) -> tuple[Any, list]:
    """One page of the grouped rows and the number of groups in one query (a window count
    over the groups) instead of Paginator's two (a count, then the page), each of which
    groups every occurrence of the agenda. The Paginator is kept for the template."""
    paginator = Paginator(grouped, per_page)
    number = page_number if isinstance(page_number, int) and page_number >= 1 else 1
    inner, params = grouped.query.sql_with_params()
    sql = (
        "SELECT g.page_id, g.first_start, g.count, COUNT(*) OVER () "
        f"FROM ({inner}) g ORDER BY g.sort_key, g.page_id LIMIT %s OFFSET %s"
    )
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(sql, [*params, per_page, (number - 1) * per_page])
        fetched = cursor.fetchall()
    if not fetched:
        # Past the last page (or nothing at all): Paginator's way, as before.
        page_obj = paginator.get_page(page_number)
        return page_obj, list(page_obj.object_list)
    connection = connections[grouped.db]
    column = Col("g", grouped.query.annotations["first_start"].output_field)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    rows = []
    for page_id, start, count, _total in fetched:
        for converter in converters:
            start = converter(start, column, connection)
        rows.append({"page_id": page_id, "first_start": start, "count": count})
    paginator.count = fetched[0][3]
    return paginator._get_page(rows, number, paginator), rows


# Up to this many events before the asked page, the page is found by reading occurrence rows
# in date order (an index range scan that stops early); deeper pages group every matching row.
ORDERED_SCAN_DEPTH = 500
# Rows read ahead by the ordered read: at least this many later rows per batch, and this many
# running rows more than the events wanted (an event can have several running rows).
ORDERED_BATCH_MIN = 40
ORDERED_BEGUN_EXTRA = 20


def _ordered_firsts(
    matching: QuerySet[Occurrence], *, window_start: dt.datetime, wanted: int
) -> list[tuple[int, dt.datetime]]:
    """The first `wanted` events of `matching` in agenda order (their earliest
    GREATEST(start, window_start), then page id), each with its first matching start,
    without grouping every matching row.

    Events with an occurrence that has begun by the window's start all sort at the window's
    start, by page id; the others by their first start after it. Both are read in one query
    (a UNION ALL of two index range scans that stop early); the later ones a batch at a
    time, in (start, page_id) order, until enough distinct events are seen."""
    begun_rows = matching.filter(start__lte=window_start).order_by("page_id", "start")
    later_rows = matching.filter(start__gt=window_start).order_by("start", "page_id")
    batch = max(2 * wanted, ORDERED_BATCH_MIN)
    begun_limit = wanted + ORDERED_BEGUN_EXTRA
    rows = _ordered_rows(
        matching, window_start=window_start, begun_limit=begun_limit, later_limit=batch
    )
    # A UNION ALL promises no order across its parts: each part is put back in its own.
    begun: dict[int, dt.datetime] = {}
    for part, page_id, start in rows:
        if part == 0 and (page_id not in begun or start < begun[page_id]):
            begun[page_id] = start
    later = sorted((start, page_id) for part, page_id, start in rows if part == 1)
    if sum(1 for row in rows if row[0] == 0) == begun_limit:
        # Many running rows (more than one per event): read the running events exactly.
        begun = dict(
            begun_rows.values("page_id")
            .annotate(first=Min("start"))
            .order_by("page_id")
            .values_list("page_id", "first")[:wanted]
        )
    firsts = sorted(begun.items())[:wanted]
    seen = {page_id for page_id, _start in firsts}
    read = 0
    while len(firsts) < wanted:
        for start, page_id in later:
            if page_id not in seen:
                seen.add(page_id)
                firsts.append((page_id, start))
                if len(firsts) == wanted:
                    break
        if len(later) < batch or len(firsts) == wanted:
            break
        read += batch
        batch *= 2
        later = list(later_rows.values_list("start", "page_id")[read : read + batch])
    return firsts


def _ordered_rows(
    matching: QuerySet[Occurrence],
    *,
    window_start: dt.datetime,
    begun_limit: int,
    later_limit: int,
) -> list[tuple[int, int, dt.datetime]]:
    """(part, page id, start) of the first `begun_limit` rows of `matching` that have begun by
    `window_start` (part 0, in page id order) and of the first `later_limit` rows after it
    (part 1, in start order): one query on PostgreSQL (`_ordered_rows_sql`), two on SQLite."""
    connection = connections[matching.db]
    if connection.vendor == "postgresql":
        where, params = _where_sql(matching)
        with connection.cursor() as cursor:
            cursor.execute(
                _ordered_rows_sql(where),
                [*params, window_start, begun_limit, *params, window_start, later_limit],
            )
            return cursor.fetchall()
    return _ordered_rows_orm(
        matching, window_start=window_start, begun_limit=begun_limit, later_limit=later_limit
    )


def _ordered_rows_orm(
    matching: QuerySet[Occurrence],
    *,
    window_start: dt.datetime,
    begun_limit: int,
    later_limit: int,
) -> list[tuple[int, int, dt.datetime]]:
    """The rows of `_ordered_rows` through the ORM (the reference for `_ordered_rows_sql`)."""
    begun_part = (
        matching.filter(start__lte=window_start)
        .order_by("page_id", "start")
        .annotate(part=Value(0))
        .values_list("part", "page_id", "start")
    )
    later_part = (
        matching.filter(start__gt=window_start)
        .order_by("start", "page_id")
        .annotate(part=Value(1))
        .values_list("part", "page_id", "start")
    )
    if connections[matching.db].features.supports_slicing_ordering_in_compound:
        return list(begun_part[:begun_limit].union(later_part[:later_limit], all=True))
    # SQLite (the embedded default) allows no LIMIT inside a UNION: two queries.
    return [*begun_part[:begun_limit], *later_part[:later_limit]]


def _where_sql(matching: QuerySet) -> tuple[str, list]:
    """The condition of `matching` (rows of one table, joined to nothing: the free-text
    filter is a subquery) as SQL and its parameters, compiled once for the agenda's fixed
    statements: Django building and compiling the count and the two-part ordered read cost
    more than PostgreSQL running them. Kept on the queryset (which is never changed in place:
    a filter makes a new one), so the count and the ordered read compile it once."""
    compiled = matching.__dict__.get("_agenda_where")
    if compiled is None:
        query = matching.query
        sql, params = query.get_compiler(matching.db).compile(query.where)
        compiled = matching.__dict__["_agenda_where"] = (sql, tuple(params))
    return compiled[0], list(compiled[1])


def _ordered_rows_sql(where: str) -> str:
    """`_ordered_rows_orm` as one statement on the condition `where` (`_where_sql`).
    Parameters: the condition's, the window's start, the limit of running rows; again the
    condition's, the window's start, the limit of later rows."""
    table = f'"{Occurrence._meta.db_table}"'
    columns = f'{table}."page_id", {table}."start"'
    return (
        f'(SELECT 0, {columns} FROM {table} WHERE ({where}) AND {table}."start" <= %s '
        f'ORDER BY {table}."page_id", {table}."start" LIMIT %s) '
        "UNION ALL "
        f'(SELECT 1, {columns} FROM {table} WHERE ({where}) AND {table}."start" > %s '
        f'ORDER BY {table}."start", {table}."page_id" LIMIT %s)'
    )


def agenda_page(
    *,
    index: EventIndexPage,
    filters: dict,
    page_number: int = 1,
    per_page: int = PER_PAGE,
    now: dt.datetime | None = None,
    counted: bool = True,
    cached_cards: CachedCards | None = None,
) -> AgendaResult:
    """One page of events (each once, at its first matching occurrence), in date order.
    `counted=False` (the first few events, for a block): the number of events is not read
    and the paginator counts the events shown. `cached_cards` (the agenda view's card cache):
    the cards are first read as the values of their cache keys (`card_values`), and only the
    events whose card it does not have are built as pages (see `_agenda_cards`)."""
    now = now or _now()
    start, end = when_window(filters=filters, now=now)
    matching = agenda_occurrences(index=index, filters=filters, now=now).order_by()
    number = page_number if isinstance(page_number, int) and page_number >= 1 else 1
    if (number - 1) * per_page > ORDERED_SCAN_DEPTH:
        return _agenda_page_grouped(
            matching, window_start=start, page_number=number, per_page=per_page, now=now
        )
    paginator = Paginator([], per_page)
    if counted:
        # The number of events (for "N activiteiten" and the pages): one query over the
        # occurrence rows. The page itself comes from an early-stopping ordered read.
        paginator.count, matching = _events_counted(
            matching, index=index, filters=filters, now=now, bounded=end is not None
        )
        number = paginator.get_page(number).number
        if not paginator.count:
            return AgendaResult(page_obj=paginator.get_page(1))
    else:
        number = 1
    offset = (number - 1) * per_page
    firsts = _ordered_firsts(matching, window_start=start, wanted=offset + per_page)[offset:]
    items = _agenda_cards(start=start, end=end, firsts=firsts, now=now, cached_cards=cached_cards)
    if not counted:
        paginator.count = len(items)
    return AgendaResult(page_obj=paginator._get_page(items, number, paginator), items=items)


def events_count(matching: QuerySet, *, bounded: bool) -> int:
    """The number of events among `matching` rows (occurrence rows of live events).

    Without an end to the period (`bounded` False) an event has a matching row exactly when
    its last row (Occurrence.is_last) matches: that row ends last, and every other condition
    is on the event's own columns, the same on each of its rows. So the events are counted
    as rows, one per event, from the index of last rows; with an end, as distinct events."""
    connection = connections[matching.db]
    if connection.vendor != "postgresql":
        return events_count_orm(matching, bounded=bounded)
    where, params = _where_sql(matching)
    with connection.cursor() as cursor:
        cursor.execute(_events_count_sql(where, bounded=bounded), params)
        return cursor.fetchone()[0]


def _events_counted(
    matching: QuerySet[Occurrence],
    *,
    index: EventIndexPage,
    filters: dict,
    now: dt.datetime,
    bounded: bool,
) -> tuple[int, QuerySet[Occurrence]]:
    """The number of events among `matching` rows, and the rows for the ordered read: the
    same `matching`, except with free text on PostgreSQL. Then the text is matched once:
    the events found (not just their number) stand in for it in the ordered read. Matched in
    each query, it cost each of them a join of every event of the network (no index serves a
    `LIKE '%...%'`)."""
    if not filters.get("q") or connections[matching.db].vendor != "postgresql":
        return events_count(matching, bounded=bounded), matching
    found = events_found(matching, bounded=bounded)
    others = {name: value for name, value in filters.items() if name != "q"}
    rows = occurrences_matching(scope=agenda_scope(index=index), filters=others, now=now)
    return len(found), rows.filter(_page_among(found)).order_by()


def events_found(matching: QuerySet, *, bounded: bool) -> list[int]:
    """The page ids of the events among `matching` rows, read as `events_count` counts them
    (PostgreSQL)."""
    where, params = _where_sql(matching)
    with connections[matching.db].cursor() as cursor:
        cursor.execute(_events_count_sql(where, bounded=bounded, ids=True), params)
        return [page_id for (page_id,) in cursor.fetchall()]


def _page_among(page_ids: list[int]) -> RawSQL:
    """Occurrence rows of these events, as one array parameter (PostgreSQL): an `IN` list
    of thousands of ids cost Django more to compile than the query took."""
    table = Occurrence._meta.db_table
    return RawSQL(f'"{table}"."page_id" = ANY(%s)', (page_ids,), output_field=BooleanField())


def events_count_orm(matching: QuerySet, *, bounded: bool) -> int:
    """`events_count` through the ORM (the reference for `_events_count_sql`)."""
    if bounded:
        return matching.aggregate(total=Count("page_id", distinct=True))["total"]
    return matching.filter(is_last=True).count()


def _events_count_sql(where: str, *, bounded: bool, ids: bool = False) -> str:
    """`events_count_orm` as one statement on the condition `where` (`_where_sql`); with
    `ids`, the page ids it counts."""
    table = f'"{Occurrence._meta.db_table}"'
    if bounded:
        what = f'DISTINCT {table}."page_id"' if ids else f'COUNT(DISTINCT {table}."page_id")'
        return f"SELECT {what} FROM {table} WHERE {where}"
    what = f'{table}."page_id"' if ids else "COUNT(*)"
    return f'SELECT {what} FROM {table} WHERE ({where}) AND {table}."is_last"'


def _matching_sessions(window: Q) -> Subquery:
    """Per occurrence row, the number of sessions of its event in the period (`window`).

    An event listed on the agenda matched, and everything but the period is the same on each
    of its rows (the event's columns, its agenda and region, `live`): its matching rows are
    its live rows in the period, a narrower subquery than the whole filter. A row beyond the
    daily window stands for a run of sessions (Occurrence.sessions)."""
    return Subquery(
        Occurrence.objects.filter(window, page_id=OuterRef("page_id"), live=True)
        .values("page_id")
        .annotate(total=Sum("sessions"))
        .values("total")
    )


def _agenda_cards(
    *,
    start: dt.datetime,
    end: dt.datetime | None,
    firsts: list[tuple[int, dt.datetime]],
    now: dt.datetime,
    cached_cards: CachedCards | None = None,
) -> list[AgendaItem]:
    """The events of `firsts` (page id, first matching start), in that order, with that
    occurrence and their number of sessions in the period (`start`, `end`), in one query (and
    one for images).

    With `cached_cards`: first the values of each card's cache key alone (`card_values`, one
    query that builds no model instance), handed to `cached_cards`; then the events whose card
    it did not find, built in full as above (none when the cache is warm)."""
    if not firsts:
        return []
    window = _window_q(start, end)
    if cached_cards is None:
        return _agenda_cards_full(window, wanted=firsts, now=now)
    values = card_values(firsts=firsts, start=start, end=end)
    shown = [page_id for page_id, _start in firsts if page_id in values]
    found = cached_cards([values[page_id].parts for page_id in shown])
    missing = [
        (page_id, values[page_id].start)
        for page_id, html in zip(shown, found, strict=True)
        if html is None
    ]
    built = {
        item.event.pk: item
        for item in _agenda_cards_built(
            [values[page_id] for page_id, _start in missing], wanted=missing, now=now
        )
    }
    items = []
    for page_id, html in zip(shown, found, strict=True):
        if html is not None:
            items.append(
                AgendaItem(
                    event=None,
                    occurrence=None,
                    count=values[page_id].count,
                    html=html,
                    event_id=page_id,
                )
            )
        elif page_id in built:
            items.append(built[page_id])
    moments = [moment for page_id in shown for moment in values[page_id].moments]
    expires_at(None, min((moment for moment in moments if moment > now), default=None))
    return items


def _agenda_cards_full(
    window: Q, *, wanted: list[tuple[int, dt.datetime]], now: dt.datetime
) -> list[AgendaItem]:
    """The events of `wanted` (page id, start), in that order, built as pages with their
    occurrence, location and card image: one query (and one for the images)."""
    if not wanted:
        return []
    first = _first_occurrences(
        set(wanted),
        Occurrence.objects.annotate(matching_sessions=_matching_sessions(window)),
    )
    items = [
        AgendaItem(
            event=first[page_id].page,
            occurrence=first[page_id],
            count=first[page_id].matching_sessions or 1,
        )
        for page_id, _start in wanted
        if page_id in first
    ]
    _expires_with(items=[item.occurrence for item in items], now=now)
    return items


def _agenda_cards_built(
    values: list[CardValues], *, wanted: list[tuple[int, dt.datetime]], now: dt.datetime
) -> list[AgendaItem]:
    """The events of `wanted` built as pages, from their `card_values` (which name the
    occurrence and count its sessions): the occurrences by primary key with their events,
    locations and card images (`_card_occurrences`), the same items as `_agenda_cards_full`
    without its per-event sum of sessions to build."""
    if not values:
        return []
    occurrences = _card_occurrences([value.parts[8] for value in values])
    by_page = {value.parts[0]: value for value in values}
    items = [
        AgendaItem(
            event=occurrences[by_page[page_id].parts[8]].page,
            occurrence=occurrences[by_page[page_id].parts[8]],
            count=by_page[page_id].count,
        )
        for page_id, _start in wanted
        if page_id in by_page and by_page[page_id].parts[8] in occurrences
    ]
    _expires_with(items=[item.occurrence for item in items], now=now)
    return items


# What an event card (events/components/event_card.html, components/card_image.html and
# `card_parts`) reads of its event and of the event's location page, with what Wagtail needs
# of a page to make its URL. The other columns (an event has 86, its location page 43) are
# not read for a card: Django spends more time compiling a column than reading it.
_CARD_EVENT_FIELDS = frozenset(
    {
        "id", "page_ptr", "path", "depth", "url_path", "slug", "title", "live", "locale",
        "content_type", "latest_revision", "last_published_at", "image", "image_url",
        "location_page", "place_name", "street", "postal_code", "city", "latitude", "longitude",
        "is_free", "price_info", "age_min", "age_max", "event_type", "event_type_name",
        "booking_url",
    }
)  # fmt: skip
_CARD_LOCATION_FIELDS = frozenset(
    {
        "id", "page_ptr", "path", "depth", "url_path", "slug", "title", "live", "locale",
        "content_type", "last_published_at", "street", "postal_code", "city", "latitude",
        "longitude",
    }
)  # fmt: skip


@functools.cache
def _card_deferred_fields() -> tuple[str, ...]:
    """The columns of a card's event and location page that a card does not read, for
    `defer()` (tests/events/test_agenda_cards.py renders cards built this way and counts
    their queries)."""
    from library_pages.models import LocationPage

    deferred = [
        f"page__{field.name}"
        for field in EventPage._meta.concrete_fields
        if field.name not in _CARD_EVENT_FIELDS
    ]
    deferred += [
        f"page__location_page__{field.name}"
        for field in LocationPage._meta.concrete_fields
        if field.name not in _CARD_LOCATION_FIELDS
    ]
    return tuple(deferred)


def _card_occurrences(occurrence_ids: list[int]) -> dict[int, Occurrence]:
    """The occurrences with these ids, each with its event and the event's location page
    (only the columns a card reads: `_card_deferred_fields`) and card image: one query (and
    one for the images)."""
    return (
        Occurrence.objects.select_related("page", "page__location_page")
        .defer(*_card_deferred_fields())
        .prefetch_related(Prefetch("page__image", queryset=_card_images()))
        .in_bulk(occurrence_ids)
    )


@dataclass(frozen=True)
class CardValues:
    """An agenda card as the values of its cache key (`parts`, equal to `card_parts` of the
    full item), with the occurrence's start (to build the card when it is not cached) and the
    moments the card changes on its own."""

    parts: tuple
    start: dt.datetime
    count: int
    moments: tuple[dt.datetime, ...]


# Given the `parts` of the cards to show, in order: each card's HTML when the cache has it,
# else None (events.views gives the agenda's card cache).
CachedCards = Callable[[list[tuple]], list[str | None]]

# The columns of card_parts, in its order (and the period's number of sessions).
_CARD_VALUE_COLUMNS = (
    "page_id",
    "page__latest_revision_id",
    "page__last_published_at",
    "page__url_path",
    "page__image_id",
    "page__image__file_hash",
    "page__location_page_id",
    "page__location_page__last_published_at",
    "pk",
    "start",
    "end",
    "all_day",
    "status",
    "booking_availability",
    "sessions",
    "matching_sessions",
)


def card_values(
    *, firsts: list[tuple[int, dt.datetime]], start: dt.datetime, end: dt.datetime | None
) -> dict[int, CardValues]:
    """Per page id of `firsts` (page id, start), the values its card's cache key is made of
    (`card_parts`), with its number of sessions in the period (`start`, `end`), read as plain
    values in one query: the same rows as `_first_occurrences` (the first by start and id of
    each wanted pair), without building pages. On PostgreSQL a fixed SQL statement
    (`_card_values_sql`): Django compiling the ORM's five-table query cost more than running
    it; elsewhere the same columns through the ORM."""
    wanted = set(firsts)
    page_ids = sorted({page_id for page_id, _start in wanted})
    starts = sorted({start for _page_id, start in wanted})
    connection = connections[Occurrence.objects.db]
    if connection.vendor == "postgresql":
        params: list[Any] = [start, start, start]
        if end is not None:
            params.append(end)
        with connection.cursor() as cursor:
            cursor.execute(_card_values_sql(bounded=end is not None), [*params, page_ids, starts])
            rows = cursor.fetchall()
    else:
        rows = card_values_orm(page_ids=page_ids, starts=starts, window=_window_q(start, end))
    values: dict[int, CardValues] = {}
    for row in rows:
        page_id, first, last = row[0], row[9], row[10]
        if (page_id, first) not in wanted or page_id in values:
            continue
        count = row[15] or 1
        image_hash = row[5] if row[4] is not None else None
        location_published = row[7] if row[6] is not None else None
        values[page_id] = CardValues(
            parts=(*row[:5], image_hash, row[6], location_published, *row[8:15], count),
            start=first,
            count=count,
            moments=tuple(moment for moment in (first, last) if moment),
        )
    return values


def card_values_orm(*, page_ids: list[int], starts: list[dt.datetime], window: Q) -> list[tuple]:
    """The rows of `card_values` through the ORM (the reference for `_card_values_sql`)."""
    return list(
        Occurrence.objects.filter(page_id__in=page_ids, start__in=starts)
        .annotate(matching_sessions=_matching_sessions(window))
        .order_by("start", "pk")
        .values_list(*_CARD_VALUE_COLUMNS)
    )


@functools.cache
def _card_values_sql(*, bounded: bool) -> str:
    """`card_values_orm` as one PostgreSQL statement: the columns of `_CARD_VALUE_COLUMNS`,
    the period's sessions as in `_matching_sessions` (`_window_q`), the wanted rows by
    `= ANY` of the page ids and starts. Parameters: the period's start three times, its end
    when `bounded`, the page ids, the starts. tests/events/test_agenda_cards.py checks it
    against the ORM."""
    from library_pages.models import LocationPage

    occurrence = Occurrence._meta.db_table
    event = EventPage._meta.db_table
    page = EventPage._meta.get_field("page_ptr").related_model._meta.db_table
    image = get_image_model()._meta.db_table
    location_page = LocationPage._meta.get_field("page_ptr").related_model._meta.db_table
    period = 's."end" >= %s AND NOT (s."end" = %s AND s."start" < %s)'
    if bounded:
        period += ' AND s."start" < %s'
    return (
        'SELECT o."page_id", p."latest_revision_id", p."last_published_at", p."url_path", '
        'e."image_id", i."file_hash", e."location_page_id", lp."last_published_at", '
        'o."id", o."start", o."end", o."all_day", o."status", o."booking_availability", '
        'o."sessions", '
        f'(SELECT SUM(s."sessions") FROM "{occurrence}" s '
        f'WHERE {period} AND s."live" AND s."page_id" = o."page_id") '
        f'FROM "{occurrence}" o '
        f'JOIN "{event}" e ON e."page_ptr_id" = o."page_id" '
        f'JOIN "{page}" p ON p."id" = o."page_id" '
        f'LEFT JOIN "{image}" i ON i."id" = e."image_id" '
        f'LEFT JOIN "{location_page}" lp ON lp."id" = e."location_page_id" '
        'WHERE o."page_id" = ANY(%s) AND o."start" = ANY(%s) '
        'ORDER BY o."start", o."id"'
    )


def _agenda_page_grouped(
    matching: QuerySet[Occurrence],
    *,
    window_start: dt.datetime,
    page_number: int,
    per_page: int,
    now: dt.datetime,
) -> AgendaResult:
    """A deep page: every matching row grouped per event, one page of the groups."""
    grouped = (
        matching.values("page_id")
        .annotate(
            sort_key=Min(Greatest("start", Value(window_start, output_field=DateTimeField()))),
            first_start=Min("start"),
            count=Sum("sessions"),
        )
        .order_by("sort_key", "page_id")
    )
    page_obj, rows = _grouped_page(grouped, page_number=page_number, per_page=per_page)
    if not rows:
        return AgendaResult(page_obj=page_obj)
    return AgendaResult(page_obj=page_obj, items=event_cards_load(rows=rows, now=now))


def event_cards_load(*, rows: list[dict], now: dt.datetime) -> list[AgendaItem]:
    """The events of grouped occurrence rows (`page_id`, `first_start`, `count`) with their
    first matching occurrence, in the rows' order: one query for the occurrences with their
    events (and one for the images), for any number of rows."""
    if not rows:
        return []
    wanted = {(row["page_id"], row["first_start"]) for row in rows}
    first = _first_occurrences(wanted, Occurrence.objects.all())
    items = [
        AgendaItem(
            event=first[row["page_id"]].page,
            occurrence=first[row["page_id"]],
            count=row["count"],
        )
        for row in rows
        if row["page_id"] in first
    ]
    _expires_with(items=[item.occurrence for item in items], now=now)
    return items


def _first_occurrences(
    wanted: set[tuple[int, dt.datetime]], occurrences: QuerySet[Occurrence]
) -> dict[int, Occurrence]:
    """Per page id, the occurrence of `wanted` (page id, start) with its event, location and
    card image: one query (and one for the images). It reads the rows with these pages and
    starts (a superset of the wanted pairs, and a query that is quick to build) and keeps the
    wanted pairs."""
    first: dict[int, Occurrence] = {}
    for occurrence in (
        occurrences.filter(
            page_id__in={page_id for page_id, _start in wanted},
            start__in={start for _page_id, start in wanted},
        )
        .select_related("page", "page__location_page")
        .prefetch_related(Prefetch("page__image", queryset=_card_images()))
        .order_by("start", "pk")
    ):
        if (occurrence.page_id, occurrence.start) in wanted:
            first.setdefault(occurrence.page_id, occurrence)
    return first


def _expires_with(*, items: list[Occurrence], now: dt.datetime) -> None:
    """A cached page listing these occurrences changes when one starts or ends."""
    moments = [moment for o in items for moment in (o.start, o.end) if moment and moment > now]
    expires_at(None, min(moments, default=None))


def agenda_feed_occurrences(
    *, index: EventIndexPage, filters: dict, limit: int = FEED_LIMIT
) -> list[Occurrence]:
    return list(
        agenda_occurrences(index=index, filters=filters)
        .select_related("page", "page__location_page")
        .order_by("start", "pk")[:limit]
    )


def upcoming_events(
    *,
    index: EventIndexPage,
    filters: dict | None = None,
    limit: int = 3,
    cached_cards: CachedCards | None = None,
) -> list[AgendaItem]:
    """For the "Binnenkort" block: the next events of an agenda (`cached_cards`: as in
    `agenda_page`)."""
    return agenda_page(
        index=index,
        filters=filters or {},
        per_page=limit,
        counted=False,
        cached_cards=cached_cards,
    ).items


def agenda_locations(*, index: EventIndexPage) -> list[tuple[str, str]]:
    """The site's locations, for the location filter: on PostgreSQL one fixed statement
    (`_locations_sql`; Django compiling the two-table query cost more than running it),
    elsewhere `agenda_locations_orm`."""
    connection = connections[EventIndexPage.objects.db]
    if connection.vendor != "postgresql":
        return agenda_locations_orm(index=index)
    home_path = index.path[: -index.steplen]
    with connection.cursor() as cursor:
        # treebeard paths are digits and capitals: nothing to escape in the pattern
        cursor.execute(_locations_sql(), [f"{home_path}%"])
        return [(str(pk), title) for pk, title in cursor.fetchall()]


def agenda_locations_orm(*, index: EventIndexPage) -> list[tuple[str, str]]:
    """`agenda_locations` through the ORM (the reference for `_locations_sql`)."""
    from library_pages.models import LocationPage

    home_path = index.path[: -index.steplen]
    return [
        (str(pk), title)
        for pk, title in LocationPage.objects.live()
        .filter(path__startswith=home_path)
        .order_by("title")
        .values_list("pk", "title")
    ]


@functools.cache
def _locations_sql() -> str:
    """The live location pages under a path (parameter: the path and `%`), by title."""
    from library_pages.models import LocationPage

    location = LocationPage._meta.db_table
    page = LocationPage._meta.get_field("page_ptr").related_model._meta.db_table
    return (
        f'SELECT p."id", p."title" FROM "{location}" l '
        f'JOIN "{page}" p ON p."id" = l."page_ptr_id" '
        'WHERE p."live" AND p."path"::text LIKE %s ORDER BY p."title"'
    )


# --- Event page -------------------------------------------------------------------------------


def event_occurrences(*, event: EventPage, now: dt.datetime | None = None) -> list[Occurrence]:
    """Every coming occurrence (and the ones still running)."""
    now = now or _now()
    occurrences = list(Occurrence.objects.filter(page=event, end__gte=now).order_by("start", "pk"))
    _expires_with(items=occurrences, now=now)
    return occurrences


def related_events(
    *, event: EventPage, limit: int = 3, cached_cards: CachedCards | None = None
) -> list[AgendaItem]:
    """Other coming events of the same agenda with the same theme or type (`cached_cards`:
    see agenda_page)."""
    if not (event.theme or event.event_type):
        return []
    parent_path = event.path[: -event.steplen]
    agenda = EventIndexPage.objects.filter(path=parent_path).first()
    if agenda is None:
        return []
    filters = {"thema": event.theme} if event.theme else {"type": event.event_type}
    if cached_cards is not None:
        found = cached_cards

        def cached_cards(parts_list: list[tuple]) -> list[str | None]:
            # Cards in agenda order; the event itself (parts[0]: the event's id) and the
            # events after the first `limit` others are dropped below: their cards are never
            # shown, so never built ("" stands in for them).
            shown = [n for n, parts in enumerate(parts_list) if parts[0] != event.pk][:limit]
            return [
                html if html is not None or n in shown else ""
                for n, html in enumerate(found(parts_list))
            ]

    result = agenda_page(
        index=agenda,
        filters=filters,
        per_page=limit + 1,
        counted=False,
        cached_cards=cached_cards,
    )
    return [item for item in result.items if item.event_id != event.pk][:limit]


def event_status_label(*, status: str, booking_availability: str = "") -> str:
    if status == EventStatus.SCHEDULED and booking_availability == BookingAvailability.UNAVAILABLE:
        return str(EventStatus.SOLD_OUT.label)
    if status == EventStatus.SCHEDULED:
        return ""
    return str(EventStatus(status).label)


SCHEMA_ATTENDANCE = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


def event_structured_data(
    *, event: EventPage, occurrence: Occurrence | None, url: str
) -> dict[str, Any]:
    """schema.org Event JSON-LD for the event page."""
    place = event.place
    status = occurrence.status if occurrence else event.status
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "eventStatus": SCHEMA_STATUS.get(status, SCHEMA_STATUS[EventStatus.SCHEDULED]),
        "eventAttendanceMode": SCHEMA_ATTENDANCE.get(
            event.attendance_mode, SCHEMA_ATTENDANCE["offline"]
        ),
    }
    if event.intro:
        data["description"] = event.intro
    if occurrence is not None:
        if occurrence.all_day:
            data["startDate"] = occurrence.start.astimezone(BRUSSELS).date().isoformat()
            last = (occurrence.end - dt.timedelta(seconds=1)).astimezone(BRUSSELS).date()
            data["endDate"] = last.isoformat()
        else:
            data["startDate"] = occurrence.start.astimezone(BRUSSELS).isoformat()
            data["endDate"] = occurrence.end.astimezone(BRUSSELS).isoformat()
        if occurrence.original_start and status == EventStatus.MOVED:
            data["previousStartDate"] = occurrence.original_start.astimezone(BRUSSELS).isoformat()
    location: dict[str, Any] = {
        "@type": "Place",
        "name": place["name"] or place["city"] or _("Onbekende plaats"),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": place["street"],
            "postalCode": place["postal_code"],
            "addressLocality": place["city"],
            "addressCountry": "BE",
        },
    }
    if place["latitude"] is not None and place["longitude"] is not None:
        location["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place["latitude"]),
            "longitude": float(place["longitude"]),
        }
    if event.online_url and event.attendance_mode != "offline":
        virtual = {"@type": "VirtualLocation", "url": event.online_url}
        location = [location, virtual] if event.attendance_mode == "mixed" else virtual
    data["location"] = location
    if event.performers:
        data["performer"] = [{"@type": "Person", "name": name} for name in event.performers]
    if event.organizer_name:
        organizer = {"@type": "Organization", "name": event.organizer_name}
        if event.organizer_url:
            organizer["url"] = event.organizer_url
        data["organizer"] = organizer
    sold_out = bool(
        occurrence
        and (
            occurrence.booking_availability == BookingAvailability.UNAVAILABLE
            or occurrence.status == EventStatus.SOLD_OUT
        )
    )
    availability = "https://schema.org/SoldOut" if sold_out else "https://schema.org/InStock"
    prices = event.price_info or ([{"name": _("Gratis"), "price": 0}] if event.is_free else [])
    if prices:
        data["offers"] = [
            {
                "@type": "Offer",
                "name": item.get("name", ""),
                "price": f"{float(item.get('price', 0)):.2f}",
                "priceCurrency": "EUR",
                "availability": availability,
                "url": event.booking_url or url,
            }
            for item in prices
        ]
    if event.age_min is not None or event.age_max is not None:
        audience = {"@type": "PeopleAudience"}
        if event.age_min is not None:
            audience["suggestedMinAge"] = event.age_min
        if event.age_max is not None:
            audience["suggestedMaxAge"] = event.age_max
        data["audience"] = audience
    if event.image_url:
        data["image"] = [event.image_url]
    return data


SERIES_LISTED = 10


def _weekday_names(weekdays: str) -> str:
    from events.models import WEEKDAY_CHOICES

    names = dict(WEEKDAY_CHOICES)
    days = sorted({item for item in (weekdays or "").split(",") if item in names})
    if len(days) == 7:
        return _("elke dag")
    labels = [str(names[day]) for day in days]
    if len(labels) > 1:
        return _("elke %(days)s en %(last)s") % {
            "days": ", ".join(labels[:-1]),
            "last": labels[-1],
        }
    return _("elke %(day)s") % {"day": labels[0]} if labels else ""


def _day(value: dt.date | str) -> str:
    from django.utils.formats import date_format

    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return date_format(value, "j F Y")


def event_series_summary(*, event: EventPage, dates: list | None = None) -> list[str]:
    """A repeating event in words ("elke dinsdag en donderdag, 10:00–12:00, tot 30 juni
    2027", "elke eerste zaterdag van de maand, 10:00–12:00"), with its closed days, instead
    of hundreds of listed dates. Empty when the event has no weekly or rule dates."""
    from events.models import Repeat

    dates = list(event.dates.all()) if dates is None else dates
    weekly = [row for row in dates if row.repeat in (Repeat.WEEKLY, Repeat.RULE)]
    if not weekly:
        return []
    lines = []
    for row in weekly:
        if row.repeat == Repeat.RULE:
            parts = [rule_describe(rule=row.rule)]
        else:
            parts = [_weekday_names(row.weekdays)]
        if row.start_time and row.end_time:
            parts.append(f"{row.start_time:%H:%M}–{row.end_time:%H:%M}")
        elif row.start_time:
            parts.append(f"{row.start_time:%H:%M}")
        line = ", ".join(part for part in parts if part)
        today = timezone.localdate()
        if row.end_date and row.start_date > today:
            line += " " + _("van %(start)s tot %(end)s") % {
                "start": _day(row.start_date),
                "end": _day(row.end_date),
            }
        elif row.end_date:
            line += ", " + _("tot %(end)s") % {"end": _day(row.end_date)}
        elif row.start_date > today:
            line += ", " + _("vanaf %(start)s") % {"start": _day(row.start_date)}
        if row.status_reason:
            line += f" ({row.status_reason})"
        lines.append(line)
    closed = [
        item
        for item in event.closed_days or []
        if isinstance(item, dict) and item.get("end", "") >= timezone.localdate().isoformat()
    ]
    for item in closed:
        when = (
            _day(item["start"])
            if item["start"] == item["end"]
            else _("%(start)s tot %(end)s")
            % {"start": _day(item["start"]), "end": _day(item["end"])}
        )
        note = f" ({item['description']})" if item.get("description") else ""
        lines.append(_("gesloten op %(when)s") % {"when": when} + note)
    return lines


def event_detail_context(*, event: EventPage, request) -> dict[str, Any]:
    from events.cards import CardCache  # it reads card_parts of this module

    occurrences = event_occurrences(event=event)
    series = event_series_summary(event=event)
    next_occurrence = (
        occurrences[0]
        if occurrences
        else (Occurrence.objects.filter(page=event).order_by("-start").first())
    )
    url = event.get_full_url(request=request) or ""
    page_url = event.get_url(request=request)
    return {
        # A series is summarised: its next few dates are enough to pick one.
        "occurrences": occurrences[:SERIES_LISTED] if series else occurrences,
        "more_occurrences": max(0, len(occurrences) - SERIES_LISTED) if series else 0,
        "series": series,
        "next_occurrence": next_occurrence,
        "related_events": related_events(
            event=event, cached_cards=CardCache(request).found if request is not None else None
        ),
        "structured_data": event_structured_data(event=event, occurrence=next_occurrence, url=url),
        "map_url": event.map_url,
        "place": event.place,
        "ical_url": page_url + event.reverse_subpage("ical") if page_url else "",
    }


def card_parts(item: AgendaItem) -> tuple:
    """What an event card shows, as values for its cache key (the site agenda's and the network
    agenda's card caches): the event as last published (an editor's publish and an import's
    update both move `last_published_at`), its URL path and image file (a replaced file gets new
    renditions, prefetched with the cards: no query), its location page, the occurrence and the
    number of dates."""
    event, occurrence = item.event, item.occurrence
    location = event.location_page
    return (
        event.pk,
        event.latest_revision_id,
        event.last_published_at,
        event.url_path,
        event.image_id,
        event.image.file_hash if event.image_id and event.image else None,
        location.pk if location else None,
        location.last_published_at if location else None,
        occurrence.pk,
        occurrence.start,
        occurrence.end,
        occurrence.all_day,
        occurrence.status,
        occurrence.booking_availability,
        occurrence.sessions,
        item.count,
    )
