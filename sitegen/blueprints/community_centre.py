from home.models import SiteKind

from .base import (
    Blueprint,
    Branding,
    HomeSection,
    about_page,
    agenda_page,
    contact_page,
    heading,
    locations_page,
    news_page,
    paragraph,
    upcoming_events,
)
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
        about_page(
            title="Over het gemeenschapscentrum",
            intro="Samen maken we de buurt.",
            body=[
                heading("Zaalverhuur"),
                paragraph(
                    "<p>We verhuren polyvalente zalen voor vergaderingen, feesten en "
                    "repetities. Vraag de tarieven aan het onthaal.</p>"
                ),
            ],
        ),
        locations_page(
            title="Locatie en openingsuren",
            intro="Waar je ons vindt en wanneer het onthaal open is.",
        ),
        agenda_page(intro="Activiteiten, cursussen en feesten in en rond het centrum."),
        news_page(intro="Wat er leeft in en rond het gemeenschapscentrum."),
        contact_page(intro="Loop gerust eens binnen."),
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
