"""The UiTdatabank taxonomy terms the agenda filters on, with their Dutch labels.

Term ids are UiTdatabank's own (the `terms[].id` of an event document, domains `eventtype`,
`theme` and `facility`), so imported events and events made by local editors share one
vocabulary. Unknown ids from an import are kept with the label the document carries.
"""

from dataclasses import dataclass

EVENT_TYPES: dict[str, str] = {
    "0.0.0.0.0": "Tentoonstelling",
    "0.3.1.0.0": "Cursus of workshop",
    "0.3.1.0.1": "Cursus met open sessies",
    "0.3.2.0.0": "Lezing of congres",
    "0.3.3.0.0": "Congres of studiedag",
    "0.5.0.0.0": "Festival",
    "0.7.0.0.0": "Begeleide rondleiding",
    "0.12.0.0.0": "Opendeurdag",
    "0.17.0.0.0": "Fiets- of wandelroute",
    "0.19.0.0.0": "Sportactiviteit",
    "0.28.0.0.0": "Festiviteit",
    "0.37.0.0.0": "Markt, braderie of kermis",
    "0.49.0.0.0": "Party of fuif",
    "0.50.4.0.0": "Concert",
    "0.50.6.0.0": "Film",
    "0.50.21.0.0": "Spel of quiz",
    "0.54.0.0.0": "Dansvoorstelling",
    "0.55.0.0.0": "Theatervoorstelling",
    "0.57.0.0.0": "Kamp of vakantie",
    "0.100.0.0.0": "Kijken en luisteren",
}

THEMES: dict[str, str] = {
    "1.0.1.0.0": "Schilderkunst",
    "1.0.6.0.0": "Fotografie",
    "1.0.9.0.0": "Meerdere kunstvormen",
    "1.3.1.0.0": "Tekst- en muziektheater",
    "1.7.12.0.0": "Animatie en kinderfilms",
    "1.8.1.0.0": "Klassieke muziek",
    "1.8.2.0.0": "Jazz en blues",
    "1.8.3.1.0": "Pop en rock",
    "1.8.4.0.0": "Folk en wereldmuziek",
    "1.10.0.0.0": "Literatuur",
    "1.10.5.0.0": "Poëzie",
    "1.11.0.0.0": "Geschiedenis",
    "1.11.1.0.0": "Taal en communicatie",
    "1.21.0.0.0": "Computer en techniek",
    "1.25.0.0.0": "Wetenschap",
    "1.37.0.0.0": "Opvoeding",
    "1.37.1.0.0": "Gezondheid en zorg",
    "1.37.2.0.0": "Samenleving",
    "1.40.0.0.0": "Erfgoed",
    "1.41.0.0.0": "Kunst en kunsteducatie",
    "1.42.0.0.0": "Creativiteit",
    "1.43.0.0.0": "Interculturele vorming",
    "1.44.0.0.0": "Zingeving, filosofie en religie",
    "1.61.0.0.0": "Persoon en relaties",
    "1.64.0.0.0": "Milieu en natuur",
    "1.65.0.0.0": "Voeding",
}

FACILITIES: dict[str, str] = {
    "3.13.1.0.0": "Voorzieningen voor assistentiehonden",
    "3.13.2.0.0": "Audiodescriptie",
    "3.13.3.0.0": "Brochure beschikbaar in braille",
    "3.13.4.0.0": "Brochure beschikbaar in grootletterschrift",
    "3.17.1.0.0": "Ringleiding",
    "3.17.3.0.0": "Boven- of ondertiteling",
    "3.23.1.0.0": "Voorzieningen voor rolstoelgebruikers",
    "3.23.2.0.0": "Assistentie",
    "3.26.0.0.0": "Parkeerplaats",
    "3.27.0.0.0": "Rolstoeltoegankelijk",
    "3.28.0.0.0": "Alternatieve ingang",
    "3.29.0.0.0": "Gegarandeerd zicht",
    "3.30.0.0.0": "Rolstoelpodium",
    "3.31.0.0.0": "Toegankelijk sanitair",
    "3.33.0.0.0": "Tolken Vlaamse Gebarentaal",
    "3.34.0.0.0": "Vereenvoudigde informatie",
    "3.35.0.0.0": "1 begeleider gratis",
    "3.36.0.0.0": "Verzorgingsruimte",
    "3.37.0.0.0": "Oplaadzone rolstoelen",
    "3.39.0.0.0": "Begeleiderspas",
}


@dataclass(frozen=True)
class AgeGroup:
    slug: str
    label: str
    min_age: int
    max_age: int | None


# Overlap semantics: an event for 8-10 year olds belongs to "kinderen"; one for "6-" to
# kinderen, jongeren and volwassenen. Families are events open to both children and adults.
AGE_GROUPS: dict[str, AgeGroup] = {
    group.slug: group
    for group in (
        AgeGroup("kleuters", "Kleuters (3-5 jaar)", 3, 5),
        AgeGroup("kinderen", "Kinderen (6-11 jaar)", 6, 11),
        AgeGroup("jongeren", "Jongeren (12-17 jaar)", 12, 17),
        AgeGroup("volwassenen", "Volwassenen (18+)", 18, None),
        AgeGroup("gezinnen", "Gezinnen", 0, None),
    )
}


def choices(terms: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(terms.items(), key=lambda item: item[1])


def label_for(terms: dict[str, str], term_id: str, fallback: str = "") -> str:
    return terms.get(term_id, fallback or term_id)
