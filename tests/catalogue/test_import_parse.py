"""The lean ISO 2709 decoder of well-formed UTF-8 records (readers._utf8_record_parse) gives
what pymarc gives, and leaves everything unusual to pymarc."""

from datetime import date

from pymarc import Indicators
from pymarc import Record as MarcRecord

from catalogue.readers import _record_parse, _utf8_record_parse
from catalogue.synthetic import synthetic_records
from tests.factories.catalogue import MarcRecordFactory


def _pymarc(chunk: bytes) -> MarcRecord:
    return MarcRecord(
        data=chunk,
        to_unicode=True,
        force_utf8=True,
        hide_utf8_warnings=True,
        utf8_handling="strict",
    )


def _fields(record: MarcRecord) -> list[tuple]:
    return [(f.tag, f.data, f.indicators, f.subfields, f.control_field) for f in record.fields]


def test_the_lean_decoder_gives_pymarcs_record():
    records = [
        *synthetic_records(300, seed=3, today=date(2026, 11, 1)),
        MarcRecordFactory(
            record_id="Ü1",
            title="Één, twee: het café van Zoë",
            author="Brontë, Émile",
            summary="Tabs\tand\nnewlines, backslashes \\ and ‘quotes’",
            subjects=("Geschiedenis ; België",),
        ),
    ]
    for record in records:
        chunk = record.as_marc()
        lean = _utf8_record_parse(chunk)
        reference = _pymarc(chunk)
        assert lean is not None
        assert str(lean.leader) == str(reference.leader)
        assert _fields(lean) == _fields(reference)
        assert lean.as_marc() == reference.as_marc() == chunk


def _framed(fields: list[tuple[bytes, bytes]]) -> bytes:
    """An ISO 2709 UTF-8 record framed by hand (pymarc always writes two indicators)."""
    directory = body = b""
    for tag, data in fields:
        data += b"\x1e"
        directory += tag + b"%04d%05d" % (len(data), len(body))
        body += data
    directory += b"\x1e"
    base = 24 + len(directory)
    return b"%05dnam a22%05d i 4500" % (base + len(body) + 1, base) + directory + body + b"\x1d"


def test_unusual_records_are_left_to_pymarc():
    one_indicator = _framed([(b"001", b"X1"), (b"245", b"1\x1faZonder indicator")])
    assert _utf8_record_parse(one_indicator) is None
    # pymarc reads it (with a blank second indicator), as it always did.
    assert _record_parse(one_indicator)["245"].indicators == Indicators("1", " ")

    good = _framed([(b"001", b"X2"), (b"245", b"10\x1faZonder fouten")])
    assert _fields(_utf8_record_parse(good)) == _fields(_pymarc(good))
    # Invalid UTF-8: pymarc's path repairs it as Windows-1252.
    broken = good.replace(b"Zonder", b"Z\xe9nder")
    assert _utf8_record_parse(broken) is None
    assert _record_parse(broken)["245"]["a"] == "Zénder fouten"
    # A damaged directory, a base address outside the record.
    assert _utf8_record_parse(good[:30] + b"x" + good[31:]) is None
    assert _utf8_record_parse(good[:12] + b"99999" + good[17:]) is None
