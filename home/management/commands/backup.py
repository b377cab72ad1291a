"""manage.py backup --output DIR: the database (pg_dump / SQLite backup API), the media folder
and a manifest with row counts. See docs/operations.md, "Backup and restore"."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from home.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media folder into a new directory, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="new or empty directory")
        parser.add_argument("--no-media", action="store_true", help="leave the media folder out")

    def handle(self, *args, output: Path, no_media: bool, **options):
        try:
            manifest = backup_create(output=output, include_media=not no_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        media = manifest["media"]
        self.stdout.write(
            f"Backup in {output}: {manifest['vendor']}, {len(manifest['tables'])} tables, "
            f"{manifest['rows']} rows, "
            + (f"{media['files']} media files." if media["file"] else f"{media['note']}.")
        )
