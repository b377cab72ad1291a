"""Open Vlacc as it really is: names in every order and without diacritics, every subject field
with its Flemish theme words, other titles, typos in accented titles, and the shapes of the
catalogue service's extended answers (short leaders and 008s, mixed encodings, broken fields).
Every record is written here with pymarc (invented content)."""

import json

import pytest
from bs4 import BeautifulSoup
from pymarc import Field, Leader, Record, Subfield

from catalogue.backends.base import SearchQuery
from catalogue.backends.local import LocalBackend
from catalogue.marc import f008_repair, record_map
from catalogue.messages import LEADER_MISSING, LEADER_UNREADABLE
from catalogue.models import ImportRun
from catalogue.models import Record as StoredRecord
from catalogue.readers import LeaderError, leader_repair
from catalogue.services import records_import
from tests.conftest import postgres_only
from tests.factories.catalogue import MarcRecordFactory, marcxml_write, records_load

pytestmark = pytest.mark.django_db


def _record(record_id="R1", leader="00000nam a2200000 i 4500", f008=None, fields=()):
    record = Record(force_utf8=True)
    record.leader = Leader(leader)
    record.add_field(Field(tag="001", data=record_id))
    record.add_field(Field(tag="008", data=f008 or "250301s2025    be            000 1 dut d"))
    for tag, subfields in fields:
        record.add_field(
            Field(tag=tag, indicators=[" ", " "], subfields=[Subfield(c, v) for c, v in subfields])
        )
    if not any(tag == "245" for tag, _s in fields):
        record.add_field(
            Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", f"Titel {record_id}")])
        )
    return record


def _ids(results) -> list[str]:
    return [hit.record_id for hit in results.hits]


# -- names ----------------------------------------------------------------------------------


@pytest.fixture
def names(tmp_path):
    return records_load(
        tmp_path,
        [
            _record(
                "N1",
                fields=[
                    ("100", [("a", "Vandenberghe, Sofie"), ("4", "aut")]),
                    ("245", [("a", "Het huis aan de Leie")]),
                ],
            ),
            _record(
                "N2",
                fields=[
                    ("100", [("a", "Brontë, Charlotte"), ("d", "1816-1855")]),
                    ("245", [("a", "Jane Eyre")]),
                    ("700", [("a", "Claessens, Wouter"), ("4", "trl")]),
                ],
            ),
            _record(
                "N3",
                fields=[
                    ("110", [("a", "Vlaamse Vereniging voor Bibliotheekwerk")]),
                    ("245", [("a", "Jaarverslag")]),
                    ("711", [("a", "Boekenbeurs"), ("n", "12"), ("c", "Antwerpen")]),
                ],
            ),
            _record(
                "N4",
                fields=[
                    ("245", [("a", "De zaak van de verdwenen koffer")]),
                    ("600", [("a", "Maigret, Jules"), ("c", "(personage)"), ("9", "vth")]),
                    ("610", [("a", "Rijkswacht"), ("9", "vth")]),
                ],
            ),
        ],
    )


@postgres_only
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Vandenberghe", "N1"),
        ("Vandenberghe, Sofie", "N1"),
        ("Sofie Vandenberghe", "N1"),
        ("vandenberghe sofie", "N1"),
        ("Brontë", "N2"),
        ("Bronte", "N2"),
        ("Charlotte Bronte", "N2"),
        ("Brontë, Charlotte", "N2"),
        ("Claessens", "N2"),
        ("Wouter Claessens", "N2"),
        ("Vlaamse Vereniging voor Bibliotheekwerk", "N3"),
        ("Boekenbeurs", "N3"),
        ("Maigret", "N4"),
        ("Jules Maigret", "N4"),
        ("Maigret, Jules", "N4"),
        ("rijkswacht", "N4"),
    ],
)
def test_names_are_found_as_written_in_every_order(names, query, expected):
    assert names.imported == 4
    assert _ids(LocalBackend(profile="gent").search(SearchQuery(text=query))) == [expected]


