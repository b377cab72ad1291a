"""Reading rendered pages in tests: BeautifulSoup over a response, and the pieces of the site
shell (header, menus, footer, branding) that multi-site tests compare between sites."""

import re

from bs4 import BeautifulSoup
from django.http import HttpResponse

CUSTOM_PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")


def soup_of(response: HttpResponse) -> BeautifulSoup:
    """The page as a visitor reads it: without the soft hyphens of long words (the `breakable`
    filter), which show only where a line breaks."""
    return BeautifulSoup(response.content.decode().replace("&shy;", ""), "html.parser")


def site_name_in_header(soup: BeautifulSoup) -> str:
    name = soup.select_one("header.site-header .site-header__name")
    return name.get_text(strip=True) if name else ""


def main_menu_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(label, href) of every link in the main navigation."""
    return [(a.get_text(strip=True), a["href"]) for a in soup.select("nav.main-nav a[href]")]


def footer_contact_text(soup: BeautifulSoup) -> str:
    contact = soup.select_one("footer .site-footer__contact address")
    return contact.get_text(" ", strip=True) if contact else ""


def branding_properties(soup: BeautifulSoup) -> dict[str, str]:
    """The CSS custom properties that base.html sets from the site's BrandingSettings: in the
    per-site stylesheet it links (no inline <style> under the Content-Security-Policy)."""
    from django.test import Client

    properties: dict[str, str] = {}
    for link in soup.select("link[data-branding]"):
        css = Client().get(link["href"]).content.decode()
        properties.update((name, value.strip()) for name, value in CUSTOM_PROPERTY.findall(css))
    return properties
