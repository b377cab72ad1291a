"""Refuse references from one site's content to another site's pages, images or documents.

Choosers already hide other sites from local editors, but a chosen id can be POSTed directly,
so page and setting forms validate on save too.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.documents.models import AbstractDocument
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import AbstractImage
from wagtail.models import Collection, Page, Site
from wagtail.rich_text import RichText, extract_references_from_rich_text

from home.models.tenancy import Tenant

# Page bookkeeping keys that are not content references.
IGNORED_FOREIGN_KEYS = frozenset(
    {
        "content_type",
        "owner",
        "locked_by",
        "live_revision",
        "latest_revision",
        "site",
        "page_ptr",
        "locale",
        "alias_of",
    }
)


def _site_for(instance: models.Model) -> Site | None:
    if isinstance(instance, Page):
        if instance.pk:
            return instance.get_site()
        parent = instance.get_parent() if instance.path else None
        return parent.get_site() if parent else None
    return getattr(instance, "site", None)


def _collection_tenant_id(collection: Collection) -> int | None:
    """The tenant owning this collection or one of its ancestors; None for shared ones."""

    ancestors = collection.get_ancestors(inclusive=True)
    owner = Tenant.objects.filter(collection__in=ancestors).values_list("pk", flat=True).first()
    return owner


def _rich_text_references(html: str) -> Iterator[models.Model]:
    """Pages and documents linked, and images embedded, in rich text: `<a linktype="page"
    id="...">` publishes the other site's page URL (and so its slug) as soon as it is saved."""
    for model, object_id, _model_path, _content_path in extract_references_from_rich_text(
        html or ""
    ):
        if not issubclass(model, (Page, AbstractImage, AbstractDocument)):
            continue
        if not str(object_id).isdigit():
            continue  # a broken link; the rich text converter drops it
        target = model._default_manager.filter(pk=int(object_id)).first()
        if target is not None:
            yield target


def _stream_references(block: blocks.Block, value: Any) -> Iterator[models.Model]:
    if value is None:
        return
    if isinstance(value, (Page, AbstractImage, AbstractDocument)):
        # chooser blocks, and ImageBlock, which returns the image with its alt text set on it
        yield value
    elif isinstance(value, RichText):
        yield from _rich_text_references(value.source)
    elif isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from _stream_references(child.block, child.value)
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from _stream_references(block.child_block, item)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            yield from _stream_references(child_block, value.get(name))


def references_of(instance: models.Model) -> Iterable[models.Model]:
    for field in instance._meta.get_fields():
        if isinstance(field, models.ForeignKey) and not field.name.startswith("_"):
            if field.name in IGNORED_FOREIGN_KEYS:
                continue
            target = getattr(instance, field.name, None)
            if isinstance(target, (Page, AbstractImage, AbstractDocument)):
                yield target
        elif isinstance(field, StreamField):
            value = getattr(instance, field.name)
            yield from _stream_references(field.stream_block, value)
        elif isinstance(field, RichTextField):
            yield from _rich_text_references(getattr(instance, field.name))


def validate_site_references(instance: models.Model, *, site: Site | None = None) -> None:
    site = site or _site_for(instance)
    if site is None:
        return

    tenant_id = Tenant.objects.filter(site=site).values_list("pk", flat=True).first()
    if tenant_id is None:
        return
    root_path = site.root_page.path
    for target in references_of(instance):
        if isinstance(target, Page):
            if not target.path.startswith(root_path):
                # Name nothing of the other site: the error would let an editor read the
                # titles of another site's pages by trying ids in turn.
                raise ValidationError(
                    _("Een gekozen of gelinkte pagina hoort bij een andere website.")
                )
        else:
            owner = _collection_tenant_id(target.collection)
            if owner is not None and owner != tenant_id:
                raise ValidationError(
                    _(
                        "Een gekozen of gelinkte afbeelding of document hoort bij de "
                        "mediabibliotheek van een andere website."
                    )
                )
