"""Central content of the demo network: shared sections embedded on two libraries' pages, a page
template, a campaign teaser and banner, and a central news item. Idempotent."""

import datetime as dt

from django.utils import timezone

from central.models import (
    Audience,
    Campaign,
    CampaignStyle,
    CentralNewsItem,
    PageTemplate,
    SharedSection,
)
from home.models import SiteKind, Tenant
from library_pages.models import StandardPage


def _paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def _heading(text: str, level: str = "h3") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


SECTIONS = {
    "Lidmaatschap en tarieven": [
        _paragraph(
            "<p>Een lidkaart is gratis tot 18 jaar. Volwassenen betalen 5 euro per jaar; "
            "met een UiTPAS met kansentarief betaal je 1 euro.</p>"
        ),
        {
            "type": "table",
            "value": {
                "caption": "Tarieven",
                "first_row_is_header": True,
                "table": {
                    "data": [
                        ["Dienst", "Prijs"],
                        ["Lidkaart (vanaf 18 jaar)", "5 euro per jaar"],
                        ["Reservatie", "1 euro"],
                        ["Te laat binnengebracht", "0,20 euro per week per item"],
                    ]
                },
            },
        },
    ],
    "Wat is Mijn Bibliotheek?": [
        _paragraph(
            "<p>Met Mijn Bibliotheek verleng je je uitleningen, reserveer je boeken en zie je "
            "wat je vroeger leende, in alle bibliotheken van Vlaanderen.</p>"
        ),
        {
            "type": "faq",
            "value": {
                "title": "",
                "items": [
                    {
                        "question": "Hoe maak ik een account?",
                        "answer": "<p>Vraag aan de balie een activatiecode bij je lidkaart.</p>",
                    },
                ],
            },
        },
    ],
}


def _sections() -> list[SharedSection]:
    result = []
    for title, body in SECTIONS.items():
        section = SharedSection.objects.filter(title=title).first()
        if section is None:
            section = SharedSection.objects.create(title=title, body=body)
        result.append(section)
    return result


def _embed(tenant: Tenant, sections: list[SharedSection]) -> None:
    page = StandardPage.objects.child_of(tenant.site.root_page).filter(slug="over-ons").first()
    if page is None or any(block.block_type == "shared_section" for block in page.body):
        return
    page.body = [
        *page.body.get_prep_value(),
        *({"type": "shared_section", "value": section.pk} for section in sections),
    ]
    page.save_revision(log_action=False).publish(log_action=False)


def demo_central_content_add() -> None:
    sections = _sections()
    libraries = list(
        Tenant.objects.filter(kind=SiteKind.LIBRARY).select_related("site").order_by("pk")
    )
    for tenant in libraries[:2]:
        _embed(tenant, sections)
    PageTemplate.objects.get_or_create(
        name="Vakantie-openingsuren",
        defaults={
            "description": "Aangepaste openingsuren tijdens een schoolvakantie.",
            "title": "Openingsuren in de vakantie",
            "intro": "Tijdens de schoolvakantie gelden aangepaste openingsuren.",
            "body": [
                _heading("Wanneer zijn we open?", "h2"),
                _paragraph("<p>Van maandag tot vrijdag van 13 tot 17 uur.</p>"),
                _heading("Gesloten", "h2"),
                _paragraph("<p>Op feestdagen zijn alle vestigingen gesloten.</p>"),
            ],
        },
    )
    now = timezone.now()
    # A campaign of every month: the demo's teaser runs for a year, so a campaign tied to one
    # month ("in maart ...") read wrong for the other eleven.
    Campaign.objects.get_or_create(
        title="Boekstart",
        defaults={
            "message": "Baby's en peuters ontdekken boeken samen met hun ouders. Haal je "
            "gratis Boekstartpakket in de bib.",
            "link_url": "https://www.boekstart.be",
            "link_label": "Meer over Boekstart",
            "style": CampaignStyle.TEASER,
            "audience": Audience.KIND,
            "target_kind": SiteKind.LIBRARY,
            "starts_at": now - dt.timedelta(days=1),
            "ends_at": now + dt.timedelta(days=365),
        },
    )
    Campaign.objects.get_or_create(
        title="Nieuwe bibliotheekapp",
        defaults={
            "message": "Met de nieuwe app heb je je lidkaart altijd bij je.",
            "audience": Audience.PROVINCE,
            "target_province": "oost-vlaanderen",
            "starts_at": now - dt.timedelta(days=1),
            "ends_at": now + dt.timedelta(days=365),
        },
    )
    item, created = CentralNewsItem.objects.get_or_create(
        slug="nieuwe-collectie-e-boeken",
        defaults={
            "title": "Honderden nieuwe e-boeken in cloudLibrary",
            "intro": "De digitale collectie groeit: er staan honderden nieuwe e-boeken klaar.",
            "body": [
                _paragraph("<p>Je leent ze gratis met je lidkaart via de app cloudLibrary.</p>")
            ],
        },
    )
    if created:
        item.sites.set([tenant.site for tenant in libraries])
