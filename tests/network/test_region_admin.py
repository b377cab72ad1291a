"""The regions screen of central editors: a region's member municipalities changed in the
admin, refused (403, no menu item) to local editors, and the change shown at once on the
regional agenda and in the network agenda's region filter."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from home.models import IdentitySettings, RegionMunicipality, SiteKind
from network.models import NetworkAgendaPage
from sitegen.csv_import import RegionMember, RegionSpec
from sitegen.services import network_site_provision, region_provision
from tests.conftest import site_provision
from tests.factories.events import EventPageFactory, agenda_of, event_date

NETWORK_HOST = "netwerk.testserver"
LIST_URL = "/admin/regios/"


def _identity(site, nis_code: str, municipality: str) -> None:
    identity = IdentitySettings.for_site(site)
    identity.nis_code, identity.municipality = nis_code, municipality
    identity.province = "oost-vlaanderen"
    identity.save()


@pytest.fixture
def region(site_a):
    """A Regiobib of Gent (site A, a library); a library in Deinze outside it; both with an
    event; and the network site."""
    _identity(site_a.site, "44021", "Gent")
    deinze = site_provision("deinze", "Bibliotheek Deinze")
    _identity(deinze.site, "44083", "Deinze")
    soon = timezone.localdate() + dt.timedelta(days=3)
    for fixture, title in ((site_a, "Voorleesuur Gent"), (deinze, "Boekenclub Deinze")):
        EventPageFactory(parent=agenda_of(fixture.home), title=title, dates=[event_date(soon)])
    tenant = region_provision(
        spec=RegionSpec(
            slug="regio-leie",
            name="Regiobib Leie",
            kind=SiteKind.REGIONAL_LIBRARY,
            province="oost-vlaanderen",
            members=[RegionMember(nis_code="44021", municipality="Gent")],
        )
    ).tenant
    network = network_site_provision(hostname=NETWORK_HOST).tenant
    return {"tenant": tenant, "network": network, "site_a": site_a, "deinze": deinze}


def _edit_url(tenant) -> str:
    return f"{LIST_URL}{tenant.pk}/"


def _agenda_titles(tenant, **params) -> set[str]:
    agenda = NetworkAgendaPage.objects.descendant_of(tenant.site.root_page).get()
    response = Client(HTTP_HOST=tenant.site.hostname).get(agenda.relative_url(tenant.site), params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return {a.text for a in soup.select(".event-card .card__title a")}


def _network_region_total(region) -> int:
    network = region["network"]
    agenda = NetworkAgendaPage.objects.descendant_of(network.site.root_page).get()
    response = Client(HTTP_HOST=NETWORK_HOST).get(
        agenda.relative_url(network.site), {"regio": region["tenant"].slug}
    )
    soup = BeautifulSoup(response.content, "html.parser")
    return int(soup.select_one("[data-total]")["data-total"])


@pytest.mark.django_db
def test_local_editors_get_403_and_no_menu_item(region, admin_client):
    client = admin_client(region["site_a"].editor)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(_edit_url(region["tenant"])).status_code == 403
    response = client.post(_edit_url(region["tenant"]), {"gemeenten": ["44021", "44083"]})
    assert response.status_code == 403
    assert list(
        RegionMunicipality.objects.filter(region=region["tenant"]).values_list(
            "nis_code", flat=True
        )
    ) == ["44021"]
    body = client.get("/admin/").content.decode()
    assert f'"{LIST_URL}"' not in body


@pytest.mark.django_db
def test_central_editors_see_the_regions_in_the_menu_and_the_list(region, admin_client_central):
    assert f'"{LIST_URL}"' in admin_client_central.get("/admin/").content.decode()
    response = admin_client_central.get(LIST_URL)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    row = soup.select_one("table.listing tbody tr")
    cells = [cell.get_text(strip=True) for cell in row.select("td")]
    assert cells == ["Regiobib Leie", "Regiobib", "Gent", "1"]
    assert row.select_one("a")["href"] == _edit_url(region["tenant"])

    form = BeautifulSoup(
        admin_client_central.get(_edit_url(region["tenant"])).content, "html.parser"
    )
    boxes = {box["value"]: box.has_attr("checked") for box in form.select("input[name=gemeenten]")}
    # The libraries' municipalities of the province; the cultural centre is not offered.
    assert boxes == {"44021": True, "44083": False}


@pytest.mark.django_db
def test_a_membership_change_shows_on_the_regional_and_network_agendas(
    region, admin_client_central
):
    tenant = region["tenant"]
    assert _agenda_titles(tenant) == {"Voorleesuur Gent"}
    assert _network_region_total(region) == 1  # counts now cached for this filter

    response = admin_client_central.post(_edit_url(tenant), {"gemeenten": ["44021", "44083"]})
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert _agenda_titles(tenant) == {"Voorleesuur Gent", "Boekenclub Deinze"}
    assert _network_region_total(region) == 2

    # Gent leaves; a municipality without a library yet joins by its NIS code.
    response = admin_client_central.post(
        _edit_url(tenant),
        {"gemeenten": ["44083"], "nis_code": "44064", "gemeente": "Sint-Martens-Latem"},
        follow=True,
    )
    assert "weggenomen: Gent" in response.content.decode()
    assert _agenda_titles(tenant) == {"Boekenclub Deinze"}
    assert _network_region_total(region) == 1
    assert dict(
        RegionMunicipality.objects.filter(region=tenant).values_list("nis_code", "municipality")
    ) == {"44083": "Deinze", "44064": "Sint-Martens-Latem"}
    # The member's footer follows: Gent's library is no longer "Deel van" the region.
    page = Client(HTTP_HOST=region["site_a"].site.hostname).get("/")
    assert not BeautifulSoup(page.content, "html.parser").select(".site-footer__region")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"gemeenten": []}, None, "Een regio heeft minstens één gemeente."),
        ({"gemeenten": ["44021"], "nis_code": "4402"}, "nis_code", "5 cijfers"),
        ({"gemeenten": ["44021"], "nis_code": "12345"}, "gemeente", "Geef de naam"),
        ({"gemeenten": ["99999"]}, "gemeenten", "geen beschikbare keuze"),
    ],
)
def test_bad_input_is_explained_in_dutch_and_changes_nothing(
    region, admin_client_central, data, field, message
):
    response = admin_client_central.post(_edit_url(region["tenant"]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "De regio kon niet worden opgeslagen." in body
    assert list(
        RegionMunicipality.objects.filter(region=region["tenant"]).values_list(
            "nis_code", flat=True
        )
    ) == ["44021"]


@pytest.mark.django_db
def test_a_site_that_is_no_region_is_not_found(region, admin_client_central):
    assert admin_client_central.get(_edit_url(region["site_a"].tenant)).status_code == 404
    assert admin_client_central.get(f"{LIST_URL}999999/").status_code == 404
