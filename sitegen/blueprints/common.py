"""Pages every public site needs, whatever its kind: the accessibility, privacy and cookie
statements and an HTML sitemap. Each blueprint adds them with its own wording of the
organisation ("de bibliotheek", "het cultuurcentrum") and the version that introduced them.

The statements describe what the platform really does: it sets no tracking or advertising
cookies and loads no third-party scripts; the only cookie a visitor can get is the form
protection cookie on pages with a form, and a dismissed banner is remembered in the browser's
local storage. Keep them true when that changes.
"""

from __future__ import annotations

from .base import PageSpec, heading, paragraph


def _accessibility(org: str) -> list[dict]:
    return [
        heading("Onze aanpak"),
        paragraph(
            f"<p>{org.capitalize()} wil dat iedereen deze website kan gebruiken, ook mensen met "
            "een visuele, auditieve, motorische of cognitieve beperking. We bouwen de website "
            "volgens de Web Content Accessibility Guidelines (WCAG) 2.1, niveau AA, zoals de "
            "Vlaamse overheid vraagt in het bestuursdecreet van 7 december 2018.</p>"
        ),
        heading("Wat we doen"),
        paragraph(
            "<ul><li>Elke pagina werkt met het toetsenbord alleen; een link "
            "'Ga naar de inhoud' staat bovenaan.</li>"
            "<li>Afbeeldingen met informatie hebben een beschrijving; versiering wordt "
            "overgeslagen door schermlezers.</li>"
            "<li>Tekst en achtergrond hebben genoeg contrast, ook in de kleuren van onze "
            "huisstijl.</li>"
            "<li>De website past zich aan aan smalle schermen en aan vergroting tot 400%.</li>"
            "<li>Elke pagina wordt automatisch gecontroleerd met axe, een test voor "
            "toegankelijkheid, op een smal en een breed scherm.</li></ul>"
        ),
        heading("Wat nog niet goed werkt"),
        paragraph(
            "<p>Documenten (PDF) die we van partners krijgen, zijn niet altijd toegankelijk. "
            "Video's van partners hebben niet altijd ondertitels. Activiteiten uit de "
            "UiTdatabank tonen we zoals de organisator ze invoerde: een afbeelding daarvan "
            "heeft niet altijd een beschrijving.</p>"
        ),
        heading("Een probleem melden"),
        paragraph(
            "<p>Loop je vast op deze website? Laat het ons weten via de gegevens op de "
            "contactpagina. We antwoorden binnen tien werkdagen en bezorgen je de informatie "
            "intussen op een andere manier. Ben je niet tevreden met ons antwoord, dan kan je "
            "terecht bij de Vlaamse Ombudsdienst.</p>"
        ),
    ]


def _privacy(org: str) -> list[dict]:
    return [
        heading("Wie verwerkt je gegevens?"),
        paragraph(
            f"<p>{org.capitalize()} is verantwoordelijk voor de persoonsgegevens die je via "
            "deze website geeft. De website draait op het gedeelde platform van de Vlaamse "
            "openbare bibliotheken en cultuurcentra; die beheerder verwerkt de gegevens "
            "alleen in onze opdracht.</p>"
        ),
        heading("Welke gegevens en waarom?"),
        paragraph(
            "<ul><li><strong>Inschrijven voor een activiteit of cursus</strong>: je naam, "
            "e-mailadres en eventueel je telefoonnummer, om je plaats te bevestigen, je te "
            "verwittigen bij wijzigingen en je aanwezigheid te noteren. We bewaren ze zo lang "
            "als de termijn bij het inschrijfformulier zegt en wissen ze daarna "
            "automatisch.</li>"
            "<li><strong>Een bericht of vraag</strong> via e-mail of telefoon: alleen om je te "
            "antwoorden.</li>"
            "<li><strong>Bezoeken van de website</strong>: de webserver bewaart technische "
            "logbestanden (tijdstip, gevraagde pagina, IP-adres) maximaal dertig dagen, om "
            "storingen en misbruik op te sporen.</li></ul>"
        ),
        paragraph(
            "<p>We gebruiken je gegevens niet voor reclame, verkopen ze niet en delen ze met "
            "niemand buiten de organisatie, tenzij de wet ons dat oplegt. We volgen je niet "
            "over andere websites.</p>"
        ),
        heading("Je rechten"),
        paragraph(
            "<p>Je mag je gegevens inkijken, laten verbeteren of laten wissen, en je kan je "
            "verzetten tegen een verwerking. Een inschrijving annuleer je zelf met de link in "
            "de bevestigingsmail. Voor al het andere neem je contact met ons op via de "
            "contactpagina. Je kan ook klacht indienen bij de Vlaamse "
            "Toezichtcommissie.</p>"
        ),
    ]


