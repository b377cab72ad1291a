"""Map a pymarc Record (Open Vlacc MARC21) to the flat values the local index stores.

Pure functions without database access, so the importer and the tests share one mapping.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _
from pymarc import Record as MarcRecord

from catalogue.messages import (
    NO_RECORD_ID,
    NO_TITLE,
    NO_TITLE_FIELD,
    TITLE_FIELD_DAMAGED,
    StoredMessage,
)

# Codes of MARC relators (100/700 $4 and $e) that visitors see, in Dutch.
RELATORS = {
    "aut": "auteur",
    "ill": "illustrator",
    "trl": "vertaler",
    "edt": "redacteur",
    "nrt": "verteller",
    "cmp": "componist",
    "mus": "muzikant",
    "prf": "uitvoerder",
    "drt": "regisseur",
    "act": "acteur",
    "art": "kunstenaar",
    "pht": "fotograaf",
    "sce": "scenarist",
    "ctb": "medewerker",
}

LANGUAGES = {
    "dut": "Nederlands",
    "eng": "Engels",
    "fre": "Frans",
    "ger": "Duits",
    "spa": "Spaans",
    "ita": "Italiaans",
    "por": "Portugees",
    "ara": "Arabisch",
    "tur": "Turks",
    "pol": "Pools",
    "rus": "Russisch",
    "ukr": "Oekraïens",
    "rum": "Roemeens",
    "bul": "Bulgaars",
    "chi": "Chinees",
    "jpn": "Japans",
    "per": "Perzisch",
    "som": "Somalisch",
    "ber": "Berbers",
    "lat": "Latijn",
    "gre": "Grieks",
    "swe": "Zweeds",
    "dan": "Deens",
    "nor": "Noors",
    "fin": "Fins",
    "mul": "Meertalig",
    "zxx": "Geen taal",
}


class Material:
    BOOK = "boek"
    EBOOK = "e-boek"
    COMIC = "strip"
    DVD = "dvd"
    BLURAY = "blu-ray"
    CD = "cd"
    AUDIOBOOK = "luisterboek"
    MAGAZINE = "tijdschrift"
    SHEET_MUSIC = "bladmuziek"
    GAME = "game"
    BOARD_GAME = "spel"
    MAP = "kaart"
    LARGE_PRINT = "grote letter"
    OTHER = "ander materiaal"


class Audience:
    TODDLERS = "peuters en kleuters"
    CHILDREN = "kinderen"
    YOUTH = "jongeren"
    ADULTS = "volwassenen"


FICTION_GENRES = {
    "romans",
    "thrillers",
    "detectives",
    "strips",
    "sciencefiction",
    "fantasy",
    "poëzie",
    "gedichten",
    "sprookjes",
    "prentenboeken",
    "verhalen",
    "humor",
    "graphic novels",
    "griezelverhalen",
    "avonturenverhalen",
    "historische romans",
    "romantische verhalen",
    "toneel",
}


@dataclass
class RecordDescription:
    """The descriptive fields of a title, as the record page shows them: read from MARC for
    the local index, from the web service's XML for the Cultuurconnect backend."""

    record_id: str
    title: str = ""
    subtitle: str = ""
    responsibility: str = ""
    authors: list[dict[str, str]] = field(default_factory=list)
    edition: str = ""
    publisher: str = ""
    place: str = ""
    year: int | None = None
    physical_description: str = ""
    series: list[str] = field(default_factory=list)
    # Uniform, original, variant and related titles (130, 240, 246, 534, 740, 765, 800-811 $t),
    # each {"kind": a key of OTHER_TITLE_LABELS, "title": ...}: searchable, on the record page.
    other_titles: list[dict[str, str]] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    theme_words: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    summary: str = ""
    audience: str = ""
    audience_note: str = ""
    age_min: int | None = None
    isbns: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    siso: str = ""
    material: str = ""
    cover_url: str = ""


@dataclass
class MappedRecord(RecordDescription):
    """The stored fields of one catalogue record."""

    deleted: bool = False
    language: str = ""
    material: str = Material.BOOK
    fiction: bool | None = None
    work_key: str = ""
    acquired_on: date | None = None
    holdings: list[dict[str, object]] = field(default_factory=list)


NON_WORD = re.compile(r"[\W_]+")
TRAILING_PUNCTUATION = re.compile(r"\s*[/:;,=]+$")
INITIAL_DOT = re.compile(r"\b\w\.$")


def normalise_text(value: str) -> str:
    """Lowercase, strip accents and punctuation: the form used for titles, suggestions, keys."""
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value)
        value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return NON_WORD.sub(" ", value.lower()).strip()


