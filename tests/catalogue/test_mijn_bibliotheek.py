"""Mijn Bibliotheek: the header link and its sub-links per site, the reserve button to the
patron's own library, and the link blocks of the 'Digitale collectie' page."""

import pytest
from django.core.exceptions import ValidationError

from catalogue.blocks import DigitalServicesBlock
from catalogue.models import LibraryAccountSettings
from home.models import IntegrationSettings
from tests.factories.html import soup_of
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db


def _account(response):
    header = soup_of(response).select_one("header.site-header")
    link = header.select_one(".site-header__account-link")
    more = [(a.get_text(strip=True), a["href"]) for a in header.select(".site-header__account a")]
    return (link["href"] if link else None), more[1:]


def test_each_library_links_to_its_own_mijn_bibliotheek(two_libraries, site_b):
    gent, leuven = two_libraries
    for library in two_libraries:
        integration = IntegrationSettings.for_site(library.site)
        integration.catalogue_profile = library.site.hostname.split(".")[0]
        integration.save()
    assert _account(gent.client_for().get("/")) == (
        f"https://{gent.site.hostname.split('.')[0]}.bibliotheek.be/mijn-bibliotheek",
        [],
    )
    url, _more = _account(leuven.client_for().get("/"))
    assert url == f"https://{leuven.site.hostname.split('.')[0]}.bibliotheek.be/mijn-bibliotheek"
    # A cultural centre has no catalogue profile: no link rather than a broken one.
    assert _account(site_b.client_for().get("/")) == (None, [])


def test_loans_reservations_and_renewals_appear_when_set(site_a):
    integration = IntegrationSettings.for_site(site_a.site)
    integration.catalogue_profile = "gent"
    integration.save()
    client = site_a.client_for()
    assert _account(client.get("/"))[1] == []  # shell now cached without sub-links
    account = LibraryAccountSettings.for_site(site_a.site)
    account.account_url = "https://mijn.example.be/{profile}"
    account.loans_url = "https://mijn.example.be/{profile}/uitleningen"
    account.reservations_url = "https://mijn.example.be/{profile}/reservaties"
    account.renewals_url = "https://mijn.example.be/{profile}/verlengen"
    account.full_clean()
    account.save()
    assert _account(client.get("/")) == (
        "https://mijn.example.be/gent",
        [
            ("Mijn uitleningen", "https://mijn.example.be/gent/uitleningen"),
            ("Mijn reservaties", "https://mijn.example.be/gent/reservaties"),
            ("Verlengen", "https://mijn.example.be/gent/verlengen"),
        ],
    )
    account.account_url = ""
    account.save()
    assert _account(client.get("/")) == (None, [])


def test_reserve_button_goes_to_the_patrons_own_library(two_libraries, records):
    gent, leuven = two_libraries
    for library, profile in ((gent, "gent"), (leuven, "leuven")):
        account = LibraryAccountSettings.for_site(library.site)
        account.reserve_url_template = (
            "https://{profile}.bibliotheek.be/reserveren?record={record_id}&isbn={isbn}"
        )
        account.save()
        integration = IntegrationSettings.for_site(library.site)
        integration.catalogue_profile = profile
        integration.save()
    for library, profile in ((gent, "gent"), (leuven, "leuven")):
        soup = soup_of(library.client_for().get("/catalogus/titel/900001/"))
        reserve = soup.find("a", string="Reserveer in Mijn Bibliotheek")
        assert reserve["href"] == (
            f"https://{profile}.bibliotheek.be/reserveren?record=900001&isbn=9789076957906"
        )
    # A record without ISBN still gets its button, with an empty ISBN.
    soup = soup_of(gent.client_for().get("/catalogus/titel/900003/"))
    assert soup.find("a", string="Reserveer in Mijn Bibliotheek")["href"] == (
        "https://gent.bibliotheek.be/reserveren?record=900003&isbn="
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reserve_url_template", "https://bib.example.be/reserveren", "{record_id}"),
        ("reserve_url_template", "javascript:alert(1)//{record_id}", "https://"),
        ("account_url", "http://bib.example.be/mijn", "https://"),
        ("loans_url", "https://bib.example.be/mijn uitleningen", "spaties"),
    ],
)
def test_bad_addresses_are_refused_in_dutch(site_a, field, value, message):
    account = LibraryAccountSettings.for_site(site_a.site)
    setattr(account, field, value)
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_digital_collection_page_shows_its_services(site_a):
    page = StandardPageFactory(
        parent=site_a.home,
        title="Digitale collectie",
        slug="digitaal",
        body=[
            {
                "type": "digital_services",
                "value": {
                    "title": "E-boeken en films",
                    "services": [
                        {
                            "service": "cloudlibrary",
                            "name": "",
                            "url": "https://www.yourcloudlibrary.com/",
                            "description": "E-boeken en luisterboeken met je lidkaart.",
                            "logo": None,
                        },
                        {
                            "service": "other",
                            "name": "Lezen op school",
                            "url": "https://lezen.example.be/",
                            "description": "Voor klassen.",
                            "logo": None,
                        },
                    ],
                },
            }
        ],
    )
    soup = soup_of(site_a.client_for().get(page.relative_url(site_a.site)))
    services = [
        (li.select_one("h3 a").get_text(strip=True), li.select_one("h3 a")["href"])
        for li in soup.select(".digital-services li")
    ]
    assert services == [
        ("cloudLibrary", "https://www.yourcloudlibrary.com/"),
        ("Lezen op school", "https://lezen.example.be/"),
    ]


def test_another_service_needs_a_name():
    block = DigitalServicesBlock()
    value = block.to_python(
        {
            "title": "Digitaal",
            "services": [
                {"service": "other", "name": "", "url": "https://x.example.be/", "description": "x"}
            ],
        }
    )
    with pytest.raises(ValidationError):
        block.clean(value)


def test_a_new_librarys_digital_collection_page_links_its_services(site_a):
    """The library blueprint fills 'Digitale collectie' with the link block, not with prose."""
    soup = soup_of(site_a.client_for().get("/digitale-collectie/"))
    links = [a["href"] for a in soup.select(".digital-services li h3 a")]
    assert links == ["https://www.yourcloudlibrary.com/", "https://www.gopress.be/"]
