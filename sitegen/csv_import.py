"""Reading site requests from CSV: the platform's own layout or the municipalities register.

Own layout (header row required, UTF-8, comma-separated):
    kind,name,slug[,hostname,municipality,nis_code,province,street,postal_code,city,email,phone]
Register layout (as published in the list of Belgian municipalities):
    NIS_code,municipality_NL,...,province_NL,...,region_NL,...,zip
    one site per municipality of the Flemish region, of the kind given on the command line.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
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
