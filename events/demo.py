"""Demo events for the demo network: every kind of date an editor can enter, a cancelled
occurrence, a regional event and an import from a UiTdatabank file."""

import copy
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from django.utils import timezone

from events.models import (
    EventDate,
    EventIndexPage,
    EventPage,
    EventStatus,
    OccurrenceChange,
    Repeat,
)
from events.services import items_from_files, uitdatabank_import
from home.models import IdentitySettings, Tenant
from library_pages.models import LocationPage

DEMO_FILE = Path(__file__).parent / "fixtures" / "demo-uitdatabank.json"
# The Monday of the week the demo file's dates are written around: the demo moves them by
# whole weeks to the current week (demo_document_dated), so they keep their weekday and stay
# around today, while the file itself stays the same for tests.
DEMO_FILE_WEEK = dt.date(2026, 1, 5)


def demo_document_dated(document: dict, *, today: dt.date) -> dict:
    """A copy of an UiTdatabank document of the demo file with its dates (the event's and its
    sessions') moved by whole weeks from DEMO_FILE_WEEK to the week of `today`."""
    monday = today - dt.timedelta(days=today.weekday())
    shift = dt.timedelta(weeks=(monday - DEMO_FILE_WEEK).days // 7)
    # On the local clock: a session at 19.30 in January is at 19.30 in July too.
    local = timezone.get_current_timezone()
    dated = copy.deepcopy(document)
    for part in (dated, *dated.get("subEvent", [])):
        for key in ("startDate", "endDate"):
            if part.get(key):
                moment = dt.datetime.fromisoformat(part[key]).astimezone(local)
                part[key] = (moment + shift).isoformat()
    return dated


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7 or 7)


# Belgium's public holidays on a fixed date (month, day): Nieuwjaar, Dag van de Arbeid,
# Nationale feestdag, O.L.V.-Hemelvaart, Allerheiligen, Wapenstilstand, Kerstmis. No demo
# activity falls on them (the demo locations are closed on 25/12 and 1/1).
PUBLIC_HOLIDAYS = ((1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25))


def is_public_holiday(day: dt.date) -> bool:
    return (day.month, day.day) in PUBLIC_HOLIDAYS


def _dates_off_holidays(dates: list[EventDate]) -> list[EventDate]:
    """One-off dates move to the next day that is not a public holiday; repeating dates
    skip the holidays in their period (added to their excluded dates)."""
    for date in dates:
        if date.repeat == Repeat.ONCE or not date.end_date:
            shift = dt.timedelta(0)
            while is_public_holiday(date.start_date + shift):
                shift += dt.timedelta(days=1)
            date.start_date += shift
            if date.end_date:
                date.end_date += shift
            continue
        day, holidays = date.start_date, []
        while day <= date.end_date:
            if is_public_holiday(day):
                holidays.append(day.isoformat())
            day += dt.timedelta(days=1)
        if holidays:
            date.excluded_dates = "\n".join(filter(None, [date.excluded_dates, *holidays]))
    return dates


def _variant(city: str, options: tuple):
    """One of `options`, the same for a town on every build, different between towns."""
    digest = hashlib.md5(city.encode(), usedforsecurity=False).hexdigest()
    return options[int(digest, 16) % len(options)]