def test_meeting_and_corporate_names_are_authors():
    mapped = record_map(
        _record(
            fields=[
                ("111", [("a", "Vlaamse Bibliotheekdagen"), ("n", "3"), ("d", "2024")]),
                ("710", [("a", "Stad Gent"), ("b", "Cultuurdienst")]),
            ]
        )
    )
    assert [a["name"] for a in mapped.authors] == [
        "Vlaamse Bibliotheekdagen 3",
        "Stad Gent Cultuurdienst",
    ]


# -- subjects ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "subfields", "heading"),
    [
        ("600", [("a", "Maigret, Jules"), ("c", "(personage)")], "Maigret, Jules (personage)"),
        ("610", [("a", "Rode Duivels")], "Rode Duivels"),
        ("611", [("a", "Ronde van Vlaanderen")], "Ronde van Vlaanderen"),
        ("630", [("a", "Bijbel"), ("p", "Nieuw Testament")], "Bijbel Nieuw Testament"),
        ("648", [("a", "Middeleeuwen")], "Middeleeuwen"),
        ("650", [("a", "Vriendschap")], "Vriendschap"),
        ("651", [("a", "Gent")], "Gent"),
        ("655", [("a", "Griezelverhalen")], "Griezelverhalen"),
    ],
)
def test_every_subject_field_gives_flemish_theme_words(tag, subfields, heading):
    as_theme = record_map(_record(fields=[(tag, [*subfields, ("9", "jth")])]))
    assert as_theme.theme_words == [heading]
    as_genre = record_map(_record(fields=[(tag, [*subfields, ("9", "vge")])]))
    assert as_genre.genres == [heading]
    plain = record_map(_record(fields=[(tag, subfields)]))
    # Without $9 a 655 is a genre; every other field a subject.
    assert (plain.genres if tag == "655" else plain.subjects) == [heading]


def test_theme_words_of_names_are_on_the_record_page_and_facets(site_a, tmp_path):
    records_load(
        tmp_path,
        [
            _record(
                "TW1",
                fields=[
                    ("245", [("a", "Maigret en de schaduw")]),
                    ("600", [("a", "Maigret, Jules"), ("9", "vth")]),
                    ("650", [("a", "Speurders"), ("9", "vth")]),
                    ("655", [("a", "Detectives"), ("9", "vge")]),
                ],
            )
        ],
    )
    soup = BeautifulSoup(site_a.client_for().get("/catalogus/titel/TW1/").content, "html.parser")
    themes = soup.find("dt", string="Trefwoorden").find_next_sibling("dd").get_text()
    assert themes == "Maigret, Jules; Speurders"
    assert soup.find("dt", string="Genre").find_next_sibling("dd").get_text() == "Detectives"

    results = LocalBackend(profile="gent").search(SearchQuery(text="schaduw"))
    facets = {facet.name: {v.value: v.count for v in facet.values} for facet in results.facets}
    assert facets["onderwerp"] == {"Maigret, Jules": 1, "Speurders": 1}
    assert facets["genre"] == {"Detectives": 1}
    filtered = LocalBackend(profile="gent").search(
        SearchQuery(text="schaduw", facets={"onderwerp": ("Maigret, Jules",)})
    )
    assert _ids(filtered) == ["TW1"]


# -- other titles -----------------------------------------------------------------------------


@postgres_only
@pytest.mark.parametrize(
    ("tag", "subfields", "query"),
    [
        ("130", [("a", "Odysseia")], "Odysseia"),
        ("240", [("a", "Le petit prince")], "petit prince"),
        ("246", [("a", "Kleine prins")], "kleine prins"),
        ("534", [("p", "Vertaling van:"), ("t", "How to kill your family")], "kill your family"),
        ("740", [("a", "Zomerzotheid")], "zomerzotheid"),
        ("765", [("t", "Der Vorleser")], "Vorleser"),
        ("800", [("a", "Vervoort, Ann"), ("t", "Kroniek van Brugge"), ("v", "2")], "kroniek"),
        ("830", [("a", "Vlaamse klassiekers"), ("v", "7")], "vlaamse klassiekers"),
        ("490", [("a", "Zwarte beertjes"), ("v", "12")], "zwarte beertjes"),
    ],
)
def test_uniform_original_variant_and_series_titles_are_searchable(tmp_path, tag, subfields, query):
    report = records_load(
        tmp_path,
        [
            _record("OT1", fields=[("245", [("a", "Een gewone titel")]), (tag, subfields)]),
            _record("OT2", fields=[("245", [("a", "Iets anders")])]),
        ],
    )
    assert report.imported == 2
    assert _ids(LocalBackend(profile="gent").search(SearchQuery(text=query))) == ["OT1"]


