from home.models import SiteKind

from .base import (
    Blueprint,
    Branding,
    HomeSection,
    PageSpec,
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

LIBRARY = Blueprint(
    kind=SiteKind.LIBRARY,
    version=3,
    site_name_prefix="Bibliotheek",
    home_intro=(
        "Welkom in de bib. Leen boeken, strips, films en tijdschriften, lees de krant, "
        "werk of studeer in alle rust en ontdek onze activiteiten voor jong en oud."
    ),
    home_body=(
        heading("Wat kan je in de bib doen?"),
        paragraph(
            "<ul><li>Boeken, strips, dvd's en tijdschriften lenen</li>"
            "<li>E-boeken lenen via de app</li>"
            "<li>Gratis wifi en computers gebruiken</li>"
            "<li>Een rustige studieplek vinden</li>"
            "<li>Hulp krijgen bij digitale vragen</li></ul>"
        ),
    ),
    branding=Branding(primary_colour="#0b5394", accent_colour="#8a1c4a"),
    pages=(
        about_page(
            title="Over de bib",
            intro="De bibliotheek is een open huis voor iedereen in de gemeente.",
            body=[
                heading("Onze missie"),
                paragraph(
                    "<p>We brengen mensen in contact met verhalen, kennis en elkaar. "
                    "Iedereen is welkom, ook zonder lidkaart.</p>"
                ),
                heading("Lid worden"),
                paragraph(
                    "<p>Een lidkaart is gratis tot 18 jaar. Breng je identiteitskaart mee "
                    "naar de balie, dan maken we je kaart meteen.</p>"
                ),
                faq(
                    "Veelgestelde vragen",
                    [
                        (
                            "Hoe lang mag ik iets lenen?",
                            "<p>Vier weken. Je kan twee keer verlengen als niemand "
                            "anders het heeft gereserveerd.</p>",
                        ),
                        (
                            "Wat als ik te laat ben?",
                            "<p>Je betaalt 0,20 euro per week per item.</p>",
                        ),
                    ],
                ),
            ],
        ),
        locations_page(
            title="Locaties en openingsuren",
            intro="Hier vind je al onze vestigingen en hun openingsuren.",
        ),
        agenda_page(intro="Lezingen, voorleesmomenten, workshops en meer in de bib."),
        news_page(intro="Het laatste nieuws uit de bib."),
        PageSpec(
            key="makerspace",
            model="makerspace.CourseIndexPage",
            title="Makerspace",
            slug="makerspace",
            in_main_menu=True,
            fields={
                "intro": "Leer 3D-printen, lasersnijden, naaien en meer in onze makerspace. "
                "Schrijf je online in voor een cursus."
            },
        ),
        PageSpec(
            key="catalogue",
            model="catalogue.CatalogueSearchPage",
            title="Catalogus",
            slug="catalogus",
            in_main_menu=True,
            fields={
                "intro": "Zoek boeken, strips, films, muziek en meer, en zie meteen in welke "
                "vestiging ze op de plank staan."
            },
        ),
        contact_page(intro="Vragen? Kom langs, bel of mail ons."),
        PageSpec(
            key="digital_collection",
            model="library_pages.StandardPage",
            title="Digitale collectie",
            slug="digitale-collectie",
            since_version=2,
            fields={
                "intro": "E-boeken, luisterboeken, kranten en films: ook thuis, met je lidkaart.",
                "body": [
                    {
                        "type": "digital_services",
                        "value": {
                            "title": "E-boeken, luisterboeken, kranten en films",
                            "services": [
                                {
                                    "service": "cloudlibrary",
                                    "name": "",
                                    "url": "https://www.yourcloudlibrary.com/",
                                    "description": "Leen gratis e-boeken en luisterboeken op "
                                    "je smartphone, tablet of e-reader. Je logt in met je "
                                    "lidkaart.",
                                    "logo": None,
                                },
                                {
                                    "service": "gopress",
                                    "name": "",
                                    "url": "https://www.gopress.be/",
                                    "description": "Lees in de bib en thuis de Vlaamse kranten "
                                    "en tijdschriften van de afgelopen dertig jaar.",
                                    "logo": None,
                                },
                            ],
                        },
                    },
                    faq(
                        "Veelgestelde vragen",
                        [
                            (
                                "Wat heb ik nodig?",
                                "<p>Een geldige lidkaart en een account op Mijn Bibliotheek.</p>",
                            ),
                            (
                                "Hoeveel e-boeken mag ik lenen?",
                                "<p>Drie tegelijk, telkens voor drie weken.</p>",
                            ),
                        ],
                    ),
                ],
            },
        ),
        *common_pages(org="de bibliotheek", since_version=3),
    ),
    catalogue=True,
    home_sections=(
        HomeSection(
            key="upcoming",
            block=upcoming_events("Binnenkort in de bib", 3),
            since_version=3,
        ),
    ),
)