# Per town one variant of the activities every site has, so that the network agenda reads
# like a real programme: (title, intro, description paragraphs, weekday).
STORYTIME = (
    ("Voorleesuurtje voor kleuters", "uit nieuwe prentenboeken", 2),
    ("Verhalenuur met knutselhoek", "en knutselen we daarna rond het verhaal", 2),
    ("Voorlezen op zaterdagochtend", "voor kleuters en hun (groot)ouders", 5),
    ("Boekenbabbels voor peuters", "met liedjes, vingerspelletjes en voelboekjes", 3),
)
DIGITAL_HELP = (
    ("Digidokter", "Vrijwilligers helpen je met je smartphone, tablet of laptop.", "1,4"),
    ("Digitaal spreekuur", "Hulp bij itsme, je eID, MyMinfin en andere online diensten.", "2"),
    (
        "Computerles voor beginners",
        "In kleine groep leer je mailen, surfen en bestanden bewaren.",
        "1",
    ),
    ("Smartphonecafé", "Stel je vragen over je smartphone bij een kop koffie.", "3,5"),
    ("Digitale zitdag", "Een digicoach helpt je met formulieren en afspraken online.", "4"),
)
FAMILY_SHOWS = (
    ("De Reus die niet kon slapen", "Poppentheater voor het hele gezin, met live muziek.", 4),
    ("Kapitein Winokio", "Een meezingconcert vol vrolijke liedjes voor kleine oren.", 3),
    ("Het geheim van de rode ballon", "Beeldend theater zonder woorden voor iedereen vanaf 3.", 3),
    ("Circus Ronaldo junior", "Jongleren, acrobatie en veel slapstick in een kleine tent.", 5),
)


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def _events(today: dt.date, kind: str, city: str) -> list[dict]:
    saturday = _next_weekday(today, 5)
    venue = {"bibliotheek": "de bib", "cultuurcentrum": "het cultuurcentrum"}.get(
        kind, "het centrum"
    )
    story_title, story_what, story_weekday = _variant(city, STORYTIME)
    story_day = _next_weekday(today, story_weekday)
    byday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[story_weekday]
    help_title, help_intro, help_weekdays = _variant(city, DIGITAL_HELP)
    show_title, show_intro, show_age = _variant(city, FAMILY_SHOWS)
    show_day = saturday + dt.timedelta(weeks=_variant(city[::-1], (1, 2, 3)))
    return [
        {
            "title": f"Lezing: wandelen door de geschiedenis van {city}",
            "intro": "Een stadsgids vertelt met oude foto's en kaarten hoe de stad veranderde.",
            "description": _paragraphs(
                f"Van middeleeuwse handelsstad tot moderne woonkern: {city} veranderde "
                "ingrijpend. Aan de hand van prentkaarten, luchtfoto's en plannen uit het "
                "stadsarchief neemt onze gids je mee langs straten die verdwenen en pleinen "
                "die er pas later kwamen.",
                "Na de lezing is er tijd voor vragen en een drankje. Heb je zelf oude foto's "
                "van je buurt? Breng ze mee: we scannen ze graag voor de beeldbank.",
                "De zaal heeft veertig plaatsen: schrijf je hieronder in, voor jezelf of met "
                "z'n tweeën. Is het volzet, dan kom je op de wachtlijst.",
            ),
            "event_type": "0.3.2.0.0",
            "theme": "1.11.0.0.0",
            "age_min": 16,
            "price_info": [
                {"name": "Basistarief", "price": 5.0},
                {"name": "Met UiTPAS", "price": 1.0},
            ],
            # Online registration (the registration engine), so the demo shows an event with
            # its registration form next to the courses.
            "registration_required": True,
            "capacity": 40,
            "max_places_per_registration": 2,
            "dates": [
                EventDate(
                    start_date=today + dt.timedelta(days=9),
                    start_time=dt.time(19, 30),
                    end_time=dt.time(21, 30),
                )
            ],
        },
        {
            "title": f"{story_title} in {city}",
            "intro": f"Elke week lezen we in {venue} voor {story_what}.",
            "description": _paragraphs(
                "Een vaste voorlezer kiest telkens twee of drie verhalen, van grappige "
                "prentenboeken tot rijmpjes om mee te doen. Kinderen mogen op kussens vooraan "
                "zitten; ouders en grootouders luisteren gezellig mee.",
                "Inschrijven hoeft niet en het is gratis. Na afloop kun je de voorgelezen "
                "boeken meteen ontlenen met je lidkaart.",
            ),
            "event_type": "0.100.0.0.0",
            "theme": "1.10.0.0.0",
            "age_min": 3,
            "age_max": 6,
            "is_free": True,
            "dates": [
                EventDate(
                    repeat=Repeat.RULE,
                    start_date=story_day,
                    end_date=story_day + dt.timedelta(weeks=20),
                    start_time=dt.time(14) if story_weekday != 5 else dt.time(10, 30),
                    end_time=dt.time(15) if story_weekday != 5 else dt.time(11, 30),
                    rule=f"FREQ=WEEKLY;BYDAY={byday}",
                    excluded_dates=(
                        f"{story_day + dt.timedelta(weeks=5)}/{story_day + dt.timedelta(weeks=6)}"
                    ),
                )
            ],
            "changes": [
                OccurrenceChange(
                    original_date=story_day + dt.timedelta(weeks=2),
                    status=EventStatus.CANCELLED,
                    note="De voorlezer is ziek.",
                )
            ],
        },
        {
            "title": f"{help_title} in {city}",
            "intro": help_intro,
            "description": _paragraphs(
                "Loop binnen met je toestel en je vraag: een bericht versturen, foto's "
                "bewaren, een app installeren of veilig online bankieren. Onze vrijwilligers "
                "nemen de tijd en leggen alles stap voor stap uit.",
                "Breng je toestel opgeladen mee, en je wachtwoorden of pincodes als je die "
                "nodig hebt. Er is geen inschrijving nodig; wie eerst komt, wordt eerst "
                "geholpen.",
            ),
            "event_type": "0.3.1.0.1",
            "theme": "1.21.0.0.0",
            "age_min": 18,
            "is_free": True,
            "regional": True,
            "dates": [
                EventDate(
                    repeat=Repeat.WEEKLY,
                    start_date=today,
                    end_date=today + dt.timedelta(days=120),
                    weekdays=help_weekdays,
                    start_time=dt.time(10),
                    end_time=dt.time(12),
                )
            ],
        },
        {
            "title": f"Familievoorstelling: {show_title}",
            "intro": show_intro,
            "description": _paragraphs(
                "Een voorstelling om samen naar te kijken: kort genoeg voor de kleinsten, "
                "met genoeg knipogen voor de volwassenen. Na afloop mogen de kinderen de "
                "makers en het decor van dichtbij bekijken.",
                "De zaal is rolstoeltoegankelijk en er is een opvang voor buggy's aan de "
                "ingang. Kom een kwartier vooraf: we beginnen stipt.",
            ),
            "event_type": "0.55.0.0.0",
            "theme": "1.3.1.0.0",
            "age_min": show_age,
            "price_info": [
                {"name": "Kinderen", "price": 6.0},
                {"name": "Volwassenen", "price": 9.0},
            ],
            "booking_url": f"https://tickets.example/{_slugify(show_title)}",
            "dates": [
                EventDate(
                    start_date=show_day,
                    start_time=dt.time(14),
                    end_time=dt.time(15),
                ),
                EventDate(
                    start_date=show_day,
                    start_time=dt.time(16),
                    end_time=dt.time(17),
                    booking_availability="niet-beschikbaar",
                ),
            ],
        },
    ]


