"""MARC records for the catalogue tests, written with pymarc (invented content), a helper that
imports them through the real import service, and the generated catalogue (catalogue.synthetic)
that the search and count index tests share, with brute-force counts to compare against."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import factory
import pytest
from django.db import connection
from pymarc import XMLWriter

from catalogue.services import ImportReport, records_import
from catalogue.synthetic import marc_record, synthetic_records

# The generated titles' most frequent noun ("Het geheim van ..."): a broad word there.
SYNTHETIC_WORD = "geheim"


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


def synthetic_write(path: Path, count: int, *, seed: int = 7) -> Path:
    """`count` generated records (catalogue.synthetic, fixed seed and date) as ISO 2709."""
    return marc21_write(path, synthetic_records(count, seed=seed, today=date(2026, 11, 1)))


@pytest.fixture
def synthetic_marc_file(tmp_path) -> Path:
    """200 generated records in a file, not imported."""
    return synthetic_write(tmp_path / "generated.mrc", 200)


@pytest.fixture
def synthetic_catalogue(db, tmp_path) -> ImportReport:
    """400 generated records, imported."""
    report = records_import(paths=[synthetic_write(tmp_path / "generated.mrc", 400)])
    assert report.imported == 400
    return report


def text_matches(text: str) -> list[tuple[str, str, int | None, str]]:
    """(record id, work key, year, normalised title) of every record the text matches,
    straight from the text index: the brute force the count index is compared with."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT record_id, work_key, year, title_norm FROM catalogue_record "
            "WHERE search_vector @@ websearch_to_tsquery('bibnet_dutch', %s)",
            [text],
        )
        return cursor.fetchall()


def facet_key_counts(conditions: list[str], params: list) -> tuple[int, Counter]:
    """Works and records per facet key (ISBNs left out) of the records that meet every
    condition, counted over all of them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT work_key, facet_keys FROM catalogue_record "
            f"WHERE {' AND '.join(conditions) or 'true'}",
            params,
        )
        rows = cursor.fetchall()
    keys = Counter(
        key
        for _work, facet_keys in rows
        for key in (json.loads(facet_keys) if isinstance(facet_keys, str) else facet_keys)
        if not key.startswith("i:")
    )
    return len({work for work, _keys in rows}), keys
