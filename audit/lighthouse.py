"""`make audit`: Lighthouse on every public page type of the demo network, at mobile settings.

Starts the site on a free port (AUDIT_PORT: a port or a range such as 8811-8819) with the
database of DATABASE_URL (the demo network built by `make demo`) as production serves it
(audit/settings.py: DEBUG off, static files collected and compressed by whitenoise, HTML
compressed as the reverse proxy does; AUDIT_SETTINGS overrides), finds one page of every page
type in the demo's page trees (plus the site search with and without results and a 404), runs
Lighthouse 12.2.3 (audit/package.json; Node 20) on Debian's Chromium (CHROME_PATH; nothing
downloads a browser), and prints the four scores per page type. The JSON reports go to
audit/out/. Exit status 1 when a score is under --goal.

CPU: Lighthouse's mobile preset slows the CPU down 4x, which assumes a fast desktop (benchmark
index about 1500). On a slower or loaded machine that measures the machine, so by default the
slowdown is calibrated from the benchmark index each run reports (`cpu_multiplier`); the table
shows both. `--cpu 4` gives Lighthouse's default.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Map tiles cannot be fetched on a closed network: a local tile keeps the map in the audit.
OFFLINE_TILE = "/static/images/map-tile-offline.png"
SETTINGS = os.environ.get("AUDIT_SETTINGS", "audit.settings")


def free_port() -> int:
    """A free port for the demo server: any, or the first free one of AUDIT_PORT ("8811", or a
    range "8811-8819") on a machine where only some ports may be used."""
    wanted = os.environ.get("AUDIT_PORT", "").strip()
    if not wanted:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    first, _, last = wanted.partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in AUDIT_PORT={wanted}")


def targets(port: int) -> list[tuple[str, str]]:
    """(label, URL) of one page per page type, first site of the demo that has it."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from wagtail.models import Page, Site

    found: dict[str, str] = {}
    first_site = None
    for site in Site.objects.select_related("root_page").order_by("pk"):
        base = f"http://{site.hostname}:{port}"
        first_site = first_site or base
        pages = (
            Page.objects.live()
            .public()
            .descendant_of(site.root_page, inclusive=True)
            .order_by("path")
            .specific()
        )
        for page in pages:
            name = type(page).__name__
            if name not in found:
                found[name] = base + page.url_path[len(site.root_page.url_path) - 1 :]
                if name == "CatalogueSearchPage":
                    # What a visitor mostly sees of the catalogue: results, covers, filters.
                    found["CatalogueSearchPage (resultaten)"] = found[name] + "?q=harry"
    result = sorted(found.items())
    if first_site:
        # The search page type is the bare /zoeken/ (crawlable, as robots.txt allows); its
        # results pages are measured too, and stay out of crawlers by design.
        result += [
            ("Zoeken", f"{first_site}/zoeken/"),
            ("Zoeken (resultaten)", f"{first_site}/zoeken/?q=bib"),
            ("Zoeken (niets)", f"{first_site}/zoeken/?q=qwzxjvonvindbaar"),
            ("404", f"{first_site}/deze-pagina-bestaat-niet/"),
        ]
    return result


def local_get(url: str, timeout: float) -> None:
    """GET a demo URL on the loopback address with its Host header: Chromium resolves
    `*.localhost` by itself, the C library's resolver may not."""
    parts = urllib.parse.urlsplit(url)
    loopback = parts._replace(netloc=f"127.0.0.1:{parts.port}").geturl()
    request = urllib.request.Request(loopback, headers={"Host": parts.netloc})
    urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - our own local server


