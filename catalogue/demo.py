"""Catalogue content of the demo network: a few hand-written records (invented descriptions of
well-known books) plus a few hundred generated ones, with holdings at the demo libraries."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from catalogue.models import CatalogueSearchPage, Record
from catalogue.recommendations import recommendations_refresh
from catalogue.services import records_import
from catalogue.synthetic import BRANCHES, marc_record, synthetic_records

DEMO_GENERATED = 400


def _curated(today: date):
    recent = (today - timedelta(days=3)).isoformat()
    older = (today - timedelta(days=400)).isoformat()
    yield marc_record(
        record_id="900001",
        title="Harry Potter en de steen der wijzen",
        author="Rowling, J.K.",
        responsibility="J.K. Rowling ; vertaling Wiebe Buddingh'",
        year=2019,
        isbn="978-90-7695-790-6",
        edition="32ste druk",
        publisher="De Harmonie",
        place="Amsterdam",
        physical="223 p.",
        series="Harry Potter ; 1",
        summary="Harry ontdekt op zijn elfde verjaardag dat hij een tovenaar is en vertrekt "
        "naar Zweinstein, de school voor hekserij en hocus-pocus",
        audience="vanaf 10 jaar",
        theme_words=("Tovenaars", "Vriendschap"),
        genres=("Fantasy",),
        contributors=(("Buddingh', Wiebe", "trl"),),
        holdings=(
            ("gent", "De Krook", "ROWL", "beschikbaar", recent),
            ("gent", "Sint-Amandsberg", "ROWL", "uitgeleend", older),
            ("leuven", "Tweebronnen", "ROWL", "uitgeleend", older),
            ("brugge", "Biekorf", "ROWL", "beschikbaar", older),
        ),
    )
    yield marc_record(
        record_id="900002",
        title="Harry Potter en de steen der wijzen",
        author="Rowling, J.K.",
        year=2004,
        leader_type="im",
        f007="sd",
        medium="LUISTERBOEK",
        publisher="Rubinstein",
        physical="8 cd's",
        audience="vanaf 10 jaar",
        genres=("Fantasy", "Luisterboeken"),
        contributors=(("Kooten, Kees van", "nrt"),),
        holdings=(("gent", "De Krook", "ROWL", "beschikbaar", older),),
    )
    yield marc_record(
        record_id="900003",
        title="Harry Potter en de geheime kamer",
        author="Rowling, J.K.",
        year=2020,
        isbn="9789076174136",
        publisher="De Harmonie",
        physical="255 p.",
        series="Harry Potter ; 2",
        audience="vanaf 10 jaar",
        theme_words=("Tovenaars",),
        genres=("Fantasy",),
        holdings=(
            ("gent", "De Krook", "ROWL", "beschikbaar", recent),
            ("hasselt", "Hoofdbibliotheek", "ROWL", "beschikbaar", recent),
        ),
    )
    yield marc_record(
        record_id="900004",
        title="Het verdriet van België",
        author="Claus, Hugo",
        year=2018,
        isbn="9789023473848",
        publisher="De Bezige Bij",
        place="Amsterdam",
        physical="774 p.",
        summary="Louis Seynaeve groeit op in West-Vlaanderen tijdens de Tweede Wereldoorlog",
        audience="volwassenen",
        theme_words=("Tweede Wereldoorlog", "Vlaanderen"),
        genres=("Romans",),
        holdings=(
            ("gent", "De Krook", "CLAU", "beschikbaar", recent),
            ("brugge", "Biekorf", "CLAU", "beschikbaar", recent),
            ("leuven", "Tweebronnen", "CLAU", "beschikbaar", recent),
        ),
    )
    yield marc_record(
        record_id="900005",
        title="De avonden",
        subtitle="een winterverhaal",
        author="Reve, Gerard",
        year=2016,
        isbn="9789023499411",
        publisher="De Bezige Bij",
        physical="319 p.",
        audience="volwassenen",
        genres=("Romans",),
        holdings=(("leuven", "Tweebronnen", "REVE", "beschikbaar", recent),),
    )
    yield marc_record(
        record_id="900006",
        title="Koken met groenten uit de tuin",
        author="Peeters, Sofie",
        year=2024,
        isbn="9789401489027",
        publisher="Lannoo",
        place="Tielt",
        physical="192 p. : ill.",
        siso="643.5",
        audience="volwassenen",
        f008="240101s2024    be            000 0 dut d",
        theme_words=("Koken", "Groenten", "Tuinieren"),
        holdings=(
            ("gent", "De Krook", "643.5 PEET", "beschikbaar", recent),
            ("hasselt", "Hoofdbibliotheek", "643.5 PEET", "beschikbaar", recent),
        ),
    )
    yield marc_record(
        record_id="900007",
        title="De Rode Ridder en de draak",
        author="Vandersteen, Willy",
        year=2023,
        isbn="9789002276521",
        publisher="Standaard Uitgeverij",
        physical="48 p. : ill.",
        series="De Rode Ridder ; 280",
        audience="vanaf 9 jaar",
        genres=("Strips",),
        holdings=(
            ("gent", "Sint-Amandsberg", "STRIP RODE", "beschikbaar", recent),
            ("brugge", "Biekorf", "STRIP RODE", "uitgeleend", recent),
        ),
    )


def demo_records_import() -> int:
    """Import the demo records once (skipped when the index already has records)."""
    if Record.objects.exists():
        return 0
    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.mrc"
        with path.open("wb") as handle:
            for record in _curated(today):
                handle.write(record.as_marc())
            for record in synthetic_records(DEMO_GENERATED, seed=7, profiles=BRANCHES):
                handle.write(record.as_marc())
        report = records_import(paths=[path], fmt="marc21")
    recommendations_refresh()
    return report.imported


def demo_catalogue_configure(*, tenant) -> None:
    """A reserve link for each demo library's catalogue page, and the catalogue blocks on its
    home page."""
    page = CatalogueSearchPage.objects.descendant_of(tenant.site.root_page).first()
    if page is None or page.reserve_url_template:
        return
    home = tenant.site.root_page.specific
    home.body.append(("catalogue_search", {"title": "Zoek in de catalogus", "text": ""}))
    home.body.append(
        ("new_acquisitions", {"title": "Nieuw in de bib", "audience": "", "genre": "", "count": 4})
    )
    home.save_revision(log_action=False).publish(log_action=False)
    _demo_page(
        home,
        title="Bieblo",
        slug="bieblo",
        body=[
            (
                "bieblo",
                {"title": "Bieblo: kies je boek", "text": "Kies een prentje en je leeftijd."},
            )
        ],
    )
    _demo_page(
        home,
        title="Samen lezen",
        slug="samen-lezen",
        body=[
            (
                "books",
                {
                    "title": "Onze leesclubboeken",
                    "records": ["900001", "900007"],
                    "search": "q=vriendschap&doelgroep=kinderen",
                    "count": 6,
                },
            )
        ],
    )
    page.reserve_url_template = (
        f"https://{tenant.slug}.bibliotheek.be/mijn-bibliotheek/reserveren?id={{id}}"
    )
    page.save_revision(log_action=False).publish(log_action=False)


def _demo_page(home, *, title: str, slug: str, body: list) -> None:
    from library_pages.models import StandardPage

    if home.get_children().filter(slug=slug).exists():
        return
    page = StandardPage(title=title, slug=slug, body=body, show_in_menus=False)
    home.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
