"""Demo events for the demo network: every kind of date an editor can enter, a cancelled
occurrence, a regional event and an import from a UiTdatabank file."""

import copy
import datetime as dt
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


def _events(today: dt.date, kind: str, city: str) -> list[dict]:
    wednesday = _next_weekday(today, 2)
    saturday = _next_weekday(today, 5)
    venue = {"bibliotheek": "de bib", "cultuurcentrum": "het cultuurcentrum"}.get(
        kind, "het centrum"
    )
    return [
        {
            "title": f"Lezing: wandelen door de geschiedenis van {city}",
            "intro": "Een stadsgids vertelt met oude foto's en kaarten hoe de stad veranderde.",
            "event_type": "0.3.2.0.0",
            "theme": "1.11.0.0.0",
            "age_min": 16,
            "price_info": [
                {"name": "Basistarief", "price": 5.0},
                {"name": "Met UiTPAS", "price": 1.0},
            ],
            "booking_email": "info@bib.example",
            "dates": [
                EventDate(
                    start_date=today + dt.timedelta(days=9),
                    start_time=dt.time(19, 30),
                    end_time=dt.time(21, 30),
                )
            ],
        },
        {
            "title": "Voorleesuurtje voor kleuters",
            "intro": f"Elke woensdagnamiddag lezen we in {venue} voor uit nieuwe prentenboeken.",
            "event_type": "0.100.0.0.0",
            "theme": "1.10.0.0.0",
            "age_min": 3,
            "age_max": 6,
            "is_free": True,
            "dates": [
                EventDate(
                    repeat=Repeat.RULE,
                    start_date=wednesday,
                    end_date=wednesday + dt.timedelta(weeks=20),
                    start_time=dt.time(14),
                    end_time=dt.time(15),
                    rule="FREQ=WEEKLY;BYDAY=WE",
                    excluded_dates=(
                        f"{wednesday + dt.timedelta(weeks=5)}/{wednesday + dt.timedelta(weeks=6)}"
                    ),
                )
            ],
            "changes": [
                OccurrenceChange(
                    original_date=wednesday + dt.timedelta(weeks=2),
                    status=EventStatus.CANCELLED,
                    note="De voorlezer is ziek.",
                )
            ],
        },
        {
            "title": "Digidokter: hulp bij je smartphone",
            "intro": "Vrijwilligers helpen je met je smartphone, tablet of laptop.",
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
                    weekdays="1,4",
                    start_time=dt.time(10),
                    end_time=dt.time(12),
                )
            ],
        },
        {
            "title": "Familievoorstelling: De Reus die niet kon slapen",
            "intro": "Poppentheater voor het hele gezin, met live muziek.",
            "event_type": "0.55.0.0.0",
            "theme": "1.3.1.0.0",
            "age_min": 4,
            "price_info": [
                {"name": "Kinderen", "price": 6.0},
                {"name": "Volwassenen", "price": 9.0},
            ],
            "booking_url": "https://tickets.example/reus",
            "dates": [
                EventDate(
                    start_date=saturday + dt.timedelta(weeks=1),
                    start_time=dt.time(14),
                    end_time=dt.time(15),
                ),
                EventDate(
                    start_date=saturday + dt.timedelta(weeks=1),
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

    def show(title, intro, event_type, theme, day, hour, prices, *, age_min=None, extra=None):
        spec = {
            "title": title,
            "intro": intro,
            "event_type": event_type,
            "theme": theme,
            "price_info": [{"name": name, "price": price} for name, price in prices],
            "booking_url": f"{tickets}/{_slugify(title)}",
            "dates": [EventDate(start_date=day, start_time=dt.time(hour, 15 if hour == 20 else 0))],
        }
        if age_min is not None:
            spec["age_min"] = age_min
        spec.update(extra or {})
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
        page.dates = dates
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
