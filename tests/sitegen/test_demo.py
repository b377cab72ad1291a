"""The demo network (`make demo`): content worth looking at, as the screenshot review asked.

Logos on every site (the network and the regions too), social links in the footer, no
activity on a public holiday, bodies with their own text, and per-town variety on the agenda.

The network is the browser checks' (`demo_network`, tests/browser/conftest.py): built once per
process and loaded from its snapshot by every module that asks for it.
"""

import datetime as dt
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.test import Client, override_settings
from django.utils import timezone

from central.models import Campaign
from events.demo import _dates_off_holidays, _events, _season, is_public_holiday
from events.models import EventDate, EventPage, Occurrence, Repeat
from events.recurrence import row_days
from home.models import BrandingSettings, ContactSettings, SiteKind, Tenant
from library_pages.models import LocationPage, NewsPage
from sitegen.demo import DEMO_SITES, demo_network_build
from tests.browser.conftest import DemoNetwork, demo_network  # noqa: F401

CITIES = [demo.request.municipality for demo in DEMO_SITES]


def _text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 12, 3),  # the season then had shows on 25/12 and 1/1
        dt.date(2027, 12, 16),
        dt.date(2028, 12, 14),  # 25/12 and 1/1 on a Monday
        dt.date(2027, 4, 22),  # 1 May
        dt.date(2027, 10, 25),  # 1 and 11 November
    ],
)
def test_no_demo_activity_falls_on_a_public_holiday(today):
    specs = [spec for city in CITIES for spec in _events(today, "bibliotheek", city)]
    specs += _season(today, "ccstrombeek")
    days = []
    for spec in specs:
        for row in _dates_off_holidays(spec["dates"]):
            days += row_days(row=row, today=today, horizon_days=400)
    assert days
    assert [day for day in days if is_public_holiday(day)] == []
    assert dt.date(today.year, 12, 25) not in days
    assert dt.date(today.year + 1, 1, 1) not in days


def test_holidays_move_one_off_dates_and_skip_repeats():
    once, weekly = _dates_off_holidays(
        [
            EventDate(start_date=dt.date(2026, 12, 25)),
            EventDate(
                repeat=Repeat.WEEKLY,
                start_date=dt.date(2026, 12, 1),
                end_date=dt.date(2027, 1, 31),
                weekdays="4",
                excluded_dates="2027-01-15",
            ),
        ]
    )
    assert once.start_date == dt.date(2026, 12, 26)
    assert weekly.excluded_dates.splitlines() == ["2027-01-15", "2026-12-25", "2027-01-01"]


def test_the_towns_get_different_activities_and_dates():
    today = dt.date(2026, 12, 3)
    by_city = {city: _events(today, "bibliotheek", city) for city in CITIES}
    titles = Counter(spec["title"] for specs in by_city.values() for spec in specs)
    assert titles.most_common(1)[0][1] <= 2, titles
    digital_help = [specs[2] for specs in by_city.values()]
    assert len({spec["title"].split(" in ")[0] for spec in digital_help}) >= 3
    assert len({spec["dates"][0].weekdays for spec in digital_help}) >= 3
    storytime_days = {specs[1]["dates"][0].start_date for specs in by_city.values()}
    assert len(storytime_days) >= 2


