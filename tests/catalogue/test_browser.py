"""The catalogue in headless Chromium: axe-core on the results and record pages of the demo
network, and the suggestions combobox with the keyboard alone."""

from urllib.parse import urlencode

import pytest

from tests.browser.conftest import missing_requirement
from tests.browser.test_accessibility import NARROW, WIDE, _axe_problems, _open

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(missing_requirement() is not None, reason=str(missing_requirement())),
]


def _catalogue_url(demo_network) -> str:
    return demo_network.sites["gent"].pages["CatalogueSearchPage"]


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_results_and_record_pages_pass_axe(demo_network, browser, axe_source, width):
    base = _catalogue_url(demo_network)
    page = _open(browser, width)
    problems = []
    for label, url in [
        ("resultaten", f"{base}?{urlencode({'q': 'harry potter'})}"),
        ("resultaten met filter", f"{base}?{urlencode({'q': 'zee', 'materiaal': 'boek'})}"),
        ("geen resultaten", f"{base}?{urlencode({'q': 'qwzxjvonvindbaar'})}"),
        ("titel", f"{base}titel/900001/"),
    ]:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        problems += _axe_problems(page, axe_source, label)
        if width == NARROW:
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth > window.innerWidth + 1"
            )
            assert not overflow, f"{label} scrolls sideways at {width}px"
    page.context.close()
    assert problems == []


def test_suggestions_work_with_the_keyboard(demo_network, browser):
    page = _open(browser, WIDE)
    page.goto(_catalogue_url(demo_network))
    field = page.locator("#catalogue-q")
    field.focus()
    page.keyboard.type("harry pot", delay=20)
    page.wait_for_selector("#catalogue-q-list [role=option]")
    assert field.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    active = field.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    chosen = page.locator(f"#{active}").get_attribute("data-value")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=" in page.url
    assert page.locator("#catalogue-q").input_value() == chosen
    assert page.locator(".catalogue-hit").count() >= 1
    page.context.close()
