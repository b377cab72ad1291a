"""Shared StreamField blocks and the block registry. Every block has a template, an icon and a
preview value.

`home` is the ground floor: it names no block of a higher app. Components add their blocks to
the page body (`ContentStreamBlock`) from their `AppConfig.ready()`:

    from home.blocks import content_blocks
    content_blocks.register("upcoming_events", UpcomingEventsBlock(), order=20)

Models pass the block *class* to StreamField (`StreamField(ContentStreamBlock, ...)`): Wagtail
then builds it on first use, after every app is ready, so the registered blocks are in. The
order numbers keep the block order (and so the migrations' deconstruction) stable whatever the
order of INSTALLED_APPS.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock, EmbedValue
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]

TABLE_OPTIONS = {
    "minSpareRows": 0,
    "startRows": 3,
    "startCols": 3,
    "colHeaders": False,
    "rowHeaders": False,
    "contextMenu": ["row_above", "row_below", "col_left", "col_right", "remove_row", "remove_col"],
    "editor": "text",
    "stretchH": "all",
    "renderer": "text",
    "autoColumnSize": False,
}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Tekst"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=[("h2", _("Kop 2")), ("h3", _("Kop 3")), ("h4", _("Kop 4"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Kop")
        template = "components/blocks/heading.html"
        preview_value = {"text": "Openingsuren tijdens de zomer", "level": "h2"}
        description = _("Een tussentitel die de pagina structureert")


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Tekst")
        template = "components/blocks/paragraph.html"
        preview_value = (
            "<p>In de bib kan je gratis boeken, strips, films en tijdschriften ontlenen. "
            "Een lidkaart is gratis voor iedereen jonger dan 18.</p>"
        )


class FigureBlock(ImageBlock):
    """An image with alternative text (required unless marked decorative) and a caption."""

    class Meta:
        icon = "image"
        label = _("Afbeelding")
        template = "components/blocks/image.html"
        preview_value = None  # replaced by get_preview_value: an image of the library

    def get_preview_value(self):
        image = get_image_model().objects.order_by("-created_at").first()
        if image is None:
            return None
        return self.to_python({"image": image.pk, "alt_text": image.title, "decorative": False})


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Citaat"), max_length=600)
    attribution = blocks.CharBlock(label=_("Bron"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Citaat")
        template = "components/blocks/quote.html"
        preview_value = {
            "quote": "Lezen is dromen met open ogen.",
            "attribution": "Een trouwe lezer",
        }


class PageOrUrlMixin:
    """One link rule for the link blocks of a StructBlock with `page` and `url` children:
    exactly one of them; an external link needs a label when the block has one."""

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Kies een pagina of vul een externe link in, niet allebei.")
                    )
                }
            )
        if "label" in self.child_blocks and value.get("url") and not value.get("label"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "label": ValidationError(_("Een externe link heeft een label nodig."))
                }
            )
        return value


class LinkTargetBlock(PageOrUrlMixin, blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Pagina"), required=False)
    url = blocks.URLBlock(label=_("Externe link"), required=False)

    class Meta:
        icon = "link"
        label = _("Link")
        template = "components/blocks/link.html"
        preview_value = {"page": None, "url": "https://www.bibliotheek.be"}


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=120)
    text = blocks.TextBlock(label=_("Tekst"), required=False, max_length=400)
    button_label = blocks.CharBlock(label=_("Tekst op de knop"), max_length=60)
    target = LinkTargetBlock(label=_("Bestemming"))

    class Meta:
        icon = "pick"
        label = _("Oproep tot actie")
        template = "components/blocks/call_to_action.html"
        preview_value = {
            "title": "Word gratis lid",
            "text": "Met je lidkaart leen je in alle bibliotheken van de regio.",
            "button_label": "Schrijf je in",
            "target": {"page": None, "url": "https://example.org/lid-worden"},
        }


class PreviewEmbedValue(EmbedValue):
    """An embed whose HTML is written here rather than fetched from the provider's oEmbed
    endpoint, so that the block preview renders offline and from no cache."""

    def __init__(self, url: str, html: str):
        super().__init__(url)
        self.__dict__["html"] = html  # fills EmbedValue's cached property


# Big Buck Bunny, the Blender Foundation's open film, as a library might embed a video; the
# player is the privacy-enhanced YouTube host that the Content-Security-Policy allows in frames
# (home.csp.EMBED_FRAME_SOURCES).
PREVIEW_VIDEO_ID = "aqz-KE-bpKQ"


class VideoEmbedBlock(EmbedBlock):
    class Meta:
        icon = "media"
        label = _("Video of ingesloten media")
        template = "components/blocks/embed.html"
        preview_value = None  # replaced by get_preview_value: needs no network

    def get_preview_value(self):
        return PreviewEmbedValue(
            f"https://www.youtube.com/watch?v={PREVIEW_VIDEO_ID}",
            format_html(
                '<iframe src="https://www.youtube-nocookie.com/embed/{}" title="{}" width="560" '
                'height="315" loading="lazy" allowfullscreen></iframe>',
                PREVIEW_VIDEO_ID,
                _("Voorbeeldvideo"),
            ),
        )


class DocumentsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), required=False, max_length=120)
    documents = blocks.ListBlock(DocumentChooserBlock(label=_("Document")), label=_("Documenten"))

    class Meta:
        icon = "doc-full"
        label = _("Documenten")
        template = "components/blocks/documents.html"
        preview_value = {"title": "Downloads", "documents": []}


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Vraag"), max_length=200)
    answer = ParagraphBlock(label=_("Antwoord"))

    class Meta:
        icon = "help"
        label = _("Vraag en antwoord")
        template = "components/blocks/faq_item.html"
        preview_value = {
            "question": "Hoe lang mag ik een boek lenen?",
            "answer": "<p>Vier weken. Je kan twee keer verlengen.</p>",
        }


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), required=False, max_length=120)
    items = blocks.ListBlock(FAQItemBlock(), label=_("Vragen"))

    class Meta:
        icon = "list-ul"
        label = _("Veelgestelde vragen")
        template = "components/blocks/faq.html"
        preview_value = {
            "title": "Veelgestelde vragen",
            "items": [
                {
                    "question": "Hoe lang mag ik een boek lenen?",
                    "answer": "<p>Vier weken. Je kan twee keer verlengen.</p>",
                },
                {
                    "question": "Wat kost een lidkaart?",
                    "answer": "<p>Gratis tot 18 jaar, daarna 5 euro per jaar.</p>",
                },
            ],
        }


class DataTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(label=_("Bijschrift"), max_length=200)
    table = TableBlock(label=_("Tabel"), table_options=TABLE_OPTIONS)
    first_row_is_header = blocks.BooleanBlock(
        label=_("Eerste rij is een kopregel"), required=False, default=True
    )

    class Meta:
        icon = "table"
        label = _("Tabel")
        template = "components/blocks/table.html"
        preview_value = {
            "caption": "Tarieven",
            "first_row_is_header": True,
            "table": {
                "data": [["Dienst", "Prijs"], ["Lidkaart", "Gratis"], ["Reservatie", "€ 1"]],
            },
        }


@dataclass(frozen=True)
class _Registration:
    order: int
    name: str
    block: blocks.Block


class BlockRegistry:
    """Blocks that components contribute to a stream block of `home`."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._registrations: dict[str, _Registration] = {}

    def register(self, name: str, block: blocks.Block, *, order: int) -> None:
        """Add `block` under `name` (the key stored in the JSON: never rename it). Call this
        from `AppConfig.ready()`."""
        known = self._registrations.get(name)
        if known is not None and type(known.block) is not type(block):
            raise ImproperlyConfigured(
                f"{self.label}: block name {name!r} is taken by {type(known.block).__name__}"
            )
        self._registrations[name] = _Registration(order=order, name=name, block=block)

    def blocks(self) -> list[tuple[str, blocks.Block]]:
        ordered = sorted(self._registrations.values(), key=lambda r: (r.order, r.name))
        return [(r.name, r.block) for r in ordered]


