"""Blocks of central content: the "Gedeelde sectie" chooser that pages embed (registered in
home's ContentStreamBlock by CentralConfig.ready()), and the body of a shared section (and of
central news), limited to blocks that need nothing site-owned.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from home.blocks import (
    DataTableBlock,
    FAQBlock,
    HeadingBlock,
    ParagraphBlock,
    QuoteBlock,
)


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
        preview_value = None  # replaced by get_preview_value: a shared section that exists

    def get_preview_value(self):
        return self.target_model.objects.order_by("-updated_at").first()


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
