"""Demo events for the demo network: every kind of date an editor can enter, a cancelled
occurrence, a regional event and an import from a UiTdatabank file."""

import datetime as dt
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

DEMO_FILE = Path(__file__).parent / "fixtures" / "demo-uitdatabank.json"


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


def demo_events_add(*, tenant: Tenant) -> None:
    """Idempotent: an agenda that already has events is left alone."""
    agenda = EventIndexPage.objects.child_of(tenant.site.root_page).first()
    if agenda is None or EventPage.objects.child_of(agenda).exists():
        return
    identity = IdentitySettings.for_site(tenant.site)
    if identity.province and not agenda.region:
        agenda.region = identity.province
        agenda.include_regional = True
        agenda.save_revision(log_action=False).publish(log_action=False)
    today = timezone.localdate()
    city = identity.municipality or tenant.site.site_name
    for spec in _events(today, tenant.kind, city):
        dates = spec.pop("dates")
        changes = spec.pop("changes", [])
        page = EventPage(
            place_name=tenant.site.site_name,
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
    uitdatabank_import(site=tenant.site, items=items_from_files([DEMO_FILE]), source=DEMO_FILE.name)
