import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from home.models import SiteKind, Tenant
from home.models.tenancy import Province
from home.page_bulk import search_indexing_deferred
from sitegen.blueprints import BLUEPRINTS
from sitegen.csv_import import CsvLayoutError, CsvRow, csv_rows, region_specs
from sitegen.push import SiteSyncResult, blueprint_sync
from sitegen.services import (
    ProvisioningError,
    SiteRequest,
    network_site_provision,
    provision_site,
    region_provision,
)


class Command(BaseCommand):
    help = "Provision and list the sites of the network."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        provision = sub.add_parser("provision", help="Create one site from a blueprint.")
        provision.add_argument("--kind", required=True, choices=[k.value for k in SiteKind])
        provision.add_argument("--name", required=True)
        provision.add_argument("--slug", required=True)
        provision.add_argument("--hostname", default="")
        provision.add_argument("--port", type=int, default=None)
        provision.add_argument("--municipality", default="")
        provision.add_argument("--nis-code", default="")
        provision.add_argument("--province", default="", choices=["", *Province.values])
        provision.add_argument("--street", default="")
        provision.add_argument("--postal-code", default="")
        provision.add_argument("--city", default="")
        provision.add_argument("--email", default="")
        provision.add_argument("--phone", default="")

        bulk = sub.add_parser("bulk", help="Create many sites from a CSV file.")
        bulk.add_argument("--csv", required=True, type=Path)
        bulk.add_argument(
            "--kind",
            default=SiteKind.LIBRARY.value,
            choices=[k.value for k in SiteKind],
            help="Kind of site for the municipalities register layout.",
        )
        bulk.add_argument("--limit", type=int, default=None, help="Stop after N sites.")

        sub.add_parser("list", help="List the sites of the network.")

        region = sub.add_parser(
            "region", help="Create or update regional sites from a CSV of member municipalities."
        )
        region.add_argument("--csv", required=True, type=Path)

        network = sub.add_parser(
            "network", help="Create or update the network site (agenda and search of all sites)."
        )
        network.add_argument("--hostname", default="", help="Default: NETWORK_HOSTNAME.")
        network.add_argument("--port", type=int, default=None)

        sync = sub.add_parser(
            "sync", help="Add what the blueprint gained to every existing site of a kind."
        )
        sync.add_argument("--kind", required=True, choices=[k.value for k in SiteKind])
        sync.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args, **options) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_provision(self, options: dict) -> None:
        request = SiteRequest(
            name=options["name"],
            slug=options["slug"],
            hostname=options["hostname"],
            port=options["port"],
            municipality=options["municipality"],
            nis_code=options["nis_code"],
            province=options["province"],
            street=options["street"],
            postal_code=options["postal_code"],
            city=options["city"],
            email=options["email"],
            phone=options["phone"],
        )
        started = time.perf_counter()
        try:
            result = provision_site(blueprint=BLUEPRINTS[options["kind"]], request=request)
        except ProvisioningError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        site = result.tenant.site
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {site.site_name} at {site.root_url}/ in {elapsed:.2f} s "
                    f"({len(result.pages_created)} pages)"
                )
            )
        else:
            added = ", ".join(result.pages_created) or "nothing"
            self.stdout.write(
                f"{site.site_name} already exists at {site.root_url}/; added: {added}"
            )

    def handle_region(self, options: dict) -> None:
        path: Path = options["csv"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                specs = region_specs(stream=stream)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except CsvLayoutError as error:
            raise CommandError(f"{path}: {error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8: {error}") from error
        failed = []
        for spec in specs:
            try:
                result = region_provision(spec=spec)
            except ProvisioningError as error:
                failed.append(spec.slug)
                self.stderr.write(f"{spec.slug}: FAILED {error}")
                continue
            state = "created" if result.created else "exists"
            self.stdout.write(
                f"{spec.slug}: {state} at {result.tenant.site.root_url}/; municipalities "
                f"added: {', '.join(result.municipalities_added) or 'none'}; removed: "
                f"{', '.join(result.municipalities_removed) or 'none'}; branch pages created: "
                f"{', '.join(result.branches_created) or 'none'}"
            )
        if failed:
            sys.exit(1)

    def handle_network(self, options: dict) -> None:
        try:
            result = network_site_provision(hostname=options["hostname"], port=options["port"])
        except ProvisioningError as error:
            raise CommandError(str(error)) from error
        site = result.tenant.site
        state = "Created" if result.created else "Updated"
        self.stdout.write(
            f"{state} the network site at {site.root_url}/; pages added: "
            f"{', '.join(result.pages_created) or 'none'}"
        )

    def handle_bulk(self, options: dict) -> None:
        path: Path = options["csv"]
        try:
            stream = path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        counts = {"created": 0, "existing": 0, "skipped": 0}
        failed: list[tuple[int, str]] = []
        started = time.perf_counter()
        with stream:
            try:
                rows = list(csv_rows(stream=stream, kind=options["kind"]))
            except CsvLayoutError as error:
                raise CommandError(f"{path}: {error}") from error
            except UnicodeDecodeError as error:
                raise CommandError(f"{path} is not UTF-8: {error}") from error
        if options["limit"] is not None:
            rows = rows[: options["limit"]]
        # Each row is its own transaction; the search index gets the pages of all of them at
        # the end, in one batch per page model (see home.page_bulk).
        with search_indexing_deferred():
            self._bulk_rows(rows, started=started, counts=counts, failed=failed)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Done in {elapsed:.1f} s: {counts['created']} created, {counts['existing']} "
            f"already existed, {counts['skipped']} skipped, {len(failed)} failed."
        )
        if failed:
            for line, message in failed:
                self.stderr.write(f"line {line}: {message}")
            sys.exit(1)

    def _bulk_rows(
        self,
        rows: list[CsvRow],
        *,
        started: float,
        counts: dict[str, int],
        failed: list[tuple[int, str]],
    ) -> None:
        total = len(rows)
        for number, row in enumerate(rows, start=1):
            prefix = f"[{number}/{total}] line {row.line}"
            if row.skipped:
                counts["skipped"] += 1
                self.stdout.write(f"{prefix}: skipped ({row.skipped})")
                continue
            if row.error or row.request is None:
                failed.append((row.line, row.error))
                self.stdout.write(self.style.ERROR(f"{prefix}: FAILED {row.error}"))
                continue
            try:
                result = provision_site(blueprint=BLUEPRINTS[row.kind], request=row.request)
            except ProvisioningError as error:
                failed.append((row.line, str(error)))
                self.stdout.write(self.style.ERROR(f"{prefix} {row.request.slug}: FAILED {error}"))
                continue
            if result.created:
                counts["created"] += 1
                self.stdout.write(
                    f"{prefix} {row.request.slug}: created {result.tenant.site.root_url}/"
                )
            else:
                counts["existing"] += 1
                self.stdout.write(f"{prefix} {row.request.slug}: exists")
            if number % 25 == 0:
                rate = number / (time.perf_counter() - started)
                self.stdout.write(f"  progress {number}/{total} ({rate:.1f} rows/s)")

    def handle_list(self, options: dict) -> None:
        tenants = Tenant.objects.select_related("site").order_by("slug")
        self.stdout.write(f"{'slug':<30} {'kind':<20} {'version':>7}  address")
        for tenant in tenants:
            self.stdout.write(
                f"{tenant.slug:<30} {tenant.kind:<20} {tenant.blueprint_version:>7}  "
                f"{tenant.site.root_url}/"
            )
        self.stdout.write(f"{tenants.count()} sites")

    def handle_sync(self, options: dict) -> None:
        blueprint = BLUEPRINTS[options["kind"]]
        dry_run = options["dry_run"]
        started = time.perf_counter()
        self.stdout.write(
            f"Sync of {blueprint.kind} sites to blueprint version {blueprint.version}"
            + (" (dry run: nothing is changed)" if dry_run else "")
        )

        def on_site(number: int, total: int, result: SiteSyncResult) -> None:
            prefix = f"[{number}/{total}] {result.tenant.slug}"
            versions = f"v{result.version_before} -> v{result.version_after}"
            added = ", ".join(result.pages + result.settings) or "nothing"
            if result.status == "up-to-date":
                line = f"{prefix}: up to date (v{result.version_after})"
            elif result.status == "dry-run":
                line = f"{prefix}: would add {added} ({versions})"
            elif result.status == "bijgewerkt":
                line = self.style.SUCCESS(f"{prefix}: added {added} ({versions})")
            else:
                line = self.style.ERROR(f"{prefix}: FAILED {result.error}")
            self.stdout.write(line)
            if number % 25 == 0 and number < total:
                rate = number / (time.perf_counter() - started)
                self.stdout.write(f"  progress {number}/{total} ({rate:.1f} sites/s)")

        with search_indexing_deferred():  # one search index batch for all sites
            report = blueprint_sync(blueprint=blueprint, dry_run=dry_run, on_site=on_site)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Done in {elapsed:.1f} s: {report.count('bijgewerkt')} updated, "
            f"{report.count('dry-run')} to update, {report.count('up-to-date')} up to date, "
            f"{report.count('mislukt')} failed."
        )
        if report.count("mislukt"):
            raise CommandError("Some sites failed; run the command again to resume.")
