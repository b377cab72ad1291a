"""Reading site requests from CSV: the platform's own layout or the municipalities register.

Own layout (header row required, UTF-8, comma-separated):
    kind,name,slug[,hostname,municipality,nis_code,province,street,postal_code,city,email,phone]
Register layout (as published in the list of Belgian municipalities):
    NIS_code,municipality_NL,...,province_NL,...,region_NL,...,zip
    one site per municipality of the Flemish region, of the kind given on the command line.
Region layout (sitegen region): see region_specs below and docs/provisioning.md.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.text import slugify
from django.utils.translation import gettext as _

from home.models import SiteKind
from home.models.tenancy import Province
from sitegen.blueprints import BLUEPRINTS
from sitegen.services import SiteRequest

OWN_REQUIRED = ("kind", "name", "slug")
OWN_OPTIONAL = (
    "hostname",
    "municipality",
    "nis_code",
    "province",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
)
REGISTER_REQUIRED = ("NIS_code", "municipality_NL", "province_NL", "region_NL", "zip")
FLEMISH_REGION = "Vlaams Gewest"
PROVINCES_BY_LABEL = {label.lower(): value for value, label in Province.choices}


class CsvLayoutError(Exception):
    """The header cannot be read; no row is processed."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    kind: str | None
    request: SiteRequest | None
    error: str = ""
    skipped: str = ""


def _province(label: str) -> str:
    value = PROVINCES_BY_LABEL.get(label.strip().lower())
    if value is None and label.strip():
        raise ValueError(_("Onbekende provincie \u201c%(label)s\u201d.") % {"label": label})
    return value or ""


def csv_rows(*, stream: TextIO, kind: str | None = None) -> Iterator[CsvRow]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    if not header:
        raise CsvLayoutError(_("Het bestand is leeg of heeft geen kopregel."))
    header_set = set(header)
    if set(REGISTER_REQUIRED) <= header_set:
        yield from _register_rows(reader, kind or SiteKind.LIBRARY)
        return
    missing = [column for column in OWN_REQUIRED if column not in header_set]
    unknown = [column for column in header if column not in (*OWN_REQUIRED, *OWN_OPTIONAL)]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("ontbrekende kolommen: %(c)s") % {"c": ", ".join(missing)})
        if unknown:
            parts.append(_("onbekende kolommen: %(c)s") % {"c": ", ".join(unknown)})
        raise CsvLayoutError("; ".join(parts))
    yield from _own_rows(reader)


def _own_rows(reader: csv.DictReader) -> Iterator[CsvRow]:
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            yield CsvRow(line, None, None, error=_("Het aantal velden klopt niet met de kopregel."))
            continue
        values = {key: (value or "").strip() for key, value in row.items()}
        if not any(values.values()):
            continue
        kind = values["kind"]
        if kind not in BLUEPRINTS:
            yield CsvRow(
                line, None, None, error=_("Onbekende soort \u201c%(kind)s\u201d.") % {"kind": kind}
            )
            continue
        try:
            province = _province(values.get("province", ""))
        except ValueError as error:
            yield CsvRow(line, kind, None, error=str(error))
            continue
        yield CsvRow(
            line,
            kind,
            SiteRequest(
                name=values["name"],
                slug=values["slug"],
                hostname=values.get("hostname", ""),
                municipality=values.get("municipality", ""),
                nis_code=values.get("nis_code", ""),
                province=province,
                street=values.get("street", ""),
                postal_code=values.get("postal_code", ""),
                city=values.get("city", ""),
                email=values.get("email", ""),
                phone=values.get("phone", ""),
            ),
        )


def _register_rows(reader: csv.DictReader, kind: str) -> Iterator[CsvRow]:
    blueprint = BLUEPRINTS[kind]
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            yield CsvRow(line, None, None, error=_("Het aantal velden klopt niet met de kopregel."))
            continue
        if row["region_NL"].strip() != FLEMISH_REGION:
            yield CsvRow(line, kind, None, skipped=_("niet in het Vlaams Gewest"))
            continue
        municipality = row["municipality_NL"].strip()
        if not municipality:
            yield CsvRow(line, kind, None, error=_("De gemeente ontbreekt."))
            continue
        try:
            province = _province(row["province_NL"])
        except ValueError as error:
            yield CsvRow(line, kind, None, error=str(error))
            continue
        yield CsvRow(
            line,
            kind,
            SiteRequest(
                name=f"{blueprint.site_name_prefix} {municipality}",
                slug=slugify(municipality)[:63].strip("-"),
                municipality=municipality,
                nis_code=row["NIS_code"].strip(),
                province=province,
                postal_code=row["zip"].strip(),
                city=municipality,
            ),
        )


