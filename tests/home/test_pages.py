"""Every page type as a visitor sees it, on two sites: the site shell shows the right site,
listings run a fixed number of queries, and search, robots.txt, the sitemap and 404s stay
within the site that was asked for."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from home.models import BrandingSettings, ContactSettings, NavigationSettings
from library_pages.models import ContactPage, LocationIndexPage
from tests.conftest import (
    SITE_A,
    SITE_B,
    SiteFixture,
    module_data,
    site_fixture_load,
    site_provision,
)
from tests.factories.html import (
    branding_properties,
    footer_contact_text,
    main_menu_links,
    site_name_in_header,
    soup_of,
)
from tests.factories.pages import (
    LocationPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    news_index_of,
)
from tests.factories.sitegen import bare_site_create

pytestmark = pytest.mark.django_db

PAGE_TYPES = (
    "home",
    "standard",
    "contact",
    "news_index",
    "news",
    "location_index",
    "location",
)

# Queries of one page view once the caches are warm (see _queries_of_view). Measured; SQLite and
# PostgreSQL run the same queries, except where `_expected_queries` says. What they are made of:
#   every page:   routing (home.routing): the pages on the path, then the specific page with
#                 whether a view restriction applies; the site comes from a per-process map and
#                 the site shell (settings, menus, locations, campaigns) from its cache
#   home:         + latest news + the "Binnenkort" section (the next occurrences in date
#                 order from the agenda's start index, then their events; no count)
#   news index:   + one page of news (with images) + central news
#   location:     + its own hours (2) + the tenant (schema.org type)
QUERIES = {
    "home": 4,
    "standard": 2,
    "contact": 2,
    "news_index": 4,
    "news": 2,
    "location_index": 2,
    "location": 5,
}


def _expected_queries(page_type: str) -> int:
    """QUERIES on this database: SQLite (the embedded default) allows no LIMIT inside a UNION,
    so the agenda's ordered read ("Binnenkort" on the home page) takes two queries there."""
    extra = 0 if connection.features.supports_slicing_ordering_in_compound else 1
    return QUERIES[page_type] + (extra if page_type == "home" else 0)


@dataclass
class SiteContent:
    fixture: SiteFixture
    pages: dict[str, Page]

    @property
    def site(self):
        return self.fixture.site

    def client(self) -> Client:
        return self.fixture.client_for()


def _content_build(fixture: SiteFixture, town: str) -> dict[str, int]:
    """A page of every type on the site; returns their ids by page type."""
    home = fixture.home
    location_index = LocationIndexPage.objects.child_of(home).get()
    news_index = news_index_of(home)
    pages = {
        "home": home,
        "standard": StandardPageFactory(parent=home, title=f"Praktische info {town}"),
        "contact": ContactPage.objects.child_of(home).get(),
        "news_index": news_index,
        "news": NewsPageFactory(parent=news_index, title=f"Nieuws uit {town}"),
        "location_index": location_index,
        "location": LocationPageFactory(
            parent=location_index,
            title=f"Hoofdbibliotheek {town}",
            city=town,
            hours=[(day, 9, 18) for day in range(6)],
        ),
    }
    return {kind: page.pk for kind, page in pages.items()}


def _network_build() -> tuple[dict[str, int], dict[str, int]]:
    site_a, site_b = site_fixture_load(SITE_A[0]), site_fixture_load(SITE_B[0])
    # a distinct address for B, so that footers can be told apart
    contact_b = ContactSettings.for_site(site_b.site)
    contact_b.street, contact_b.postal_code, contact_b.city = "Boechoutlaan 9", "1853", "Grimbergen"
    contact_b.save()
    return _content_build(site_a, "Gent"), _content_build(site_b, "Strombeek")


@pytest.fixture(scope="module")
def _network_pages(django_db_setup, django_db_blocker):
    """The pages of both sites, built once for the module (tests/conftest.py: module_data)."""
    with module_data(django_db_blocker) as build:
        yield build(_network_build)


def _content_of(fixture: SiteFixture, page_ids: dict[str, int]) -> SiteContent:
    pages = {kind: Page.objects.get(pk=pk).specific for kind, pk in page_ids.items()}
    return SiteContent(fixture=fixture, pages=pages)


@pytest.fixture
def network(two_sites, _network_pages) -> tuple[SiteContent, SiteContent]:
    site_a, site_b = two_sites
    pages_a, pages_b = _network_pages
    return _content_of(site_a, pages_a), _content_of(site_b, pages_b)


