"""Invented but realistic Open Vlacc-like MARC records: the demo network and the benchmark.

Nothing here is copied from Open Vlacc; titles, people and ISBNs are generated.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from pymarc import Field, Leader, Record, Subfield

from catalogue.marc import isbn13_checksum

FIRST_NAMES = [
    "Annelies",
    "Bart",
    "Charlotte",
    "Dirk",
    "Els",
    "Filip",
    "Griet",
    "Hannes",
    "Ilse",
    "Jan",
    "Katrien",
    "Lieven",
    "Marieke",
    "Nico",
    "Olivia",
    "Pieter",
    "Renate",
    "Sofie",
    "Tom",
    "Urbain",
    "Veerle",
    "Wim",
    "Yasmina",
    "Zeno",
    "Lotte",
    "Arne",
    "Fatima",
    "Mohamed",
    "Emma",
    "Noor",
    "Lucas",
    "Louise",
    "Elias",
    "Marie",
    "Kobe",
    "Anna",
    "Jef",
    "Mila",
    "Wout",
    "Saar",
    "Hanne",
    "Bram",
    "Joke",
    "Rik",
]
SURNAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Vermeulen",
    "Van den Broeck",
    "Aerts",
    "Hermans",
    "Michiels",
    "Lambrechts",
    "Desmet",
    "Verhoeven",
    "Coppens",
    "De Wilde",
    "Van Damme",
    "Pauwels",
    "Verstraete",
    "Martens",
    "Claeys",
    "Van de Velde",
    "Cools",
    "Smets",
    "Bogaert",
    "Geerts",
    "Van Hecke",
    "Vandenberghe",
    "Declercq",
    "Lemmens",
    "Segers",
    "De Backer",
    "Tielemans",
    "Boonen",
)
NOUNS = [
    "zee",
    "storm",
    "huis",
    "tuin",
    "stad",
    "rivier",
    "vogel",
    "vos",
    "wolf",
    "draak",
    "ster",
    "maan",
    "zon",
    "berg",
    "bos",
    "eiland",
    "brief",
    "sleutel",
    "spiegel",
    "klok",
    "kaart",
    "reis",
    "droom",
    "herinnering",
    "familie",
    "zus",
    "broer",
    "vader",
    "moeder",
    "dochter",
    "zoon",
    "vriendschap",
    "oorlog",
    "liefde",
    "geheim",
    "nacht",
    "winter",
    "zomer",
    "lente",
    "herfst",
    "boek",
    "bibliotheek",
    "fiets",
    "trein",
    "haven",
    "toren",
    "kasteel",
    "school",
    "boerderij",
    "markt",
    "kapitein",
    "detective",
    "heks",
    "ridder",
]
ADJECTIVES = [
    "stille",
    "donkere",
    "gouden",
    "verloren",
    "laatste",
    "eerste",
    "vergeten",
    "rode",
    "blauwe",
    "wilde",
    "lange",
    "koude",
    "warme",
    "kleine",
    "grote",
    "geheime",
    "oude",
    "nieuwe",
    "vreemde",
    "lichte",
    "zware",
]
PLACES = [
    "Gent",
    "Antwerpen",
    "Brugge",
    "Leuven",
    "Hasselt",
    "Mechelen",
    "Kortrijk",
    "Oostende",
    "Aalst",
    "Genk",
    "Ieper",
    "Lier",
    "Turnhout",
    "Dendermonde",
    "Brussel",
    "Vlaanderen",
    "de Kempen",
    "de Westhoek",
    "het Pajottenland",
]
ENGLISH_WORDS = [
    "silent",
    "dark",
    "golden",
    "lost",
    "last",
    "house",
    "river",
    "garden",
    "city",
    "night",
    "winter",
    "star",
]
SUBJECTS = (
    "Vriendschap",
    "Familie",
    "Oorlog",
    "Tweede Wereldoorlog",
    "Migratie",
    "Liefde",
    "Dieren",
    "Natuur",
    "Klimaat",
    "Koken",
    "Tuinieren",
    "Reizen",
    "Geschiedenis ; België",
    "Vlaanderen",
    "Gezondheid",
    "Psychologie",
    "Opvoeding",
    "Sport",
    "Voetbal",
    "Muziek",
    "Kunst",
    "Architectuur",
    "Programmeren",
    "Wiskunde",
    "Filosofie",
    "Religie",
    "Economie",
    "Politiek",
    "Duurzaamheid",
    "Rouw",
    "Pesten",
    "School",
    "Paarden",
    "Ruimtevaart",
    "Dinosaurussen",
)
FICTION_GENRES = (
    "Romans",
    "Thrillers",
    "Detectives",
    "Fantasy",
    "Sciencefiction",
    "Historische romans",
    "Humor",
    "Poëzie",
    "Griezelverhalen",
    "Avonturenverhalen",
)
PUBLISHERS = (
    ("Antwerpen", "Standaard Uitgeverij"),
    ("Amsterdam", "De Bezige Bij"),
    ("Tielt", "Lannoo"),
    ("Antwerpen", "Manteau"),
    ("Amsterdam", "Querido"),
    ("Leuven", "Davidsfonds"),
    ("Kalmthout", "Pelckmans"),
    ("Mechelen", "Clavis"),
    ("Amsterdam", "Singel Uitgeverijen"),
    ("Gent", "Borgerhoff & Lamberigts"),
)
LANGUAGES = (("dut", 76), ("eng", 12), ("fre", 6), ("ger", 2), ("spa", 1), ("ara", 1), ("tur", 1))
AUDIENCES = (
    ("volwassenen", 62),
    ("vanaf 12 jaar", 12),
    ("vanaf 9 jaar", 10),
    ("vanaf 6 jaar", 9),
    ("vanaf 3 jaar", 7),
)
# (leader/06, leader/07, 007, 245 $h, 300, genre override, weight)
MATERIALS = (
    ("a", "m", "", "", "{pages} p.", None, 58),
    ("a", "m", "cr", "ELEKTRONISCHE BRON", "1 online bron", None, 9),
    ("a", "m", "", "", "{pages} p. : ill.", "Strips", 9),
    ("g", "m", "vd", "DVD", "1 dvd (110 min.)", None, 6),
    ("j", "m", "sd", "CD", "1 cd", None, 5),
    ("i", "m", "sd", "LUISTERBOEK", "8 cd's", "Luisterboeken", 5),
    ("a", "s", "", "", "tijdschrift", None, 3),
    ("c", "m", "", "BLADMUZIEK", "48 p.", None, 2),
    ("m", "m", "co", "GAME", "1 game disc", None, 1),
    ("r", "m", "", "SPEL", "1 doos", None, 2),
)
BRANCHES = {
    "gent": ("De Krook", "Sint-Amandsberg"),
    "leuven": ("Tweebronnen",),
    "brugge": ("Biekorf",),
    "hasselt": ("Hoofdbibliotheek",),
}


def marc_record(
    *,
    record_id: str,
    title: str,
    author: str = "",
    year: int | None = None,
    leader_type: str = "am",
    f008: str = "",
    f007: str = "",
    isbn: str = "",
    language: str = "dut",
    subtitle: str = "",
    responsibility: str = "",
    edition: str = "",
    publisher: str = "",
    place: str = "",
    physical: str = "",
    series: str = "",
    summary: str = "",
    audience: str = "",
    siso: str = "",
    theme_words: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    genres: tuple[str, ...] = (),
    contributors: tuple[tuple[str, str], ...] = (),
    medium: str = "",
    holdings: tuple[tuple[str, str, str, str, str], ...] = (),
    deleted: bool = False,
) -> Record:
    """One MARC21 record with the fields Open Vlacc uses. `holdings` are
    (profile, branch, shelf mark, status, acquisition date) tuples, written as 852."""
    record = Record(force_utf8=True)
    status = "d" if deleted else "n"
    record.leader = Leader(f"00000{status}{leader_type[:2]:<2} a2200000 i 4500")
    record.add_field(Field(tag="001", data=record_id))
    if f007:
        record.add_field(Field(tag="007", data=f007))
    record.add_field(
        Field(
            tag="008",
            data=(f008 or f"260101s{year or '    '}    be            000 1 {language} d")[
                :40
            ].ljust(40),
        )
    )
    if isbn:
        record.add_field(Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)]))
    record.add_field(Field(tag="041", indicators=["0", " "], subfields=[Subfield("a", language)]))
    if siso:
        record.add_field(Field(tag="084", indicators=[" ", " "], subfields=[Subfield("a", siso)]))
    if author:
        record.add_field(
            Field(
                tag="100",
                indicators=["1", " "],
                subfields=[Subfield("a", author), Subfield("4", "aut")],
            )
        )
    subfields = [Subfield("a", title)]
    if medium:
        subfields.append(Subfield("h", medium))
    if subtitle:
        subfields.append(Subfield("b", subtitle))
    if responsibility:
        subfields.append(Subfield("c", responsibility))
    record.add_field(Field(tag="245", indicators=["1", "0"], subfields=subfields))
    if edition:
        record.add_field(
            Field(tag="250", indicators=[" ", " "], subfields=[Subfield("a", edition)])
        )
    if publisher or year:
        record.add_field(
            Field(
                tag="264",
                indicators=[" ", "1"],
                subfields=[
                    Subfield("a", place or "Antwerpen"),
                    Subfield("b", publisher or "Standaard Uitgeverij"),
                    Subfield("c", str(year or "")),
                ],
            )
        )
    if physical:
        record.add_field(
            Field(tag="300", indicators=[" ", " "], subfields=[Subfield("a", physical)])
        )
    if series:
        record.add_field(Field(tag="490", indicators=["0", " "], subfields=[Subfield("a", series)]))
    if summary:
        record.add_field(
            Field(tag="520", indicators=[" ", " "], subfields=[Subfield("a", summary)])
        )
    if audience:
        record.add_field(
            Field(tag="521", indicators=[" ", " "], subfields=[Subfield("a", audience)])
        )
    for subject in subjects:
        record.add_field(
            Field(tag="650", indicators=[" ", "7"], subfields=[Subfield("a", subject)])
        )
    for word in theme_words:
        record.add_field(
            Field(
                tag="690",
                indicators=[" ", " "],
                subfields=[Subfield("9", "vth"), Subfield("a", word)],
            )
        )
    for genre in genres:
        record.add_field(
            Field(
                tag="655",
                indicators=[" ", "7"],
                subfields=[Subfield("a", genre), Subfield("9", "vge")],
            )
        )
    for name, role in contributors:
        record.add_field(
            Field(
                tag="700",
                indicators=["1", " "],
                subfields=[Subfield("a", name), Subfield("4", role)],
            )
        )
    for profile, branch, shelf_mark, holding_status, acquired in holdings:
        record.add_field(
            Field(
                tag="852",
                indicators=[" ", " "],
                subfields=[
                    Subfield("a", profile),
                    Subfield("b", branch),
                    Subfield("h", shelf_mark),
                    Subfield("y", holding_status),
                    Subfield("d", acquired),
                ],
            )
        )
    return record


def _weighted(rng: random.Random, items):
    return rng.choices(items, weights=[item[-1] for item in items])[0]


def _isbn(rng: random.Random) -> str:
    core = "97890" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return isbn13_checksum(core)


# Neuter nouns take "het" and an uninflected adjective after "een".
HET_WORDS = {"huis", "bos", "eiland", "boek", "kasteel"}


def _de(noun: str) -> str:
    return f"{'het' if noun in HET_WORDS else 'de'} {noun}"


def _title(rng: random.Random, language: str) -> str:
    if language == "eng":
        return f"The {rng.choice(ENGLISH_WORDS)} {rng.choice(ENGLISH_WORDS)}".capitalize()
    pattern = rng.randint(0, 5)
    noun = rng.choice(NOUNS)
    adjective = rng.choice(ADJECTIVES)
    if pattern == 0:
        return f"{'Het' if noun in HET_WORDS else 'De'} {adjective} {noun}"
    if pattern == 1:
        return f"Het geheim van {_de(noun)}"
    if pattern == 2:
        return f"{_de(noun).capitalize()} van {rng.choice(PLACES)}"
    if pattern == 3:
        return f"{noun.capitalize()} en {rng.choice(NOUNS)}"
    if pattern == 4 and noun not in HET_WORDS:
        return f"Een {adjective} {noun} in {rng.choice(PLACES)}"
    return f"{rng.choice(FIRST_NAMES)} en {_de(noun)}"


def synthetic_records(
    count: int,
    *,
    seed: int = 2026,
    profiles: dict[str, tuple[str, ...]] | None = None,
    start_id: int = 1_000_000,
    today: date | None = None,
) -> Iterator[Record]:
    """Yield `count` MARC records; about 12% are further editions of an earlier work."""
    rng = random.Random(seed)
    profiles = profiles if profiles is not None else BRANCHES
    profile_names = list(profiles)
    today = today or date.today()
    works: list[tuple[str, str, list[str], bool]] = []
    for number in range(count):
        language = _weighted(rng, LANGUAGES)[0]
        if works and rng.random() < 0.12:
            title, author, subjects, fiction = rng.choice(works)
        else:
            title = _title(rng, language)
            author = f"{rng.choice(SURNAMES)}, {rng.choice(FIRST_NAMES)}"
            fiction = rng.random() < 0.6
            subjects = rng.sample(SUBJECTS, rng.randint(1, 3))
            if len(works) < 50_000:
                works.append((title, author, subjects, fiction))
        kind, level, f007, medium, physical, genre, _w = _weighted(rng, MATERIALS)
        audience = _weighted(rng, AUDIENCES)[0]
        year = min(today.year, int(2026 - abs(rng.gauss(0, 12))))
        place, publisher = rng.choice(PUBLISHERS)
        record = Record(force_utf8=True)
        record.leader = Leader(f"00000n{kind}{level} a2200000 i 4500")
        record.add_field(Field(tag="001", data=str(start_id + number)))
        entered = today - timedelta(days=rng.randint(0, 3650))
        audience_code = "e" if audience == "volwassenen" else "j"
        f008 = (
            f"{entered:%y%m%d}s{year}    be {'o' if f007 == 'cr' else ' '}"
            f"{audience_code}     000 {'1' if fiction else '0'} {language} d"
        )
        record.add_field(Field(tag="008", data=f008[:40].ljust(40)))
        if f007:
            record.add_field(Field(tag="007", data=f007))
        if kind in ("a", "i") and level == "m":
            record.add_field(
                Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", _isbn(rng))])
            )
        record.add_field(
            Field(tag="041", indicators=["0", " "], subfields=[Subfield("a", language)])
        )
        if not fiction:
            record.add_field(
                Field(
                    tag="084",
                    indicators=[" ", " "],
                    subfields=[Subfield("a", f"{rng.randint(100, 999)}.{rng.randint(1, 9)}")],
                )
            )
        record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", author)]))
        title_subfields = [Subfield("a", title)]
        if medium:
            title_subfields.append(Subfield("h", medium))
        surname, _sep, given = author.partition(", ")
        title_subfields.append(Subfield("c", f"{given} {surname}"))
        record.add_field(Field(tag="245", indicators=["1", "0"], subfields=title_subfields))
        if rng.random() < 0.2:
            record.add_field(
                Field(tag="250", indicators=[" ", " "], subfields=[Subfield("a", "2de druk")])
            )
        record.add_field(
            Field(
                tag="264",
                indicators=[" ", "1"],
                subfields=[
                    Subfield("a", place),
                    Subfield("b", publisher),
                    Subfield("c", str(year)),
                ],
            )
        )
        record.add_field(
            Field(
                tag="300",
                indicators=[" ", " "],
                subfields=[Subfield("a", physical.format(pages=rng.randint(24, 640)))],
            )
        )
        if rng.random() < 0.15:
            record.add_field(
                Field(
                    tag="490",
                    indicators=["0", " "],
                    subfields=[Subfield("a", f"{rng.choice(NOUNS).capitalize()}reeks")],
                )
            )
        if rng.random() < 0.5:
            record.add_field(
                Field(
                    tag="520",
                    indicators=[" ", " "],
                    subfields=[
                        Subfield(
                            "a",
                            f"Een verhaal over {rng.choice(NOUNS)} en {rng.choice(NOUNS)} in "
                            f"{rng.choice(PLACES)}, vol {rng.choice(ADJECTIVES)} momenten",
                        )
                    ],
                )
            )
        record.add_field(
            Field(tag="521", indicators=[" ", " "], subfields=[Subfield("a", audience)])
        )
        for subject in subjects:
            record.add_field(
                Field(
                    tag="690",
                    indicators=[" ", " "],
                    subfields=[
                        Subfield("9", "vth" if audience == "volwassenen" else "jth"),
                        Subfield("a", subject),
                    ],
                )
            )
        genres = [genre] if genre else []
        if fiction and not genre:
            genres.append(rng.choice(FICTION_GENRES))
        for name in genres:
            record.add_field(
                Field(
                    tag="655",
                    indicators=[" ", "7"],
                    subfields=[Subfield("a", name), Subfield("9", "vge")],
                )
            )
        for profile in rng.sample(profile_names, rng.randint(0, min(2, len(profile_names)))):
            branch = rng.choice(profiles[profile])
            acquired = today - timedelta(days=rng.randint(0, 720))
            record.add_field(
                Field(
                    tag="852",
                    indicators=[" ", " "],
                    subfields=[
                        Subfield("a", profile),
                        Subfield("b", branch),
                        Subfield("c", "Jeugd" if audience != "volwassenen" else "Volwassenen"),
                        Subfield("h", surname[:4].upper()),
                        Subfield("y", "uitgeleend" if rng.random() < 0.3 else "beschikbaar"),
                        Subfield("d", acquired.isoformat()),
                    ],
                )
            )
        yield record
