"""The bulk load behind `import_marc --bulk` on PostgreSQL (docs/catalogue.md, Import).

The records and holdings of the files go with `COPY` into two new tables without indexes
(`catalogue_record_next`, `catalogue_holding_next`); only the search vector trigger runs per
row. At the end the indexes of the live tables are built once on the new tables, the live
records and holdings that the files did not replace are copied over (so the result is the
same as upserting every record), and the new tables are swapped in by renaming them, in the
same transaction. Searches read the previous catalogue, with its indexes and count index,
until that transaction commits; a failure rolls everything back and leaves the previous
catalogue exactly as it was. This is how pg_restore loads a table: data first, indexes after.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable

logger = logging.getLogger(__name__)

RECORD = "catalogue_record"
HOLDING = "catalogue_holding"
NEXT = "_next"
# One bulk import at a time: the second waits for the first (transaction-level lock).
LOCK_KEY = "catalogue_bulk_import"
MAINTENANCE_WORK_MEM = "512MB"


def bulk_load_possible(cursor) -> bool:
    """True when the two tables can be swapped: nothing but the holdings references the
    records, and nothing references the holdings."""
    cursor.execute(
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND "
        "((confrelid = %s::regclass AND conrelid <> %s::regclass) OR confrelid = %s::regclass)",
        [RECORD, HOLDING, HOLDING],
    )
    return cursor.fetchone()[0] == 0


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


class BulkLoad:
    """The new tables of one bulk import, in the caller's transaction (a raw psycopg cursor
    inside `transaction.atomic()`)."""

    def __init__(self, cursor, record_columns: list[str], holding_columns: list[str]) -> None:
        self.cursor = cursor
        self.record_columns = ", ".join(record_columns)
        self.holding_columns = ", ".join(holding_columns)
        self.deleted: set[str] = set()
        self.timings: dict[str, float] = {}

    def prepare(self) -> None:
        cursor = self.cursor
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [LOCK_KEY])
        cursor.execute(f"DROP TABLE IF EXISTS {HOLDING}{NEXT}, {RECORD}{NEXT}")
        cursor.execute(
            f"CREATE TABLE {RECORD}{NEXT} (LIKE {RECORD} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)"
        )
        # The same function as the live table's trigger: search_vector and sample_key.
        cursor.execute(
            f"CREATE TRIGGER {RECORD}{NEXT}_search_vector BEFORE INSERT ON {RECORD}{NEXT} "
            "FOR EACH ROW EXECUTE FUNCTION catalogue_record_search_vector()"
        )
        cursor.execute(
            f"CREATE TABLE {HOLDING}{NEXT} (LIKE {HOLDING} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMPRESSION)"
        )

    def copy(self, records: Iterable[str], holdings: Iterable[str]) -> None:
        """COPY text lines (services.copy_line) into the new tables."""
        cursor = self.cursor
        with cursor.copy(f"COPY {RECORD}{NEXT} ({self.record_columns}) FROM STDIN") as copy:
            for line in records:
                copy.write(line)
        text = "".join(holdings)
        if text:
            with cursor.copy(f"COPY {HOLDING}{NEXT} ({self.holding_columns}) FROM STDIN") as copy:
                copy.write(text)

    def replace(self, record_ids: list[str], holdings_of: list[str]) -> None:
        """A later copy of these records follows: drop the earlier one (and its holdings
        when the later copy brings its own)."""
        if record_ids:
            self.cursor.execute(
                f"DELETE FROM {RECORD}{NEXT} WHERE record_id = ANY(%s)", [record_ids]
            )
        if holdings_of:
            self.cursor.execute(
                f"DELETE FROM {HOLDING}{NEXT} WHERE record_id = ANY(%s)", [holdings_of]
            )

    def delete(self, record_ids: Iterable[str]) -> None:
        ids = list(dict.fromkeys(record_ids))
        if not ids:
            return
        self.deleted.update(ids)
        self.cursor.execute(f"DELETE FROM {HOLDING}{NEXT} WHERE record_id = ANY(%s)", [ids])
        self.cursor.execute(f"DELETE FROM {RECORD}{NEXT} WHERE record_id = ANY(%s)", [ids])

    def _timed(self, label: str, sql: str, params: list | None = None) -> None:
        started = time.monotonic()
        self.cursor.execute(sql, params)
        self.timings[label] = self.timings.get(label, 0.0) + time.monotonic() - started

    def _indexes(self, table: str) -> list[tuple[str, str, str | None]]:
        """(name, definition, constraint type) of the table's indexes."""
        self.cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), con.contype "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
            "AND con.conrelid = i.indrelid WHERE i.indrelid = %s::regclass ORDER BY 1",
            [table],
        )
        return self.cursor.fetchall()

    def _indexes_build(self, table: str) -> list[tuple[str, str]]:
        """Build the live table's indexes on its new table under temporary names; returns
        (temporary name, live name) pairs."""
        renames = []
        for number, (name, definition, contype) in enumerate(self._indexes(table)):
            temporary = f"{table}{NEXT}_i{number}"
            statement = re.sub(
                r"INDEX \S+ ON \S+ ", f"INDEX {temporary} ON {table}{NEXT} ", definition, count=1
            )
            self._timed(f"index {name}", statement)
            if contype == "p":
                self.cursor.execute(
                    f"ALTER TABLE {table}{NEXT} ADD CONSTRAINT {temporary} "
                    f"PRIMARY KEY USING INDEX {temporary}"
                )
            elif contype == "u":
                self.cursor.execute(
                    f"ALTER TABLE {table}{NEXT} ADD CONSTRAINT {temporary} "
                    f"UNIQUE USING INDEX {temporary}"
                )
            renames.append((temporary, name, contype))
        return renames

    def finish(self) -> dict[str, float]:
        """Build the indexes, carry over what the files did not replace, swap the tables in.
        Returns seconds per step."""
        cursor = self.cursor
        cursor.execute(f"DROP TRIGGER {RECORD}{NEXT}_search_vector ON {RECORD}{NEXT}")
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        record_renames = self._indexes_build(RECORD)
        holding_renames = self._indexes_build(HOLDING)

        # Writers wait from here on (readers do not): nothing written to the live tables
        # from now on can be missed by the carry-over below.
        cursor.execute(f"LOCK TABLE {RECORD}, {HOLDING} IN SHARE ROW EXCLUSIVE MODE")
        deleted = sorted(self.deleted)
        columns = ", ".join(_columns(cursor, RECORD))
        # Records the files did not bring (nor delete) stay, with their stored search vector,
        # sample key and number: the same result as an upsert of every record in the files.
        self._timed(
            "carry over records",
            f"INSERT INTO {RECORD}{NEXT} ({columns}) SELECT {columns} FROM {RECORD} r "
            f"WHERE NOT EXISTS (SELECT 1 FROM {RECORD}{NEXT} n WHERE n.record_id = r.record_id) "
            "AND NOT (r.record_id = ANY(%s))",
            [deleted],
        )
        # Holdings stay for records that are kept and whose copy in the files had no 852.
        self._timed(
            "carry over holdings",
            f"INSERT INTO {HOLDING}{NEXT} ({self.holding_columns}) "
            f"SELECT {self.holding_columns} FROM {HOLDING} h "
            f"WHERE EXISTS (SELECT 1 FROM {RECORD}{NEXT} n WHERE n.record_id = h.record_id) "
            f"AND NOT EXISTS (SELECT 1 FROM {HOLDING}{NEXT} n WHERE n.record_id = h.record_id) "
            "AND NOT (h.record_id = ANY(%s))",
            [deleted],
        )
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass",
            [HOLDING],
        )
        foreign_keys = cursor.fetchall()
        for number, (name, definition) in enumerate(foreign_keys):
            definition = re.sub(
                rf"REFERENCES (\S+\.)?{RECORD}\(", f"REFERENCES {RECORD}{NEXT}(", definition
            )
            self._timed(
                f"foreign key {name}",
                f"ALTER TABLE {HOLDING}{NEXT} ADD CONSTRAINT {HOLDING}{NEXT}_f{number} "
                f"{definition}",
            )
        self._timed("analyze", f"ANALYZE {RECORD}{NEXT}, {HOLDING}{NEXT}")

        # The swap: searches wait for it (a moment), not for the load.
        started = time.monotonic()
        cursor.execute(f"LOCK TABLE {RECORD}, {HOLDING} IN ACCESS EXCLUSIVE MODE")
        # Deferred foreign key checks of earlier writes in an outer transaction (the demo
        # build, tests) run now: a table with pending trigger events cannot be dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
            [RECORD],
        )
        triggers = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'num'), pg_get_serial_sequence(%s, 'id')",
            [RECORD, HOLDING],
        )
        num_sequence, holding_sequence = cursor.fetchone()
        cursor.execute(f"ALTER SEQUENCE {num_sequence} OWNED BY {RECORD}{NEXT}.num")
        cursor.execute(f"DROP TABLE {HOLDING}")
        cursor.execute(f"DROP TABLE {RECORD}")
        for table, renames in ((RECORD, record_renames), (HOLDING, holding_renames)):
            cursor.execute(f"ALTER TABLE {table}{NEXT} RENAME TO {table}")
            for temporary, name, contype in renames:
                if contype:
                    cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO {name}")
                else:
                    cursor.execute(f"ALTER INDEX {temporary} RENAME TO {name}")
        for number, (name, _definition) in enumerate(foreign_keys):
            cursor.execute(
                f"ALTER TABLE {HOLDING} RENAME CONSTRAINT {HOLDING}{NEXT}_f{number} TO {name}"
            )
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [HOLDING])
        new_sequence = cursor.fetchone()[0]
        if new_sequence != holding_sequence:
            cursor.execute(
                f"ALTER SEQUENCE {new_sequence} RENAME TO {holding_sequence.split('.')[-1]}"
            )
        for definition in triggers:
            cursor.execute(definition)
        self.timings["swap"] = time.monotonic() - started
        logger.info("Bulk load finished: %s", self.timings)
        return self.timings
