"""manage.py restore --input DIR [--database-url URL] [--force]: restore a backup into a fresh
database (created when missing) and the media folder, then check the row count of every table
against the manifest. See docs/operations.md, "Backup and restore"."""

from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from home.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup into a fresh database and the media folder, and verify row counts."
    # The target database may not exist yet: no system checks that could touch it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help="a backup directory")
        parser.add_argument(
            "--database-url",
            help="target database (default: DATABASE_URL, the configured database)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite a database that has tables and media files that exist",
        )
        parser.add_argument("--no-media", action="store_true", help="leave the media alone")
        parser.add_argument("--jobs", type=int, default=1, help="parallel pg_restore jobs")

    def handle(self, *args, input: Path, database_url, force, no_media, jobs, **options):
        database = dj_database_url.parse(database_url) if database_url else None
        try:
            result = backup_restore(
                directory=input,
                database=database,
                force=force,
                include_media=not no_media,
                jobs=jobs,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result.mismatches:
            lines = [
                f"  {table}: {expected} in the backup, {found} restored"
                for table, (expected, found) in sorted(result.mismatches.items())
            ]
            raise CommandError("Row counts differ from the manifest:\n" + "\n".join(lines))
        self.stdout.write(
            f"Restored into {result.database}: {result.tables} tables, {result.rows} rows "
            f"(counts match the manifest), {result.media_files} media files."
        )