def _queries_of_view(client: Client, url: str) -> tuple[int, object]:
    """Queries of a view once warm: the first request fills the site root paths cache."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


# --- the site shell on every page type ----------------------------------------------------------


@pytest.mark.parametrize("page_type", PAGE_TYPES)
@pytest.mark.parametrize("which", [0, 1], ids=["site_a", "site_b"])
def test_page_renders_in_its_own_site_shell(network, page_type, which):
    this, other = network[which], network[1 - which]
    page = this.pages[page_type]

    response = this.client().get(page.url)

    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.html["lang"] == "nl-BE"
    skip_link = soup.body.find("a")
    assert skip_link["href"] == "#main"
    assert skip_link.get_text(strip=True) == "Ga naar de inhoud"
    assert soup.find(id="main").name == "main"
    assert [h1.get_text(strip=True) for h1 in soup.find_all("h1")] == [page.title]
    # header: this site's name, never the other's
    assert site_name_in_header(soup) == this.site.site_name
    assert other.site.site_name not in soup.find("header").get_text()
    # main menu: the labels and pages of this site's navigation
    own_urls = {p.relative_url(this.site) for p in this.fixture.home.get_descendants().live()}
    links = main_menu_links(soup)
    navigation = NavigationSettings.for_site(this.site)
    assert [label for label, _ in links] == [
        item.value["page"].title for item in navigation.main_menu
    ]
    assert links and all(href in own_urls for _, href in links)
    # footer: this site's address
    contact = ContactSettings.for_site(this.site)
    footer = footer_contact_text(soup)
    assert contact.street in footer
    assert f"{contact.postal_code} {contact.city}" in footer
    assert contact.email in footer
    other_contact = ContactSettings.for_site(other.site)
    assert other_contact.street not in footer and other_contact.email not in footer
    # branding: this site's colours
    branding = BrandingSettings.for_site(this.site)
    assert branding_properties(soup) == {
        "--color-primary": branding.primary_colour,
        "--color-on-primary": branding.primary_text_colour,
        "--color-accent": branding.accent_colour,
        "--color-on-accent": branding.accent_text_colour,
        "--color-link": branding.link_colour,
    }


def test_the_two_sites_really_differ(network):
    """Guards the shell test above: it only proves isolation if the sites look different."""
    site_a, site_b = network
    branding_a, branding_b = (BrandingSettings.for_site(s.site) for s in network)

    assert site_a.site.site_name != site_b.site.site_name
    assert branding_a.primary_colour != branding_b.primary_colour
    assert (
        NavigationSettings.for_site(site_a.site).main_menu[0].value["page"].title
        != NavigationSettings.for_site(site_b.site).main_menu[0].value["page"].title
    )


def test_branding_change_shows_on_the_next_page_view(network):
    site_a, site_b = network
    branding = BrandingSettings.for_site(site_a.site)
    branding.primary_colour = "#1d4f2a"
    branding.save()

    soup_a = soup_of(site_a.client().get("/"))
    soup_b = soup_of(site_b.client().get("/"))

    assert branding_properties(soup_a)["--color-primary"] == "#1d4f2a"
    assert branding_properties(soup_b)["--color-primary"] == "#5b2a86"


def test_location_page_shows_its_hours_and_address(network):
    site_a, _ = network
    location = site_a.pages["location"]

    soup = soup_of(site_a.client().get(location.url))

    assert "Kerkstraat 1" in soup.find("address").get_text()
    table = soup.select_one(".opening-hours table")
    assert table is not None
    assert "09:00" in table.get_text() and "18:00" in table.get_text()


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_type_runs_a_fixed_number_of_queries(network, page_type, django_assert_num_queries):
    site_a, _ = network
    client = site_a.client()
    url = site_a.pages[page_type].url
    client.get(url)

    with django_assert_num_queries(_expected_queries(page_type)):
        assert client.get(url).status_code == 200


def test_news_index_queries_do_not_grow_with_the_news(network):
    site_a, _ = network
    news_index = site_a.pages["news_index"]
    for day in range(2):
        NewsPageFactory(parent=news_index, date=dt.date(2026, 10, 1 + day))
    assert news_index.get_children().count() == 3
    with_3, response_3 = _queries_of_view(site_a.client(), news_index.url)

    for day in range(27):
        NewsPageFactory(parent=news_index, date=dt.date(2026, 9, 1 + day))
    with_30, response_30 = _queries_of_view(site_a.client(), news_index.url)

    assert with_3 == with_30 == QUERIES["news_index"]
    assert len(soup_of(response_3).select("article.card")) == 3
    assert len(soup_of(response_30).select("article.card")) == 12  # one page of news


def test_location_listings_do_not_grow_with_the_locations(network):
    site_a, _ = network
    location_index = site_a.pages["location_index"]
    client = site_a.client()
    before = {kind: _queries_of_view(client, site_a.pages[kind].url)[0] for kind in PAGE_TYPES}

    for number in range(5):
        LocationPageFactory(
            parent=location_index, title=f"Filiaal {number}", hours=[(number, 10, 12)]
        )
    after = {kind: _queries_of_view(client, site_a.pages[kind].url)[0] for kind in PAGE_TYPES}

    assert after == before
    soup = soup_of(client.get(location_index.url))
    assert len(soup.select(".location-list > li")) == 6


def test_home_page_queries_do_not_grow_with_the_network(network):
    site_a, site_b = network
    with_2, _ = _queries_of_view(site_a.client(), "/")

    # Provisioning time is a figure of `make bench-network`, not something a test can assert
    # on a shared machine. One more fully provisioned site, and 47 bare ones (a site, its
    # tenant and home page): 48 full provisionings took minutes of the suite.
    site_provision("extra-0", "Bibliotheek Extra0")
    for number in range(1, 48):
        bare_site_create(slug=f"extra-{number}", name=f"Bibliotheek Extra{number}")
    assert Site.objects.count() == 50
    with_50_a, response = _queries_of_view(site_a.client(), "/")
    with_50_b, _ = _queries_of_view(site_b.client(), "/")

    assert with_2 == with_50_a == with_50_b == _expected_queries("home")
    assert site_name_in_header(soup_of(response)) == site_a.site.site_name


def test_search_queries_do_not_grow_with_the_results(network):
    site_a, _ = network
    home = site_a.fixture.home
    for number in range(2):
        StandardPageFactory(parent=home, title=f"Leesclub {number}")
    url = "/zoeken/?" + urlencode({"q": "leesclub"})
    with_2, response_2 = _queries_of_view(site_a.client(), url)

    for number in range(2, 12):
        StandardPageFactory(parent=home, title=f"Leesclub {number}")
    with_12, response_12 = _queries_of_view(site_a.client(), url)

    assert with_2 == with_12
    assert len(soup_of(response_2).select("ol.search-results > li")) == 2
    assert len(soup_of(response_12).select("ol.search-results > li")) == 10


# --- search -------------------------------------------------------------------------------------


def _search(content: SiteContent, query_string: str):
    return content.client().get(f"/zoeken/?{query_string}")


def _result_titles(response) -> list[str]:
    return [h3.get_text(strip=True) for h3 in soup_of(response).select("ol.search-results h3")]


def test_search_finds_pages_of_the_same_site_only(network):
    site_a, site_b = network
    StandardPageFactory(
        parent=site_a.fixture.home, title="Walvisavond in Gent", slug="walvisavond-in-gent"
    )
    StandardPageFactory(parent=site_b.fixture.home, title="Walvisavond in Strombeek")

    response_a = _search(site_a, "q=walvisavond")
    response_b = _search(site_b, "q=walvisavond")

    assert response_a.status_code == response_b.status_code == 200
    assert _result_titles(response_a) == ["Walvisavond in Gent"]
    assert _result_titles(response_b) == ["Walvisavond in Strombeek"]
    links = [a["href"] for a in soup_of(response_a).select("ol.search-results a")]
    assert links == ["/walvisavond-in-gent/"]


def test_search_finds_blueprint_content_and_never_the_other_sites_pages(network):
    site_a, site_b = network

    response = _search(site_a, "q=nieuws")

    titles = _result_titles(response)
    assert "Nieuws uit Gent" in titles
    assert "Nieuws uit Strombeek" not in titles
    links = [a["href"] for a in soup_of(response).select("ol.search-results a")]
    assert len(links) == len(titles)
    assert all(not href.startswith("http") for href in links)


def test_search_does_not_find_draft_pages(network):
    site_a, _ = network
    StandardPageFactory(parent=site_a.fixture.home, title="Geheime walvisavond", publish=False)

    assert _result_titles(_search(site_a, "q=walvisavond")) == []


@pytest.mark.parametrize(
    "query_string",
    [
        "q=",
        "",
        "q=" + "a" * 10240,
        urlencode({"q": "&|!:*()"}),
        urlencode({"q": "'\"\\;--"}),
        "q=%00",
        "q=bib%00liotheek",
        "q=bib&pagina=999999",
        "q=bib&pagina=abc",
        "q=bib&pagina=-1",
        "q=bib&pagina=%00",
        "q[]=x",
        "q=bib&q=nieuws",
        "q=%ff%fe",
    ],
)
def test_search_survives_odd_input(network, query_string):
    site_a, _ = network

    response = _search(site_a, query_string)

    # Odd input is cleaned (NUL bytes dropped, length capped, bad page numbers mean page 1):
    # the search page always answers.
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("h1").get_text(strip=True) == "Zoeken op deze website"
    field = soup.find("input", id="search-page-q")
    assert len(field["value"]) <= 200
    assert "\x00" not in field["value"]


def test_search_escapes_the_query(network):
    site_a, _ = network

    response = _search(site_a, urlencode({"q": "<script>alert(1)</script>"}))

    assert response.status_code == 200
    soup = soup_of(response)
    assert not [s for s in soup.find_all("script") if "alert" in s.get_text()]
    assert soup.find("input", id="search-page-q")["value"] == "<script>alert(1)</script>"


def test_search_pagination(network):
    site_a, _ = network
    for number in range(12):
        StandardPageFactory(parent=site_a.fixture.home, title=f"Voorleesuur {number}")

    first = soup_of(_search(site_a, "q=voorleesuur"))
    second = soup_of(_search(site_a, "q=voorleesuur&pagina=2"))
    beyond = soup_of(_search(site_a, "q=voorleesuur&pagina=999999"))

    assert "12 pagina's" in first.find(id="search-summary").get_text()
    assert len(first.select("ol.search-results > li")) == 10
    assert len(second.select("ol.search-results > li")) == 2
    assert len(beyond.select("ol.search-results > li")) == 2
    next_link = first.select_one('.pagination a[rel="next"]')["href"]
    assert next_link == "?q=voorleesuur&pagina=2"


# --- robots.txt, sitemap.xml --------------------------------------------------------------------


@pytest.mark.parametrize("which", [0, 1], ids=["site_a", "site_b"])
def test_robots_txt_names_the_sites_own_sitemap(network, which):
    this, other = network[which], network[1 - which]

    response = this.client().get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {this.site.root_url}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert other.site.hostname not in response.content.decode()


@pytest.mark.parametrize("which", [0, 1], ids=["site_a", "site_b"])
def test_sitemap_lists_only_the_sites_own_pages(network, which):
    this = network[which]
    StandardPageFactory(parent=this.fixture.home, title="Concept", publish=False)

    response = this.client().get("/sitemap.xml")

    assert response.status_code == 200
    # a well-formed XML document, read as XML
    root = ElementTree.fromstring(response.content)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text.strip() for loc in root.findall("s:url/s:loc", namespace)}
    live_pages = this.fixture.home.get_descendants(inclusive=True).live().public()
    assert locations == {page.full_url for page in live_pages}
    assert all(url.startswith(f"{this.site.root_url}/") for url in locations)
    assert this.pages["location"].full_url in locations


# --- 404 and unknown hosts ----------------------------------------------------------------------


@pytest.mark.parametrize("which", [0, 1], ids=["site_a", "site_b"])
def test_unknown_path_gives_the_sites_own_404_page(network, which):
    this, other = network[which], network[1 - which]

    response = this.client().get("/bestaat-niet/")

    assert response.status_code == 404
    soup = soup_of(response)
    assert soup.html["lang"] == "nl-BE"
    assert soup.find("h1").get_text(strip=True) == "Deze pagina bestaat niet (meer)"
    assert site_name_in_header(soup) == this.site.site_name
    assert other.site.site_name not in soup.get_text()
    assert soup.find("a", string=f"Naar de startpagina van {this.site.site_name}")
    assert branding_properties(soup)["--color-primary"] == (
        BrandingSettings.for_site(this.site).primary_colour
    )


def test_draft_page_gives_404(network):
    site_a, _ = network
    draft = StandardPageFactory(parent=site_a.fixture.home, slug="concept", publish=False)

    assert site_a.client().get(f"/{draft.slug}/").status_code == 404


def test_other_sites_page_path_is_not_served(network):
    """A path that exists only on B gives A's 404, not B's page."""
    site_a, site_b = network
    only_on_b = StandardPageFactory(parent=site_b.fixture.home, slug="alleen-op-strombeek")

    response = site_a.client().get(f"/{only_on_b.slug}/")

    assert response.status_code == 404
    assert site_name_in_header(soup_of(response)) == site_a.site.site_name


def test_unknown_host_gets_the_network_listing_at_the_root(network):
    client = Client(HTTP_HOST="onbekend.example")

    response = client.get("/")

    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("h1").get_text(strip=True) == "Websites van het netwerk"
    listed = {a.get_text(strip=True): a["href"] for a in soup.select(".network-list a")}
    assert listed == {c.site.site_name: f"{c.site.root_url}/" for c in network}
    assert site_name_in_header(soup) == ""
    assert branding_properties(soup) == {}


@pytest.mark.parametrize("path", ["/bestaat-niet/", "/nieuws/", "/zoeken/?q=bib"])
def test_unknown_host_gives_404_for_any_page(network, path):
    response = Client(HTTP_HOST="onbekend.example").get(path)

    assert response.status_code == 404
    soup = soup_of(response)
    assert soup.find("h1").get_text(strip=True) == "Deze pagina bestaat niet (meer)"
    assert site_name_in_header(soup) == ""


def test_unknown_host_robots_txt_disallows_everything(network):
    response = Client(HTTP_HOST="onbekend.example").get("/robots.txt")

    assert response.content.decode().splitlines() == ["User-agent: *", "Disallow: /"]


def test_unknown_host_sitemap_gives_404(network):
    client = Client(HTTP_HOST="onbekend.example", raise_request_exception=False)

    assert client.get("/sitemap.xml").status_code == 404


# --- news pagination ----------------------------------------------------------------------------


@pytest.fixture
def thirty_news(network) -> tuple[SiteContent, list[str]]:
    """Site A with 30 news items, newest first: 'Bericht 30' (30 Sept) .. 'Bericht 01'."""
    site_a, _ = network
    news_index = site_a.pages["news_index"]
    news_index.get_children().delete()
    for day in range(1, 31):
        NewsPageFactory(parent=news_index, title=f"Bericht {day:02d}", date=dt.date(2026, 9, day))
    return site_a, [f"Bericht {day:02d}" for day in range(30, 0, -1)]


def _news_titles(response) -> list[str]:
    return [
        title.get_text(strip=True)
        for title in soup_of(response).select("article.card .card__title")
    ]


def test_news_index_second_page(thirty_news):
    site_a, titles = thirty_news
    url = site_a.pages["news_index"].url

    response = site_a.client().get(f"{url}?pagina=2")

    assert response.status_code == 200
    assert _news_titles(response) == titles[12:24]
    pagination = soup_of(response).select_one("nav.pagination")
    assert "Pagina 2 van 3" in pagination.get_text()
    assert pagination.select_one('a[rel="prev"]')["href"] == "?pagina=1"
    assert pagination.select_one('a[rel="next"]')["href"] == "?pagina=3"


@pytest.mark.parametrize(
    ("pagina", "expected"),
    [("1", slice(0, 12)), ("3", slice(24, 30)), ("999999", slice(24, 30)), ("abc", slice(0, 12))],
)
def test_news_index_page_numbers(thirty_news, pagina, expected):
    site_a, titles = thirty_news
    url = site_a.pages["news_index"].url

    response = site_a.client().get(f"{url}?pagina={pagina}")

    assert response.status_code == 200
    assert _news_titles(response) == titles[expected]


@pytest.mark.parametrize("pagina", ["0", "-1", "%00", "1e3", ""])
def test_news_index_odd_page_numbers_do_not_fail(thirty_news, pagina):
    site_a, titles = thirty_news

    response = site_a.client().get(f"{site_a.pages['news_index'].url}?pagina={pagina}")

    assert response.status_code == 200
    assert _news_titles(response) == titles[:12]


def test_news_of_the_other_site_is_not_listed(network):
    site_a, site_b = network

    titles_a = _news_titles(site_a.client().get(site_a.pages["news_index"].url))
    home_a = soup_of(site_a.client().get("/")).get_text()

    assert titles_a == ["Nieuws uit Gent"]
    assert "Nieuws uit Strombeek" not in home_a
    assert "Nieuws uit Gent" in home_a
