"""Demo courses for the library sites of the demo network (called by sitegen.demo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from home.models import Tenant
from library_pages.models import LocationPage
from makerspace.models import (
    Audience,
    CourseIndexPage,
    CoursePage,
    CoursePrerequisite,
    CourseSession,
    Machine,
)
from registrations.models import Registration, RegistrationSettings, RegistrationStatus

BRUSSELS = ZoneInfo("Europe/Brussels")

PRIVACY_NOTICE = (
    "<p>De bibliotheek gebruikt je naam, e-mailadres en telefoonnummer alleen om je inschrijving "
    "te beheren en je over deze cursus te contacteren. We geven je gegevens aan niemand door. "
    "Een jaar na afloop van de cursus wissen we je persoonsgegevens; alleen anonieme aantallen "
    "blijven bewaard. Je kan je gegevens altijd opvragen of laten wissen aan de balie of via "
    "ons e-mailadres.</p>"
)

DEMO_PEOPLE = [
    ("An Peeters", "an.peeters@example.org"),
    ("Bram De Smet", "bram.desmet@example.org"),
    ("Chloé Janssens", "chloe.janssens@example.org"),
    ("Dries Maes", "dries.maes@example.org"),
    ("Elif Yilmaz", "elif.yilmaz@example.org"),
    ("Fien Claes", "fien.claes@example.org"),
    ("Gilles Wouters", "gilles.wouters@example.org"),
    ("Hanne Goossens", "hanne.goossens@example.org"),
    ("Ilias El Amrani", "ilias.elamrani@example.org"),
    ("Jana Willems", "jana.willems@example.org"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def _course(
    *,
    index: CourseIndexPage,
    sessions: list[tuple[str, dt.datetime, dt.datetime, str]],
    machines: list[str],
    prerequisites: tuple[CoursePage, ...] = (),
    picture: Callable[[str, str], object] | None = None,
    **fields,
) -> CoursePage:
    course = CoursePage(**fields)
    if picture is not None and course.image is None:
        course.image = picture(course.title, "Makerspace")
    course.prerequisite_links = [CoursePrerequisite(course=other) for other in prerequisites]
    course.sessions = [
        CourseSession(title=title, starts_at=start, ends_at=end, description=description)
        for title, start, end, description in sessions
    ]
    course.machines = list(Machine.objects.filter(slug__in=machines))
    index.add_child(instance=course)
    course.save_revision(log_action=False).publish(log_action=False)
    return course


def _register(course: CoursePage, people: list[tuple[str, str]], *, waitlisted_from: int) -> None:
    site = course.get_site()
    now = timezone.now()
    for number, (name, email) in enumerate(people):
        waiting = number >= waitlisted_from
        Registration.objects.create(
            page=course,
            site=site,
            status=RegistrationStatus.WAITLISTED if waiting else RegistrationStatus.CONFIRMED,
            waitlist_position=number - waitlisted_from + 1 if waiting else None,
            name=name,
            email=email,
            consent_at=now,
            confirmed_at=None if waiting else now,
        )


def demo_courses_add(
    *, tenant: Tenant, picture: Callable[[str, str], object] | None = None
) -> None:
    """Idempotent: adds the demo courses to a site's makerspace once.

    `picture(title, label)` returns an image for a course (the demo network draws them)."""
    home = tenant.site.root_page
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None or CoursePage.objects.child_of(index).exists():
        return
    RegistrationSettings.objects.update_or_create(
        site=tenant.site, defaults={"privacy_notice": PRIVACY_NOTICE, "retention_days": 365}
    )
    location = LocationPage.objects.descendant_of(home).order_by("path").first()
    today = timezone.localdate()
    start = today + dt.timedelta(days=21)

    training = _course(
        picture=picture,
        index=index,
        title="Makerspace-opleiding in vier dagen",
        slug="makerspace-opleiding",
        intro=(
            "Een opleiding voor bibliotheekmedewerkers, leerkrachten en jeugdwerkers die zelf "
            "een makerspace willen opstarten of begeleiden."
        ),
        sessions=[
            (
                "Dag 1 Inleiding en cases",
                _at(start, 9, 30),
                _at(start, 16, 30),
                "Wat is een makerspace? Voorbeelden uit Vlaamse bibliotheken.",
            ),
            (
                "Dag 2 Praktijkdag",
                _at(start + dt.timedelta(days=7), 9, 30),
                _at(start + dt.timedelta(days=7), 16, 30),
                "Zelf aan de slag met de 3D-printer, de lasercutter en de vinylsnijder.",
            ),
            (
                "Dag 3 Strategie en visie",
                _at(start + dt.timedelta(days=14), 9, 30),
                _at(start + dt.timedelta(days=14), 16, 30),
                "Een plan voor je eigen makerspace: doelen, publiek, budget.",
            ),
            (
                "Dag 4 Community management",
                _at(start + dt.timedelta(days=21), 9, 30),
                _at(start + dt.timedelta(days=21), 16, 30),
                "Vrijwilligers, makers en partners betrekken en houden.",
            ),
        ],
        machines=["3d-printer", "lasercutter", "vinylsnijder"],
        location=location,
        location_text="Lokaal Makerspace, tweede verdieping",
        price=Decimal("120.00"),
        price_note="Lunch en materiaal inbegrepen",
        audience=Audience.PROFESSIONALS,
        min_age=18,
        what_to_bring="Een laptop en een usb-stick.",
        prerequisite_text="Geen voorkennis nodig. Volg de vier dagen in volgorde.",
        capacity=16,
        max_places_per_registration=1,
    )
    _register(training, DEMO_PEOPLE[:5], waitlisted_from=99)

    first = today + dt.timedelta(days=10)
    beginners = _course(
        picture=picture,
        index=index,
        title="3D-printen voor beginners",
        slug="3d-printen-voor-beginners",
        intro="Ontwerp en print je eerste voorwerp. In twee avonden van idee tot print.",
        sessions=[
            (
                "Sessie 1: ontwerpen in Tinkercad",
                _at(first, 19),
                _at(first, 21, 30),
                "",
            ),
            (
                "Sessie 2: printen en afwerken",
                _at(first + dt.timedelta(days=7), 19),
                _at(first + dt.timedelta(days=7), 21, 30),
                "",
            ),
        ],
        machines=["3d-printer"],
        location=location,
        price=Decimal("10.00"),
        price_note="Te betalen aan de balie, filament inbegrepen",
        audience=Audience.EVERYONE,
        min_age=12,
        what_to_bring="Je lidkaart en, als je hebt, een laptop.",
        capacity=8,
        max_places_per_registration=2,
    )
    _register(beginners, DEMO_PEOPLE, waitlisted_from=8)

    _course(
        picture=picture,
        index=index,
        title="3D-printen: zelf ontwerpen voor gevorderden",
        slug="3d-printen-gevorderden",
        intro="Ontwerp onderdelen die passen: maten, toleranties en scharnieren.",
        sessions=[
            (
                "",
                _at(today + dt.timedelta(days=35), 14),
                _at(today + dt.timedelta(days=35), 17),
                "",
            )
        ],
        machines=["3d-printer"],
        location=location,
        price=Decimal("5.00"),
        audience=Audience.YOUTH,
        min_age=12,
        max_age=18,
        capacity=6,
        prerequisites=(beginners,),
    )
