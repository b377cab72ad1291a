"""The demo network that `make run` builds: real places, invented but plausible content."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from catalogue.demo import demo_catalogue_configure, demo_records_import
from events.demo import demo_events_add
from home.models import BrandingSettings, ContactSettings, HomePage, SiteKind, Tenant
from library_pages.models import (
    ExceptionalHours,
    LocationIndexPage,
    LocationPage,
    NewsIndexPage,
    NewsPage,
    OpeningHoursSpan,
)
from makerspace.demo import demo_courses_add
from sitegen.blueprints import BLUEPRINTS
from sitegen.central_demo import demo_central_content_add
from sitegen.csv_import import region_specs
from sitegen.demo_images import demo_logo, demo_picture
from sitegen.services import (
    SiteRequest,
    network_site_provision,
    provision_site,
    region_provision,
)

CENTRAL_USERNAME = "admin"
CENTRAL_PASSWORD = "demo-admin-2026"


@dataclass(frozen=True)
class DemoLocation:
    title: str
    slug: str
    street: str
    postal_code: str
    city: str
    latitude: str
    longitude: str
    # (weekday, opens, closes, unstaffed)
    hours: tuple[tuple[int, str, str, bool], ...]
    service_hours: tuple[tuple[str, int, str, str], ...] = ()
    phone: str = ""
    email: str = ""
    # The location page's intro: what the place is, under its name.
    intro: str = ""


@dataclass(frozen=True)
class DemoSite:
    kind: str
    request: SiteRequest
    locations: tuple[DemoLocation, ...]
    # (title, intro, body paragraphs)
    news: tuple[tuple[str, str, tuple[str, ...]], ...]
    # The footer's "Volg ons" and newsletter link (ContactSettings).
    facebook_url: str = ""
    instagram_url: str = ""
    newsletter_url: str = ""


STANDARD_WEEK = (
    (1, "10:00", "18:00", False),
    (2, "10:00", "18:00", False),
    (3, "13:00", "19:00", False),
    (4, "10:00", "18:00", False),
    (5, "10:00", "13:00", False),
)

DEMO_SITES = (
    DemoSite(
        SiteKind.LIBRARY,
        SiteRequest(
            name="Bibliotheek Gent",
            slug="gent",
            municipality="Gent",
            nis_code="44021",
            province="oost-vlaanderen",
            street="Kattenberg 3",
            postal_code="9000",
            city="Gent",
            email="bibliotheek@gent.example",
            phone="09 323 68 00",
        ),
        (
            DemoLocation(
                "De Krook",
                "de-krook",
                "Miriam Makebaplein 1",
                "9000",
                "Gent",
                "51.048600",
                "3.727000",
                (
                    (0, "10:00", "19:00", False),
                    (1, "10:00", "19:00", False),
                    (2, "10:00", "19:00", False),
                    (3, "10:00", "19:00", False),
                    (4, "10:00", "19:00", False),
                    (5, "10:00", "17:00", False),
                    (6, "10:00", "17:00", True),
                ),
                (("Makerspace", 2, "14:00", "18:00"), ("Makerspace", 5, "10:00", "16:00")),
                intro=(
                    "De hoofdbibliotheek aan de Schelde, met een leescafé, "
                    "een makerspace en vijf verdiepingen boeken, strips en films."
                ),
            ),
            DemoLocation(
                "Filiaal Sint-Amandsberg",
                "sint-amandsberg",
                "Antwerpsesteenweg 166",
                "9040",
                "Gent",
                "51.063000",
                "3.749000",
                STANDARD_WEEK,
                intro="Een buurtbibliotheek met een ruime jeugdafdeling, kranten en tijdschriften.",
            ),
        ),
        (
            (
                "Nieuwe makerspace-uren",
                "Vanaf deze maand is de makerspace ook op zaterdag open.",
                (
                    "Op zaterdag van 10 tot 16 uur kun je in De Krook terecht met je eigen "
                    "projecten: 3D-printen, lasersnijden of een kapotte broodrooster herstellen.",
                    "Een vrijwilliger helpt je op weg met de toestellen. Reserveer een toestel "
                    "online of vraag aan de balie of er nog een plaats vrij is.",
                ),
            ),
            (
                "Voorleesuurtje op woensdag",
                "Elke woensdag lezen we voor aan kinderen van 4 tot 8.",
                (
                    "Een voorlezer kiest telkens een paar prentenboeken: grappige, spannende "
                    "en soms een beetje griezelige, maar nooit te eng voor de kleinsten.",
                    "Na het voorlezen kleuren de kinderen een bladwijzer bij het verhaal. "
                    "Ouders en grootouders luisteren gezellig mee.",
                ),
            ),
            (
                "Leesclub zoekt nieuwe leden",
                "Praat maandelijks over een boek met andere lezers.",
                (
                    "De leesclub komt elke tweede donderdag van de maand samen in het "
                    "leescafé. We lezen romans, af en toe een thriller of een non-fictieboek.",
                    "De bib zorgt voor de exemplaren en een begeleider die het gesprek leidt. "
                    "Nieuwe lezers zijn welkom: stuur een mailtje of spreek ons aan de balie aan.",
                ),
            ),
        ),
        facebook_url="https://www.facebook.com/bibliotheekgent",
        instagram_url="https://www.instagram.com/bibgent",
        newsletter_url="https://bibliotheek.gent.example/nieuwsbrief",
    ),
    DemoSite(
        SiteKind.LIBRARY,
        SiteRequest(
            name="Bibliotheek Leuven",
            slug="leuven",
            municipality="Leuven",
            nis_code="24062",
            province="vlaams-brabant",
            street="Rijschoolstraat 4",
            postal_code="3000",
            city="Leuven",
            email="bibliotheek@leuven.example",
            phone="016 27 29 00",
        ),
        (
            DemoLocation(
                "Tweebronnen",
                "tweebronnen",
                "Rijschoolstraat 4",
                "3000",
                "Leuven",
                "50.874000",
                "4.697000",
                (
                    (0, "10:00", "19:00", False),
                    (1, "10:00", "19:00", False),
                    (2, "10:00", "19:00", False),
                    (3, "10:00", "19:00", False),
                    (4, "10:00", "19:00", False),
                    (5, "10:00", "16:00", False),
                    (0, "08:00", "10:00", True),
                    (1, "08:00", "10:00", True),
                ),
                intro=(
                    "De hoofdbibliotheek van Leuven, met een grote "
                    "jeugdafdeling en een studiezaal van 120 plaatsen."
                ),
            ),
        ),
        (
            (
                "Studeren in de bib",
                "Tijdens de examens is de studiezaal langer open.",
                (
                    "Van half december tot eind januari opent de studiezaal al om 8 uur en "
                    "sluit ze pas om 22 uur. Je hebt een lidkaart nodig om binnen te komen.",
                    "Er zijn 120 plaatsen met stopcontact en wifi. Drinken in een afsluitbare "
                    "fles mag, eten bewaar je voor de pauzeruimte op de eerste verdieping.",
                ),
            ),
        ),
        facebook_url="https://www.facebook.com/bibliotheekleuven",
        instagram_url="https://www.instagram.com/bibleuven",
    ),
    DemoSite(
        SiteKind.LIBRARY,
        SiteRequest(
            name="Bibliotheek Brugge",
            slug="brugge",
            municipality="Brugge",
            nis_code="31005",
            province="west-vlaanderen",
            street="Kuipersstraat 3",
            postal_code="8000",
            city="Brugge",
            email="bibliotheek@brugge.example",
            phone="050 47 24 00",
        ),
        (
            DemoLocation(
                "Biekorf",
                "biekorf",
                "Kuipersstraat 3",
                "8000",
                "Brugge",
                "51.210000",
                "3.224000",
                STANDARD_WEEK,
                intro="De stadsbibliotheek in het hart van Brugge, met een neogotische leeszaal.",
            ),
        ),
        (
            (
                "Erfgoeddag in de Biekorf",
                "Bezoek de historische leeszaal met een gids.",
                (
                    "De neogotische leeszaal van de Biekorf is een van de mooiste van "
                    "Vlaanderen. Op Erfgoeddag toont een gids je de oude handschriften en "
                    "vertelt hij over de geschiedenis van de stadsbibliotheek.",
                    "Rondleidingen om 10, 13 en 15 uur, telkens voor twintig personen. "
                    "Deelnemen is gratis, inschrijven aan de balie is nodig.",
                ),
            ),
        ),
        facebook_url="https://www.facebook.com/bibliotheekbrugge",
        instagram_url="https://www.instagram.com/bibbrugge",
    ),
    DemoSite(
        SiteKind.LIBRARY,
        SiteRequest(
            name="Bibliotheek Hasselt",
            slug="hasselt",
            municipality="Hasselt",
            nis_code="71022",
            province="limburg",
            street="Kapermolenpark 1",
            postal_code="3500",
            city="Hasselt",
            email="bibliotheek@hasselt.example",
            phone="011 23 98 00",
        ),
        (
            DemoLocation(
                "Hoofdbibliotheek",
                "hoofdbibliotheek",
                "Kapermolenpark 1",
                "3500",
                "Hasselt",
                "50.934000",
                "5.330000",
                STANDARD_WEEK,
                intro=(
                    "De bibliotheek aan het Kapermolenpark, met "
                    "een leestuin en werkplekken met computers."
                ),
            ),
        ),
        (
            (
                "Digitale hulp op dinsdag",
                "Vragen over je smartphone? Onze digihelpers helpen je.",
                (
                    "Elke dinsdagvoormiddag zitten vrijwillige digihelpers klaar in de "
                    "hoofdbibliotheek. Ze helpen met itsme, foto's doorsturen of een app "
                    "installeren.",
                    "Je hoeft niet in te schrijven. Breng je toestel en eventuele wachtwoorden "
                    "mee.",
                ),
            ),
        ),
        facebook_url="https://www.facebook.com/bibliotheekhasselt",
    ),
    DemoSite(
        SiteKind.CULTURAL_CENTRE,
        SiteRequest(
            name="Cultuurcentrum Strombeek",
            slug="ccstrombeek",
            municipality="Grimbergen",
            nis_code="23025",
            province="vlaams-brabant",
            street="Gemeenteplein 1",
            postal_code="1853",
            city="Grimbergen",
            email="info@ccstrombeek.example",
            phone="02 263 03 43",
        ),
        (
            DemoLocation(
                "Cultuurcentrum Strombeek",
                "cc-strombeek",
                "Gemeenteplein 1",
                "1853",
                "Grimbergen",
                "50.904000",
                "4.354000",
                (
                    (1, "13:00", "17:00", False),
                    (2, "13:00", "17:00", False),
                    (3, "13:00", "17:00", False),
                    (4, "13:00", "17:00", False),
                    (5, "18:30", "01:00", False),
                ),
                intro=(
                    "Een theaterzaal, een foyer en een "
                    "expozaal voor theater, muziek, film en tentoonstellingen."
                ),
            ),
        ),
        (
            (
                "Nieuw seizoen",
                "De abonnementen voor het nieuwe seizoen zijn te koop.",
                (
                    "Met een abonnement kies je minstens vier voorstellingen uit theater, "
                    "muziek, comedy en film, en krijg je 15 procent korting op elk ticket.",
                    "Abonnees kiezen als eerste hun plaats in de zaal. Bestel online of kom "
                    "langs aan de ticketbalie, van dinsdag tot vrijdag tussen 13 en 17 uur.",
                ),
            ),
        ),
        facebook_url="https://www.facebook.com/ccstrombeek",
        instagram_url="https://www.instagram.com/ccstrombeek",
        newsletter_url="https://www.ccstrombeek.example/nieuwsbrief",
    ),
    DemoSite(
        SiteKind.COMMUNITY_CENTRE,
        SiteRequest(
            name="Gemeenschapscentrum De Kriekelaar",
            slug="dekriekelaar",
            municipality="Schaarbeek",
            nis_code="21015",
            province="brussel",
            street="Gallaitstraat 86",
            postal_code="1030",
            city="Schaarbeek",
            email="dekriekelaar@vgc.example",
            phone="02 245 75 72",
        ),
        (
            DemoLocation(
                "De Kriekelaar",
                "de-kriekelaar",
                "Gallaitstraat 86",
                "1030",
                "Schaarbeek",
                "50.865000",
                "4.377000",
                (
                    (0, "09:00", "17:00", False),
                    (1, "09:00", "21:00", False),
                    (2, "09:00", "21:00", False),
                    (3, "09:00", "21:00", False),
                    (4, "09:00", "17:00", False),
                ),
                intro=(
                    "Het gemeenschapscentrum van Schaarbeek, met zalen "
                    "te huur, een tuin en een cafetaria."
                ),
            ),
        ),
        (
            (
                "Buurtfeest in de tuin",
                "Kom mee feesten in de tuin van De Kriekelaar.",
                (
                    "Een hele namiddag muziek, een rommelmarkt en eten uit de keukens van "
                    "Schaarbeek: de buren koken, jij proeft.",
                    "Wil je een kraampje op de rommelmarkt of help je mee als vrijwilliger? "
                    "Laat het ons weten aan het onthaal.",
                ),
            ),
        ),
        facebook_url="https://www.facebook.com/gcdekriekelaar",
        instagram_url="https://www.instagram.com/gcdekriekelaar",
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    site: str
    url: str
    username: str
    password: str


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def _picture_maker(tenant: Tenant):
    """picture(title, label): a drawn picture in the site's own collection."""

    def picture(title: str, label: str = ""):
        return demo_picture(
            collection=tenant.collection, kind=str(tenant.kind), title=title, label=label
        )

    return picture


