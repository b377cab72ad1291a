"""manage.py import_uitdatabank --site SLUG [--file PATH ... | --url URL] [--full]"""

from django.core.management.base import BaseCommand, CommandError

from events.services import (
    items_from_files,
    items_from_url,
    selection_url_for_site,
    uitdatabank_import,
)
from home.models import Tenant


class Command(BaseCommand):
    help = "Import events from UiTdatabank (files or the Search API) into a site's agenda."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="slug of the site (Tenant)")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", nargs="+", dest="files", help="JSON-LD files")
        source.add_argument("--url", help="a Search API URL; default: the site's selection")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the source is the whole selection: withdraw events missing from it "
            "(implied when importing the site's own selection)",
        )

    def handle(self, *args, site: str, files=None, url=None, full=False, **options):
        tenant = Tenant.objects.select_related("site").filter(slug=site).first()
        if tenant is None:
            raise CommandError(f"Onbekende website: {site}")
        if files:
            items, source = items_from_files(files), ", ".join(files)
        else:
            if url is None:
                url = selection_url_for_site(site=tenant.site)
                full = True
                if url is None:
                    raise CommandError(
                        "Deze website heeft geen UiTdatabank-selectie; geef --url of --file."
                    )
            items, source = items_from_url(url), url
        run = uitdatabank_import(site=tenant.site, items=items, source=source, full=full)
        self.stdout.write(
            f"{run.get_outcome_display()}: {run.seen} gezien, {run.created} nieuw, "
            f"{run.updated} bijgewerkt, {run.unchanged} ongewijzigd, {run.rejected} geweigerd, "
            f"{run.withdrawn} teruggetrokken."
        )
        for rejection in run.rejections:
            self.stdout.write(f"  geweigerd {rejection['id']}: {rejection['reason']}")
        if run.error:
            raise CommandError(run.error)
