"""What looking at the demo's screenshots found (docs/visitors.md): the bare search page is
crawlable while its results are not, one time notation, no "gesloten Gesloten", and course
sessions with an en dash."""

import datetime as dt
import re
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from django.utils import timezone

from home.models import ContactSettings
from library_pages.models import LocationIndexPage, LocationPage, OpeningHoursSpan
from tests.factories.events import EventPageFactory, agenda_of, event_date

BRUSSELS = ZoneInfo("Europe/Brussels")


def robots_allows(robots_txt: str, path: str) -> bool:
    """RFC 9309 matching for `User-agent: *`: `*` is any run, `$` ends the path, the longest
    matching rule wins and Allow wins a tie; no matching rule allows."""
    best: tuple[int, bool] = (-1, True)
    for line in robots_txt.splitlines():
        field, _, value = line.partition(":")
        field, value = field.strip().lower(), value.strip()
        if field not in ("allow", "disallow") or not value:
            continue
        pattern = re.escape(value).replace(r"\*", ".*")
        if pattern.endswith(r"\$"):
            pattern = pattern[:-2] + "$"
        if re.match(pattern, path):
            candidate = (len(value), field == "allow")
            if candidate[0] > best[0] or (candidate[0] == best[0] and candidate[1]):
                best = candidate
    return best[1]


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_robots_txt_lets_crawlers_reach_the_bare_search_page_but_no_results(site_a):
    robots = site_a.client_for().get("/robots.txt").content.decode()

    assert robots_allows(robots, "/zoeken/")
    for path in ("/zoeken/?q=bib", "/zoeken/?q=bib&pagina=2", "/zoeken/?pagina=2", "/zoeken/x"):
        assert not robots_allows(robots, path), path
    assert not robots_allows(robots, "/admin/")
    assert robots_allows(robots, "/nieuws/")


def test_search_results_say_noindex_and_the_bare_page_does_not(site_a):
    client = site_a.client_for()

    bare = soup_of(client.get("/zoeken/"))
    results = soup_of(client.get("/zoeken/?" + urlencode({"q": "bib"})))

    assert bare.select_one('meta[name="robots"]') is None
    assert bare.select_one('meta[name="description"]')["content"]
    assert results.select_one('meta[name="robots"]')["content"] == "noindex"


def test_search_shows_event_times_as_the_agenda_does(site_a):
    day = timezone.localdate() + dt.timedelta(days=3)
    EventPageFactory(
        parent=agenda_of(site_a.home),
        title="Kijkavond met uitleg",
        dates=[event_date(day, start="19:30", end="21:00")],
    )

    soup = soup_of(site_a.client_for().get("/zoeken/?" + urlencode({"q": "kijkavond"})))

    time = soup.select_one(".search-section--activiteiten .search-results__meta time")
    assert time.get_text().endswith(", 19:30")


def _location(site_a, *, title, slug, weekly_hours) -> LocationPage:
    index = LocationIndexPage.objects.descendant_of(site_a.home).first()
    location = LocationPage(
        title=title,
        slug=slug,
        street="Ledebergplein 1",
        postal_code="9050",
        city="Gent",
        weekly_hours=weekly_hours,
    )
    index.add_child(instance=location)
    location.save_revision().publish()
    return location


def _footer_item(response, title):
    footer = BeautifulSoup(response.content, "html.parser").select_one("footer.site-footer")
    for item in footer.select(".site-footer__hours li"):
        if item.find("a").get_text(strip=True) == title:
            return item
    raise AssertionError(f"{title} not in the footer")


def test_footer_says_closed_once_and_sets_the_status_apart(site_a, monkeypatch):
    _location(
        site_a,
        title="Filiaal Ledeberg",
        slug="ledeberg",
        weekly_hours=[
            OpeningHoursSpan(weekday=day, opens=dt.time(9), closes=dt.time(17)) for day in range(7)
        ],
    )
    _location(site_a, title="Depot zonder uren", slug="depot", weekly_hours=[])
    now = dt.datetime(2026, 12, 2, 8, 30, tzinfo=BRUSSELS)
    monkeypatch.setattr(timezone, "now", lambda: now)

    response = site_a.client_for().get("/")

    opening = _footer_item(response, "Filiaal Ledeberg")
    assert opening.select_one(".status").get_text() == "Gesloten, opent vandaag om 09:00"
    # A full stop for screen readers between the hours and the status, shown on its own line.
    assert " ".join(opening.get_text().split()) == (
        "Filiaal Ledeberg: 09:00–17:00 . Gesloten, opent vandaag om 09:00"
    )
    closed = _footer_item(response, "Depot zonder uren")
    assert closed.select_one(".status") is None
    assert " ".join(closed.get_text().split()).lower().count("gesloten") == 1


def test_footer_has_no_contact_heading_without_contact_details(site_a):
    contact = ContactSettings.for_site(site_a.site)
    client = site_a.client_for()
    for field in ("street", "postal_code", "city", "phone", "email", "newsletter_url"):
        setattr(contact, field, "")
    contact.facebook_url = contact.instagram_url = contact.youtube_url = contact.linkedin_url = ""
    contact.save()

    bare = BeautifulSoup(client.get("/").content, "html.parser").select_one("footer")
    assert bare.select_one(".site-footer__contact") is None
    assert bare.select_one(".site-footer__nav") is not None

    contact.phone = "09 123 45 67"
    contact.save()
    footer = BeautifulSoup(client.get("/").content, "html.parser").select_one("footer")
    assert footer.select_one(".site-footer__contact h2").get_text() == "Contact"
    assert footer.select_one('.site-footer__contact a[href="tel:091234567"]') is not None


def test_dashboard_summary_counts_in_lower_case_dutch(site_a):
    from tests.conftest import admin_client_for

    soup = BeautifulSoup(
        admin_client_for(site_a.editor).get("/admin/").content, "html.parser"
    ).select_one(".w-summary")
    items = [" ".join(li.get_text().split()) for li in soup.select("li")]

    assert any(re.fullmatch(r"\d+ pagina('s)? van .+", item) for item in items), items
    assert any(re.fullmatch(r"\d+ afbeelding(en)? van .+", item) for item in items), items
    assert not [item for item in items if re.search(r"Pagina|Afbeelding|Document|\bin\S", item)]