def _season(today: dt.date, slug: str) -> list[dict]:
    """A cultural centre's season: theatre, concerts, film and comedy, each with a ticket link."""
    friday = _next_weekday(today, 4)
    thursday = _next_weekday(today, 3)
    tickets = f"https://tickets.{slug}.example"

    def show(title, intro, event_type, theme, day, hour, prices, *, body, age_min=None):
        spec = {
            "title": title,
            "intro": intro,
            "description": _paragraphs(*body),
            "event_type": event_type,
            "theme": theme,
            "price_info": [{"name": name, "price": price} for name, price in prices],
            "booking_url": f"{tickets}/{_slugify(title)}",
            "dates": [EventDate(start_date=day, start_time=dt.time(hour, 15 if hour == 20 else 0))],
        }
        if age_min is not None:
            spec["age_min"] = age_min
        return spec

    return [
        show(
            "Theater: De kersentuin",
            "Tsjechovs klassieker over een familie die haar landgoed verliest, in een frisse "
            "Vlaamse regie met zes acteurs en live cello.",
            "0.55.0.0.0",
            "1.3.1.0.0",
            friday + dt.timedelta(weeks=1),
            20,
            [("Basistarief", 22.0), ("-26 jaar", 14.0), ("Met UiTPAS", 5.5)],
            body=(
                "Het gezelschap verplaatst het verhaal naar een Vlaams dorp van nu: de familie "
                "keert terug naar het ouderlijk huis, dat binnenkort geveild wordt. Tussen "
                "herinneringen, ruzies en onuitgesproken liefde speelt een cellist de stiltes weg.",
                "De voorstelling duurt twee uur, met een pauze. Na afloop is er een nagesprek met "
                "de acteurs in de foyer.",
            ),
            age_min=14,
        ),
        show(
            "Concert: Strijkkwartet Danel speelt Beethoven",
            "Drie late strijkkwartetten van Beethoven door een van de beste kwartetten van "
            "Europa. Inleiding om 19.30 uur in de foyer.",
            "0.50.4.0.0",
            "1.8.1.0.0",
            thursday + dt.timedelta(weeks=2),
            20,
            [("Basistarief", 24.0), ("-26 jaar", 12.0)],
            body=(
                "Op het programma staan de strijkkwartetten opus 127, 131 en 135: muziek die "
                "Beethoven schreef toen hij al doof was, en die nog altijd verrassend modern "
                "klinkt.",
                "Het Strijkkwartet Danel speelde de volledige cyclus al in heel Europa. Een "
                "muziekkenner leidt het concert om 19.30 uur in met luistertips.",
                "Zitplaatsen zijn genummerd; kies je plaats bij het bestellen.",
            ),
        ),
        show(
            "Concert: Meskerem Mees",
            "De Gentse singer-songwriter brengt de songs van haar nieuwe plaat, akoestisch en "
            "intiem in de grote zaal.",
            "0.50.4.0.0",
            "1.8.3.1.0",
            friday + dt.timedelta(weeks=3),
            20,
            [("Zitplaats", 26.0), ("Met UiTPAS", 6.5)],
            body=(
                "Met haar heldere stem en fingerpicking-gitaar veroverde Meskerem Mees de Lage "
                "Landen. Op haar nieuwe plaat klinkt ze persoonlijker dan ooit, met cello en "
                "tweede stem.",
                "Voorprogramma om 20.15 uur; Meskerem Mees begint rond 21 uur.",
            ),
        ),
        show(
            "Film: Close",
            "De bekroonde film van Lukas Dhont, met nabespreking door een filmkenner. "
            "Nederlands gesproken, met Nederlandse ondertitels voor doven en slechthorenden.",
            "0.50.6.0.0",
            "1.0.9.0.0",
            thursday + dt.timedelta(days=3),
            20,
            [("Basistarief", 8.0), ("Met UiTPAS", 2.0)],
            body=(
                "Léo en Rémi zijn onafscheidelijk, tot een nieuwe school hun vriendschap op de "
                "proef stelt. Lukas Dhont won er de Grand Prix in Cannes mee.",
                "Na de film praat een filmkenner met het publiek over vriendschap, jongens en "
                "kwetsbaarheid. De vertoning duurt 105 minuten.",
            ),
            age_min=12,
        ),
        show(
            "Comedy: Soe Nsuki - Nieuwe voorstelling",
            "Scherp, grappig en ontwapenend: Soe Nsuki test haar nieuwe show uit voor publiek.",
            "0.55.0.0.0",
            "1.3.1.0.0",
            friday + dt.timedelta(weeks=4),
            20,
            [("Basistarief", 20.0)],
            body=(
                "In een try-out test Soe Nsuki haar nieuwe materiaal: over opgroeien tussen twee "
                "culturen, moederschap en de absurditeit van het dagelijks leven.",
                "Een try-out is ruwer en spontaner dan de première: je ziet een show in wording. "
                "Niet geschikt voor kinderen.",
            ),
            age_min=16,
        ),
    ]


