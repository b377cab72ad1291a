"""The page shell (home.shell): gathered from registered contributions, cached per site on the
site's generation until the earliest moment a contribution changes; the active menu item is
computed per request."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from central.models import Campaign
from home.models import ContactSettings, NavigationSettings
from library_pages.models import LocationIndexPage, LocationPage, OpeningHoursSpan

BRUSSELS = ZoneInfo("Europe/Brussels")
SHELL_TABLES = (
    "home_navigationsettings",
    "home_brandingsettings",
    "home_contactsettings",
    "library_pages_locationpage",
    "sitegen_campaign",
)


def _queries(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def _shell_queries(sqls):
    return [sql for sql in sqls if any(f'"{table}"' in sql for table in SHELL_TABLES)]


def test_warm_shell_cache_saves_the_shell_queries(site_a):
    cache.clear()
    client = site_a.client_for()
    _response, cold = _queries(client)
    _response, warm = _queries(client)
    assert _shell_queries(cold), "the cold request builds the shell"
    assert _shell_queries(warm) == []
    assert len(warm) < len(cold)


def test_settings_change_shows_at_once(site_a):
    client = site_a.client_for()
    client.get("/")  # warm the cache
    contact = ContactSettings.for_site(site_a.site)
    contact.email = "balie-nieuw@gent.example"
    contact.save()
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert soup.select_one('footer a[href="mailto:balie-nieuw@gent.example"]') is not None


def test_menu_change_shows_at_once_and_the_active_item_follows_the_request(site_a):
    client = site_a.client_for()
    client.get("/")
    navigation = NavigationSettings.for_site(site_a.site)
    navigation.main_menu = [
        {"type": "link", "value": {"label": "Catalogus", "page": None, "url": "/catalogus/"}},
        {"type": "link", "value": {"label": "Nieuws", "page": None, "url": "/nieuws/"}},
    ]
    navigation.save()
    home = BeautifulSoup(client.get("/").content, "html.parser")
    labels = [a.get_text(strip=True) for a in home.select("nav.main-nav a")]
    assert "Catalogus" in labels and "Nieuws" in labels
    assert home.select("nav.main-nav [aria-current=page]") == []
    news = BeautifulSoup(client.get("/nieuws/").content, "html.parser")
    current = [a.get_text(strip=True) for a in news.select("nav.main-nav [aria-current=page]")]
    assert current == ["Nieuws"]


def test_campaign_change_shows_at_once(site_a):
    client = site_a.client_for()
    client.get("/")
    Campaign.objects.create(
        title="Storing",
        message="De catalogus is even niet bereikbaar.",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert "De catalogus is even niet bereikbaar." in client.get("/").content.decode()


def _location_opening_at_nine(site_a) -> LocationPage:
    index = LocationIndexPage.objects.descendant_of(site_a.home).first()
    location = LocationPage(
        title="Filiaal Ledeberg",
        slug="ledeberg",
        street="Ledebergplein 1",
        postal_code="9050",
        city="Gent",
        weekly_hours=[
            OpeningHoursSpan(weekday=day, opens=dt.time(9), closes=dt.time(17)) for day in range(7)
        ],
    )
    index.add_child(instance=location)
    location.save_revision().publish()
    return location


def _status(client, title):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    for item in soup.select("li"):
        link = item.find("a")
        if link and link.get_text(strip=True) == title and item.select_one(".status"):
            return item.select_one(".status").get_text(strip=True)
    raise AssertionError(f"{title} not on the home page")


def test_now_open_is_right_across_an_opening_time(site_a, monkeypatch):
    _location_opening_at_nine(site_a)
    client = site_a.client_for()
    moment = {"now": dt.datetime(2026, 12, 2, 8, 59, tzinfo=BRUSSELS)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])

    before = _status(client, "Filiaal Ledeberg")
    assert before == "Gesloten, opent vandaag om 09:00"
    assert _status(client, "Filiaal Ledeberg") == before  # served from the cache

    moment["now"] = dt.datetime(2026, 12, 2, 9, 1, tzinfo=BRUSSELS)
    assert _status(client, "Filiaal Ledeberg") == "Nu open tot 17:00"


@pytest.mark.parametrize("change", ["unpublish", "delete"])
def test_location_change_shows_at_once(site_a, change):
    location = _location_opening_at_nine(site_a)
    client = site_a.client_for()
    assert "Filiaal Ledeberg" in client.get("/").content.decode()
    if change == "unpublish":
        location.unpublish()
    else:
        location.delete()
    assert "Filiaal Ledeberg" not in client.get("/").content.decode()


FOOTER_TEMPLATE = "components/footer.html"


def _footer(response) -> str:
    return str(BeautifulSoup(response.content, "html.parser").select_one("footer.site-footer"))


def _footer_status(response, title) -> str:
    footer = BeautifulSoup(response.content, "html.parser").select_one("footer.site-footer")
    for item in footer.select(".site-footer__hours li"):
        if item.find("a").get_text(strip=True) == title:
            return item.select_one(".status").get_text(strip=True)
    raise AssertionError(f"{title} not in the footer")


def test_footer_html_comes_from_the_cache_while_the_shell_holds(site_a, monkeypatch):
    _location_opening_at_nine(site_a)
    client = site_a.client_for()
    moment = {"now": dt.datetime(2026, 12, 2, 8, 59, tzinfo=BRUSSELS)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])

    first = client.get("/")
    assert FOOTER_TEMPLATE in [t.name for t in first.templates]
    second = client.get("/nieuws/")
    assert FOOTER_TEMPLATE not in [t.name for t in second.templates]
    assert _footer(second) == _footer(first)
    assert _footer_status(second, "Filiaal Ledeberg") == "Gesloten, opent vandaag om 09:00"

    # The shell's data holds until the opening: rebuilt then, and the footer with it.
    moment["now"] = dt.datetime(2026, 12, 2, 9, 1, tzinfo=BRUSSELS)
    third = client.get("/")
    assert FOOTER_TEMPLATE in [t.name for t in third.templates]
    assert _footer_status(third, "Filiaal Ledeberg") == "Nu open tot 17:00"


def test_cached_footer_is_the_sites_own(site_a, site_b):
    footers = {}
    for site in (site_a, site_b):
        client = site.client_for()
        client.get("/")
        footers[site.site.site_name] = _footer(client.get("/"))
    for name, footer in footers.items():
        assert name in footer
        assert not [other for other in footers if other != name and other in footer]


def test_menu_links_read_their_pages_once_and_show_what_the_page_chooser_showed(site_a, site_b):
    """Both menus' pages come from one query of the columns a link shows; a page of the site
    links relatively, a page of another site absolutely, an unpublished or deleted page and
    a link without an address are left out, a label overrides the page's title."""
    from wagtail.models import Page

    own = Page.objects.child_of(site_a.home).live().first()
    other = Page.objects.child_of(site_b.home).live().first()
    hidden = Page.objects.child_of(site_a.home).live().last()
    assert len({own.pk, other.pk, hidden.pk}) == 3
    hidden.unpublish()
    gone = Page.objects.child_of(site_a.home).live().exclude(pk=own.pk).first()
    gone_id = gone.pk
    gone.delete()
    navigation = NavigationSettings.for_site(site_a.site)
    navigation.main_menu = [
        {"type": "link", "value": {"label": "", "page": own.pk, "url": ""}},
        {"type": "link", "value": {"label": "Elders", "page": other.pk, "url": ""}},
        {"type": "link", "value": {"label": "Verborgen", "page": hidden.pk, "url": ""}},
        {"type": "link", "value": {"label": "Weg", "page": gone_id, "url": ""}},
        {"type": "link", "value": {"label": "Zonder adres", "page": None, "url": ""}},
    ]
    navigation.footer_menu = [
        {"type": "link", "value": {"label": "Extern", "page": None, "url": "https://x.example/"}},
        {"type": "link", "value": {"label": "Thuis", "page": own.pk, "url": ""}},
    ]
    navigation.save()
    cache.clear()
    client = site_a.client_for()
    response, sqls = _queries(client)
    soup = BeautifulSoup(response.content, "html.parser")
    main = [(a.get_text(strip=True), a["href"]) for a in soup.select("nav.main-nav a")]
    assert main == [
        (own.title, own.relative_url(site_a.site)),
        ("Elders", other.specific.full_url),
    ]
    footer_links = {(a.get_text(strip=True), a["href"]) for a in soup.select("footer a")}
    assert ("Extern", "https://x.example/") in footer_links
    assert ("Thuis", own.relative_url(site_a.site)) in footer_links
    # the menus' pages by id, four columns (a page row read whole names its "depth")
    page_reads = [
        sql
        for sql in sqls
        if 'FROM "wagtailcore_page" WHERE "wagtailcore_page"."id" IN' in sql
        and '"wagtailcore_page"."depth"' not in sql
    ]
    assert len(page_reads) == 1, page_reads  # both menus, one query