def _clean(value: str | None) -> str:
    """Trim ISBD punctuation that MARC subfields carry at their ends (' /', ' :', ' ;', '.')."""
    if not value:
        return ""
    # Most subfields need nothing: no NUL, no surrounding space, no punctuation at the end.
    if (
        value[-1] not in "/:;,=."
        and not value[-1].isspace()
        and not value[0].isspace()
        and "\x00" not in value
    ):
        return value
    value = value.replace("\x00", "").strip()
    value = TRAILING_PUNCTUATION.sub("", value).strip()
    if value.endswith(".") and not INITIAL_DOT.search(value) and not value.endswith("..."):
        value = value[:-1].rstrip()
    return value


def isbn_normalise(value: str) -> list[str]:
    """The ISBN as stored and searched: digits only, both ISBN-13 and (where it exists) ISBN-10."""
    match = re.search(r"[0-9][0-9\- ]{8,16}[0-9Xx]", value or "")
    if not match:
        return []
    digits = re.sub(r"[^0-9Xx]", "", match.group(0)).upper()
    if len(digits) == 10:
        core = "978" + digits[:9]
        return [isbn13_checksum(core), digits]
    if len(digits) == 13 and digits.isdigit():
        forms = [digits]
        if digits.startswith("978"):
            forms.append(isbn10_checksum(digits[3:12]))
        return forms
    return []