def test_original_title_is_shown_on_the_record_page(site_a, tmp_path):
    records_load(
        tmp_path,
        [
            _record(
                "OT3",
                fields=[
                    ("245", [("a", "Hoe vermoord ik mijn familie?")]),
                    ("765", [("t", "How to kill your family")]),
                    ("246", [("a", "Hoe vermoord ik mijn familie")]),  # the title again: left out
                ],
            )
        ],
    )
    soup = BeautifulSoup(site_a.client_for().get("/catalogus/titel/OT3/").content, "html.parser")
    original = soup.find("dt", string="Originele titel")
    assert original.find_next_sibling("dd").get_text() == "How to kill your family"
    assert soup.find("dt", string="Andere titel") is None


# -- typos ------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.parametrize(
    "query", ["Het verdriet van Belgie", "verdreit van België", "verdreit van Belgie", "Belgiê"]
)
def test_typo_in_title_with_accented_letters_is_forgiven(tmp_path, query):
    records_load(
        tmp_path,
        [
            MarcRecordFactory(
                record_id="V1", title="Het verdriet van België", author="Claus, Hugo"
            ),
            MarcRecordFactory(record_id="V2", title="Het geluk van Vlaanderen", author="Maes, An"),
        ],
    )
    results = LocalBackend(profile="gent").search(SearchQuery(text=query))
    assert _ids(results) == ["V1"]


# -- the catalogue service's extended answers and bad input ----------------------------------


