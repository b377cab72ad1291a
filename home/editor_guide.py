"""The Dutch editor guide in the admin: docs/editors/*.md rendered as admin pages.

Wagtail links its English guide from the help menu and the dashboard; our hooks link this one
instead. The guide is the Markdown in the repository, so it is reviewed and versioned with
the code it describes. Raw HTML in the Markdown is not rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "editors"
SLUG = re.compile(r"^[a-z0-9-]{1,60}$")


@dataclass(frozen=True)
class GuideChapter:
    slug: str
    title: str
    html: str


def _title(text: str, slug: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return slug.replace("-", " ").capitalize()


def _chapter_link(match: re.Match) -> str:
    slug = match[1]
    if slug == "index":
        return f"]({reverse('bibnet_editor_guide')})"
    return f"]({reverse('bibnet_editor_guide_chapter', args=[slug])})"


@lru_cache(maxsize=1)
def guide_chapters() -> tuple[GuideChapter, ...]:
    """Every chapter, in file-name order (index.md first); read once per process."""
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    paths = sorted(GUIDE_DIR.glob("*.md"), key=lambda path: (path.stem != "index", path.name))
    chapters = []
    for path in paths:
        if not SLUG.match(path.stem):
            continue
        text = path.read_text(encoding="utf-8")
        # Links between chapters are written as files (werkwijze.md) so they also work on
        # a code forge; in the admin they lead to the chapter's page.
        text = re.sub(r"\]\(([a-z0-9-]+)\.md\)", _chapter_link, text)
        chapters.append(
            GuideChapter(slug=path.stem, title=_title(text, path.stem), html=renderer.render(text))
        )
    return tuple(chapters)


def editor_guide(request, slug: str = "index"):
    chapters = guide_chapters()
    chapter = next((item for item in chapters if item.slug == slug), None)
    if chapter is None:
        raise Http404(_("Dit hoofdstuk van de handleiding bestaat niet."))
    return TemplateResponse(
        request,
        "wagtailadmin/editor_guide/chapter.html",
        {
            "page_title": chapter.title,
            "header_title": chapter.title,
            "header_icon": "help",
            "chapter": chapter,
            "content": mark_safe(chapter.html),  # our own Markdown, raw HTML disabled
            "chapters": chapters,
        },
    )
