"""Backup and restore of the database and the media folder (manage.py backup / restore).

A backup is a directory: `manifest.json` (time, database vendor, row count per table),
`database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite's backup
API), and `media.tar` (MEDIA_ROOT; absent when media live in S3, whose bucket is backed up by
the storage's own versioning/replication).

On PostgreSQL the row counts and the dump read the same snapshot: the counts run in a
repeatable-read transaction that exports its snapshot, and pg_dump is started with
`--snapshot`, so the manifest matches the dump exactly even while visitors register.

A restore goes into a fresh database (created when missing; a database that already has
tables is refused unless `force`), restores the media, and checks every table's row count
against the manifest.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_FILE = "media.tar"
FORMAT_VERSION = 1
VENDORS = {
    "django.db.backends.postgresql": "postgresql",
    "django.db.backends.sqlite3": "sqlite",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (for the operator)."""


@dataclass
class RestoreResult:
    database: str
    tables: int
    rows: int
    media_files: int
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)


def database_vendor(database: dict[str, Any]) -> str:
    try:
        return VENDORS[database["ENGINE"]]
    except KeyError as error:
        message = _("Databasetype %(engine)s wordt niet ondersteund.")
        raise BackupError(message % {"engine": database["ENGINE"]}) from error


def media_root() -> Path | None:
    """The media folder, or None when media are not on the local file system (S3)."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


# --- PostgreSQL ---------------------------------------------------------------------------------


# The libpq connection options that may appear in a database's OPTIONS, with the environment
# variable pg_dump/pg_restore read them from. Django's own OPTIONS (pool, isolation_level,
# server_side_binding, ...) are not libpq's and stay out.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


def _libpq_options(database: dict[str, Any]) -> dict[str, str]:
    options = database.get("OPTIONS") or {}
    return {key: str(options[key]) for key in LIBPQ_OPTIONS if options.get(key) is not None}


def _pg_connect_kwargs(database: dict[str, Any], *, dbname: str | None = None) -> dict:
    kwargs = {
        "dbname": dbname or database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
        **_libpq_options(database),
    }
    return {key: value for key, value in kwargs.items() if value is not None}


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore through the environment, so the password
    never shows on a command line."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    for key, value in _libpq_options(database).items():
        env[LIBPQ_OPTIONS[key]] = value
    return env


def _pg_counts(connection) -> dict[str, int]:
    from psycopg import sql

    # Permanent tables only: pg_dump leaves out temporary tables, and any session's (an import's
    # COPY staging table, say) would otherwise count here and never in the restored database.
    tables = connection.execute(
        "SELECT n.nspname, c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'"
        " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_toast%'"
        " ORDER BY n.nspname, c.relname"
    ).fetchall()
    counts = {}
    for schema, table in tables:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
        counts[f"{schema}.{table}"] = connection.execute(query).fetchone()[0]
    return counts


def _run(command: list[str], *, env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(program)s is niet geïnstalleerd (PostgreSQL-clientprogramma's).")
            % {"program": command[0]}
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s mislukte: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _pg_backup(database: dict[str, Any], directory: Path) -> dict[str, int]:
    import psycopg

    with psycopg.connect(**_pg_connect_kwargs(database)) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _pg_counts(connection)
        # The snapshot lives as long as this transaction: pg_dump runs inside the block.
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={directory / PG_DUMP_FILE}",
                database["NAME"],
            ],
            env=_pg_env(database),
        )
        connection.rollback()
    return counts


def _pg_prepare_target(database: dict[str, Any], *, force: bool) -> bool:
    """Create the target database when missing; refuse a non-empty one unless forced.
    Returns whether the target already had tables."""
    import psycopg
    from psycopg import sql

    name = database["NAME"]
    maintenance = _pg_connect_kwargs(database, dbname="postgres")
    with psycopg.connect(**maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return False
    with psycopg.connect(**_pg_connect_kwargs(database)) as connection:
        tables = _pg_counts(connection)
    if tables and not force:
        raise BackupError(
            _(
                "De database %(name)s is niet leeg (%(tables)s tabellen); herstel gebeurt in een "
                "nieuwe database. Gebruik --force om ze toch te overschrijven."
            )
            % {"name": name, "tables": len(tables)}
        )
    return bool(tables)


def _pg_restore(database: dict[str, Any], directory: Path, *, force: bool, jobs: int) -> None:
    had_tables = _pg_prepare_target(database, force=force)
    command = ["pg_restore", "--no-owner", "--no-privileges", "--no-password", "--exit-on-error"]
    if had_tables:
        command += ["--clean", "--if-exists"]
    if jobs > 1:
        command.append(f"--jobs={jobs}")
    command += [f"--dbname={database['NAME']}", str(directory / PG_DUMP_FILE)]
    _run(command, env=_pg_env(database))


def _pg_restored_counts(database: dict[str, Any]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(**_pg_connect_kwargs(database)) as connection:
        return _pg_counts(connection)


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            f"main.{table}": connection.execute(
                'SELECT count(*) FROM "{}"'.format(table.replace('"', '""'))
            ).fetchone()[0]
            for table in tables
        }
    finally:
        connection.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    # The backup API copies a consistent snapshot, also while the site is writing.
    source_connection = sqlite3.connect(source)
    target_connection = sqlite3.connect(target)
    try:
        with target_connection:
            source_connection.backup(target_connection)
    finally:
        target_connection.close()
        source_connection.close()


# --- Media --------------------------------------------------------------------------------------


def _media_backup(root: Path, directory: Path) -> int:
    count = 0
    with tarfile.open(directory / MEDIA_FILE, "w") as archive:
        if root.exists():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    return count


def _media_restore(directory: Path, root: Path) -> int:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(directory / MEDIA_FILE) as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(root, members=members, filter="data")
    return len(members)


# --- Services -----------------------------------------------------------------------------------


def backup_create(
    *, output: Path, database: dict[str, Any] | None = None, include_media: bool = True
) -> dict[str, Any]:
    """Write a backup of the database (and the media folder) into `output`, a new or empty
    directory. Returns the manifest."""
    database = database or settings.DATABASES["default"]
    vendor = database_vendor(database)
    output = Path(output)
    if vendor == "sqlite" and not Path(database["NAME"]).is_file():
        raise BackupError(_("De database %(name)s bestaat niet.") % {"name": database["NAME"]})
    if output.exists() and any(output.iterdir()):
        message = _("De map %(path)s is niet leeg; kies een nieuwe map per backup.")
        raise BackupError(message % {"path": output})
    output.mkdir(parents=True, exist_ok=True)

    if vendor == "postgresql":
        counts = _pg_backup(database, output)
        database_file = PG_DUMP_FILE
    else:
        _sqlite_copy(Path(database["NAME"]), output / SQLITE_FILE)
        counts = _sqlite_counts(output / SQLITE_FILE)
        database_file = SQLITE_FILE

    root = media_root() if include_media else None
    media: dict[str, Any]
    if root is not None:
        media = {"file": MEDIA_FILE, "files": _media_backup(root, output)}
    else:
        reason = "left out on request" if not include_media else "not on the local file system"
        media = {"file": None, "files": 0, "note": f"media {reason}: back up the bucket itself"}

    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database": database["NAME"] if vendor == "postgresql" else Path(database["NAME"]).name,
        "database_file": database_file,
        "media": media,
        "tables": counts,
        "rows": sum(counts.values()),
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def backup_read_manifest(*, directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise BackupError(
            _("Geen %(manifest)s in %(path)s: dit is geen backupmap.")
            % {"manifest": MANIFEST, "path": directory}
        ) from error
    except ValueError as error:
        raise BackupError(_("%(path)s is geen geldige JSON.") % {"path": path}) from error
    if manifest.get("format") != FORMAT_VERSION:
        message = _("Onbekend backupformaat %(format)r.")
        raise BackupError(message % {"format": manifest.get("format")})
    return manifest


def backup_restore(
    *,
    directory: Path,
    database: dict[str, Any] | None = None,
    force: bool = False,
    include_media: bool = True,
    jobs: int = 1,
) -> RestoreResult:
    """Restore a backup into a fresh database and the media folder, then compare every
    table's row count with the manifest (differences are in the result's `mismatches`)."""
    directory = Path(directory)
    database = database or settings.DATABASES["default"]
    manifest = backup_read_manifest(directory=directory)
    vendor = database_vendor(database)
    if manifest["vendor"] != vendor:
        raise BackupError(
            _("Deze backup is van %(source)s; de doeldatabase is %(target)s.")
            % {"source": manifest["vendor"], "target": vendor}
        )
    root = media_root() if include_media and manifest["media"]["file"] else None
    if root is not None and root.exists() and any(root.iterdir()) and not force:
        raise BackupError(
            _("De mediamap %(path)s is niet leeg. Gebruik --force om bestanden te overschrijven.")
            % {"path": root}
        )

    if vendor == "postgresql":
        _pg_restore(database, directory, force=force, jobs=jobs)
        counts = _pg_restored_counts(database)
    else:
        target = Path(database["NAME"])
        if target.exists() and _sqlite_counts(target) and not force:
            raise BackupError(
                _("De database %(name)s is niet leeg. Gebruik --force om ze te overschrijven.")
                % {"name": target}
            )
        _sqlite_copy(directory / SQLITE_FILE, target)
        counts = _sqlite_counts(target)

    media_files = _media_restore(directory, root) if root is not None else 0
    expected: dict[str, int] = manifest["tables"]
    mismatches = {
        table: (rows, counts.get(table))
        for table, rows in expected.items()
        if counts.get(table) != rows
    }
    return RestoreResult(
        database=str(database["NAME"]),
        tables=len(expected),
        rows=sum(counts.get(table, 0) for table in expected),
        media_files=media_files,
        mismatches=mismatches,
    )
