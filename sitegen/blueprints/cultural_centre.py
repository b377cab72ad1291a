from home.models import SiteKind

from .base import (
    Blueprint,
    Branding,
    HomeSection,
    about_page,
    agenda_page,
    contact_page,
    faq,
    heading,
    locations_page,
    news_page,
    paragraph,
    upcoming_events,
)
from .common import common_pages

CULTURAL_CENTRE = Blueprint(
    kind=SiteKind.CULTURAL_CENTRE,
    version=2,
    site_name_prefix="Cultuurcentrum",
    home_intro=(
        "Theater, concerten, comedy, film en tentoonstellingen: ontdek het programma van "
        "je cultuurcentrum en boek je tickets."
    ),
    home_body=(
        heading("Tickets"),
        paragraph(
            "<p>Tickets koop je online, aan de balie of telefonisch. "
            "Met een UiTPAS met kansentarief betaal je minder.</p>"
        ),
    ),
    branding=Branding(primary_colour="#5b2a86", accent_colour="#b3261e"),
    pages=(
        about_page(
            title="Over het cultuurcentrum",
            intro="Een huis voor podiumkunsten, beeldende kunst en ontmoeting.",
            body=[
                heading("Wie zijn we?"),
                paragraph(
                    "<p>Het cultuurcentrum programmeert het hele jaar door voorstellingen "
                    "voor alle leeftijden en ondersteunt het lokale verenigingsleven.</p>"
                ),
                faq(
                    "Praktisch",
                    [
                        (
                            "Is de zaal toegankelijk met een rolstoel?",
                            "<p>Ja. Meld het bij je reservatie, dan houden we een plaats vrij.</p>",
                        ),
                        (
                            "Kan ik mijn ticket omruilen?",
                            "<p>Tot 48 uur voor de voorstelling, tegen 2 euro.</p>",
                        ),
                    ],
                ),
            ],
        ),
        locations_page(
            title="Zalen en openingsuren",
            intro="Onze zalen, de balie en de openingsuren van het onthaal.",
        ),
        agenda_page(intro="Voorstellingen, concerten, films en workshops."),
        news_page(intro="Nieuws uit het cultuurcentrum."),
        contact_page(intro="Het onthaal helpt je graag verder."),
        *common_pages(org="het cultuurcentrum", since_version=2),
    ),
    home_sections=(
        HomeSection(
            key="programme",
            block=upcoming_events("Programma", 6),
            since_version=2,
        ),
    ),
)