def wait_for(url: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            local_get(url, timeout=300)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the server did not answer on {url}")


def demo_server(*, only: str | None = None) -> tuple[subprocess.Popen, list[tuple[str, str]]]:
    """The demo network served on a free port, answering, and the pages to visit (`only`:
    comma-separated page types)."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", OFFLINE_TILE),
    }
    os.environ.update(env)
    # Hashed, compressed static files, as `collectstatic` prepares them for production.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    pages = targets(port)
    if only:
        wanted = set(only.split(","))
        pages = [(label, url) for label, url in pages if label in wanted]
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(pages[0][1] if pages else f"http://127.0.0.1:{port}/")
    except BaseException:
        server.terminate()
        raise
    return server, pages


def cpu_multiplier(benchmark_index: float) -> float:
    """The CPU slowdown that makes this machine behave like Lighthouse's mobile target, from
    the benchmark index Lighthouse measures (the piecewise formula of Lighthouse's CPU
    throttling calculator, linked from its "slower CPU than Lighthouse expects" warning):
    1533 -> 4x (Lighthouse's default assumes such a desktop), 800 -> 2x, 150 or less -> 1x.
    A shared, loaded machine is slower than the phone being emulated; slowing it down 4x
    more would measure the machine, not the page."""
    if benchmark_index >= 1300:
        value = 3 + (benchmark_index - 1300) / 233
    elif benchmark_index >= 800:
        value = 2 + (benchmark_index - 800) / 500
    else:
        value = 1 + max(0.0, benchmark_index - 150) / 650
    return round(min(value, 4.0), 2)


def lighthouse(
    url: str, report: Path, chrome: str, multiplier: float = 4.0, *, error_page: bool = False
) -> dict[str, int]:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--max-wait-for-load=60000",
        f"--throttling.cpuSlowdownMultiplier={multiplier}",
    ]
    if error_page:
        # The 404 page answers 404 on purpose; Lighthouse refuses such a page without this.
        command.append("--ignore-status-code")
    env = {**os.environ, "CHROME_PATH": chrome}
    # A busy machine sometimes loses the trace (NO_NAVSTART): one more try, then the page is
    # reported as failed rather than stopping the audit.
    for attempt in (1, 2):
        done = subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL)
        if done.returncode == 0:
            break
        if attempt == 2:
            return dict.fromkeys(CATEGORIES, 0)
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round((data["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    scores["benchmark"] = round(data["environment"]["benchmarkIndex"])
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--goal", type=int, default=95)
    parser.add_argument("--only", help="comma-separated page types to audit")
    parser.add_argument(
        "--cpu",
        default="calibrate",
        help="CPU slowdown: a number (Lighthouse's default is 4), or 'calibrate' (default): "
        "from the benchmark index of this machine, measured again on every page",
    )
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(chrome, os.X_OK):
        raise SystemExit("Chromium not found: apt-get install chromium, or set CHROME_PATH")
    if not (HERE / "node_modules" / ".bin" / "lighthouse").exists():
        raise SystemExit("Lighthouse is not installed: npm ci --prefix audit")
    OUT.mkdir(exist_ok=True)
    server, pages = demo_server(only=args.only)
    rows: list[tuple[str, dict[str, int]]] = []
    try:
        calibrate = args.cpu == "calibrate"
        multiplier = 4.0 if calibrate else float(args.cpu)
        for label, url in pages:
            # A first request renders the images (AVIF, WebP): the audit measures a warm site.
            with contextlib.suppress(OSError):
                local_get(url, timeout=300)
            report = OUT / f"{label.replace(' ', '_').replace('(', '').replace(')', '')}.json"
            error_page = label == "404"
            scores = lighthouse(url, report, chrome, multiplier, error_page=error_page)
            if calibrate and scores.get("benchmark"):
                # The load of a shared machine changes: run again with the slowdown that this
                # run's benchmark calls for when it differs much from the one used.
                wanted = cpu_multiplier(scores["benchmark"])
                if abs(wanted - multiplier) > 0.25:
                    multiplier = wanted
                    scores = lighthouse(url, report, chrome, multiplier, error_page=error_page)
            scores["cpu"] = multiplier
            rows.append((label, scores))
            sys.stderr.write(f"  {label}: {scores}\n")
    finally:
        server.terminate()
        server.wait(timeout=30)
    width = max((len(label) for label, _ in rows), default=10)
    header = (
        f"{'Paginatype':<{width}} | "
        + " | ".join(f"{c:>14}" for c in CATEGORIES)
        + " | benchmark | cpu"
    )
    out = sys.stdout
    out.write(header + "\n")
    out.write("-" * len(header) + "\n")
    below = False
    for label, scores in rows:
        below |= any(scores[c] < args.goal for c in CATEGORIES)
        cells = " | ".join(f"{scores[c]:>14}" for c in CATEGORIES)
        extra = f"{scores.get('benchmark', 0):>9} | {scores.get('cpu', 0):>3}"
        out.write(f"{label:<{width}} | {cells} | {extra}\n")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