HERO_TEXT = {
    SiteKind.LIBRARY: ("Welkom in de bib", "Een lichte leeszaal vol boeken, met leestafels."),
    SiteKind.CULTURAL_CENTRE: (
        "Het nieuwe seizoen",
        "Een theaterzaal met rode stoelen en een verlicht podium.",
    ),
    SiteKind.COMMUNITY_CENTRE: (
        "Welkom in je buurthuis",
        "Buren rond een grote tafel in de zonnige tuin van het centrum.",
    ),
}


# The logo's letters where the site's name gives none that read well.
LOGO_INITIALS = {
    "netwerk": "BC",  # Bibliotheken en Centra
    "regiobib-gent-merelbeke-melle": "GMM",
    "regio-cc-dender-pajottenland": "DP",
}


def _add_logo(tenant: Tenant) -> None:
    """The site's logo, only where it has none."""
    branding = BrandingSettings.for_site(tenant.site)
    if branding.logo_id is None:
        branding.logo = demo_logo(
            collection=tenant.collection,
            kind=str(tenant.kind),
            name=tenant.site.site_name,
            initials=LOGO_INITIALS.get(tenant.slug, ""),
        )
        branding.save(update_fields=["logo"])


def _add_social_links(tenant: Tenant, demo: DemoSite) -> None:
    """The footer's social and newsletter links, only those the site has not set."""
    contact = ContactSettings.for_site(tenant.site)
    changed = [
        name
        for name in ("facebook_url", "instagram_url", "newsletter_url")
        if getattr(demo, name) and not getattr(contact, name)
    ]
    for name in changed:
        setattr(contact, name, getattr(demo, name))
    if changed:
        contact.save(update_fields=changed)


