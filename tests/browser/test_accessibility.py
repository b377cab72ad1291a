"""Accessibility of every page type of the demo network, in headless Chromium.

axe-core must find no violation of any impact (minor, moderate, serious or critical) at 1280 px
and at 320 px, nothing may scroll
sideways at 320 px, and the keyboard alone must reach the skip link, the main content, the search
and the main menu (through the menu button on a narrow screen).

Page types are discovered from the database, one site per kind (library, cultural centre,
community centre), so a new page type joins these checks as soon as the demo network has one:
`test_checked_sites_cover_every_page_type` fails until it does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from sitegen.demo import DEMO_SITES
from tests.browser.conftest import DemoNetwork, DemoSite

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDE = 1280
NARROW = 320
HEIGHT = 800
# Every impact blocks on public pages: a "minor" violation still shuts someone out.
BLOCKING_IMPACTS = {"minor", "moderate", "serious", "critical"}
NO_HITS_QUERY = "qwzxjvonvindbaar"
# A word the demo catalogue finds: the catalogue page with results (covers, facets) is what a
# visitor mostly sees of it, not the bare search form.
CATALOGUE_QUERY = "harry"
# The longest page type of a town's site needs well under a second on an idle machine; this
# only stops a hang (15 s was too short for the network agenda's first, uncached render on a
# shared machine at load average 13).
TIMEOUT_MS = 60_000


def _one_site_per_kind() -> list[str]:
    slugs: dict[str, str] = {}
    for demo in DEMO_SITES:
        slugs.setdefault(str(demo.kind), demo.request.slug)
    return list(slugs.values())


# One site of each kind, and the network site on the landing host (its agenda, search, map
# and "in de buurt" exist nowhere else).
CHECKED_SITES = [*_one_site_per_kind(), "netwerk"]


def _open(browser: Browser, width: int) -> Page:
    # The pages forbid inline scripts (CSP); axe-core is injected as one, so this context lets
    # the test tool in. tests/home/test_csp_browser.py checks the policy itself.
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT}, locale="nl-BE", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _targets(site: DemoSite) -> list[tuple[str, str, int]]:
    """(label, URL, expected status) of every page type of the site, plus search and 404."""
    search = f"{site.root_url}{reverse('search')}"
    catalogue = site.pages.get("CatalogueSearchPage")
    return [
        *((name, url, 200) for name, url in sorted(site.pages.items())),
        *(
            [("catalogus met resultaten", f"{catalogue}?{urlencode({'q': CATALOGUE_QUERY})}", 200)]
            if catalogue
            else []
        ),
        ("zoeken", search, 200),
        ("zoeken met resultaten", f"{search}?{urlencode({'q': site.search_word})}", 200),
        ("zoeken zonder resultaten", f"{search}?{urlencode({'q': NO_HITS_QUERY})}", 200),
        ("404", f"{site.root_url}/deze-pagina-bestaat-echt-niet/", 404),
    ]


def _axe_problems(page: Page, axe_source: str, label: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{label} {page.url}: {v['id']} ({v['impact']}) {v['help']}; "
        f"targets: {[node['target'] for node in v['nodes']]}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def _active(page: Page, selector: str) -> bool:
    return page.evaluate(
        "(selector) => !!document.activeElement && document.activeElement.matches(selector)",
        selector,
    )


def _describe_active(page: Page) -> str:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return "(nothing)";
            const id = el.id ? "#" + el.id : "";
            const cls = el.className ? "." + String(el.className).split(" ").join(".") : "";
            return el.tagName.toLowerCase() + id + cls + " " + (el.textContent || "").trim();
        }"""
    )


