import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.readers import FORMATS
from catalogue.services import ImportReport, records_import
from catalogue.tasks import recommendations_refresh_task


class Command(BaseCommand):
    help = (
        "Import Open Vlacc MARC records (ISO 2709, MARCXML or MARC-in-JSON) into the local index."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=FORMATS, default=None, help="default: by suffix")
        parser.add_argument(
            "--deletes", action="append", type=Path, default=[], help="file of ids to delete"
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--no-recommendations",
            action="store_true",
            help="do not recompute the recommendations after the import (the nightly run will)",
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help=(
                "a full reload (PostgreSQL): load the records into new tables without indexes, "
                "build the indexes and the count index once and swap the tables in at the end; "
                "records the files do not carry are kept. Searches read the previous catalogue "
                "until the import is done; a failed import changes nothing"
            ),
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="processes that parse ISO 2709 (default 1)"
        )

    def handle(self, *args, files, format, deletes, batch_size, workers, **options):
        for path in [*files, *deletes]:
            if not path.is_file():
                raise CommandError(f"Bestand niet gevonden: {path}")
        started = time.monotonic()

        def progress(report: ImportReport) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"gelezen {report.read}  geïmporteerd {report.imported}  "
                f"geweigerd {report.rejected}  verwijderd {report.deleted}  "
                f"({report.read / elapsed:.0f} records/s)"
            )

        report = records_import(
            paths=files,
            fmt=format,
            delete_paths=deletes,
            progress=progress if options["verbosity"] >= 1 else None,
            batch_size=batch_size,
            workers=max(1, min(workers, 8)),
            bulk=options["bulk"],
        )
        elapsed = time.monotonic() - started
        if (report.imported or report.deleted) and not options["no_recommendations"]:
            recommendations_refresh_task.enqueue()
        for error in report.errors:
            ident = f" (001 {error.record_id})" if error.record_id else ""
            self.stderr.write(f"{error.source} record {error.position}{ident}: {error.reason}")
        if report.steps and options["verbosity"] >= 2:
            steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.steps.items())
            self.stdout.write(f"Na het laden (seconden per stap): {steps}")
        self.stdout.write(
            f"Klaar in {elapsed:.1f} s: gelezen {report.read}, geïmporteerd {report.imported}, "
            f"geweigerd {report.rejected}, verwijderd {report.deleted}."
        )
        if not report.reconciles:
            raise CommandError(
                "De tellingen kloppen niet: gelezen ≠ geïmporteerd + geweigerd + verwijderd."
            )
        if report.rejected:
            raise CommandError(f"{report.rejected} records geweigerd, zie hierboven.", returncode=2)
