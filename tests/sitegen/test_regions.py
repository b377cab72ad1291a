"""Regional sites: a Regiobib built from a CSV of three member municipalities gathers its
members' events (by reference), has a branch page per municipality and one catalogue
profile, its members link to it, and re-applying the CSV keeps local edits."""

import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from events.models import EventPage
from home.models import IdentitySettings, IntegrationSettings, RegionMunicipality, SiteKind
from library_pages.models import LocationPage
from network.models import NetworkAgendaPage
from sitegen.csv_import import CsvLayoutError, region_specs
from sitegen.services import ProvisioningError, region_provision
from tests.conftest import site_provision
from tests.factories.events import EventPageFactory, agenda_of, event_date

HEADER = (
    "region_slug,region_name,kind,province,nis_code,municipality,"
    "branch_name,street,postal_code,city\n"
)
ROWS = (
    "regio-leie,Regiobib Leie,regiobib,Oost-Vlaanderen,44021,Gent,Bib Gent,Kattenberg 3,9000,Gent\n"
    "regio-leie,Regiobib Leie,regiobib,Oost-Vlaanderen,44083,Deinze,Bib Deinze,"
    "Markt 1,9800,Deinze\n"
    "regio-leie,Regiobib Leie,regiobib,Oost-Vlaanderen,44064,Sint-Martens-Latem,,,,\n"
)


def _spec(text: str = HEADER + ROWS):
    specs = region_specs(stream=io.StringIO(text))
    assert len(specs) == 1
    return specs[0]


def _identity(site, nis_code: str, municipality: str) -> None:
    identity = IdentitySettings.for_site(site)
    identity.nis_code, identity.municipality = nis_code, municipality
    identity.province = "oost-vlaanderen"
    identity.save()


@pytest.fixture
def members(site_a, site_b):
    """Libraries in Gent (site A) and Deinze, none in Sint-Martens-Latem; site B (a cultural
    centre) also in Gent: not a member of a Regiobib."""
    _identity(site_a.site, "44021", "Gent")
    _identity(site_b.site, "44021", "Gent")
    deinze = site_provision("deinze", "Bibliotheek Deinze")
    _identity(deinze.site, "44083", "Deinze")
    soon = timezone.localdate() + dt.timedelta(days=3)
    for fixture, title in ((site_a, "Voorleesuur Gent"), (deinze, "Boekenclub Deinze")):
        EventPageFactory(parent=agenda_of(fixture.home), title=title, dates=[event_date(soon)])
    EventPageFactory(parent=agenda_of(site_b.home), title="Concert CC", dates=[event_date(soon)])
    return site_a, deinze, site_b


@pytest.mark.django_db
def test_region_of_three_municipalities_shows_its_members_events(members):
    site_a, deinze, _site_b = members
    events_before = EventPage.objects.count()
    result = region_provision(spec=_spec())
    tenant = result.tenant
    assert result.created and tenant.kind == SiteKind.REGIONAL_LIBRARY
    assert sorted(
        RegionMunicipality.objects.filter(region=tenant).values_list("municipality", flat=True)
    ) == ["Deinze", "Gent", "Sint-Martens-Latem"]
    # Branches as location pages (Sint-Martens-Latem has no street: no branch page).
    branches = LocationPage.objects.descendant_of(tenant.site.root_page)
    assert sorted(branches.values_list("title", flat=True)) == ["Bib Deinze", "Bib Gent"]
    # One catalogue profile for the region.
    assert IntegrationSettings.for_site(tenant.site).catalogue_profile == "regio-leie"

    agenda = NetworkAgendaPage.objects.descendant_of(tenant.site.root_page).get()
    response = Client(HTTP_HOST=tenant.site.hostname).get(agenda.relative_url(tenant.site))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = {a.text for a in soup.select(".event-card .card__title a")}
    assert titles == {"Voorleesuur Gent", "Boekenclub Deinze"}  # not the cultural centre's
    links = {a["href"] for a in soup.select(".event-card .card__title a")}
    assert any(site_a.site.hostname in link for link in links)
    assert any(deinze.site.hostname in link for link in links)
    assert EventPage.objects.count() == events_before  # by reference: no copies
    municipalities = {o.text.split(" (")[0] for o in soup.select("select[name=gemeente] option")}
    assert {"Gent", "Deinze"} <= municipalities

    # A member's footer links to its region; a site outside it does not.
    page = Client(HTTP_HOST=site_a.site.hostname).get("/")
    link = BeautifulSoup(page.content, "html.parser").select_one(".site-footer__region a")
    assert link.text == "Deel van Regiobib Leie"
    assert link["href"] == f"{tenant.site.root_url}/"
    other = Client(HTTP_HOST=_site_b_host(members)).get("/")
    assert not BeautifulSoup(other.content, "html.parser").select(".site-footer__region")


def _site_b_host(members) -> str:
    return members[2].site.hostname


@pytest.mark.django_db
def test_reapplying_a_region_keeps_local_edits(members):
    tenant = region_provision(spec=_spec()).tenant
    gent = LocationPage.objects.descendant_of(tenant.site.root_page).get(title="Bib Gent")
    gent.title = "Bibliotheek De Krook"
    gent.save_revision().publish()
    LocationPage.objects.descendant_of(tenant.site.root_page).get(title="Bib Deinze").delete()

    # Sint-Martens-Latem leaves, Nazareth joins with a branch.
    text = (
        HEADER
        + ROWS.rsplit("regio-leie", 1)[0].rstrip(",")
        + (
            "regio-leie,Regiobib Leie,regiobib,Oost-Vlaanderen,44048,Nazareth,Bib Nazareth,"
            "Markt 2,9810,Nazareth\n"
        )
    )
    again = region_provision(spec=_spec(text))
    assert not again.created
    assert again.municipalities_added == ["Nazareth"]
    assert again.municipalities_removed == ["Sint-Martens-Latem"]
    assert again.branches_created == ["Bib Nazareth"]
    titles = sorted(
        LocationPage.objects.descendant_of(tenant.site.root_page).values_list("title", flat=True)
    )
    assert titles == ["Bib Nazareth", "Bibliotheek De Krook"]  # the deleted one stays deleted
    third = region_provision(spec=_spec(text))
    assert (third.municipalities_added, third.branches_created) == ([], [])


@pytest.mark.django_db
def test_bad_region_csv_is_refused_in_dutch_and_changes_nothing(members):
    with pytest.raises(CsvLayoutError, match="ontbrekende kolommen: nis_code"):
        region_specs(stream=io.StringIO("region_slug,region_name,kind,municipality\n"))
    bad = HEADER + (
        "regio-x,Regio X,regiobib,Oost-Vlaanderen,4402,Gent,,,,\n"
        "regio-x,Regio X,bibliotheek,Limburg,44083,Deinze,,,,\n"
    )
    spec = _spec(bad)
    assert any("Regel 2" in error and "NIS-code" in error for error in spec.errors)
    assert any("Regel 3" in error and "onbekende soort" in error for error in spec.errors)
    with pytest.raises(ProvisioningError):
        region_provision(spec=spec)
    assert not RegionMunicipality.objects.exists()


@pytest.mark.django_db
def test_sitegen_region_command_reads_the_example_csv(members, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    out = io.StringIO()
    call_command("sitegen", "region", "--csv", str(path), stdout=out)
    assert "regio-leie: created" in out.getvalue()
    out = io.StringIO()
    call_command("sitegen", "region", "--csv", str(path), stdout=out)
    assert "regio-leie: exists" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("sitegen", "region", "--csv", str(tmp_path / "missing.csv"))
