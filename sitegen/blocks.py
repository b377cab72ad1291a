"""Blocks of central content: the "Gedeelde sectie" chooser that pages embed, and the body of a
shared section (and of central news), limited to blocks that need nothing site-owned.

Import order matters: home.blocks imports SharedSectionBlock from here for ContentStreamBlock,
and this module reuses home.blocks' content blocks. SharedSectionBlock is therefore defined
before home.blocks is imported, and home.blocks imports this module after its own content
blocks; either module may then be imported first.
"""

from typing import Any

import nh3
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.rich_text import RichText
from wagtail.snippets.blocks import SnippetChooserBlock


class SharedSectionBlock(SnippetChooserBlock):
    """A reference to a central SharedSection: rendered live, never copied into the page."""

    def __init__(self, **kwargs):
        super().__init__("sitegen.SharedSection", **kwargs)

    class Meta:
        icon = "link"
        label = _("Gedeelde sectie")
        template = "sitegen/blocks/shared_section.html"
        description = _(
            "Een sectie die de centrale redactie beheert. Wijzigingen verschijnen meteen op "
            "elke website."
        )
        preview_value = None


from home.blocks import (  # noqa: E402
    DataTableBlock,
    FAQBlock,
    HeadingBlock,
    ParagraphBlock,
    QuoteBlock,
)


class SharedContentStreamBlock(blocks.StreamBlock):
    """Blocks of central content. Their names match ContentStreamBlock's, so that a detached
    section becomes ordinary page content block for block."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    quote = QuoteBlock()
    faq = FAQBlock()
    table = DataTableBlock()

    class Meta:
        template = "components/blocks/stream.html"


# Rich text as Wagtail stores it (its "contentstate" HTML with page and document links).
RICH_TEXT_TAGS = {"p", "br", "h2", "h3", "h4", "b", "i", "strong", "em", "ol", "ul", "li", "a"}
RICH_TEXT_ATTRIBUTES = {"a": {"href", "linktype", "id"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def rich_text_sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
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
    """Clean every rich text value of a StreamField value in place (before it is stored):
    `|richtext` does not sanitise, and central content reaches every site."""
    _sanitise_value(stream_value.stream_block, stream_value)