@pytest.mark.django_db
def test_the_demo_network_looks_like_real_sites(demo_network: DemoNetwork):  # noqa: F811
    tenants = {tenant.slug: tenant for tenant in Tenant.objects.select_related("site")}

    # 1. Every site has a logo, the network and the regions too; the header shows it.
    kinds = {str(tenant.kind) for tenant in tenants.values()}
    assert {SiteKind.NETWORK, SiteKind.REGIONAL_LIBRARY, SiteKind.REGIONAL_CULTURE} <= kinds
    for tenant in tenants.values():
        assert BrandingSettings.for_site(tenant.site).logo_id, tenant.slug
    network = next(t for t in tenants.values() if t.kind == SiteKind.NETWORK)
    page = Client(HTTP_HOST=network.site.hostname).get("/")
    assert page.status_code == 200
    assert BeautifulSoup(page.content, "html.parser").select_one("img.site-header__logo")

    # 2. Social links in the footer of every demo site, a newsletter link on some.
    for demo in DEMO_SITES:
        tenant = tenants[demo.request.slug]
        contact = ContactSettings.for_site(tenant.site)
        assert contact.facebook_url == demo.facebook_url != ""
    gent = tenants["gent"]
    soup = BeautifulSoup(
        Client(HTTP_HOST=gent.site.hostname).get("/").content,
        "html.parser",
    )
    footer = soup.select_one("footer.site-footer")
    assert "Volg ons" in footer.get_text()
    links = [a["href"] for a in footer.select(".site-footer__social a")]
    assert links == [
        "https://www.facebook.com/bibliotheekgent",
        "https://www.instagram.com/bibgent",
    ]
    newsletter = footer.select_one(".site-footer__newsletter a")
    assert newsletter["href"] == "https://bibliotheek.gent.example/nieuwsbrief"

    # 3. No occurrence on Christmas or New Year's Day (local dates).
    days = {
        timezone.localtime(start).date()
        for start in Occurrence.objects.values_list("start", flat=True)
    }
    assert days
    assert not [day for day in days if (day.month, day.day) in ((12, 25), (1, 1))]

    # 4. Bodies say more than the intro.
    own_events = EventPage.objects.filter(uitdatabank_id="")
    assert own_events.count() >= 20
    for event in own_events:
        body = _text(event.description)
        assert body and event.intro not in body and len(body) > len(event.intro), event.title
    news = NewsPage.objects.all()
    assert news.count() == sum(len(demo.news) for demo in DEMO_SITES)
    for item in news:
        body = " ".join(_text(block.value.source) for block in item.body)
        assert item.intro not in body and len(body) > len(item.intro), item.title

    # 5. The network agenda reads like a programme: no activity repeated on every site.
    titles = Counter(own_events.values_list("title", flat=True))
    assert titles.most_common(1)[0][1] <= 2, titles
    assert not [title for title in titles if "Digidokter" in title and title.count(" in ") == 0]

    # 6. What the screenshots of 3 December showed missing: every site has a default picture
    # (the network agenda's imported events had none); the library lectures take online
    # registrations (no demo event had the registration form); locations say what they are;
    # the campaign teaser names no month (it runs all year).
    for tenant in tenants.values():
        assert BrandingSettings.for_site(tenant.site).default_image_id, tenant.slug
    lecture = EventPage.objects.descendant_of(gent.site.root_page).get(title__startswith="Lezing")
    assert lecture.registration_required and lecture.booking_email == ""
    soup = BeautifulSoup(
        Client(HTTP_HOST=gent.site.hostname).get(lecture.relative_url(gent.site)).content,
        "html.parser",
    )
    assert soup.select_one("form.registration__form input[name=email]")
    intros = LocationPage.objects.values_list("intro", flat=True)
    assert intros and not [intro for intro in intros if intro.startswith("Welkom in")]
    months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus")
    for message in Campaign.objects.values_list("message", flat=True):
        assert not [month for month in months if month in message.lower()], message

    # Idempotent: a second build adds nothing and keeps the links (with the settings of the
    # first, which gave the sites the live server's port).
    counts = (EventPage.objects.count(), NewsPage.objects.count(), Occurrence.objects.count())
    with override_settings(SITE_PORT=demo_network.port):
        demo_network_build()
    assert (
        EventPage.objects.count(),
        NewsPage.objects.count(),
        Occurrence.objects.count(),
    ) == counts
    assert (
        ContactSettings.for_site(gent.site).facebook_url
        == "https://www.facebook.com/bibliotheekgent"
    )