# --- Regions (sitegen region --csv) ----------------------------------------------------------
#
# One row per member municipality; one file may hold several regions (rows grouped by
# region_slug). Required: region_slug, region_name, kind (regiobib | regio-cc), nis_code,
# municipality. Optional: province, hostname (of the region's site), and the branch in that
# municipality: branch_name, street, postal_code, city, phone, email (no street: no branch page).

REGION_REQUIRED = ("region_slug", "region_name", "kind", "nis_code", "municipality")
REGION_OPTIONAL = (
    "province",
    "hostname",
    "branch_name",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
)
REGION_KINDS = (SiteKind.REGIONAL_LIBRARY, SiteKind.REGIONAL_CULTURE)


@dataclass(frozen=True)
class RegionMember:
    nis_code: str
    municipality: str
    branch_name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class RegionSpec:
    """A region read from the CSV; `errors` (Dutch, with line numbers) refuse it whole."""

    slug: str
    name: str
    kind: str
    province: str = ""
    hostname: str = ""
    members: list[RegionMember] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def region_specs(*, stream: TextIO) -> list[RegionSpec]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    if not header:
        raise CsvLayoutError(_("Het bestand is leeg of heeft geen kopregel."))
    missing = [column for column in REGION_REQUIRED if column not in header]
    unknown = [column for column in header if column not in (*REGION_REQUIRED, *REGION_OPTIONAL)]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("ontbrekende kolommen: %(c)s") % {"c": ", ".join(missing)})
        if unknown:
            parts.append(_("onbekende kolommen: %(c)s") % {"c": ", ".join(unknown)})
        raise CsvLayoutError("; ".join(parts))
    specs: dict[str, RegionSpec] = {}
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            raise CsvLayoutError(
                _("Regel %(line)s: het aantal velden klopt niet met de kopregel.") % {"line": line}
            )
        values = {key: (value or "").strip() for key, value in row.items()}
        if not any(values.values()):
            continue
        slug = values["region_slug"]
        spec = specs.get(slug)
        if spec is None:
            spec = specs[slug] = RegionSpec(
                slug=slug,
                name=values["region_name"],
                kind=values["kind"],
                hostname=values.get("hostname", ""),
            )
        _region_row_add(spec=spec, values=values, line=line)
    return list(specs.values())


def _region_row_add(*, spec: RegionSpec, values: dict[str, str], line: int) -> None:
    def error(message: str) -> None:
        spec.errors.append(_("Regel %(line)s: %(message)s") % {"line": line, "message": message})

    if values["kind"] not in REGION_KINDS:
        error(
            _("onbekende soort regio \u201c%(kind)s\u201d (regiobib of regio-cc).")
            % {"kind": values["kind"]}
        )
    elif values["kind"] != spec.kind or values["region_name"] != spec.name:
        error(_("een andere naam of soort dan de eerdere regels van deze regio."))
    try:
        province = _province(values.get("province", ""))
    except ValueError as exception:
        error(str(exception))
    else:
        if province and spec.province and province != spec.province:
            error(_("een regio ligt in één provincie."))
        spec.province = spec.province or province
    if not values["municipality"]:
        error(_("de gemeente ontbreekt."))
    if not re.fullmatch(r"\d{5}", values["nis_code"]):
        error(_("een NIS-code bestaat uit 5 cijfers."))
    elif any(member.nis_code == values["nis_code"] for member in spec.members):
        error(_("deze gemeente staat al in de regio."))
    if values.get("street") and not re.fullmatch(r"\d{4}", values.get("postal_code", "")):
        error(_("een Belgische postcode heeft 4 cijfers."))
    spec.members.append(
        RegionMember(
            nis_code=values["nis_code"],
            municipality=values["municipality"],
            branch_name=values.get("branch_name", ""),
            street=values.get("street", ""),
            postal_code=values.get("postal_code", ""),
            city=values.get("city", "") or values["municipality"],
            phone=values.get("phone", ""),
            email=values.get("email", ""),
        )
    )
