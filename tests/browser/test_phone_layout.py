"""Bad input at 320 px: extremely long titles and words (a Dutch compound of 60 letters, a
string without any hyphenation point, a long URL) on an event, a news item, a course and a
content page. The layout holds: nothing scrolls sideways and no element of the main content
reaches past the screen's edge, on the pages themselves, their listings (cards) and the search.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.browser.conftest import DemoNetwork

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NARROW = 320
TIMEOUT_MS = 60_000
SLUG = "gent"
COMPOUND = "Kinderboekenweekvoorleeswedstrijdfinalevoorstellingsprogramma"
UNBREAKABLE = "Zzxqwvbkrt" * 6
URL = "https://www.example.org/" + "heel-lang-adres-zonder-spaties-" * 4
TITLE = f"{COMPOUND} met {UNBREAKABLE} en een titel die maar niet wil ophouden, nee"

# Elements of the main content whose box reaches past the viewport, outside any box that
# scrolls sideways on purpose (tables) and other than the hidden texts for screen readers.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll('main *'))
    .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || el.offsetParent === null) return false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            const overflow = getComputedStyle(up).overflowX;
            if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') {
                return false;
            }
        }
        return box.right > width + 0.5 || box.left < -0.5;
    })
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} `
        + `(${Math.round(el.getBoundingClientRect().right)}px): `
        + el.textContent.trim().slice(0, 40))"""

# The listings must show the long pages, or they check nothing.
MUST_LINK = {
    "agenda": "extreem-lange-activiteit",
    "news index": "extreem-lang-nieuws",
    "course index": "extreem-lange-cursus",
    "home": "extreem-lange-activiteit",
    "search": "extreem-lange-",
}


@pytest.fixture(scope="module")
def long_pages(demo_network: DemoNetwork, django_db_blocker) -> Iterator[dict[str, str]]:
    """Pages with extremely long titles in the demo library, committed for the live server;
    the demo network's fixture puts the database back after the module."""
    from wagtail.models import Site

    from events.models import EventIndexPage
    from library_pages.models import NewsIndexPage
    from makerspace.models import CourseIndexPage
    from tests.factories.events import EventPageFactory, event_date
    from tests.factories.makerspace import CoursePageFactory
    from tests.factories.pages import NewsPageFactory, StandardPageFactory

    with django_db_blocker.unblock():
        site = next(site for site in Site.objects.all() if site.hostname.startswith(SLUG))
        home = site.root_page
        body = [{"type": "paragraph", "value": f"<p>{COMPOUND} {UNBREAKABLE} {URL}</p>"}]
        event = EventPageFactory(
            parent=EventIndexPage.objects.descendant_of(home).live().first(),
            title=TITLE,
            slug="extreem-lange-activiteit",
            intro=f"{COMPOUND} {UNBREAKABLE}",
            place_name=COMPOUND,
            organizer_name=UNBREAKABLE,
            booking_url=URL,
            dates=[event_date(timezone.localdate() + dt.timedelta(days=1))],
        )
        news = NewsPageFactory(
            parent=NewsIndexPage.objects.descendant_of(home).live().first(),
            title=TITLE,
            slug="extreem-lang-nieuws",
            intro=f"{COMPOUND} {UNBREAKABLE}",
            date=timezone.localdate(),
        )
        course = CoursePageFactory(
            parent=CourseIndexPage.objects.descendant_of(home).live().first(),
            title=TITLE,
            slug="extreem-lange-cursus",
            intro=f"{COMPOUND} {UNBREAKABLE}",
            location_text=UNBREAKABLE,
            days_ahead=2,
        )
        standard = StandardPageFactory(
            parent=home,
            title=TITLE,
            slug="extreem-lange-pagina",
            intro=f"{COMPOUND} {UNBREAKABLE}",
            body=body,
        )
        urls = {
            "event": event.get_full_url(),
            "news": news.get_full_url(),
            "course": course.get_full_url(),
            "standard": standard.get_full_url(),
            "agenda": event.get_parent().get_full_url(),
            "news index": news.get_parent().get_full_url(),
            "course index": course.get_parent().get_full_url(),
            "home": home.get_full_url(),
            "search": f"{site.root_url}/zoeken/?{urlencode({'q': COMPOUND})}",
        }
    cache.clear()
    try:
        yield urls
    finally:
        # Rendered pages that show these titles must not outlive the rows.
        cache.clear()


def test_extremely_long_titles_and_words_do_not_overflow_at_320_px(
    long_pages: dict[str, str], browser: Browser
):
    context = browser.new_context(viewport={"width": NARROW, "height": 800}, locale="nl-BE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    try:
        for label, url in long_pages.items():
            response = page.goto(url)
            assert response is not None and response.status == 200, (label, url)
            slug = MUST_LINK.get(label)
            if slug:
                assert page.locator(f"main a[href*='{slug}']").count(), f"{label} lacks {slug}"
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > NARROW:
                problems.append(f"{label}: the page scrolls sideways ({scroll_width}px)")
            problems += [f"{label}: {item}" for item in page.evaluate(OVERFLOWING, NARROW)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_breadcrumbs_take_one_line_on_a_phone_and_keep_the_page_for_screen_readers(
    demo_network: DemoNetwork, browser: Browser
):
    """The current page's title, which the h1 repeats just below, took two or three lines of a
    phone's first screen; it stays in the trail for screen readers and on wide screens."""
    url = demo_network.sites[SLUG].pages["EventPage"]
    found = {}
    for width in (NARROW, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="nl-BE")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(url)
        # The item, not its text: a clipped box keeps its text's own width.
        current = page.locator(".breadcrumbs li:last-child")
        found[width] = {
            "current": current.bounding_box(),
            "trail": page.locator(".breadcrumbs ol").bounding_box(),
            "names": page.locator(".breadcrumbs").evaluate(
                "(nav) => Array.from(nav.querySelectorAll('li'), (li) => li.textContent.trim())"
            ),
            "title": page.locator("h1").inner_text(),
        }
        context.close()
    phone, wide = found[NARROW], found[1280]
    assert phone["current"]["width"] <= 1
    assert phone["trail"]["height"] < 60, phone  # one line of 44 px links
    assert phone["names"] == wide["names"] and len(phone["names"]) == 3
    assert phone["names"][-1] == phone["title"].replace("\u00ad", "")
    assert wide["current"]["width"] > 100
