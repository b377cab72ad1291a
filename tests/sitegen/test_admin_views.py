import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Site

from home.models import Tenant

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "bibliotheek",
    "name": "Bibliotheek Aalst",
    "slug": "aalst",
    "hostname": "",
    "municipality": "Aalst",
    "nis_code": "41002",
    "province": "oost-vlaanderen",
    "street": "Graanmarkt 3",
    "postal_code": "9300",
    "city": "Aalst",
    "email": "bibliotheek@aalst.example",
    "phone": "053 73 23 00",
}


def test_central_editor_provisions_a_site_from_the_form(admin_client_central):
    response = admin_client_central.post(reverse("sitegen_provision"), FORM)

    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="aalst")
    assert tenant.site.hostname == "aalst.localhost"
    assert tenant.site.root_page.title == "Bibliotheek Aalst"
    listing = admin_client_central.get(reverse("sitegen_sites"))
    soup = BeautifulSoup(listing.content, "html.parser")
    assert "Bibliotheek Aalst" in soup.find("table", class_="listing").get_text()


def test_form_errors_are_dutch_and_create_nothing(admin_client_central, site_a):
    data = {**FORM, "slug": "Niet Geldig!", "nis_code": "12", "postal_code": "90000"}
    tenants_before = Tenant.objects.count()
    response = admin_client_central.post(reverse("sitegen_provision"), data)

    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text()
    assert "Een NIS-code bestaat uit 5 cijfers." in text
    assert "Een Belgische postcode heeft 4 cijfers." in text
    assert Tenant.objects.count() == tenants_before


def test_hostname_in_use_is_refused(admin_client_central, site_a):
    data = {**FORM, "hostname": site_a.hostname}
    sites_before = Site.objects.count()

    response = admin_client_central.post(reverse("sitegen_provision"), data)

    assert response.status_code == 200
    assert "al in gebruik" in BeautifulSoup(response.content, "html.parser").get_text()
    assert Site.objects.count() == sites_before
    assert not Tenant.objects.filter(slug="aalst").exists()


def test_existing_slug_is_refused_in_the_form(admin_client_central, site_a):
    response = admin_client_central.post(reverse("sitegen_provision"), {**FORM, "slug": "gent"})

    assert response.status_code == 200
    assert "Er bestaat al een website met deze slug." in response.content.decode()


@pytest.mark.parametrize("url_name", ["sitegen_sites", "sitegen_provision"])
def test_local_editors_cannot_reach_provisioning(site_a, url_name, admin_client):
    client = admin_client(site_a.moderator)

    # Wagtail turns PermissionDenied in admin views into a redirect to the dashboard.
    for response in (
        client.get(reverse(url_name)),
        client.post(reverse("sitegen_provision"), FORM),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert not Tenant.objects.filter(slug="aalst").exists()
