"""`make admin-screenshots`: the local editor's admin screens in headless Chromium, at 375 and
1280 px wide, as full-page PNGs in audit/out/admin/ (for a person to look at).

Logs in as the demo library's editor (`redacteur-<slug>`, the password `manage.py demo_network`
prints) and visits the screens a local editor works with every day: the login page, dashboard,
page explorer, editing a content page, adding an event with its repeat fields open, editing an
event, the registrations, images and documents, the agenda's UiTdatabank sync state, the site
settings the editor sees (catalogue account included), campaigns, the editor guide and the
account. Every item of the editor's own menu is visited too, so a new screen is not missed.

Uses the database of DATABASE_URL with the demo network built by `make demo`, Debian's Chromium
(CHROME_PATH) and Playwright's Python package. `--base http://localhost:8110` uses a server that
is already running instead of starting one (audit/settings.py) on a free port.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lighthouse import OUT, ROOT, SETTINGS, demo_server  # noqa: E402

WIDTHS = (375, 1280)
HEIGHT = 800
# Wagtail's admin scrolls inside its own containers, so a full-page screenshot stops at the
# viewport: the viewport is made as tall as the tallest scrolling content instead.
CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
    ...Array.from(document.querySelectorAll('*'), (el) => el.scrollHeight))"""


def file_name(label: str, width: int) -> str:
    safe = "".join(c if c.isalnum() else "_" for c in label).strip("_")
    return f"{safe}-{width}.png"


def screens(slug: str) -> list[tuple[str, str]]:
    """(label, admin path) of the local editor's everyday screens on the site `slug`."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from events.models import EventIndexPage, EventPage
    from library_pages.models import StandardPage
    from registrations.models import Registration

    site = next(site for site in Site.objects.all() if site.hostname.startswith(slug))
    root = site.root_page
    standard = StandardPage.objects.descendant_of(root).live().first()
    agenda = EventIndexPage.objects.descendant_of(root).live().first()
    event = EventPage.objects.descendant_of(root).live().first()
    registration = (
        Registration.objects.filter(page__path__startswith=root.path).order_by("pk").first()
    )
    image = get_image_model().objects.filter(collection__name__icontains=slug).first()
    result = [
        ("dashboard", "/admin/"),
        ("pagina's", "/admin/pages/"),
        ("paginaboom", f"/admin/pages/{root.pk}/"),
        ("agenda in de paginaboom", f"/admin/pages/{agenda.pk}/"),
        ("pagina bewerken", f"/admin/pages/{standard.pk}/edit/"),
        ("activiteit toevoegen", f"/admin/pages/add/events/eventpage/{agenda.pk}/"),
        ("activiteit bewerken", f"/admin/pages/{event.pk}/edit/"),
        ("paginatypes kiezen", f"/admin/pages/{root.pk}/add_subpage/"),
        ("zoeken in het beheer", "/admin/pages/search/?q=bib"),
        ("inschrijvingen alle", "/admin/inschrijvingen/alle/"),
    ]
    if registration is not None:
        result += [
            ("aanbod met inschrijvingen", f"/admin/inschrijvingen/aanbod/{registration.page_id}/"),
            ("inschrijving", f"/admin/inschrijvingen/inschrijving/{registration.pk}/"),
        ]
    if image is not None:
        result.append(("afbeelding bewerken", f"/admin/images/{image.pk}/"))
    result.append(("afbeelding toevoegen", "/admin/images/multiple/add/"))
    publication = f"/admin/uitdatabank-publicatie/activiteit/{event.pk}/"
    result.append(("publicatie in UiTdatabank", publication))
    return result


def menu_items(page) -> list[tuple[str, str]]:
    """(label, path) of every link in the editor's admin menu (Wagtail's sidebar props)."""
    raw = page.locator("#wagtail-sidebar-props").text_content()
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            url = node.get("url")
            if isinstance(url, str) and url.startswith("/admin/"):
                found.append((f"menu {node.get('label') or node.get('name')}", url))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(raw or "{}"))
    return found


def open_repeat_fields(page) -> None:
    """On the add-event screen: add a date and choose a monthly rule, as an editor would."""
    add = page.locator("#id_dates-ADD")
    if add.count():
        add.click()
        page.locator("select[name='dates-0-repeat']").select_option("regel")
        page.locator("[name='dates-0-rule_soort']").select_option("maandelijks")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slug", default="gent", help="the demo site whose editor logs in")
    parser.add_argument("--base", help="admin base URL of a running server")
    parser.add_argument("--only", help="comma-separated labels to take")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    folder = OUT / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    server = None
    if args.base:
        base = args.base.rstrip("/")
    else:
        server, pages = demo_server(only="HomePage")
        port = pages[0][1].rsplit(":", 1)[1].split("/")[0]
        base = f"http://localhost:{port}"
    wanted = set(args.only.split(",")) if args.only else None
    try:
        targets = screens(args.slug)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chrome, args=["--no-sandbox", "--disable-gpu"]
            )
            for width in WIDTHS:
                context = browser.new_context(
                    viewport={"width": width, "height": HEIGHT}, locale="nl-BE"
                )
                context.set_default_timeout(120_000)
                page = context.new_page()
                page.goto(f"{base}/admin/login/")
                if wanted is None or "login" in wanted:
                    page.screenshot(path=str(folder / file_name("login", width)), full_page=True)
                page.fill("input[name=username]", f"redacteur-{args.slug}")
                page.fill("input[name=password]", f"demo-{args.slug}-2026")
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/admin/")
                seen = {path for _label, path in targets}
                menu = []
                for label, path in menu_items(page):
                    if path not in seen:
                        seen.add(path)
                        # Two menu items may share a label ("Inschrijvingen" and its settings).
                        menu.append((f"{label} {path.strip('/').split('/')[-1]}", path))
                for label, path in targets + menu:
                    if wanted is not None and label not in wanted:
                        continue
                    response = page.goto(base + path, wait_until="load")
                    page.wait_for_load_state("networkidle")
                    if label == "activiteit toevoegen":
                        open_repeat_fields(page)
                    shot = folder / file_name(label, width)
                    height = min(int(page.evaluate(CONTENT_HEIGHT)), 8000)
                    page.set_viewport_size({"width": width, "height": max(height, HEIGHT)})
                    page.screenshot(path=str(shot), full_page=True)
                    page.set_viewport_size({"width": width, "height": HEIGHT})
                    status = response.status if response else "?"
                    sys.stderr.write(f"  {status} {shot.relative_to(ROOT)}\n")
                context.close()
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
