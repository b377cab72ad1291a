"""Bieblo in headless Chromium: chosen with the keyboard alone, big tap targets, and axe-core
on the picker and the results (demo network)."""

import pytest

from tests.browser.conftest import missing_requirement
from tests.browser.test_accessibility import NARROW, WIDE, _axe_problems, _open

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(missing_requirement() is not None, reason=str(missing_requirement())),
]


def _bieblo_url(demo_network) -> str:
    return demo_network.sites["gent"].pages["CatalogueSearchPage"] + "bieblo/"


def test_child_chooses_with_the_keyboard_and_gets_books(demo_network, browser, axe_source):
    page = _open(browser, WIDE)
    page.goto(_bieblo_url(demo_network))
    problems = _axe_problems(page, axe_source, "bieblo")
    # Tab from the top of the page to the first picture.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "thema":
            break
    assert page.evaluate("() => document.activeElement.value") == "dieren"
    page.keyboard.press("Space")
    while page.evaluate("() => document.activeElement.name") != "leeftijd":
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # 6 -> 7
    page.keyboard.press("ArrowRight")  # 7 -> 8
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "thema=dieren" in page.url and "leeftijd=8" in page.url
    heading = page.locator("#bieblo-results-heading").inner_text()
    assert heading == "Boeken over dieren voor 8 jaar"
    assert page.locator(".bieblo__book").count() >= 1
    problems += _axe_problems(page, axe_source, "bieblo met boeken")
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_tap_targets_are_at_least_44_px(demo_network, browser, width):
    page = _open(browser, width)
    page.goto(_bieblo_url(demo_network) + "?thema=dieren&leeftijd=8")
    targets = page.locator(".bieblo__tile, .bieblo__age, .bieblo__submit, .bieblo__book-link")
    assert targets.count() > 12
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (index, box)
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow
    page.context.close()
