"""The one HTML sanitising policy of the platform (nh3).

`|richtext` does not sanitise, so every rich text that reaches visitors from outside an
ordinary page form is cleaned before it is stored: central content (shared sections, page
templates, central news) and imported descriptions (UiTdatabank).

Rich text as Wagtail stores it carries internal links as `<a linktype="page" id="3">`. Those
attributes are kept for content written in our own admin; HTML from outside (an import) may
not name pages or documents of ours, so there only `href` survives, with rel="noopener
noreferrer nofollow".
"""

from typing import Any

import nh3
from wagtail import blocks
from wagtail.rich_text import RichText

RICH_TEXT_TAGS = frozenset(
    {"p", "br", "h2", "h3", "h4", "b", "i", "strong", "em", "ol", "ul", "li", "a"}
)
# Imported HTML sits under the page's own headings: no h2.
EXTERNAL_TAGS = RICH_TEXT_TAGS - {"h2"}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
EXTERNAL_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def rich_text_sanitise(html: str, *, external: bool = False) -> str:
    """Clean one rich text value. `external=True` for HTML from outside the admin."""
    if external:
        return nh3.clean(
            html,
            tags=set(EXTERNAL_TAGS),
            attributes={"a": {"href"}},
            url_schemes=set(EXTERNAL_URL_SCHEMES),
            link_rel="noopener noreferrer nofollow",
        )
    return nh3.clean(
        html,
        tags=set(RICH_TEXT_TAGS),
        attributes={"a": {"href", "linktype", "id"}},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
    )


def _sanitise_value(block: blocks.Block, value: Any) -> Any:
    if value is None:
        return value
    if isinstance(block, blocks.RichTextBlock) and isinstance(value, RichText):
        return RichText(rich_text_sanitise(value.source))
    if isinstance(block, blocks.StreamBlock):
        for child in value:
            child.value = _sanitise_value(child.block, child.value)
        return value
    if isinstance(block, blocks.ListBlock):
        for index, item in enumerate(value):
            value[index] = _sanitise_value(block.child_block, item)
        return value
    if isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            value[name] = _sanitise_value(child_block, value.get(name))
        return value
    return value


def stream_sanitise(stream_value) -> None:
    """Clean every rich text value of a StreamField value in place (before it is stored)."""
    _sanitise_value(stream_value.stream_block, stream_value)
