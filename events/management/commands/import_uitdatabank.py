"""manage.py import_uitdatabank (--site SLUG | --all) [--file PATH ... | --url URL] [--full]"""

from django.core.management.base import BaseCommand, CommandError

from events.models import ImportRun
from events.services import (
    items_from_files,
    items_from_url,
    sites_with_selection,
    uitdatabank_import,
    uitdatabank_import_site,
)
from home.models import Tenant


class Command(BaseCommand):
    help = "Import events from UiTdatabank (files or the Search API) into a site's agenda."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--site", help="slug of the site (Tenant)")
        target.add_argument(
            "--all", action="store_true", help="every site with a UiTdatabank selection"
        )
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--file",
            action="append",
            nargs="+",
            dest="files",
            help="JSON-LD files (the option may be repeated; every file is read)",
        )
        source.add_argument("--url", help="a Search API URL; default: the site's selection")
        parser.add_argument(
            "--full",
            action="store_true",
            help="read the whole selection and withdraw events missing from it "
            "(default for the selection: only what changed since the last successful run)",
        )

    def handle(self, *args, site=None, files=None, url=None, full=False, **options):
        if options.get("all"):
            if files or url:
                raise CommandError("--all leest de selectie van elke website: geen --file/--url.")
            failed = 0
            for target in sites_with_selection():
                run = uitdatabank_import_site(site=target, full=full)
                failed += run.outcome == ImportRun.Outcome.FAILED
                self._report(run, prefix=f"{target.site_name or target.hostname}: ")
            if failed:
                raise CommandError(f"{failed} website(s) mislukt.")
            return
        tenant = Tenant.objects.select_related("site").filter(slug=site).first()
        if tenant is None:
            raise CommandError(f"Onbekende website: {site}")
        if files:
            paths = [path for group in files for path in group]
            run = uitdatabank_import(
                site=tenant.site, items=items_from_files(paths), source=", ".join(paths), full=full
            )
        elif url:
            items = items_from_url(url)
            run = uitdatabank_import(site=tenant.site, items=items, source=url, full=full)
        else:
            run = uitdatabank_import_site(site=tenant.site, full=full)
            if run.outcome == ImportRun.Outcome.FAILED and not run.source:
                raise CommandError(
                    "Deze website heeft geen UiTdatabank-selectie; geef --url of --file."
                )
        self._report(run)
        if run.error:
            raise CommandError(run.error_display)

    def _report(self, run: ImportRun, prefix: str = "") -> None:
        self.stdout.write(
            f"{prefix}{run.get_outcome_display()}: {run.seen} gezien, {run.created} nieuw, "
            f"{run.updated} bijgewerkt, {run.unchanged} ongewijzigd, {run.rejected} geweigerd, "
            f"{run.withdrawn} teruggetrokken."
        )
        for ident, reason in run.rejection_lines():
            self.stdout.write(f"  {ident}: {reason}")