def _extended_json(record_id: str, title: str, leader: str = "cam a22     4i 4500") -> dict:
    """A record as the MARC inside a `detaillevel=extended` answer: a leader of 19 characters
    (no record length) and an 008 without its date entered, shorter than 40."""
    return {
        "leader": leader,
        "fields": [
            {"001": record_id},
            {"008": "s2019    be            000 1 dut"},
            {"020": {"ind1": " ", "ind2": " ", "subfields": [{"a": "9789463101234"}]}},
            {"100": {"ind1": "1", "ind2": " ", "subfields": [{"a": "Peeters, Lien"}]}},
            {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": title}]}},
        ],
    }


def test_leader_without_record_length_and_short_008_are_repaired(tmp_path):
    path = tmp_path / "extended.json"
    path.write_text(json.dumps([_extended_json("X1", "De wolf van de Kempen")]), encoding="utf-8")
    report = records_import(paths=[path], fmt="json")
    assert (report.read, report.imported, report.rejected) == (1, 1, 0)
    stored = StoredRecord.objects.get(record_id="X1")
    # The 008 lacked 00-05: shifted into place, its year and language are read at 07 and 35.
    assert (stored.year, stored.language, stored.fiction) == (2019, "dut", True)
    assert stored.material == "boek"
    assert stored.isbns[0] == "9789463101234"


def test_short_leader_in_marcxml_is_repaired(tmp_path):
    record = MarcRecordFactory(record_id="X2", title="Kempense verhalen")
    path = marcxml_write(tmp_path / "extended.xml", [record])
    text = path.read_text(encoding="utf-8")
    leader = str(record.leader)
    path.write_text(text.replace(leader, leader[5:]), encoding="utf-8")
    report = records_import(paths=[path], fmt="marcxml")
    assert (report.imported, report.rejected) == (1, 0)
    assert StoredRecord.objects.get(record_id="X2").title == "Kempense verhalen"


def test_unreadable_leaders_are_reported_with_position_id_and_dutch_reason(tmp_path):
    broken = _extended_json("X4", "Zonder leader")
    del broken["leader"]
    items = [
        _extended_json("X3", "Goed record"),
        broken,
        _extended_json("X5", "Kapotte leader", leader="??"),
        _extended_json("X6", "Nog een goed record"),
    ]
    path = tmp_path / "extended.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    report = records_import(paths=[path], fmt="json")
    assert (report.read, report.imported, report.rejected) == (4, 2, 2)
    assert report.reconciles
    errors = {(e.position, e.record_id): str(e.reason) for e in report.errors}
    assert errors == {
        (2, "X4"): "onleesbaar record: de leader ontbreekt",
        (3, "X5"): (
            "onleesbaar record: de leader is onleesbaar (2 tekens in plaats van 24, zonder "
            "recordstatus en recordtype op positie 05-06)"
        ),
    }
    run = ImportRun.objects.get(pk=report.run.pk)
    assert run.status == ImportRun.Status.REJECTED
    assert [(e["position"], e["id"]) for e in run.errors] == [(2, "X4"), (3, "X5")]
    # Stored as msgid and values: translated when the admin shows them.
    assert [e["message"] for e in run.errors] == [
        {"msgid": LEADER_MISSING, "params": {}},
        {"msgid": LEADER_UNREADABLE, "params": {"length": "2"}},
    ]


def test_windows_1252_bytes_in_a_utf8_record_are_read(tmp_path):
    record = MarcRecordFactory(record_id="E1", title="Café Zoë", author="Peeters, Sofie")
    data = record.as_marc()
    # Same byte count: "Café Zoë" in UTF-8 is 10 bytes, in Windows-1252 8; two blanks pad it.
    data = data.replace("Café Zoë".encode(), "Café Zoë".encode("cp1252") + b"  ")
    path = tmp_path / "mixed.mrc"
    path.write_bytes(data)
    report = records_import(paths=[path], fmt="marc21")
    assert (report.imported, report.rejected) == (1, 0)
    assert StoredRecord.objects.get(record_id="E1").title == "Café Zoë"


def test_utf8_text_behind_a_marc8_flag_is_read_as_utf8(tmp_path):
    record = MarcRecordFactory(record_id="E2", title="Brontë en Zoë", author="Peeters, Sofie")
    data = bytearray(record.as_marc())
    data[9] = ord(" ")  # leader/09 blank: MARC-8 claimed
    path = tmp_path / "marc8-claimed.mrc"
    path.write_bytes(bytes(data))
    report = records_import(paths=[path], fmt="marc21")
    assert report.imported == 1
    assert StoredRecord.objects.get(record_id="E2").title == "Brontë en Zoë"


def test_broken_title_field_is_reported_and_the_others_import(tmp_path):
    good = MarcRecordFactory(record_id="B1", title="Goed")
    broken = MarcRecordFactory(record_id="B2", title="Kapot")
    data = broken.as_marc()
    # The subfield delimiter of 245 $a lost: the field has indicators and text, no subfields.
    data = data.replace(b"\x1faKapot", b"Kapot!!")
    path = tmp_path / "broken.mrc"
    path.write_bytes(good.as_marc() + data)
    report = records_import(paths=[path], fmt="marc21")
    assert (report.read, report.imported, report.rejected) == (2, 1, 1)
    [error] = report.errors
    assert (error.position, error.record_id) == (2, "B2")
    assert str(error.reason) == (
        "geen titel: veld 245 is beschadigd (zonder deelvelden, het scheidingsteken ontbreekt)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("00000nam a2200000 i 4500", "00000nam a2200000 i 4500"),
        ("nam a22     4i 4500", "00000nam a22     4i 4500"),
        ("00000nam a22", "00000nam a22            "),
    ],
)
def test_leader_repair(value, expected):
    assert leader_repair(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "xx", "12345zzz"])
def test_leader_repair_rejects_what_it_cannot_read(value):
    with pytest.raises(LeaderError):
        leader_repair(value)


def test_f008_repair():
    assert f008_repair("q2003                      0 eng")[35:38] == "eng"
    assert f008_repair("q2003                      0 eng")[7:11] == "2003"
    assert f008_repair("250301s2025")[7:11] == "2025"
    assert len(f008_repair("250301s2025")) == 40
    assert f008_repair("") == " " * 40
