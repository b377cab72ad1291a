"""`make screenshots`: every public page type of the demo network in headless Chromium, at 375
and 1280 px wide, as full-page PNGs in audit/out/screenshots/ (for a person to look at).

Uses the pages `make audit` audits (audit/lighthouse.py's `targets`) and the home page of
every other demo site (a cultuurcentrum's home shows its programme), the database of
DATABASE_URL with the demo network built by `make demo`, Debian's Chromium (CHROME_PATH) and
Playwright's Python package (a dev dependency; it downloads no browser here).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lighthouse import OUT, ROOT, demo_server  # noqa: E402

WIDTHS = (375, 1280)
SCROLL_THROUGH = """async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 400) {
        window.scrollTo(0, y);
        await new Promise((done) => setTimeout(done, 50));
    }
    window.scrollTo(0, 0);
}"""


def file_name(label: str, width: int) -> str:
    safe = "".join(c if c.isalnum() else "_" for c in label).strip("_")
    return f"{safe}-{width}.png"


def other_homes(pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The home page of every other demo site ("HomePage ccstrombeek"): the audit takes one
    page per type, but a cultuurcentrum's home (its programme) differs from a library's."""
    from wagtail.models import Site

    first = dict(pages).get("HomePage")
    if first is None:
        return []
    port = first.rsplit(":", 1)[1].split("/")[0]
    result = []
    for site in Site.objects.order_by("hostname"):
        url = f"http://{site.hostname}:{port}/"
        if url != first:
            result.append((f"HomePage {site.hostname.split('.')[0]}", url))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated page types")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    folder = OUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    server, pages = demo_server(only=args.only)
    if not args.only or "HomePage" in args.only.split(","):
        pages += other_homes(pages)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chrome, args=["--no-sandbox", "--disable-gpu"]
            )
            for width in WIDTHS:
                context = browser.new_context(
                    viewport={"width": width, "height": 800}, locale="nl-BE"
                )
                page = context.new_page()
                for label, url in pages:
                    page.goto(url, wait_until="load", timeout=120_000)
                    # Scroll to the end and back so that lazy images load, as for a reader.
                    page.evaluate(SCROLL_THROUGH)
                    page.wait_for_load_state("networkidle")
                    path = folder / file_name(label, width)
                    page.screenshot(path=str(path), full_page=True)
                    sys.stderr.write(f"  {path.relative_to(ROOT)}\n")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