def _add_default_image(tenant: Tenant) -> None:
    """The picture of cards without one of their own, only where the site has none. The
    network's and regions' agendas show other sites' events: without it, an imported event
    without a picture was the one card without an image."""
    branding = BrandingSettings.for_site(tenant.site)
    if branding.default_image_id is None:
        branding.default_image = _picture_maker(tenant)(tenant.site.site_name, "")
        branding.save(update_fields=["default_image"])


def _add_branding_pictures(tenant: Tenant) -> None:
    """Logo, default picture and home page hero, each only where the site has none."""
    site = tenant.site
    picture = _picture_maker(tenant)
    _add_logo(tenant)
    _add_default_image(tenant)
    home = HomePage.objects.get(pk=site.root_page_id)
    if home.hero_image_id is None:
        title, alt = HERO_TEXT.get(tenant.kind, HERO_TEXT[SiteKind.LIBRARY])
        home.hero_image = picture(f"{title} - {site.site_name}", "")
        home.hero_image_alt = alt
        home.save_revision(log_action=False).publish(log_action=False)


def _add_locations(tenant: Tenant, demo: DemoSite) -> None:
    index = LocationIndexPage.objects.child_of(tenant.site.root_page).first()
    if index is None:
        return
    for spec in demo.locations:
        if LocationPage.objects.child_of(index).filter(slug=spec.slug).exists():
            continue
        location = LocationPage(
            title=spec.title,
            slug=spec.slug,
            street=spec.street,
            postal_code=spec.postal_code,
            city=spec.city,
            latitude=spec.latitude,
            longitude=spec.longitude,
            intro=spec.intro or f"Welkom in {spec.title}.",
            accessibility="<p>Rolstoeltoegankelijk, met aangepast toilet en ringleiding "
            "aan de balie.</p>",
            unstaffed_info="Tijdens de onbemande uren kom je binnen met je lidkaart.",
            image=_picture_maker(tenant)(spec.title, "Locatie"),
            phone=spec.phone or demo.request.phone,
            email=spec.email or demo.request.email,
        )
        location.weekly_hours = [
            OpeningHoursSpan(weekday=d, opens=_time(o), closes=_time(c), unstaffed=u)
            for d, o, c, u in spec.hours
        ] + [
            OpeningHoursSpan(service_point=name, weekday=d, opens=_time(o), closes=_time(c))
            for name, d, o, c in spec.service_hours
        ]
        year = timezone.localdate().year
        location.exceptional_hours = [
            ExceptionalHours(start_date=dt.date(year, 12, 25), reason="Kerstmis"),
            ExceptionalHours(start_date=dt.date(year + 1, 1, 1), reason="Nieuwjaar"),
            ExceptionalHours(
                start_date=dt.date(year, 12, 24),
                closed=False,
                opens=dt.time(10),
                closes=dt.time(14),
                reason="Kerstavond",
            ),
        ]
        index.add_child(instance=location)
        location.save_revision(log_action=False).publish(log_action=False)


