"""manage.py import_marc and the import service: formats, upserts, deletes, damaged files."""

import unicodedata

import pytest
from django.core.management import CommandError, call_command
from pymarc import Field, Leader, Record

from catalogue.models import Holding, ImportRun
from catalogue.models import Record as CatalogueRecord
from tests.factories.catalogue import (
    MarcRecordFactory,
    marc21_write,
    marcjson_write,
    marcxml_write,
    records_load,
)

pytestmark = pytest.mark.django_db


def _marc8_record_bytes() -> bytes:
    """A MARC-8 record (leader/09 blank), framed by hand because pymarc writes UTF-8:
    'é' is the MARC-8 combining acute 0xE2 before the 'e'."""
    fields = [
        (b"001", b"M8-1"),
        (b"008", b"250101s2025    be            000 1 fre d"),
        (b"100", b"1 \x1faSimenon, Georges"),
        (b"245", b"10\x1faCaf\xe2e de la gare"),
    ]
    directory = b""
    body = b""
    for tag, data in fields:
        data += b"\x1e"
        directory += tag + b"%04d%05d" % (len(data), len(body))
        body += data
    directory += b"\x1e"
    base = 24 + len(directory)
    length = base + len(body) + 1
    leader = b"%05dnam  22%05d i 4500" % (length, base)
    return leader + directory + body + b"\x1d"


def test_marc21_utf8_import_with_progress_and_import_run(tmp_path):
    path = marc21_write(
        tmp_path / "a.mrc",
        [MarcRecordFactory(record_id="1", title="Één rode draad"), MarcRecordFactory()],
    )
    out = []

    class Stdout:
        def write(self, text):
            out.append(text)

    call_command("import_marc", str(path), stdout=Stdout())
    assert CatalogueRecord.objects.get(record_id="1").title == "Één rode draad"
    assert CatalogueRecord.objects.count() == 2
    text = "".join(out)
    assert "gelezen 2" in text and "geïmporteerd 2" in text
    run = ImportRun.objects.get()
    assert (run.read, run.imported, run.rejected, run.deleted) == (2, 2, 0, 0)
    assert run.status == ImportRun.Status.DONE


def test_marc8_record_is_converted_to_unicode(tmp_path):
    path = tmp_path / "marc8.mrc"
    path.write_bytes(_marc8_record_bytes())
    call_command("import_marc", str(path), verbosity=0)
    title = CatalogueRecord.objects.get(record_id="M8-1").title
    assert unicodedata.normalize("NFC", title) == "Café de la gare"


def test_marcxml_and_json_formats(tmp_path):
    xml = marcxml_write(tmp_path / "r.xml", [MarcRecordFactory(record_id="X1", title="Xml-boek")])
    js = marcjson_write(tmp_path / "r.json", [MarcRecordFactory(record_id="J1", title="Jsonboek")])
    call_command("import_marc", str(xml), "--format", "marcxml", verbosity=0)
    call_command("import_marc", str(js), "--format", "json", verbosity=0)
    assert set(CatalogueRecord.objects.values_list("record_id", "title")) == {
        ("X1", "Xml-boek"),
        ("J1", "Jsonboek"),
    }


def test_reimport_is_idempotent_and_updates_fields_and_holdings(tmp_path):
    first = MarcRecordFactory(
        record_id="7",
        title="Oude titel",
        holdings=(("gent", "De Krook", "A", "beschikbaar", "2026-01-01"),),
    )
    records_load(tmp_path, [first])
    records_load(tmp_path, [first])
    assert CatalogueRecord.objects.count() == 1
    assert Holding.objects.count() == 1
    second = MarcRecordFactory(
        record_id="7",
        title="Nieuwe titel",
        holdings=(
            ("gent", "De Krook", "A", "uitgeleend", "2026-01-01"),
            ("gent", "Sint-Amandsberg", "A", "beschikbaar", "2026-01-01"),
        ),
    )
    report = records_load(tmp_path, [second])
    assert report.imported == 1
    assert CatalogueRecord.objects.get().title == "Nieuwe titel"
    assert sorted(Holding.objects.values_list("branch", "available")) == [
        ("De Krook", False),
        ("Sint-Amandsberg", True),
    ]
    # An export without 852 keeps the holdings that are stored.
    records_load(tmp_path, [MarcRecordFactory(record_id="7", title="Derde titel")])
    assert Holding.objects.count() == 2


