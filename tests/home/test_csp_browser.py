"""The Content-Security-Policy in a real browser: no public page type of the demo network and
no admin screen reports a violation (a `securitypolicyviolation` event) under the policies of
home.csp. Chromium enforces what the HTML checks of test_csp.py can only approximate: scripts
that set style attributes, modals, Draftail. Runs with the browser checks (make browser-test)."""

from __future__ import annotations

import sys

import pytest

from home import csp
from sitegen.demo import CENTRAL_PASSWORD, CENTRAL_USERNAME
from tests.browser.conftest import DemoNetwork, browser, demo_network, missing_requirement  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(missing_requirement() is not None, reason=str(missing_requirement())),
]

TIMEOUT_MS = 15_000
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__csp.push(`${event.effectiveDirective} ${event.blockedURI} ${where}`);
});
"""


def _page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="nl-BE")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    return context.new_page()


def _violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def test_public_page_types_report_no_violation(browser, demo_network: DemoNetwork):  # noqa: F811
    site = next(iter(demo_network.sites.values()))
    page = _page(browser)
    found = {}
    for name, url in sorted(site.pages.items()):
        response = page.goto(url)
        assert response.headers["content-security-policy"] == csp.PUBLIC_HEADER
        if violations := _violations(page):
            found[name] = violations
    assert found == {}


def _admin_screens(page, network: DemoNetwork) -> dict[str, list[str]]:
    from library_pages.models import StandardPage

    base = f"http://localhost:{network.port}"
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", CENTRAL_USERNAME)
    page.fill("input[name=password]", CENTRAL_PASSWORD)
    page.click("button[type=submit]")
    standard = StandardPage.objects.live().first()
    found = {}
    for name, path in {
        "dashboard": "/admin/",
        "explorer": f"/admin/pages/{standard.get_parent().pk}/",
        "page editor": f"/admin/pages/{standard.pk}/edit/",
        "images": "/admin/images/",
    }.items():
        page.goto(base + path)
        found[name] = _violations(page)
    # A chooser modal (its HTML arrives as JSON and is inserted by script).
    page.goto(f"{base}/admin/pages/{standard.pk}/edit/")
    page.wait_for_load_state("networkidle")
    promote_tab = page.locator('[role=tab][href="#tab-promote"]')
    if promote_tab.count():
        promote_tab.first.click()  # the social image chooser is on the promote tab
    chooser = page.locator("button[data-chooser-action-choose]:visible").first
    if chooser.count():
        chooser.click()
        page.wait_for_timeout(1000)
        found["chooser modal"] = _violations(page)
    return {name: violations for name, violations in found.items() if violations}


def test_admin_screens_report_no_violation(browser, demo_network: DemoNetwork):  # noqa: F811
    page = _page(browser)
    found = _admin_screens(page, demo_network)
    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)


def test_what_a_stricter_admin_policy_would_break(browser, demo_network, monkeypatch, capsys):  # noqa: F811
    """A measurement, not a requirement: the admin under the public policy (no 'unsafe-inline').
    Prints what Chromium blocks, so that the admin policy can be tightened when Wagtail allows."""
    monkeypatch.setattr(csp, "ADMIN_HEADER", csp.PUBLIC_HEADER)
    page = _page(browser)
    found = _admin_screens(page, demo_network)
    with capsys.disabled():
        for name, violations in found.items():
            directives = sorted({v.split(" ", 1)[0] for v in violations})
            sys.stdout.write(
                f"\nstrict admin policy, {name}: {len(violations)} violations {directives}\n"
            )
