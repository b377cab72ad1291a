from home.models import SiteKind

from .base import Blueprint, Branding, HomeSection, PageSpec, heading, paragraph, upcoming_events
from .common import common_pages

COMMUNITY_CENTRE = Blueprint(
    kind=SiteKind.COMMUNITY_CENTRE,
    version=2,
    site_name_prefix="Gemeenschapscentrum",
    home_intro=(
        "Het gemeenschapscentrum is de ontmoetingsplek van de buurt: cursussen, activiteiten, "
        "zalen te huur en een warm onthaal."
    ),
    home_body=(
        heading("Iets organiseren?"),
        paragraph(
            "<p>Verenigingen en buurtbewoners kunnen bij ons een zaal huren of samen met ons "
            "een activiteit op poten zetten.</p>"
        ),
    ),
    branding=Branding(primary_colour="#00613a", accent_colour="#a63d00"),
    pages=(
        PageSpec(
            key="about",
            model="library_pages.StandardPage",
            title="Over het gemeenschapscentrum",
            slug="over-ons",
            in_main_menu=True,
            fields={
                "intro": "Samen maken we de buurt.",
                "body": [
                    heading("Zaalverhuur"),
                    paragraph(
                        "<p>We verhuren polyvalente zalen voor vergaderingen, feesten en "
                        "repetities. Vraag de tarieven aan het onthaal.</p>"
                    ),
                ],
            },
        ),
        PageSpec(
            key="locations",
            model="library_pages.LocationIndexPage",
            title="Locatie en openingsuren",
            slug="locaties",
            in_main_menu=True,
            in_footer_menu=True,
            fields={"intro": "Waar je ons vindt en wanneer het onthaal open is."},
        ),
        PageSpec(
            key="agenda",
            model="events.EventIndexPage",
            title="Agenda",
            slug="agenda",
            in_main_menu=True,
            fields={"intro": "Activiteiten, cursussen en feesten in en rond het centrum."},
        ),
        PageSpec(
            key="news",
            model="library_pages.NewsIndexPage",
            title="Nieuws",
            slug="nieuws",
            in_main_menu=True,
            fields={"intro": "Wat er leeft in en rond het gemeenschapscentrum."},
        ),
        PageSpec(
            key="contact",
            model="library_pages.ContactPage",
            title="Contact",
            slug="contact",
            in_main_menu=True,
            in_footer_menu=True,
            fields={"intro": "Loop gerust eens binnen."},
        ),
        *common_pages(org="het gemeenschapscentrum", since_version=2),
    ),
    home_sections=(
        HomeSection(
            key="programme",
            block=upcoming_events("Programma", 6),
            since_version=2,
        ),
    ),
)