def _cookies(org: str) -> list[dict]:
    return [
        heading("Geen cookies om je te volgen"),
        paragraph(
            f"<p>{org.capitalize()} plaatst op deze website geen cookies voor statistieken, "
            "reclame of sociale media, en laadt geen scripts van andere bedrijven. Deel je een "
            "pagina, dan gebeurt dat met een gewone link: de sociale netwerken zien niets "
            "tot je zelf op zo'n link klikt. Daarom vragen we ook geen toestemming met een "
            "cookiebanner.</p>"
        ),
        heading("Wat we wel bewaren"),
        paragraph(
            "<ul><li><strong>csrftoken</strong> (cookie, strikt noodzakelijk): beveiligt "
            "formulieren zoals het inschrijvingsformulier tegen misbruik. Je krijgt deze "
            "cookie alleen op een pagina met een formulier; ze verloopt na een jaar en bevat "
            "geen persoonsgegevens.</li>"
            "<li><strong>sessionid</strong> (cookie, strikt noodzakelijk): alleen voor "
            "redacteurs die aanmelden om de website te beheren; ze verdwijnt bij het "
            "afmelden.</li>"
            "<li><strong>bibnet.dismissedCampaigns</strong> (lokale opslag in je browser, geen "
            "cookie): onthoudt welke meldingen je hebt gesloten, zodat ze niet terugkomen. Dit "
            "wordt nooit naar ons verstuurd; je wist het door de websitegegevens in je "
            "browser te wissen.</li></ul>"
        ),
        heading("Kaarten"),
        paragraph(
            "<p>De kaart op een locatiepagina toont kaarttegels van OpenStreetMap. Je browser "
            "vraagt die tegels op bij de kaartserver; daarbij worden geen cookies "
            "geplaatst.</p>"
        ),
    ]


def common_pages(*, org: str, since_version: int) -> tuple[PageSpec, ...]:
    """The statements and the HTML sitemap, linked from every page's footer."""
    return (
        PageSpec(
            key="accessibility_statement",
            model="library_pages.StandardPage",
            title="Toegankelijkheidsverklaring",
            slug="toegankelijkheid",
            since_version=since_version,
            in_footer_menu=True,
            fields={
                "intro": "Hoe we deze website voor iedereen bruikbaar maken, en wat je kan doen "
                "als iets niet werkt.",
                "body": _accessibility(org),
            },
        ),
        PageSpec(
            key="privacy_statement",
            model="library_pages.StandardPage",
            title="Privacyverklaring",
            slug="privacy",
            since_version=since_version,
            in_footer_menu=True,
            fields={
                "intro": "Welke persoonsgegevens we verwerken, waarom, hoe lang, en wat je "
                "rechten zijn.",
                "body": _privacy(org),
            },
        ),
        PageSpec(
            key="cookie_statement",
            model="library_pages.StandardPage",
            title="Cookieverklaring",
            slug="cookies",
            since_version=since_version,
            in_footer_menu=True,
            fields={
                "intro": "Deze website plaatst geen cookies om je te volgen. Hier lees je wat "
                "we wel bewaren.",
                "body": _cookies(org),
            },
        ),
        PageSpec(
            key="sitemap",
            model="library_pages.SitemapPage",
            title="Sitemap",
            slug="sitemap",
            since_version=since_version,
            in_footer_menu=True,
            fields={"intro": "Alle pagina's van deze website op een rij."},
        ),
    )