def _slugify(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title)


def _locality(document: dict | None) -> str:
    """The town of an UiTdatabank event's location (Dutch name), or ''."""
    address = ((document or {}).get("location") or {}).get("address") or {}
    return str((address.get("nl") or {}).get("addressLocality") or "")


def demo_events_add(*, tenant: Tenant, picture: Callable[[str, str], object] | None = None) -> None:
    """Idempotent: an agenda that already has events is left alone.

    `picture(title, label)` returns an image for an event (the demo network draws them).
    Events of the UiTdatabank demo file go only to the agenda of their own town: an
    event in Gent does not belong on Strombeek's agenda."""
    agenda = EventIndexPage.objects.child_of(tenant.site.root_page).first()
    if agenda is None or EventPage.objects.child_of(agenda).exists():
        return
    identity = IdentitySettings.for_site(tenant.site)
    # Regional events by design: the libraries of a province share their regional activities
    # (the weekly digital help); cultural and community centres show their own programme.
    if identity.province and not agenda.region and tenant.kind == "bibliotheek":
        agenda.region = identity.province
        agenda.include_regional = True
        agenda.save_revision(log_action=False).publish(log_action=False)
    today = timezone.localdate()
    city = identity.municipality or tenant.site.site_name
    # "Waar" links to the site's own venue (the first location page).
    location = LocationPage.objects.descendant_of(tenant.site.root_page).order_by("path").first()
    lecture, storytime, digital_help, family_show = _events(today, tenant.kind, city)
    if tenant.kind == "cultuurcentrum":
        specs = [family_show, *_season(today, tenant.slug)]
    elif tenant.kind == "bibliotheek":
        specs = [lecture, storytime, digital_help, family_show]
    else:
        digital_help["regional"] = False
        specs = [lecture, digital_help, family_show]
    for spec in specs:
        dates = spec.pop("dates")
        changes = spec.pop("changes", [])
        if picture is not None:
            spec["image"] = picture(spec["title"], "Agenda")
        page = EventPage(
            location_page=location,
            place_name="" if location else tenant.site.site_name,
            city=city,
            region=identity.province,
            organizer_name=tenant.site.site_name,
            **spec,
        )
        page.slug = ""  # Wagtail derives it from the title
        page.dates = _dates_off_holidays(dates)
        page.changes = changes
        agenda.add_child(instance=page)
        page.save_revision(log_action=False).publish(log_action=False)
    items = [
        replace(item, document=demo_document_dated(item.document, today=today))
        for item in items_from_files([DEMO_FILE])
        if item.document is not None and _locality(item.document) == city
    ]
    if items:
        uitdatabank_import(site=tenant.site, items=items, source=DEMO_FILE.name)
