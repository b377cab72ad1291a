"""Bieblo: children from 6 to 12 pick pictures of what a book should be about and their age,
and get books of their library's youth collection, with covers.

The themes are drawn here (inline SVG, no external images) and matched on the records' facet
keys: Flemish theme words and subjects (`o:`) and genres (`g:`), as Open Vlacc's youth thesaurus
spells them. The youth collection of a site is what its library profile holds for children and
young people (audience `kinderen` or `jongeren`) whose minimum age, when the record gives one,
is at most the child's age.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from catalogue.marc import Audience
from catalogue.models import Holding, Record

AGES = tuple(range(6, 13))
YOUTH = (Audience.CHILDREN, Audience.YOUTH)
LIMIT = 24


@dataclass(frozen=True)
class Theme:
    slug: str
    label: str
    # Read aloud after "Boeken over ...".
    about: str
    keys: tuple[str, ...]
    svg: str

    def __str__(self) -> str:
        return str(self.about)

    @property
    def picture(self) -> str:
        return mark_safe(  # noqa: S308 - constant markup defined in this module
            '<svg class="bieblo__picture" viewBox="0 0 64 64" aria-hidden="true" '
            f'focusable="false">{self.svg}</svg>'
        )


def _keys(themes: tuple[str, ...] = (), genres: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(f"o:{word}" for word in themes) + tuple(f"g:{word}" for word in genres)


THEMES = (
    Theme(
        "dieren",
        _("Dieren"),
        _("dieren"),
        _keys(("Dieren", "Huisdieren", "Honden", "Katten", "Paarden", "Dinosaurussen")),
        '<circle cx="32" cy="36" r="20" fill="#f4a259"/>'
        '<path d="M14 26 L18 6 L30 18 Z M50 26 L46 6 L34 18 Z" fill="#f4a259"/>'
        '<circle cx="25" cy="33" r="3" fill="#222"/><circle cx="39" cy="33" r="3" fill="#222"/>'
        '<path d="M29 42 L35 42 L32 46 Z" fill="#c0392b"/>',
    ),
    Theme(
        "griezelen",
        _("Griezelen"),
        _("griezelen en spoken"),
        _keys(("Griezelen", "Spoken", "Heksen", "Vampiers", "Monsters"), ("Griezelverhalen",)),
        '<path d="M14 58 V28 A18 18 0 0 1 50 28 V58 L44 52 L38 58 L32 52 L26 58 L20 52 Z" '
        'fill="#eef1f5" stroke="#555" stroke-width="2"/>'
        '<circle cx="25" cy="28" r="4" fill="#222"/><circle cx="39" cy="28" r="4" fill="#222"/>'
        '<ellipse cx="32" cy="40" rx="4" ry="5" fill="#222"/>',
    ),
    Theme(
        "voetbal",
        _("Voetbal"),
        _("voetbal"),
        _keys(("Voetbal",)),
        '<circle cx="32" cy="32" r="24" fill="#fff" stroke="#222" stroke-width="2"/>'
        '<path d="M32 22 L41 29 L38 40 L26 40 L23 29 Z" fill="#222"/>'
        '<path d="M32 8 V22 M41 29 L55 24 M38 40 L46 52 M26 40 L18 52 M23 29 L9 24" '
        'stroke="#222" stroke-width="2"/>',
    ),
    Theme(
        "sport",
        _("Sport"),
        _("sport"),
        _keys(("Sport", "Zwemmen", "Wielrennen", "Dansen")),
        '<circle cx="32" cy="40" r="16" fill="#f1c40f" stroke="#b7950b" stroke-width="3"/>'
        '<path d="M20 4 L32 24 L44 4" stroke="#2e86de" stroke-width="6" fill="none"/>'
        '<path d="M32 31 L35 38 L42 38 L36 43 L38 50 L32 46 L26 50 L28 43 L22 38 L29 38 Z" '
        'fill="#fff"/>',
    ),
    Theme(
        "vriendschap",
        _("Vriendschap"),
        _("vrienden"),
        _keys(("Vriendschap",)),
        '<circle cx="20" cy="16" r="8" fill="#6ab04c"/><circle cx="44" cy="16" r="8" '
        'fill="#e056fd"/><path d="M8 56 V34 A12 12 0 0 1 32 34 V56 Z" fill="#6ab04c"/>'
        '<path d="M32 56 V34 A12 12 0 0 1 56 34 V56 Z" fill="#e056fd"/>'
        '<path d="M32 28 C28 22 22 26 26 31 L32 37 L38 31 C42 26 36 22 32 28 Z" fill="#c0392b"/>',
    ),
    Theme(
        "familie",
        _("Familie"),
        _("familie"),
        _keys(("Familie", "Broers en zussen", "Grootouders", "Ouders")),
        '<path d="M8 30 L32 8 L56 30 Z" fill="#c0392b"/>'
        '<rect x="14" y="30" width="36" height="28" fill="#f6e58d"/>'
        '<rect x="27" y="42" width="10" height="16" fill="#8e5b3a"/>'
        '<rect x="18" y="35" width="7" height="7" fill="#74b9ff"/>'
        '<rect x="39" y="35" width="7" height="7" fill="#74b9ff"/>',
    ),
    Theme(
        "toveren",
        _("Toveren en draken"),
        _("tovenaars en draken"),
        _keys(("Tovenaars", "Heksen", "Draken", "Magie", "Sprookjes"), ("Fantasy", "Sprookjes")),
        '<path d="M32 4 L48 52 H16 Z" fill="#5f27cd"/>'
        '<rect x="8" y="50" width="48" height="8" rx="4" fill="#341f97"/>'
        '<path d="M30 20 L32 14 L34 20 L40 20 L35 24 L37 30 L32 26 L27 30 L29 24 L24 20 Z" '
        'fill="#feca57"/><circle cx="24" cy="40" r="2" fill="#feca57"/>'
        '<circle cx="40" cy="36" r="2" fill="#feca57"/>',
    ),
    Theme(
        "ruimte",
        _("Ruimte en robots"),
        _("de ruimte en robots"),
        _keys(("Ruimtevaart", "Planeten", "Robots", "Sterren"), ("Sciencefiction",)),
        '<path d="M32 4 C44 14 46 30 40 46 H24 C18 30 20 14 32 4 Z" fill="#dfe6e9" '
        'stroke="#636e72" stroke-width="2"/><circle cx="32" cy="24" r="6" fill="#74b9ff"/>'
        '<path d="M24 38 L14 50 L24 48 Z M40 38 L50 50 L40 48 Z" fill="#d63031"/>'
        '<path d="M26 46 L32 60 L38 46 Z" fill="#fdcb6e"/>',
    ),
    Theme(
        "avontuur",
        _("Avontuur"),
        _("avontuur"),
        _keys(("Piraten", "Ridders", "Schatten", "Reizen"), ("Avonturenverhalen",)),
        '<path d="M6 14 L22 8 L42 14 L58 8 V50 L42 56 L22 50 L6 56 Z" fill="#f8e6b8" '
        'stroke="#a4794b" stroke-width="2"/><path d="M22 8 V50 M42 14 V56" stroke="#a4794b" '
        'stroke-width="2"/><path d="M28 26 L36 34 M36 26 L28 34" stroke="#c0392b" '
        'stroke-width="4"/>',
    ),
    Theme(
        "grappig",
        _("Grappig"),
        _("grappige dingen"),
        _keys(("Humor", "Moppen"), ("Humor",)),
        '<circle cx="32" cy="32" r="26" fill="#feca57"/>'
        '<circle cx="23" cy="26" r="4" fill="#222"/><circle cx="41" cy="26" r="4" fill="#222"/>'
        '<path d="M18 36 Q32 54 46 36 Z" fill="#c0392b"/>',
    ),
    Theme(
        "natuur",
        _("Natuur"),
        _("de natuur"),
        _keys(("Natuur", "Bomen", "Bos", "Klimaat", "Milieu")),
        '<rect x="28" y="40" width="8" height="20" fill="#8e5b3a"/>'
        '<circle cx="32" cy="26" r="18" fill="#27ae60"/>'
        '<circle cx="20" cy="34" r="10" fill="#2ecc71"/><circle cx="44" cy="34" r="10" '
        'fill="#2ecc71"/>',
    ),
    Theme(
        "school",
        _("School"),
        _("school"),
        _keys(("School", "Pesten", "Juffen en meesters")),
        '<rect x="10" y="12" width="44" height="40" rx="3" fill="#2d3436"/>'
        '<path d="M18 24 H40 M18 32 H34 M18 40 H44" stroke="#fff" stroke-width="3"/>'
        '<rect x="40" y="44" width="16" height="6" fill="#fdcb6e" transform="rotate(-30 48 47)"/>',
    ),
)
THEMES_BY_SLUG = {theme.slug: theme for theme in THEMES}


@dataclass
class BiebloChoice:
    themes: tuple[Theme, ...] = ()
    age: int | None = None
    error: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.themes) and self.age is not None


def bieblo_choice_from(params) -> BiebloChoice:
    """The child's choice from the query string (`thema`, repeatable; `leeftijd`). Unknown
    themes and ages are left out with a short message, never an error page."""
    slugs = [slug for slug in params.getlist("thema") if slug][: len(THEMES)]
    themes = tuple(THEMES_BY_SLUG[slug] for slug in dict.fromkeys(slugs) if slug in THEMES_BY_SLUG)
    raw_age = (params.get("leeftijd") or "").strip()
    age = int(raw_age) if raw_age.isdigit() and int(raw_age) in AGES else None
    error = ""
    if (slugs and len(themes) < len(set(slugs))) or (raw_age and age is None):
        error = str(_("Dat kennen we niet. Kies een prentje en je leeftijd."))
    return BiebloChoice(themes=themes, age=age, error=error)


def bieblo_context(choice: BiebloChoice, *, action: str, field_prefix: str = "bieblo") -> dict:
    """What the picker template needs: the themes and ages with their chosen state."""
    chosen = {theme.slug for theme in choice.themes}
    return {
        "action": action,
        "prefix": field_prefix,
        "themes": [(theme, theme.slug in chosen) for theme in THEMES],
        "ages": [(age, age == choice.age) for age in AGES],
    }


@dataclass
class BiebloBook:
    record_id: str
    title: str
    author: str
    material: str
    isbn: str
    cover_url: str
    available: bool
    url: str = ""
    cover: object = None


def bieblo_books(*, profile: str, choice: BiebloChoice, limit: int = LIMIT) -> list[BiebloBook]:
    """Books of the profile's youth collection about one of the chosen themes, for the child's
    age: what is on the shelf first, then the newest."""
    if not profile or not choice.complete:
        return []
    keys = [key for theme in choice.themes for key in theme.keys]
    on_shelf = Holding.objects.filter(
        record_id=OuterRef("record_id"), profile=profile, available=True
    )
    records = Record.objects.filter(
        Exists(Holding.objects.filter(record_id=OuterRef("record_id"), profile=profile)),
        Q(age_min__isnull=True) | Q(age_min__lte=choice.age),
        audience__in=YOUTH,
    )
    if connection.vendor == "postgresql":
        about = Q()
        for key in keys:
            about |= Q(facet_keys__contains=[key])
        records = records.filter(about)
    records = records.annotate(on_shelf=Exists(on_shelf)).only(
        "record_id", "title", "authors", "material", "isbns", "cover_url", "facet_keys"
    )
    # Older children first get books for their age, then younger ones'; the newest first.
    records = records.order_by(
        "-on_shelf",
        F("age_min").desc(nulls_last=True),
        F("year").desc(nulls_last=True),
        "record_id",
    )
    wanted = set(keys)
    books: list[BiebloBook] = []
    seen_titles: set[str] = set()
    for record in records.iterator(chunk_size=200):
        if connection.vendor != "postgresql" and not wanted & set(record.facet_keys):
            continue
        if record.title in seen_titles:
            continue
        seen_titles.add(record.title)
        books.append(
            BiebloBook(
                record_id=record.record_id,
                title=record.title,
                author=record.main_author,
                material=record.material,
                isbn=record.isbns[0] if record.isbns else "",
                cover_url=record.cover_url,
                available=record.on_shelf,
            )
        )
        if len(books) >= limit:
            break
    return books
