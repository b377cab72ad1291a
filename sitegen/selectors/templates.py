"""Reads of page templates for derived pages: what changed centrally since a page was made
from its template, and which pages lag behind their template."""

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Page

from central.models import PageTemplateVersion
from sitegen.models import PageOrigin

# --- Page templates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class BlockChange:
    action: str  # "toegevoegd", "verwijderd", "gewijzigd"
    label: str
    old: str = ""
    new: str = ""


@dataclass
class TemplateChanges:
    origin: PageOrigin
    from_version: int
    to_version: int
    fields: list[FieldChange] = field(default_factory=list)
    blocks: list[BlockChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.blocks)


def _block_text(block: dict[str, Any]) -> str:
    """A short plain-text rendering of a raw block, for the editor's comparison."""
    value = block.get("value")
    if isinstance(value, str):
        return strip_tags(value).strip()
    if isinstance(value, dict):
        if "text" in value:
            return str(value["text"])
        parts = []
        for item in value.values():
            if isinstance(item, str):
                parts.append(strip_tags(item).strip())
            elif isinstance(item, list):
                parts.extend(
                    " ".join(strip_tags(str(v)) for v in entry.values())
                    if isinstance(entry, dict)
                    else strip_tags(str(entry))
                    for entry in item
                )
        return " \u2013 ".join(part for part in parts if part)
    return str(value or "")


def _block_key(block: dict[str, Any]) -> tuple[str, str]:
    return (block.get("type", ""), _block_text(block))


BLOCK_LABELS = {
    "heading": _("Kop"),
    "paragraph": _("Tekst"),
    "quote": _("Citaat"),
    "faq": _("Veelgestelde vragen"),
    "table": _("Tabel"),
    "image": _("Afbeelding"),
    "call_to_action": _("Oproep tot actie"),
    "embed": _("Video"),
    "documents": _("Documenten"),
    "shared_section": _("Gedeelde sectie"),
}


def template_content_diff(*, old: dict[str, Any], new: dict[str, Any]) -> tuple[list, list]:
    """Field and block differences between two template versions' content."""
    fields = []
    for name, label in (("title", _("Titel")), ("intro", _("Inleiding"))):
        if old.get(name, "") != new.get(name, ""):
            fields.append(
                FieldChange(name=name, label=label, old=old.get(name, ""), new=new.get(name, ""))
            )
    old_blocks = old.get("body", [])
    new_blocks = new.get("body", [])
    old_keys = [_block_key(b) for b in old_blocks]
    new_keys = [_block_key(b) for b in new_blocks]
    blocks: list[BlockChange] = []
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed = old_blocks[i1:i2]
        added = new_blocks[j1:j2]
        if tag == "replace":
            for before, after in zip(removed, added, strict=False):
                label = BLOCK_LABELS.get(after.get("type"), after.get("type"))
                blocks.append(
                    BlockChange(_("gewijzigd"), str(label), _block_text(before), _block_text(after))
                )
            removed = removed[len(added) :]
            added = added[len(old_blocks[i1:i2]) :]
        for block in removed:
            label = BLOCK_LABELS.get(block.get("type"), block.get("type"))
            blocks.append(BlockChange(_("verwijderd"), str(label), old=_block_text(block)))
        for block in added:
            label = BLOCK_LABELS.get(block.get("type"), block.get("type"))
            blocks.append(BlockChange(_("toegevoegd"), str(label), new=_block_text(block)))
    return fields, blocks


def page_template_changes(*, page: Page) -> TemplateChanges | None:
    """What changed in the template since this page was made from it (or last brought in
    step); None if the page has no template or the template has not changed."""
    origin = PageOrigin.objects.filter(page=page).select_related("template").first()
    if origin is None or origin.template is None:
        return None
    template = origin.template
    if template.version <= origin.template_version:
        return None
    versions = {
        v.number: v.content
        for v in PageTemplateVersion.objects.filter(
            template=template, number__in=[origin.template_version, template.version]
        )
    }
    old = versions.get(origin.template_version, {})
    new = versions.get(template.version, template.content())
    fields, blocks = template_content_diff(old=old, new=new)
    return TemplateChanges(
        origin=origin,
        from_version=origin.template_version,
        to_version=template.version,
        fields=fields,
        blocks=blocks,
    )


def pages_with_outdated_template(*, pages: QuerySet[Page]) -> QuerySet[PageOrigin]:

    return PageOrigin.objects.filter(
        page__in=pages, template__version__gt=F("template_version")
    ).select_related("page", "template")