def _tab_until(page: Page, selector: str, limit: int = 40) -> list[str]:
    """Press Tab until the focused element matches; return what got focus on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(_describe_active(page))
        if _active(page, selector):
            return seen
    raise AssertionError(f"Tab never reached {selector!r} on {page.url}; focus went: {seen}")


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("slug", CHECKED_SITES)
def test_every_page_type_passes_axe(
    slug: str, width: int, demo_network: DemoNetwork, browser: Browser, axe_source: str
):
    site = demo_network.sites[slug]
    page = _open(browser, width)
    problems: list[str] = []
    try:
        for label, url, status in _targets(site):
            response = page.goto(url)
            assert response is not None and response.status == status, (label, url)
            if label == "zoeken met resultaten":
                assert page.locator(".search-results li").count() > 0, (label, url)
            if label == "catalogus met resultaten":
                assert page.locator(".catalogue__hits li").count() > 0, (label, url)
            if label == "zoeken zonder resultaten":
                assert page.locator(".search-results").count() == 0, (label, url)
            problems += _axe_problems(page, axe_source, f"[{width}px] {label}")
            if width == NARROW:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > NARROW:
                    problems.append(
                        f"[{width}px] {label} {url}: scrolls sideways ({scroll_width}px wide)"
                    )
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("slug", CHECKED_SITES)
def test_keyboard_reaches_skip_link_main_search_and_menu(
    slug: str, demo_network: DemoNetwork, browser: Browser
):
    site = demo_network.sites[slug]
    page = _open(browser, WIDE)
    try:
        page.goto(site.pages["HomePage"])
        page.keyboard.press("Tab")
        assert _active(page, "a.skip-link[href='#main']"), _describe_active(page)
        assert page.locator("a.skip-link").is_visible(), "the focused skip link must show"

        page.keyboard.press("Enter")
        assert _active(page, "main#main, main#main *"), _describe_active(page)
        page.keyboard.press("Tab")
        assert _active(page, "main#main *"), (
            f"Tab after the skip link left the main content: {_describe_active(page)}"
        )

        page.goto(site.pages["HomePage"])
        _tab_until(page, "#site-search-q")
        _tab_until(page, "nav[aria-label='Hoofdmenu'] li:first-child > a")
        assert page.locator("nav[aria-label='Hoofdmenu'] .main-nav__toggle").is_hidden()
    finally:
        page.context.close()


@pytest.mark.parametrize("slug", CHECKED_SITES)
def test_keyboard_opens_the_menu_on_a_narrow_screen(
    slug: str, demo_network: DemoNetwork, browser: Browser
):
    site = demo_network.sites[slug]
    page = _open(browser, NARROW)
    first_link = page.locator("nav[aria-label='Hoofdmenu'] li:first-child > a")
    toggle = page.locator(".main-nav__toggle")
    try:
        page.goto(site.pages["HomePage"])
        _tab_until(page, "#site-search-q")
        if toggle.count() == 0 or toggle.is_hidden():
            # Without a menu button the menu must simply be there.
            _tab_until(page, "nav[aria-label='Hoofdmenu'] li:first-child > a")
            return
        assert first_link.is_hidden(), "the collapsed menu should hide its links"
        _tab_until(page, ".main-nav__toggle")
        assert toggle.get_attribute("aria-expanded") == "false"

        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert first_link.is_visible()
        page.keyboard.press("Tab")
        assert _active(page, "nav[aria-label='Hoofdmenu'] li:first-child > a"), _describe_active(
            page
        )

        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Space")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert first_link.is_hidden()
        page.keyboard.press("Space")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert first_link.is_visible()
    finally:
        page.context.close()


def test_axe_reports_what_it_should(browser: Browser, axe_source: str):
    """Guards against a silent no-op: axe must flag an image without a text alternative."""
    page = _open(browser, WIDE)
    try:
        page.set_content(
            '<html lang="nl-BE"><head><title>Zelftest</title></head>'
            '<body><main><h1>Zelftest</h1><img src="data:,"></main></body></html>'
        )
        problems = _axe_problems(page, axe_source, "zelftest")
    finally:
        page.context.close()
    assert any("image-alt (critical)" in problem for problem in problems), problems


def test_axe_fails_on_a_minor_violation(browser: Browser, axe_source: str):
    """Minor counts too: a picture whose text repeats the link's own words (image-redundant-alt,
    impact minor) must be reported."""
    page = _open(browser, WIDE)
    try:
        page.set_content(
            '<html lang="nl-BE"><head><title>Zelftest</title></head><body><main><h1>Zelftest'
            '</h1><a href="/bib"><img src="data:," alt="Bibliotheek">Bibliotheek</a></main>'
            "</body></html>"
        )
        problems = _axe_problems(page, axe_source, "zelftest")
    finally:
        page.context.close()
    assert any("image-redundant-alt (minor)" in problem for problem in problems), problems


def test_checked_sites_cover_every_page_type(demo_network: DemoNetwork):
    """A page type that no checked demo site has would escape the browser checks."""
    from wagtail.models import get_page_models

    project_page_types = {
        model.__name__
        for model in get_page_models()
        if model._meta.app_config.path.startswith(str(settings.BASE_DIR))
        and "site-packages" not in model._meta.app_config.path
    }
    covered = set().union(*(demo_network.sites[slug].pages for slug in CHECKED_SITES))
    assert project_page_types <= covered, (
        f"add a live page of each type to sitegen.demo: {sorted(project_page_types - covered)}"
    )
