"""Writes of the network app: its agenda rows (network.rows.NetworkOccurrence), copied from the
sites' own occurrence rows and events whenever these change."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from events.models import EventPage, Occurrence
from network.rows import NetworkOccurrence
from network.selectors import network_rows_retire

_COLUMNS = (
    "event_id",
    "agenda_id",
    "start",
    "end",
    "sessions",
    "is_last",
    "event_type",
    "theme",
    "age_min",
    "age_max",
    "is_free",
)


def _copy_sql(*, where: str) -> str:
    rows, occurrences, events = (
        NetworkOccurrence._meta.db_table,
        Occurrence._meta.db_table,
        EventPage._meta.db_table,
    )
    columns = ", ".join(f'"{name}"' for name in _COLUMNS)
    return (
        f"INSERT INTO {rows} ({columns}) "
        'SELECT o.page_id, o.agenda_id, o.start, o."end", o.sessions, '
        'ROW_NUMBER() OVER (PARTITION BY o.page_id ORDER BY o."end" DESC, o.start DESC, '
        "o.id DESC) = 1, e.event_type, e.theme, e.age_min, e.age_max, e.is_free "
        f"FROM {occurrences} o JOIN {events} e ON e.page_ptr_id = o.page_id "
        f"WHERE o.live {where}"
    )


def _rows_retire() -> None:
    # Now (a read in this transaction sees the new rows) and once they are committed (a read
    # elsewhere in the meantime may have cached counts of the old ones).
    network_rows_retire()
    transaction.on_commit(network_rows_retire)


def network_occurrences_sync(*, page_ids: Iterable[int]) -> None:
    """Copy the live occurrences of these pages (events or not: others are skipped) again."""
    ids = sorted({int(pk) for pk in page_ids})
    if not ids:
        return
    with transaction.atomic():
        NetworkOccurrence.objects.filter(event_id__in=ids).delete()
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(_copy_sql(where=f"AND o.page_id IN ({placeholders})"), ids)
        _rows_retire()


def network_occurrences_rebuild() -> int:
    """Every row again from the sites' occurrence rows (after a bulk load that sent no
    signal, or to repair). Returns the number of rows."""
    with transaction.atomic():
        NetworkOccurrence.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(_copy_sql(where=""))
            created = cursor.rowcount
        _rows_retire()
    return created