def _add_news(tenant: Tenant, demo: DemoSite) -> None:
    index = NewsIndexPage.objects.child_of(tenant.site.root_page).first()
    if index is None or NewsPage.objects.child_of(index).exists():
        return
    today = timezone.localdate()
    for offset, (title, intro, paragraphs) in enumerate(demo.news):
        page = NewsPage(
            title=title,
            date=today - dt.timedelta(days=3 * offset + 1),
            intro=intro,
            body=[{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs],
            image=_picture_maker(tenant)(title, "Nieuws"),
        )
        index.add_child(instance=page)
        page.save_revision(log_action=False).publish(log_action=False)


def _user(username: str, password: str, *, superuser: bool = False, group: Group | None = None):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@demo.example",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(password)
        user.save()
    if group is not None:
        user.groups.add(group)
    return user


REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


def _network_and_regions_add() -> None:
    """The network site on the landing host and the example regions of sitegen/data/."""
    network_site_provision()
    with REGIONS_CSV.open(encoding="utf-8") as stream:
        for spec in region_specs(stream=stream):
            region_provision(spec=spec)


@transaction.atomic
def demo_network_build() -> list[DemoLogin]:
    """Provision the demo sites (idempotent) and return the logins to print."""
    _user(CENTRAL_USERNAME, CENTRAL_PASSWORD, superuser=True)
    logins = [
        DemoLogin("alle websites (centrale redactie)", "", CENTRAL_USERNAME, CENTRAL_PASSWORD)
    ]
    demo_records_import()
    for demo in DEMO_SITES:
        result = provision_site(blueprint=BLUEPRINTS[demo.kind], request=demo.request)
        tenant = result.tenant
        _add_locations(tenant, demo)
        _add_news(tenant, demo)
        _add_social_links(tenant, demo)
        demo_courses_add(tenant=tenant, picture=_picture_maker(tenant))
        demo_events_add(tenant=tenant, picture=_picture_maker(tenant))
        demo_catalogue_configure(tenant=tenant)
        username = f"redacteur-{tenant.slug}"
        password = f"demo-{tenant.slug}-2026"
        _user(username, password, group=tenant.moderators_group)
        logins.append(DemoLogin(tenant.site.site_name, tenant.site.root_url, username, password))
    _network_and_regions_add()
    demo_central_content_add()
    # Last: the central push republishes library home pages from their own revisions.
    slugs = [demo.request.slug for demo in DEMO_SITES]
    for tenant in Tenant.objects.filter(slug__in=slugs).select_related("site", "collection"):
        _add_branding_pictures(tenant)
    # The network and the regions: a logo and a default picture like the other sites'.
    for tenant in Tenant.objects.filter(
        kind__in=(SiteKind.NETWORK, SiteKind.REGIONAL_LIBRARY, SiteKind.REGIONAL_CULTURE)
    ).select_related("site", "collection"):
        _add_logo(tenant)
        _add_default_image(tenant)
    return logins
