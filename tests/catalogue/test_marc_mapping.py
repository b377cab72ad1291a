"""The MARC21 -> index mapping, field by field (no database)."""

from pymarc import Field, Leader, Record, Subfield

from catalogue.marc import Audience, Material, isbn_normalise, record_map, work_key_for
from tests.factories.catalogue import MarcRecordFactory


def _record(leader="00000nam a2200000 i 4500", f008="", f007="", fields=()):
    record = Record(force_utf8=True)
    record.leader = Leader(leader)
    record.add_field(Field(tag="001", data="42"))
    if f007:
        record.add_field(Field(tag="007", data=f007))
    record.add_field(Field(tag="008", data=f008 or "250301s2025    be            000 1 dut d"))
    for tag, subfields in fields:
        record.add_field(
            Field(tag=tag, indicators=[" ", " "], subfields=[Subfield(c, v) for c, v in subfields])
        )
    if not any(tag == "245" for tag, _s in fields):
        record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", "T")]))
    return record


def test_open_vlacc_record_maps_every_described_field():
    record = _record(
        f008="250301s2025    be    j       000 1 dut d",
        fields=[
            ("020", [("a", "978-90-223-3908-4"), ("q", "paperback")]),
            ("020", [("a", "90-223-3908-4")]),
            ("041", [("a", "dut"), ("h", "eng")]),
            ("084", [("a", "859.3")]),
            ("100", [("a", "Jansen, Marieke ,"), ("d", "1970-"), ("4", "aut")]),
            ("245", [("a", "De stille zee :"), ("b", "een verhaal /"), ("c", "Marieke Jansen")]),
            ("250", [("a", "2de druk.")]),
            ("264", [("a", "Tielt :"), ("b", "Lannoo,"), ("c", "2025")]),
            ("300", [("a", "212 p. :"), ("b", "ill.")]),
            ("490", [("a", "Zeereeks ;"), ("v", "3")]),
            ("520", [("a", "Een meisje zoekt haar vader langs de kust")]),
            ("521", [("a", "Vanaf 10 jaar")]),
            ("650", [("a", "Zee"), ("x", "Kust")]),
            ("690", [("9", "jth"), ("a", "Vaders")]),
            ("690", [("9", "jge"), ("a", "avonturenverhalen")]),
            ("655", [("a", "Romans"), ("9", "vge")]),
            ("700", [("a", "Peeters, Bart"), ("4", "ill")]),
            ("700", [("a", "Smith, Anna"), ("e", "vertaler")]),
        ],
    )
    mapped = record_map(record)
    assert mapped.record_id == "42"
    assert mapped.title == "De stille zee"
    assert mapped.subtitle == "een verhaal"
    assert mapped.responsibility == "Marieke Jansen"
    assert mapped.authors == [
        {"name": "Jansen, Marieke", "dates": "1970-", "role": "auteur"},
        {"name": "Peeters, Bart", "dates": "", "role": "illustrator"},
        {"name": "Smith, Anna", "dates": "", "role": "vertaler"},
    ]
    assert mapped.edition == "2de druk"
    assert (mapped.place, mapped.publisher, mapped.year) == ("Tielt", "Lannoo", 2025)
    assert mapped.physical_description == "212 p. ill"
    assert mapped.series == ["Zeereeks ; 3"]
    assert mapped.summary == "Een meisje zoekt haar vader langs de kust."
    assert mapped.audience == Audience.CHILDREN
    assert mapped.age_min == 10
    assert mapped.isbns == ["9789022339084", "9022339084"]
    assert mapped.languages == ["dut"]
    assert mapped.siso == "859.3"
    assert mapped.subjects == ["Zee ; Kust"]
    assert mapped.theme_words == ["Vaders"]
    assert mapped.genres == ["Avonturenverhalen", "Romans"]
    assert mapped.material == Material.BOOK
    assert mapped.fiction is True
    assert mapped.work_key == work_key_for("De stille zee", "Jansen, Marieke")


def test_260_is_used_when_264_is_missing_and_008_gives_year_and_language():
    record = _record(
        f008="990101s1999    fr            000 0 fre d",
        fields=[("260", [("a", "Paris :"), ("b", "Gallimard,"), ("c", "c1999.")])],
    )
    mapped = record_map(record)
    assert (mapped.place, mapped.publisher, mapped.year) == ("Paris", "Gallimard", 1999)
    assert mapped.languages == ["fre"]
    assert mapped.fiction is False


def test_deleted_record_is_flagged_from_leader_05():
    mapped = record_map(_record(leader="00000dam a2200000 i 4500"))
    assert mapped.deleted is True


def test_record_without_001_or_title_is_refused():
    record = Record(force_utf8=True)
    record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", "T")]))
    try:
        record_map(record)
    except ValueError as exc:
        assert "001" in str(exc)
    else:
        raise AssertionError("a record without 001 must be refused")


def test_material_types_from_leader_007_008_300_and_genre():
    cases = [
        ({"leader_type": "as"}, Material.MAGAZINE),
        ({"leader_type": "am", "f007": "cr"}, Material.EBOOK),
        ({"leader_type": "am", "genres": ("Strips",)}, Material.COMIC),
        ({"leader_type": "gm", "f007": "vd"}, Material.DVD),
        ({"leader_type": "jm", "f007": "sd"}, Material.CD),
        ({"leader_type": "im", "f007": "sd"}, Material.AUDIOBOOK),
        ({"leader_type": "cm"}, Material.SHEET_MUSIC),
        ({"leader_type": "rm"}, Material.BOARD_GAME),
        ({"leader_type": "am"}, Material.BOOK),
    ]
    for kwargs, expected in cases:
        assert record_map(MarcRecordFactory(**kwargs)).material == expected, kwargs


def test_isbn_normalisation_gives_13_and_10_digit_forms():
    assert isbn_normalise("90-223-3908-4 (pbk.)") == ["9789022339084", "9022339084"]
    assert isbn_normalise("978 90 223 3908 4") == ["9789022339084", "9022339084"]
    assert isbn_normalise("0-8044-2957-X") == ["9780804429573", "080442957X"]
    assert isbn_normalise("geen isbn") == []


def test_holdings_from_852_per_branch():
    record = MarcRecordFactory(
        holdings=(
            ("gent", "De Krook", "ROWL", "beschikbaar", "2026-01-02"),
            ("gent", "Sint-Amandsberg", "ROWL", "uitgeleend", "2026-02-03"),
        )
    )
    mapped = record_map(record)
    assert [(h["branch"], h["available"]) for h in mapped.holdings] == [
        ("De Krook", True),
        ("Sint-Amandsberg", False),
    ]
    assert str(mapped.acquired_on) == "2026-02-03"


def test_adult_audience_from_521_and_age_from_text():
    assert record_map(MarcRecordFactory(audience="volwassenen")).audience == Audience.ADULTS
    mapped = record_map(MarcRecordFactory(audience="vanaf 3 jaar"))
    assert (mapped.audience, mapped.age_min) == (Audience.TODDLERS, 3)
