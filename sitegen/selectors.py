"""Reads of sitegen: template changes for a derived page, what a blueprint would add, and the
network overview for central editors. Campaigns and central news: central.selectors."""

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Page

from central.models import PageTemplateVersion
from home.models import IdentitySettings, Tenant
from sitegen.blueprints import Blueprint
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
    from django.db.models import F

    return PageOrigin.objects.filter(
        page__in=pages, template__version__gt=F("template_version")
    ).select_related("page", "template")


# --- Blueprint sync -----------------------------------------------------------------------------


def blueprint_missing(*, blueprint: Blueprint, existing: dict[str, int | None]) -> list[str]:
    """Keys of the blueprint's pages a site lacks, given its BlueprintPage rows (key -> page
    id, None when a local editor deleted the page). Mirrors sitegen.services.blueprint_apply:
    pages under a locally deleted parent are left alone."""
    present: set[str] = {key for key, page_id in existing.items() if page_id is not None}
    missing: list[str] = []
    for spec, parent in blueprint.pages_up_to(blueprint.version):
        if spec.key in existing:
            continue
        if parent is not None and parent.key not in present:
            continue
        missing.append(spec.key)
        present.add(spec.key)
    return missing


# --- Network overview ---------------------------------------------------------------------------


def belgian_holidays(year: int) -> list[tuple[dt.date, str]]:
    from dateutil.easter import easter

    easter_sunday = easter(year)
    return sorted(
        [
            (dt.date(year, 1, 1), _("Nieuwjaar")),
            (easter_sunday + dt.timedelta(days=1), _("Paasmaandag")),
            (dt.date(year, 5, 1), _("Dag van de Arbeid")),
            (easter_sunday + dt.timedelta(days=39), _("O.-L.-H.-Hemelvaart")),
            (easter_sunday + dt.timedelta(days=50), _("Pinkstermaandag")),
            (dt.date(year, 7, 11), _("Vlaamse feestdag")),
            (dt.date(year, 7, 21), _("Nationale feestdag")),
            (dt.date(year, 8, 15), _("O.-L.-V.-Hemelvaart")),
            (dt.date(year, 11, 1), _("Allerheiligen")),
            (dt.date(year, 11, 11), _("Wapenstilstand")),
            (dt.date(year, 12, 25), _("Kerstmis")),
        ]
    )


def holidays_coming(*, today: dt.date, days: int = 60) -> list[tuple[dt.date, str]]:
    end = today + dt.timedelta(days=days)
    return [
        (day, name)
        for year in (today.year, today.year + 1)
        for day, name in belgian_holidays(year)
        if today <= day <= end
    ]


@dataclass
class SiteOverview:
    tenant_id: int
    name: str
    slug: str
    kind: str
    kind_label: str
    province: str
    hostname: str
    root_url: str
    root_page_id: int
    blueprint_version: int
    pages: int = 0
    last_edit_at: dt.datetime | None = None
    last_edit_by: str = ""
    upcoming_events: int = 0
    locations: int = 0
    locations_without_holiday_hours: int = 0
    colour_warnings: list[str] = field(default_factory=list)

    @property
    def has_warnings(self) -> bool:
        return bool(self.colour_warnings or self.locations_without_holiday_hours)


@dataclass
class NetworkOverview:
    sites: list[SiteOverview]
    holidays: list[tuple[dt.date, str]]
    events_available: bool


EDIT_ACTIONS = (
    "wagtail.create",
    "wagtail.edit",
    "wagtail.publish",
    "wagtail.unpublish",
    "wagtail.revert",
    "wagtail.delete",
    "wagtail.move",
)
OVERVIEW_SORTS = {
    "naam": lambda s: s.name.lower(),
    "soort": lambda s: (s.kind, s.name.lower()),
    "versie": lambda s: (s.blueprint_version, s.name.lower()),
    "paginas": lambda s: (s.pages, s.name.lower()),
    "bewerkt": lambda s: (s.last_edit_at or dt.datetime.min.replace(tzinfo=dt.UTC),),
    "evenementen": lambda s: (s.upcoming_events, s.name.lower()),
    "waarschuwingen": lambda s: (
        len(s.colour_warnings) + s.locations_without_holiday_hours,
        s.name.lower(),
    ),
}


def _root_prefix_length() -> int:
    # Site home pages sit right under the tree root (HomePage.parent_page_types), at depth 2.
    return Page.steplen * 2


