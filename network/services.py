"""Writes of the network app: its agenda rows (network.rows.NetworkOccurrence), copied from the
sites' own occurrence rows and events whenever these change."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction

from events.models import EventPage, Occurrence
from home.models import RegionMunicipality, Tenant
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


def _rows_retire(*, agenda_ids: set[int] | None = None) -> None:
    # Now (a read in this transaction sees the new rows) and once they are committed (a read
    # elsewhere in the meantime may have cached counts of the old ones).
    if agenda_ids is not None and not agenda_ids:
        return
    network_rows_retire(agenda_ids=agenda_ids)
    transaction.on_commit(functools.partial(network_rows_retire, agenda_ids=agenda_ids))


def network_occurrences_sync(*, page_ids: Iterable[int]) -> None:
    """Copy the live occurrences of these pages (events or not: others are skipped) again,
    and retire the cached counts of the agendas whose rows changed (those the pages had rows
    in before, and those they have now: a moved event changes two)."""
    ids = sorted({int(pk) for pk in page_ids})
    if not ids:
        return
    rows = NetworkOccurrence._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {rows} WHERE event_id IN ({placeholders}) RETURNING agenda_id", ids
        )
        agendas = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            _copy_sql(where=f"AND o.page_id IN ({placeholders})") + " RETURNING agenda_id", ids
        )
        agendas.update(row[0] for row in cursor.fetchall())
        _rows_retire(agenda_ids=agendas)


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


@dataclass
class RegionChange:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)


def region_municipalities_set(*, region: Tenant, municipalities: Mapping[str, str]) -> RegionChange:
    """Make the region's member municipalities exactly `municipalities` (NIS code -> name).

    One save or delete per row, not in bulk: each row's signals retire the network map (the
    regional agenda's member sites and the network agenda's region filter), the shells of the
    member sites ("Deel van") and the cached pages of the region's site and the network site
    (pagecache, registered in NetworkConfig). Atomic."""
    change = RegionChange()
    with transaction.atomic():
        existing = {row.nis_code: row for row in RegionMunicipality.objects.filter(region=region)}
        for code, row in existing.items():
            if code not in municipalities:
                row.delete()
                change.removed.append(row.municipality)
        for code, name in municipalities.items():
            row = existing.get(code)
            if row is None:
                RegionMunicipality.objects.create(region=region, nis_code=code, municipality=name)
                change.added.append(name)
            elif name and row.municipality != name:
                row.municipality = name
                row.save(update_fields=["municipality"])
                change.renamed.append(name)
    return change
