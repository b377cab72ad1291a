"""What the network's own parts look like in Chromium: the site label on the network agenda's
cards, the footer's "Deel van" region link and the network map's markers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DemoNetwork

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TIMEOUT_MS = 180_000


def _page(browser: Browser, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="nl-BE")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_network_agenda_cards_label_their_site_inside_the_card(
    browser: Browser, demo_network: DemoNetwork
):
    # The network agenda is slow to render on a loaded machine: one visit, two widths.
    page = _page(browser, 1280)
    page.goto(demo_network.sites["netwerk"].pages["NetworkAgendaPage"])
    found = {}
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        found[width] = page.eval_on_selector_all(
            ".event-card .card__site",
            """(nodes) => nodes.map((node) => {
                const style = getComputedStyle(node);
                const box = node.getBoundingClientRect();
                const card = node.closest(".event-card").getBoundingClientRect();
                return {
                    text: node.textContent.trim(),
                    border: parseFloat(style.borderTopWidth),
                    marker: getComputedStyle(node, "::before").backgroundColor,
                    inside: box.left >= card.left && box.right <= card.right + 0.5,
                };
            })""",
        )
    page.context.close()
    for width, labels in found.items():
        assert labels, "the network agenda shows no site label"
        for label in labels:
            assert label["text"]
            assert label["border"] > 0  # a label, not a loose line of text
            assert label["marker"] not in ("", "rgba(0, 0, 0, 0)")
            assert label["inside"], f"{label['text']} overflows its card at {width} px"


def test_region_link_stands_apart_in_the_footer(browser: Browser, demo_network: DemoNetwork):
    page = _page(browser, 375)
    page.goto(demo_network.sites["gent"].root_url + "/")
    region = page.query_selector(".site-footer__region")
    assert region is not None, "Gent's footer names no region"
    border = region.evaluate("(node) => parseFloat(getComputedStyle(node).borderTopWidth)")
    weight = region.evaluate(
        "(node) => parseInt(getComputedStyle(node.querySelector('a')).fontWeight, 10)"
    )
    page.context.close()
    assert border > 0
    assert weight >= 700


def test_network_map_markers_show_and_stay_out_of_the_tab_order(
    browser: Browser, demo_network: DemoNetwork
):
    page = _page(browser, 375)
    page.goto(demo_network.sites["netwerk"].pages["NetworkMapPage"], wait_until="load")
    page.wait_for_selector(".network-map .leaflet-marker-icon")
    markers = page.eval_on_selector_all(
        ".network-map .leaflet-marker-icon",
        "(nodes) => nodes.map((node) => ({loaded: node.complete && node.naturalWidth > 0,"
        " tabindex: node.getAttribute('tabindex')}))",
    )
    shadows = page.query_selector_all(".network-map .leaflet-marker-shadow")
    page.context.close()
    assert markers
    assert all(marker["loaded"] for marker in markers), "a marker's picture did not load"
    assert all(marker["tabindex"] is None for marker in markers)
    assert shadows == []


def test_header_logo_keeps_its_shape_and_the_footer_ends_a_short_page(
    browser: Browser, demo_network: DemoNetwork
):
    """At 375 px the network's long name squeezed its square logo to 29 x 48 px (Lighthouse:
    image-aspect-ratio), and below the short network home a white band followed the footer."""
    page = _page(browser, 375)
    page.goto(demo_network.sites["netwerk"].root_url + "/", wait_until="load")
    # The live server serves no media: the logo becomes a drawn square of the rendition's
    # size, loaded as the real one is (an image that is not loaded does not shrink).
    logo = page.eval_on_selector(
        "img.site-header__logo",
        """async (img) => {
            const canvas = document.createElement("canvas");
            canvas.width = img.getAttribute("width");
            canvas.height = img.getAttribute("height");
            canvas.getContext("2d").fillRect(0, 0, canvas.width, canvas.height);
            img.parentElement.querySelectorAll("source").forEach((source) => source.remove());
            img.removeAttribute("srcset");
            img.src = canvas.toDataURL();
            await img.decode();
            return {shown: img.clientWidth / img.clientHeight,
                    natural: img.naturalWidth / img.naturalHeight};
        }""",
    )
    page.set_viewport_size({"width": 1280, "height": 1600})
    footer_bottom = page.eval_on_selector(
        "footer.site-footer", "(footer) => footer.getBoundingClientRect().bottom"
    )
    page.context.close()
    assert logo["natural"] > 0
    assert abs(logo["shown"] - logo["natural"]) < 0.05, logo
    assert footer_bottom >= 1600 - 1
