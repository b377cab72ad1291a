"""MARC records for the catalogue tests, written with pymarc (invented content), and a helper
that imports them through the real import service."""

from __future__ import annotations

import json
from pathlib import Path

import factory
from pymarc import XMLWriter

from catalogue.services import ImportReport, records_import
from catalogue.synthetic import marc_record


class MarcRecordFactory(factory.Factory):
    """A pymarc Record; any keyword of catalogue.synthetic.marc_record can be overridden."""

    class Meta:
        model = marc_record

    record_id = factory.Sequence(lambda n: f"T{n:06d}")
    title = factory.Sequence(lambda n: f"Testtitel nummer {n}")
    author = "Peeters, Sofie"
    year = 2021
    publisher = "Lannoo"
    place = "Tielt"
    physical = "212 p."
    audience = "volwassenen"


def marc21_write(path: Path, records) -> Path:
    with path.open("wb") as handle:
        for record in records:
            handle.write(record.as_marc())
    return path


def marcxml_write(path: Path, records) -> Path:
    writer = XMLWriter(path.open("wb"))
    for record in records:
        writer.write(record)
    writer.close()
    return path


def marcjson_write(path: Path, records) -> Path:
    path.write_text(json.dumps([record.as_dict() for record in records]), encoding="utf-8")
    return path


def records_load(tmp_path: Path, records, name: str = "records.mrc") -> ImportReport:
    """Write the records as ISO 2709 and import them with the import service."""
    return records_import(paths=[marc21_write(tmp_path / name, list(records))], fmt="marc21")
