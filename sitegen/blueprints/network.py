"""The network site on the landing host (settings.NETWORK_HOSTNAME): the agenda and the search
over every library and centre.

NETWORK_PAGES is the list to extend: a page type of the whole network (a map, "in de buurt")
joins by adding its PageSpec here with the next `since_version` and raising NETWORK's version;
`sitegen network` (or `sitegen sync --kind netwerk`) adds it to the existing network site.
"""

from home.models import SiteKind

from .base import Blueprint, Branding, PageSpec, paragraph
from .common import common_pages

NETWORK_PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        key="network_agenda",
        model="network.NetworkAgendaPage",
        title="Agenda van alle bibliotheken en centra",
        slug="agenda",
        in_main_menu=True,
        fields={
            "intro": "Alle activiteiten van de bibliotheken, cultuurcentra en "
            "gemeenschapscentra in Vlaanderen en Brussel. Kies een provincie, regio of "
            "gemeente, een soort activiteit, een thema, een leeftijd of een datum."
        },
    ),
    PageSpec(
        key="network_search",
        model="network.NetworkSearchPage",
        title="Zoeken op alle websites",
        slug="zoeken-in-het-netwerk",
        in_main_menu=True,
        fields={"intro": "Zoek op de websites van alle bibliotheken en centra tegelijk."},
    ),
    PageSpec(
        key="network_map",
        model="places.NetworkMapPage",
        title="Kaart van alle bibliotheken en centra",
        slug="kaart",
        in_main_menu=True,
        fields={
            "intro": "Elke bibliotheek, elk cultuurcentrum en elk gemeenschapscentrum, met de "
            "openingsuren van vandaag. Onder de kaart staat dezelfde lijst als tekst."
        },
    ),
    PageSpec(
        key="network_nearby",
        model="places.NearbyPage",
        title="In de buurt",
        slug="in-de-buurt",
        in_main_menu=True,
        fields={
            "intro": "Geef je postcode, of laat je browser je plaats doorgeven, en zie de "
            "dichtstbijzijnde bibliotheken en centra en wat er binnenkort te doen is."
        },
    ),
)

NETWORK = Blueprint(
    kind=SiteKind.NETWORK,
    version=1,
    site_name_prefix="",
    home_intro=(
        "De websites van de openbare bibliotheken, cultuurcentra en gemeenschapscentra, "
        "samen op één plek."
    ),
    home_body=(
        paragraph(
            '<p>Zoek een activiteit in <a href="/agenda/">de agenda van heel het netwerk</a>, '
            '<a href="/zoeken-in-het-netwerk/">zoek op alle websites tegelijk</a>, of vind een '
            'bibliotheek of centrum <a href="/kaart/">op de kaart</a> en '
            '<a href="/in-de-buurt/">in de buurt</a>.</p>'
        ),
    ),
    branding=Branding(primary_colour="#1d4f91", accent_colour="#b3261e"),
    pages=(*NETWORK_PAGES, *common_pages(org="het netwerk", since_version=1)),
)
