"""Regional sites: Cultuurconnect's Regiobib and Regio cc cooperations, one site over several
municipalities. `sitegen region --csv` provisions one from a CSV of member municipalities
(sitegen.services.region_provision): the branches go under "Vestigingen" as location pages,
the agenda gathers the member sites' events (network.NetworkAgendaPage: by reference, never
copies), and a Regiobib has one catalogue profile for the region."""

from home.models import SiteKind

from .base import (
    Blueprint,
    Branding,
    PageSpec,
    about_page,
    contact_page,
    heading,
    locations_page,
    news_page,
    paragraph,
)
from .common import common_pages


def _region_agenda(intro: str) -> PageSpec:
    return PageSpec(
        key="agenda",
        model="network.NetworkAgendaPage",
        title="Agenda",
        slug="agenda",
        in_main_menu=True,
        fields={"intro": intro},
    )


REGIONAL_LIBRARY = Blueprint(
    kind=SiteKind.REGIONAL_LIBRARY,
    version=1,
    site_name_prefix="Regiobib",
    home_intro=(
        "De bibliotheken van onze gemeenten werken samen: één lidkaart, één catalogus en "
        "de activiteiten van alle vestigingen op één plek."
    ),
    home_body=(
        heading("Eén bib, vele vestigingen"),
        paragraph(
            "<p>Met je lidkaart leen en breng je terug in elke vestiging van de regio. "
            "Reserveer in de catalogus en kies waar je het ophaalt.</p>"
        ),
    ),
    branding=Branding(primary_colour="#1d4f91", accent_colour="#b3261e"),
    pages=(
        about_page(
            title="Over de regiobib",
            intro="Samen sterker: de bibliotheken van de regio.",
            body=[
                paragraph(
                    "<p>De regiobib is een samenwerking van de openbare bibliotheken van "
                    "de gemeenten in de regio.</p>"
                )
            ],
        ),
        locations_page(
            title="Vestigingen en openingsuren",
            intro="De vestigingen in elke gemeente van de regio, met hun openingsuren.",
        ),
        _region_agenda("De activiteiten van alle bibliotheken van de regio."),
        PageSpec(
            key="catalogue",
            model="catalogue.CatalogueSearchPage",
            title="Catalogus",
            slug="catalogus",
            in_main_menu=True,
            fields={"intro": "Zoek in de collectie van alle vestigingen van de regio."},
        ),
        news_page(intro="Nieuws uit de bibliotheken van de regio."),
        contact_page(intro="Vragen? Elke vestiging helpt je verder."),
        *common_pages(org="de regiobib", since_version=1),
    ),
    catalogue=True,
)

REGIONAL_CULTURE = Blueprint(
    kind=SiteKind.REGIONAL_CULTURE,
    version=1,
    site_name_prefix="Regio cc",
    home_intro=(
        "De cultuurcentra en gemeenschapscentra van de regio: één programma, één plek om "
        "tickets te vinden."
    ),
    home_body=(
        paragraph(
            "<p>Voorstellingen, concerten en tentoonstellingen in alle zalen van de regio.</p>"
        ),
    ),
    branding=Branding(primary_colour="#5b2a86", accent_colour="#b3261e"),
    pages=(
        about_page(
            title="Over de regio",
            intro="De centra van de regio programmeren samen.",
            body=[
                paragraph(
                    "<p>De cultuur- en gemeenschapscentra van de regio stemmen hun programma "
                    "op elkaar af.</p>"
                )
            ],
        ),
        locations_page(
            title="Zalen en centra",
            intro="De centra in elke gemeente van de regio.",
        ),
        _region_agenda("Het programma van alle centra van de regio."),
        news_page(intro="Nieuws uit de centra van de regio."),
        contact_page(intro="Vragen over het programma of tickets? Contacteer ons."),
        *common_pages(org="de regio", since_version=1),
    ),
)
