"""Blueprint types. A blueprint is code: versioned, reviewed, and applied by sitegen.services."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from home.models import SiteKind


@dataclass(frozen=True)
class PageSpec:
    """A page to create under the site's home page (or under its parent spec).

    `key` identifies the entry across blueprint versions; it never changes once released.
    `fields` are model field values; StreamField values use the raw block list shape.
    """

    key: str
    model: str
    title: str
    slug: str
    since_version: int = 1
    fields: Mapping[str, Any] = field(default_factory=dict)
    children: tuple["PageSpec", ...] = ()
    in_main_menu: bool = False
    in_footer_menu: bool = False


@dataclass(frozen=True)
class HomeSection:
    """A block the blueprint puts at the top of the site's home page body.

    Provisioning puts it in the new home page; re-applying a newer blueprint inserts it into an
    existing home page once (a `sitegen.BlueprintPage` row with the key `home:<key>` remembers
    that), so a section a local editor removed is not brought back.
    """

    key: str
    block: Mapping[str, Any]
    since_version: int = 1

    @property
    def row_key(self) -> str:
        return f"home:{self.key}"


@dataclass(frozen=True)
class Branding:
    primary_colour: str
    accent_colour: str


@dataclass(frozen=True)
class Blueprint:
    kind: SiteKind
    version: int
    site_name_prefix: str
    home_intro: str
    home_body: tuple[Mapping[str, Any], ...]
    branding: Branding
    pages: tuple[PageSpec, ...]
    catalogue: bool = False
    home_sections: tuple[HomeSection, ...] = ()

    def all_pages(self) -> list[tuple[PageSpec, PageSpec | None]]:
        """Every spec with its parent spec, parents first."""
        result: list[tuple[PageSpec, PageSpec | None]] = []

        def walk(specs: tuple[PageSpec, ...], parent: PageSpec | None) -> None:
            for spec in specs:
                result.append((spec, parent))
                walk(spec.children, spec)

        walk(self.pages, None)
        return result

    def home_sections_up_to(self, version: int) -> list[HomeSection]:
        return [section for section in self.home_sections if section.since_version <= version]

    def pages_up_to(self, version: int) -> list[tuple[PageSpec, PageSpec | None]]:
        return [
            (spec, parent) for spec, parent in self.all_pages() if spec.since_version <= version
        ]


def paragraph(html: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": html}


def heading(text: str, level: str = "h2") -> dict[str, Any]:
    return {"type": "heading", "value": {"text": text, "level": level}}


def faq(title: str, items: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "faq",
        "value": {
            "title": title,
            "items": [{"question": q, "answer": a} for q, a in items],
        },
    }


def upcoming_events(title: str, count: int) -> dict[str, Any]:
    """The agenda's next events (events.blocks.UpcomingEventsBlock), with images, dates, prices
    and ticket buttons."""
    return {
        "type": "upcoming_events",
        "value": {"title": title, "count": count, "event_type": "", "theme": "", "age_group": ""},
    }


# --- Pages every kind of site has: key, model, slug and menus are fixed here, once ----------
# (the key is what BlueprintPage rows and sync match on: never change it).


def about_page(*, title: str, intro: str, body: list[dict[str, Any]]) -> PageSpec:
    return PageSpec(
        key="about",
        model="library_pages.StandardPage",
        title=title,
        slug="over-ons",
        in_main_menu=True,
        fields={"intro": intro, "body": body},
    )


def locations_page(*, title: str, intro: str) -> PageSpec:
    return PageSpec(
        key="locations",
        model="library_pages.LocationIndexPage",
        title=title,
        slug="locaties",
        in_main_menu=True,
        in_footer_menu=True,
        fields={"intro": intro},
    )


def agenda_page(*, intro: str) -> PageSpec:
    return PageSpec(
        key="agenda",
        model="events.EventIndexPage",
        title="Agenda",
        slug="agenda",
        in_main_menu=True,
        fields={"intro": intro},
    )


def news_page(*, intro: str) -> PageSpec:
    return PageSpec(
        key="news",
        model="library_pages.NewsIndexPage",
        title="Nieuws",
        slug="nieuws",
        in_main_menu=True,
        fields={"intro": intro},
    )


def contact_page(*, intro: str) -> PageSpec:
    return PageSpec(
        key="contact",
        model="library_pages.ContactPage",
        title="Contact",
        slug="contact",
        in_main_menu=True,
        in_footer_menu=True,
        fields={"intro": intro},
    )