def _page_counts() -> dict[str, int]:
    from django.db.models import Count
    from django.db.models.functions import Substr

    rows = (
        Page.objects.filter(depth__gte=2)
        .annotate(prefix=Substr("path", 1, _root_prefix_length()))
        .values("prefix")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def _upcoming_events() -> tuple[bool, dict[str, int]]:
    """Upcoming event occurrences per site root, if the events app provides occurrences."""
    from django.apps import apps
    from django.db.models import Count
    from django.db.models.functions import Substr

    try:
        occurrence = apps.get_model("events", "Occurrence")
    except LookupError:
        return False, {}
    names = {f.name for f in occurrence._meta.get_fields()}
    if not {"page", "start"} <= names:
        return False, {}
    rows = (
        occurrence.objects.filter(start__gte=timezone.now(), page__live=True)
        .annotate(prefix=Substr("page__path", 1, _root_prefix_length()))
        .values("prefix")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return True, {row["prefix"]: row["n"] for row in rows}


def _locations_without_holiday_hours(
    holidays: list[dt.date],
) -> tuple[dict[str, int], dict[str, int]]:
    from django.db.models import Count
    from django.db.models.functions import Substr

    from library_pages.models import ExceptionalHours, LocationPage

    def covering(day: dt.date):
        return ExceptionalHours.objects.filter(location=OuterRef("pk"), start_date__lte=day).filter(
            Q(end_date__gte=day) | Q(end_date__isnull=True, start_date=day)
        )

    missing = Q(pk__in=[])
    for day in holidays:
        missing |= ~Exists(covering(day))
    rows = (
        LocationPage.objects.live()
        .annotate(prefix=Substr("path", 1, _root_prefix_length()))
        .values("prefix")
        .annotate(total=Count("pk"), lacking=Count("pk", filter=missing))
        .order_by()
    )
    totals = {row["prefix"]: row["total"] for row in rows}
    lacking = {row["prefix"]: row["lacking"] for row in rows}
    return totals, lacking


def _colour_warnings() -> dict[int, list[str]]:
    from home.branding import HEX_COLOUR, WCAG_AA_NORMAL_TEXT, contrast_ratio
    from home.models import BrandingSettings

    warnings: dict[int, list[str]] = {}
    for row in BrandingSettings.objects.values(
        "site_id", "primary_colour", "primary_text_colour", "accent_colour", "accent_text_colour"
    ):
        pairs = (
            (_("hoofdkleur"), row["primary_colour"], row["primary_text_colour"]),
            (_("accentkleur"), row["accent_colour"], row["accent_text_colour"]),
        )
        for label, background, text in pairs:
            if not (HEX_COLOUR.match(background or "") and HEX_COLOUR.match(text or "")):
                warnings.setdefault(row["site_id"], []).append(
                    _("%(label)s ongeldig") % {"label": label}
                )
                continue
            ratio = contrast_ratio(background, text)
            if ratio < WCAG_AA_NORMAL_TEXT:
                warnings.setdefault(row["site_id"], []).append(
                    _("%(label)s: contrast %(ratio).1f:1") % {"label": label, "ratio": ratio}
                )
    return warnings


def network_overview(
    *,
    kind: str = "",
    province: str = "",
    warnings_only: bool = False,
    sort: str = "naam",
    descending: bool = False,
    today: dt.date | None = None,
) -> NetworkOverview:
    """Every site with its figures, computed in a fixed number of aggregate queries (six),
    whatever the number of sites."""
    from wagtail.models import PageLogEntry

    from home.models import SiteKind

    today = today or timezone.localdate()
    edits = PageLogEntry.objects.filter(
        action__in=EDIT_ACTIONS, page__path__startswith=OuterRef("site__root_page__path")
    ).order_by("-timestamp", "-pk")
    identity = IdentitySettings.objects.filter(site=OuterRef("site_id"))
    tenants = (
        Tenant.objects.select_related("site", "site__root_page")
        .annotate(
            province=Subquery(identity.values("province")[:1]),
            last_edit_at=Subquery(edits.values("timestamp")[:1]),
            last_edit_by=Subquery(edits.values("user__username")[:1]),
        )
        .order_by("slug")
    )
    if kind:
        tenants = tenants.filter(kind=kind)
    if province:
        tenants = tenants.filter(province=province)
    holidays = holidays_coming(today=today)
    page_counts = _page_counts()
    events_available, events = _upcoming_events()
    totals, lacking = _locations_without_holiday_hours([day for day, _name in holidays])
    colours = _colour_warnings()
    kind_labels = dict(SiteKind.choices)
    sites = []
    for tenant in tenants:
        site = tenant.site
        prefix = site.root_page.path
        sites.append(
            SiteOverview(
                tenant_id=tenant.pk,
                name=site.site_name or tenant.slug,
                slug=tenant.slug,
                kind=tenant.kind,
                kind_label=str(kind_labels.get(tenant.kind, tenant.kind)),
                province=tenant.province or "",
                hostname=site.hostname,
                root_url=site.root_url,
                root_page_id=site.root_page_id,
                blueprint_version=tenant.blueprint_version,
                pages=page_counts.get(prefix, 0),
                last_edit_at=tenant.last_edit_at,
                last_edit_by=tenant.last_edit_by or "",
                upcoming_events=events.get(prefix, 0),
                locations=totals.get(prefix, 0),
                locations_without_holiday_hours=lacking.get(prefix, 0),
                colour_warnings=colours.get(site.pk, []),
            )
        )
    if warnings_only:
        sites = [s for s in sites if s.has_warnings]
    key = OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["naam"])
    sites.sort(key=key, reverse=descending)
    return NetworkOverview(sites=sites, holidays=holidays, events_available=events_available)
