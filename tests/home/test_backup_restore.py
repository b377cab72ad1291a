"""Backup and restore: a dump of a provisioned site restored into a fresh PostgreSQL database
has the same rows per table and renders the same home page; media come back; a non-empty
target is refused. The SQLite path is checked on a small file of its own."""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

import home.backup
from home.backup import BackupError, backup_create, backup_restore
from tests.factories.html import soup_of

RENDER = """
import json
from bs4 import BeautifulSoup
from django.test import Client
response = Client(HTTP_HOST={host!r}).get("/")
main = BeautifulSoup(response.content, "html.parser").select_one("main")
print("RESULT", json.dumps([response.status_code, " ".join(main.get_text(" ").split())]))
"""


def media_settings(root):
    return override_settings(
        MEDIA_ROOT=str(root),
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root)},
            },
        },
    )


def main_text(response) -> str:
    return " ".join(soup_of(response).select_one("main").get_text(" ").split())


def pg_kwargs() -> dict:
    database = settings.DATABASES["default"]
    kwargs = {"host": database["HOST"], "port": database["PORT"]}
    kwargs.update(user=database["USER"], password=database["PASSWORD"])
    return {key: value for key, value in kwargs.items() if value}


def pg_counts(dbname: str) -> dict[str, int]:
    with psycopg.connect(dbname=dbname, **pg_kwargs()) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        return {
            f"public.{table}": conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for (table,) in tables
        }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="PostgreSQL client tools missing")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_into_a_fresh_postgresql_database(site_a, tmp_path, monkeypatch):
    database = settings.DATABASES["default"]
    live_home = main_text(site_a.client_for().get("/"))
    run = home.backup._run

    def write_while_dumping(command, *, env):
        # A visitor's write between the row counts and pg_dump: neither the manifest nor the
        # dump may see it (one snapshot), or the restore's verification would fail.
        if command[0] == "pg_dump":
            with psycopg.connect(dbname=database["NAME"], autocommit=True, **pg_kwargs()) as conn:
                conn.execute("INSERT INTO taggit_tag (name, slug) VALUES ('laat', 'laat')")
        run(command, env=env)

    monkeypatch.setattr(home.backup, "_run", write_while_dumping)
    with media_settings(tmp_path / "media"):
        storages["default"].save("original_images/logo.png", ContentFile(b"\x89PNG fake"))
        call_command("backup", output=tmp_path / "backup", stdout=io.StringIO())

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["vendor"] == "postgresql"
    assert manifest["media"]["files"] == 1
    live = pg_counts(database["NAME"])
    assert live["public.taggit_tag"] == manifest["tables"]["public.taggit_tag"] + 1
    assert manifest["tables"] == {**live, "public.taggit_tag": live["public.taggit_tag"] - 1}
    assert manifest["tables"]["public.wagtailcore_site"] >= 1

    fresh = f"test_bibnet_restore_{uuid.uuid4().hex[:8]}"
    url = (
        f"postgres://{database['USER'] or ''}:{database['PASSWORD'] or ''}"
        f"@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{fresh}"
    )
    try:
        with media_settings(tmp_path / "restored-media"):
            call_command(
                "restore",
                input=tmp_path / "backup",
                database_url=url,
                stdout=io.StringIO(),
            )
            assert (tmp_path / "restored-media/original_images/logo.png").read_bytes() == (
                b"\x89PNG fake"
            )
            # the restored database now has tables: a second restore is refused
            with pytest.raises(CommandError, match="niet leeg"):
                call_command("restore", input=tmp_path / "backup", database_url=url, no_media=True)

        assert pg_counts(fresh) == manifest["tables"]

        # the site renders from the restored database, in a process of its own
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", RENDER.format(host=site_a.hostname)],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
        status, restored_home = json.loads(line.removeprefix("RESULT "))
        assert status == 200
        assert restored_home == live_home
        assert "Bibliotheek Gent" in restored_home
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **pg_kwargs()) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def make_sqlite(path, rows: int) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE boek (id integer primary key, titel text)")
        connection.executemany(
            "INSERT INTO boek (titel) VALUES (?)", [(f"Boek {i}",) for i in range(rows)]
        )
    connection.close()


def test_sqlite_backup_and_restore(tmp_path):
    source = tmp_path / "bron.sqlite3"
    make_sqlite(source, rows=25)
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)}
    manifest = backup_create(output=tmp_path / "backup", database=sqlite, include_media=False)
    assert manifest["tables"] == {"main.boek": 25}
    assert manifest["media"]["file"] is None

    target = tmp_path / "doel.sqlite3"
    result = backup_restore(directory=tmp_path / "backup", database={**sqlite, "NAME": str(target)})
    assert (result.tables, result.rows, result.mismatches) == (1, 25, {})
    with sqlite3.connect(target) as restored:
        assert restored.execute("SELECT titel FROM boek WHERE id = 25").fetchone() == ("Boek 24",)

    # a non-empty target is refused unless forced
    with pytest.raises(BackupError, match="niet leeg"):
        backup_restore(directory=tmp_path / "backup", database={**sqlite, "NAME": str(target)})
    # a backup into a directory that is not empty is refused
    with pytest.raises(BackupError, match="niet leeg"):
        backup_create(output=tmp_path / "backup", database=sqlite, include_media=False)


def test_restore_of_a_folder_without_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="geen backupmap"):
        call_command("restore", input=tmp_path)


def test_pg_dump_gets_credentials_and_libpq_options_through_the_environment():
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "bibnet",
        "USER": "bibnet",
        "PASSWORD": "geheim",
        "HOST": "db.internal",
        "PORT": 6432,
        "OPTIONS": {"sslmode": "verify-full", "pool": True, "server_side_binding": True},
    }
    env = home.backup._pg_env(database)
    assert (env["PGPASSWORD"], env["PGHOST"], env["PGPORT"]) == ("geheim", "db.internal", "6432")
    assert env["PGSSLMODE"] == "verify-full"
    kwargs = home.backup._pg_connect_kwargs(database, dbname="postgres")
    assert kwargs == {
        "dbname": "postgres",
        "user": "bibnet",
        "password": "geheim",
        "host": "db.internal",
        "port": "6432",
        "sslmode": "verify-full",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts PostgreSQL tables")
def test_row_counts_leave_out_temporary_tables(db):
    # A temporary table (an import's COPY staging table) is not in a dump: counting it would
    # make every restore "differ".
    with psycopg.connect(dbname=settings.DATABASES["default"]["NAME"], **pg_kwargs()) as conn:
        conn.execute("CREATE TEMPORARY TABLE staging_rows (id integer)")
        counts = home.backup._pg_counts(conn)
    assert "public.wagtailcore_page" in counts
    assert not [name for name in counts if name.startswith("pg_")]