def isbn13_checksum(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def isbn10_checksum(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return first9 + ("X" if check == 10 else str(check))


def _subfields(field_, codes: str) -> list[str]:
    return [value for code, value in _pairs(field_) if code in codes]


def _pairs(field_) -> list[tuple[str, str]]:
    return [(sub.code, sub.value) for sub in field_.subfields]


class _TagIndex:
    """The fields of a record by tag: record_map asks for some twenty tags, and pymarc's
    get_fields walks every field for each."""

    __slots__ = ("_by_tag",)

    def __init__(self, record: MarcRecord) -> None:
        by_tag: dict[str, list] = {}
        for field_ in record.fields:
            by_tag.setdefault(field_.tag, []).append(field_)
        self._by_tag = by_tag

    def get_fields(self, *tags: str) -> list:
        if len(tags) == 1:
            return self._by_tag.get(tags[0], [])
        return [field_ for tag in tags for field_ in self._by_tag.get(tag, ())]


def _first(record: MarcRecord | _TagIndex, tag: str, code: str) -> str:
    for field_ in record.get_fields(tag):
        values = field_.get_subfields(code)
        if values:
            return values[0]
    return ""


def _year(value: str) -> int | None:
    match = re.search(r"(1[4-9]\d\d|20\d\d)", value or "")
    return int(match.group(1)) if match else None


def _person(field_, default_role: str) -> dict[str, str]:
    # 100/700: $a name, $b numeration, $c titles, $q fuller form; 110/710: $a and subordinate
    # units $b; 111/711: $a meeting, $n number, $c place (its $d is the meeting's date).
    name_codes = {"00": "abcq", "10": "ab", "11": "anc"}.get(field_.tag[1:], "a")
    name = _clean(" ".join(_clean(v) for v in _subfields(field_, name_codes) if _clean(v)))
    dates = _clean(" ".join(_subfields(field_, "d")))
    codes = [c.strip().lower() for c in _subfields(field_, "4")]
    terms = [_clean(t).lower() for t in _subfields(field_, "e")]
    role = next((RELATORS.get(c, c) for c in codes if c), None) or next(
        (t for t in terms if t), default_role
    )
    return {"name": name, "dates": dates, "role": role}


def _heading(field_) -> str:
    parts = [_clean(v) for code, v in _pairs(field_) if code in "abcdvxyz" and _clean(v)]
    return " ; ".join(parts)


# Subject fields whose heading starts with a name or a title (MARC 21 600, 610, 611, 630): the
# name parts form one term ("Maigret, Jules"), the title and subdivisions follow after " ; ".
NAME_SUBJECT_PARTS = {
    "600": ("abcq", "tvxyz"),
    "610": ("abc", "tvxyz"),
    "611": ("acen", "tvxyz"),
    "630": ("adfklmnoprs", "vxyz"),
}
SUBJECT_TAGS = ("600", "610", "611", "630", "648", "650", "651", "655")
LOCAL_SUBJECT_TAGS = ("690", "691", "692", "693", "695", "699")


def _name_heading(field_, name_codes: str, rest_codes: str) -> str:
    name = " ".join(_clean(v) for code, v in _pairs(field_) if code in name_codes and _clean(v))
    rest = [_clean(v) for code, v in _pairs(field_) if code in rest_codes and _clean(v)]
    return " ; ".join([name, *rest] if name else rest)


# Other titles of the work: the subfields that form the title and its kind (MARC 21).
TITLE_FIELDS = {
    "130": ("adfklmnoprs", "uniform"),
    "240": ("adfklmnoprs", "uniform"),
    "246": ("abnp", "variant"),
    "534": ("t", "original"),
    "740": ("anp", "related"),
    "765": ("t", "original"),
    "700": ("tnp", "part"),
    "800": ("tnpv", "series"),
    "810": ("tnpv", "series"),
    "811": ("tnpv", "series"),
}
OTHER_TITLE_LABELS = {
    "uniform": _("Uniforme titel"),
    "variant": _("Andere titel"),
    "original": _("Originele titel"),
    "related": _("Verwante titel"),
    "part": _("Titel van een deel"),
    "series": _("Reeks"),
}


def other_title_label(kind: str) -> str:
    return str(OTHER_TITLE_LABELS.get(kind, _("Andere titel")))


def _material(
    leader: str, f007: str, f008: str, physical: str, medium: str, genres: list[str]
) -> str:
    kind = leader[6:7]
    level = leader[7:8]
    f007 = f007.lower()
    physical = physical.lower()
    medium = medium.lower()
    lowered_genres = {g.lower() for g in genres}
    if kind in ("a", "t") and level == "s":
        return Material.MAGAZINE
    if kind in ("c", "d") or "bladmuziek" in medium:
        return Material.SHEET_MUSIC
    if kind == "g" or f007.startswith("v"):
        if "blu-ray" in physical or "blu-ray" in medium or f007[4:5] == "s":
            return Material.BLURAY
        return Material.DVD
    if kind == "i" or "luisterboek" in medium or "luisterboeken" in lowered_genres:
        return Material.AUDIOBOOK
    if kind == "j" or f007.startswith("s"):
        return Material.CD
    if kind in ("e", "f"):
        return Material.MAP
    if kind == "r":
        return Material.BOARD_GAME
    if kind == "m":
        return Material.GAME
    online = f007.startswith("cr") or f008[23:24] in ("o", "s") or "online" in physical
    if online or "e-boek" in medium or "elektronisch" in medium:
        return Material.EBOOK
    if "strips" in lowered_genres or "strip" in medium:
        return Material.COMIC
    if "grote letter" in medium or f008[23:24] == "d":
        return Material.LARGE_PRINT
    if kind in ("a", "t", ""):
        return Material.BOOK
    return Material.OTHER


def _audience(note: str, f008: str, kind: str) -> tuple[str, int | None]:
    text = note.lower()
    ages = [int(n) for n in re.findall(r"\b(\d{1,2})\s*(?:\+|jaar|j\b)", text)]
    age = ages[0] if ages else None
    if age is None:
        match = re.search(r"vanaf\s+(\d{1,2})", text)
        age = int(match.group(1)) if match else None
    if "volwassen" in text and "jong" not in text:
        return Audience.ADULTS, age
    if "jongvolwassen" in text or "young adult" in text or "jongeren" in text:
        return Audience.YOUTH, age
    if age is not None:
        if age < 6:
            return Audience.TODDLERS, age
        if age < 12:
            return Audience.CHILDREN, age
        if age < 18:
            return Audience.YOUTH, age
        return Audience.ADULTS, age
    if "kleuter" in text or "peuter" in text:
        return Audience.TODDLERS, None
    if "kind" in text or "jeugd" in text:
        return Audience.CHILDREN, None
    code = f008[22:23] if kind in ("a", "t", "c", "d", "g", "i", "j", "m") else ""
    return {
        "a": Audience.TODDLERS,
        "b": Audience.TODDLERS,
        "c": Audience.CHILDREN,
        "j": Audience.CHILDREN,
        "d": Audience.YOUTH,
        "e": Audience.ADULTS,
        "g": Audience.ADULTS,
    }.get(code, ""), None


def _fiction(f008: str, kind: str, genres: list[str], siso: str) -> bool | None:
    if kind in ("a", "t") and len(f008) > 33:
        code = f008[33]
        if code == "0":
            return False
        if code in "1defhjmps":
            return True
    lowered = {g.lower() for g in genres}
    if lowered & FICTION_GENRES:
        return True
    if siso:
        return False
    return None


def _other_titles(fields: _TagIndex, title: str) -> list[dict[str, str]]:
    seen = {normalise_text(title)}
    titles = []
    for tag, (codes, kind) in TITLE_FIELDS.items():
        for field_ in fields.get_fields(tag):
            value = _clean(" ".join(_clean(v) for v in _subfields(field_, codes) if _clean(v)))
            key = normalise_text(value)
            if value and key not in seen:
                seen.add(key)
                titles.append({"kind": kind, "title": value[:300]})
    return titles[:20]


def work_key_for(title: str, author: str) -> str:
    """Editions of one work share a normalised title and main author surname."""
    surname = normalise_text(author.split(",")[0]) if author else ""
    title_key = normalise_text(title)
    title_key = re.sub(r"^(de|het|een|the|a|an|le|la|les|der|die|das)\s+", "", title_key)
    return hashlib.blake2b(f"{title_key}|{surname}".encode(), digest_size=8).hexdigest()


def _date_entered(f008: str) -> date | None:
    raw = f008[0:6]
    if not raw.isdigit():
        return None
    yy, mm, dd = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    year = 2000 + yy if yy < 70 else 1900 + yy
    try:
        return date(year, mm, dd)
    except ValueError:
        return None


def _iso_date(value: str) -> date | None:
    match = re.match(r"(\d{4})-?(\d{2})-?(\d{2})", value or "")
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _holdings(record: MarcRecord | _TagIndex) -> list[dict[str, object]]:
    """852 per copy: $a library profile, $b branch, $c shelving location, $h shelf mark,
    $y status ('beschikbaar' / 'uitgeleend' / free text), $d acquisition date (YYYY-MM-DD)."""
    holdings = []
    for field_ in record.get_fields("852"):
        profile = _clean(field_.get("a") or "").lower()
        branch = _clean(field_.get("b") or "")
        if not profile or not branch:
            continue
        status = _clean(field_.get("y") or "").lower()
        holdings.append(
            {
                "profile": profile[:63],
                "branch": branch[:200],
                "location": _clean(field_.get("c") or "")[:200],
                "shelf_mark": _clean(field_.get("h") or "")[:100],
                "available": status in ("", "beschikbaar", "aanwezig", "available"),
                "status": status[:100],
                "acquired_on": _iso_date(field_.get("d") or ""),
            }
        )
    return holdings


F008_LENGTH = 40
# 008/06-10: type of date and the first year. An 008 that starts with them lacks its date
# entered on file (00-05), as the Open Vlacc records in the catalogue service's answers do.
F008_WITHOUT_DATE_ENTERED = re.compile(r"[bcdeikmnpqrstu|][0-9u|]{4}")


def f008_repair(value: str) -> str:
    """The 008 at its 40 positions: an 008 without its date entered (00-05) is shifted into
    place, a short one is padded with blanks (no information) so that every position the
    mapping reads (07-10 year, 22 audience, 23 form, 33 literary form, 35-37 language) is at
    its place or blank."""
    value = (value or "").replace("\x00", " ")
    if len(value) >= F008_LENGTH:
        return value
    if not value[:6].isdigit() and F008_WITHOUT_DATE_ENTERED.match(value):
        value = " " * 6 + value
    return value.ljust(F008_LENGTH)


def record_map(record: MarcRecord) -> MappedRecord:
    """Map one MARC record. Raises ValueError when it lacks a usable 001."""
    fields = _TagIndex(record)
    control = fields.get_fields("001")
    record_id = (control[0].data if control else "").strip().replace("\x00", "")
    if not record_id or len(record_id) > 64:
        raise ValueError(StoredMessage.of(NO_RECORD_ID))
    leader = str(record.leader).ljust(24)
    mapped = MappedRecord(record_id=record_id, deleted=leader[5:6] == "d")
    if mapped.deleted:
        return mapped

    f008 = f008_repair(next((f.data or "" for f in fields.get_fields("008")), ""))
    f007 = next((f.data for f in fields.get_fields("007")), "")
    kind = leader[6:7]

    title_field = next(iter(fields.get_fields("245")), None)
    if title_field is not None:
        mapped.title = _clean(" ".join(_subfields(title_field, "anp")))
        mapped.subtitle = _clean(" ".join(_subfields(title_field, "b")))
        mapped.responsibility = _clean(" ".join(_subfields(title_field, "c")))
        medium = " ".join(_subfields(title_field, "h"))
    else:
        medium = ""
    if not mapped.title:
        if title_field is None:
            raise ValueError(StoredMessage.of(NO_TITLE_FIELD))
        if not title_field.subfields:
            raise ValueError(StoredMessage.of(TITLE_FIELD_DAMAGED))
        raise ValueError(StoredMessage.of(NO_TITLE))

    for field_ in fields.get_fields("100", "110", "111"):
        mapped.authors.append(_person(field_, "auteur"))
    for field_ in fields.get_fields("700", "710", "711"):
        mapped.authors.append(_person(field_, "medewerker"))
    mapped.authors = [a for a in mapped.authors if a["name"]]
    mapped.other_titles = _other_titles(fields, mapped.title)

    mapped.edition = _clean(_first(fields, "250", "a"))
    for tag in ("264", "260"):
        for field_ in fields.get_fields(tag):
            mapped.publisher = mapped.publisher or _clean(field_.get("b") or "")
            mapped.place = mapped.place or _clean(field_.get("a") or "")
            mapped.year = mapped.year or _year(field_.get("c") or "")
    if mapped.year is None:
        mapped.year = _year(f008[7:11]) if len(f008) >= 11 else None
    mapped.physical_description = _clean(
        " ".join(_clean(v) for f in fields.get_fields("300") for v in _subfields(f, "abce"))
    )
    physical = mapped.physical_description
    mapped.series = [
        " ; ".join(_clean(v) for v in _subfields(f, "av") if _clean(v))
        for f in fields.get_fields("490", "830")
    ]
    mapped.series += [
        " ; ".join(_clean(v) for v in _subfields(f, "tv") if _clean(v))
        for f in fields.get_fields("800", "810", "811")
    ]
    mapped.series = [s for s in dict.fromkeys(mapped.series) if s]

    # 655 last: the local 69X genres come first, as the record page always listed them.
    for field_ in fields.get_fields(*SUBJECT_TAGS[:-1], *LOCAL_SUBJECT_TAGS, "655"):
        # $9 carries the Flemish theme words (vth, jth) and genres (vge, jge) in any subject
        # field, also on a person as subject (600 "Maigret, Jules" $9 vth).
        source = " ".join(field_.get_subfields("9")).strip().lower()
        if field_.tag in NAME_SUBJECT_PARTS:
            heading = _name_heading(field_, *NAME_SUBJECT_PARTS[field_.tag])
        elif field_.tag == "655":
            heading = " ; ".join(
                _clean(v) for code, v in _pairs(field_) if code in "avxyz" and _clean(v)
            )
        else:
            heading = _heading(field_)
        if not heading:
            continue
        if "vge" in source or "jge" in source or (field_.tag == "655" and not source):
            mapped.genres.append(heading)
        elif "vth" in source or "jth" in source:
            mapped.theme_words.append(heading)
        else:
            mapped.subjects.append(heading)
    mapped.subjects = list(dict.fromkeys(mapped.subjects))
    mapped.theme_words = list(dict.fromkeys(mapped.theme_words))
    mapped.genres = list(dict.fromkeys(g[:1].upper() + g[1:] for g in mapped.genres))

    mapped.summary = " ".join(
        _clean(v) + "." for f in fields.get_fields("520") for v in _subfields(f, "a")
    ).strip()
    mapped.audience_note = "; ".join(
        _clean(v) for f in fields.get_fields("521") for v in _subfields(f, "a")
    )
    mapped.audience, mapped.age_min = _audience(mapped.audience_note, f008, kind)

    isbns: list[str] = []
    for field_ in fields.get_fields("020"):
        for value in _subfields(field_, "a"):
            isbns.extend(isbn_normalise(value))
    mapped.isbns = list(dict.fromkeys(isbns))

    languages = [
        v.strip().lower()[:3] for f in fields.get_fields("041") for v in _subfields(f, "a")
    ]
    f008_language = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    if f008_language and f008_language not in languages and not languages:
        languages.append(f008_language)
    mapped.languages = [
        code for code in dict.fromkeys(languages) if re.fullmatch(r"[a-z]{3}", code)
    ]
    mapped.language = mapped.languages[0] if mapped.languages else ""

    mapped.siso = _clean(_first(fields, "084", "a"))[:40]
    mapped.material = _material(leader, f007, f008, physical, medium, mapped.genres)
    mapped.fiction = _fiction(f008, kind, mapped.genres, mapped.siso)
    main_author = mapped.authors[0]["name"] if mapped.authors else ""
    mapped.work_key = work_key_for(mapped.title, main_author)

    for field_ in fields.get_fields("856"):
        url = (field_.get("u") or "").strip()
        label = (field_.get("3") or field_.get("y") or "").lower()
        if url.startswith("https://") and ("cover" in label or "omslag" in label):
            mapped.cover_url = url[:500]
            break

    mapped.holdings = _holdings(fields)
    dates = [h["acquired_on"] for h in mapped.holdings if h["acquired_on"]]
    mapped.acquired_on = max(dates) if dates else _date_entered(f008)  # type: ignore[type-var]
    return mapped


def language_label(code: str) -> str:
    return LANGUAGES.get(code, code)
