"""Blocks of central content: the "Gedeelde sectie" chooser that pages embed, and the body of a
shared section (and of central news), limited to blocks that need nothing site-owned.

Import order matters: home.blocks imports SharedSectionBlock from here for ContentStreamBlock,
and this module reuses home.blocks' content blocks. SharedSectionBlock is therefore defined
before home.blocks is imported, and home.blocks imports this module after its own content
blocks; either module may then be imported first.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class SharedSectionBlock(SnippetChooserBlock):
    """A reference to a central SharedSection: rendered live, never copied into the page."""

    def __init__(self, **kwargs):
        super().__init__("central.SharedSection", **kwargs)

    class Meta:
        icon = "link"
        label = _("Gedeelde sectie")
        template = "central/blocks/shared_section.html"
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