def test_deletes_from_leader_and_from_delete_file(tmp_path):
    records_load(tmp_path, [MarcRecordFactory(record_id=str(n)) for n in range(1, 5)])
    deletes = tmp_path / "deletes.txt"
    deletes.write_text("# verwijderd\n3\n\n", encoding="utf-8")
    path = marc21_write(tmp_path / "d.mrc", [MarcRecordFactory(record_id="1", deleted=True)])
    call_command("import_marc", str(path), "--deletes", str(deletes), verbosity=0)
    assert sorted(CatalogueRecord.objects.values_list("record_id", flat=True)) == ["2", "4"]
    run = ImportRun.objects.first()
    assert (run.read, run.imported, run.deleted) == (2, 0, 2)


def test_damaged_file_reports_every_bad_record_and_imports_every_good_one(tmp_path, capsys):
    good = [MarcRecordFactory(record_id=f"G{n}") for n in range(4)]
    chunks = [r.as_marc() for r in good]
    bad_length = b"abcde" + MarcRecordFactory(record_id="BAD1").as_marc()[5:]
    wrong_length = MarcRecordFactory(record_id="BAD2").as_marc()
    wrong_length = b"%05d" % (len(wrong_length) - 7) + wrong_length[5:]
    truncated = MarcRecordFactory(record_id="BAD3").as_marc()[:-40]
    path = tmp_path / "damaged.mrc"
    path.write_bytes(chunks[0] + bad_length + chunks[1] + wrong_length + chunks[2] + truncated)
    with pytest.raises(CommandError) as raised:
        call_command("import_marc", str(path))
    assert raised.value.returncode == 2
    assert sorted(CatalogueRecord.objects.values_list("record_id", flat=True)) == [
        "G0",
        "G1",
        "G2",
    ]
    run = ImportRun.objects.get()
    assert (run.read, run.imported, run.rejected) == (6, 3, 3)
    assert run.read == run.imported + run.rejected + run.deleted
    assert run.status == ImportRun.Status.REJECTED
    assert [e["position"] for e in run.errors] == [2, 4, 6]
    assert [e["id"] for e in run.errors] == ["BAD1", "BAD2", "BAD3"]
    err = capsys.readouterr().err
    assert "damaged.mrc record 2 (001 BAD1)" in err
    assert "eindigt te vroeg" in err


def test_unparseable_record_and_missing_title_are_rejected_not_fatal(tmp_path):
    no_title = Record(force_utf8=True)
    no_title.leader = Leader("00000nam a2200000 i 4500")
    no_title.add_field(Field(tag="001", data="NT"))
    broken_directory = bytearray(MarcRecordFactory(record_id="BD").as_marc())
    broken_directory[24:36] = b"zzzzzzzzzzzz"
    path = tmp_path / "mixed.mrc"
    path.write_bytes(
        no_title.as_marc() + bytes(broken_directory) + MarcRecordFactory(record_id="OK").as_marc()
    )
    with pytest.raises(CommandError):
        call_command("import_marc", str(path), verbosity=0)
    assert list(CatalogueRecord.objects.values_list("record_id", flat=True)) == ["OK"]
    run = ImportRun.objects.get()
    assert (run.read, run.imported, run.rejected) == (3, 1, 2)
    assert any("titel" in e["reason"] for e in run.errors)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="niet gevonden"):
        call_command("import_marc", str(tmp_path / "nope.mrc"))


def test_parallel_workers_give_the_same_result(tmp_path):
    records = [MarcRecordFactory(record_id=f"P{n}") for n in range(30)]
    path = marc21_write(tmp_path / "p.mrc", records)
    call_command("import_marc", str(path), "--workers", "2", verbosity=0)
    assert CatalogueRecord.objects.count() == 30