content_blocks = BlockRegistry("ContentStreamBlock")


class ContentStreamBlock(blocks.StreamBlock):
    """The body of every content page: the blocks of home plus the registered ones."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = FigureBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    embed = VideoEmbedBlock()
    documents = DocumentsBlock()
    faq = FAQBlock()
    table = DataTableBlock()

    def __init__(self, local_blocks=None, **kwargs):
        if not apps.ready:
            # Built too early, the registered blocks would be missing for good (StreamField
            # caches its block): pass the class to StreamField, not an instance.
            raise ImproperlyConfigured(
                "ContentStreamBlock was built before the apps were ready; pass the class to "
                "StreamField (StreamField(ContentStreamBlock, ...))."
            )
        super().__init__([*content_blocks.blocks(), *(local_blocks or [])], **kwargs)

    class Meta:
        template = "components/blocks/stream.html"


class NavigationLinkBlock(PageOrUrlMixin, blocks.StructBlock):
    label = blocks.CharBlock(
        label=_("Label"), max_length=60, required=False, help_text=_("Leeg: de paginatitel")
    )
    page = blocks.PageChooserBlock(label=_("Pagina"), required=False)
    url = blocks.URLBlock(label=_("Externe link"), required=False)

    class Meta:
        icon = "link"
        label = _("Menu-item")
        template = "components/blocks/navigation_link.html"
        preview_value = {"label": "Nieuws", "page": None, "url": "https://example.org/nieuws"}


class NavigationStreamBlock(blocks.StreamBlock):
    link = NavigationLinkBlock()

    class Meta:
        template = "components/blocks/stream.html"
