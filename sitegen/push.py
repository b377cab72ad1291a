"""Writes of the central push: shared sections (detach), pages from templates, and
blueprint sync of existing sites. See docs/central-content.md."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.fields import StreamField
from wagtail.models import Page, ReferenceIndex, Revision, Site

from catalogue.models import LibraryAccountSettings
from central.models import PageTemplate, SharedSection
from home.models import (
    BrandingSettings,
    ContactSettings,
    IdentitySettings,
    IntegrationSettings,
    NavigationSettings,
    Tenant,
)
from registrations.models import RegistrationSettings
from sitegen.blueprints import Blueprint
from sitegen.models import BlueprintPage, PageOrigin
from sitegen.selectors.sync import blueprint_missing
from sitegen.selectors.templates import page_template_changes
from sitegen.services import blueprint_apply, site_root_paths_refresh

logger = logging.getLogger(__name__)


class PushError(Exception):
    """A push request that cannot be carried out; the message is for the editor."""


# --- Shared sections ----------------------------------------------------------------------------


def shared_section_pages(*, section: SharedSection) -> list[Page]:
    """Live pages whose current content embeds the section (from Wagtail's reference index)."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = (
        ReferenceIndex.get_references_to(section)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids]).order_by("path"))


def _stream_fields(page: Page) -> list[StreamField]:
    return [f for f in page._meta.get_fields() if isinstance(f, StreamField)]


def _section_blocks(section: SharedSection) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if section.show_title:
        blocks.append(
            {
                "type": "heading",
                "value": {"text": section.title, "level": "h2"},
                "id": str(uuid.uuid4()),
            }
        )
    for block in section.body.get_prep_value():
        blocks.append({"type": block["type"], "value": block["value"], "id": str(uuid.uuid4())})
    return blocks


def shared_section_detach(*, page: Page, block_id: str, user: Any) -> Revision:
    """Replace one "Gedeelde sectie" block of the page's latest draft by a local, editable
    copy of the section's content, saved as a new revision (not published)."""
    page = page.get_latest_revision_as_object()
    for stream_field in _stream_fields(page):
        data = list(getattr(page, stream_field.name).get_prep_value())
        for index, block in enumerate(data):
            if block.get("id") != block_id or block.get("type") != "shared_section":
                continue
            section = SharedSection.objects.filter(pk=block.get("value")).first()
            if section is None:
                raise PushError(_("Deze gedeelde sectie bestaat niet meer."))
            data[index : index + 1] = _section_blocks(section)
            setattr(page, stream_field.name, data)
            return page.save_revision(user=user, log_action=True)
    raise PushError(_("Deze gedeelde sectie staat niet (meer) op de pagina."))


def shared_sections_on_page(*, page: Page) -> list[tuple[str, SharedSection]]:
    """(block id, section) of every "Gedeelde sectie" block in the page's latest draft."""
    page = page.get_latest_revision_as_object()
    found: list[tuple[str, int]] = []
    for stream_field in _stream_fields(page):
        for block in getattr(page, stream_field.name).get_prep_value():
            if block.get("type") == "shared_section" and block.get("value"):
                found.append((block["id"], block["value"]))
    sections = SharedSection.objects.in_bulk([pk for _id, pk in found])
    return [(block_id, sections[pk]) for block_id, pk in found if pk in sections]


# --- Page templates -----------------------------------------------------------------------------


def _fresh_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**block, "id": str(uuid.uuid4())} for block in blocks]


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:70] or "pagina"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def page_template_allowed(*, template: PageTemplate, parent: Page) -> bool:
    model = apps.get_model(template.page_type)
    return model in parent.specific_class.allowed_subpage_models() and model.can_create_at(parent)


@transaction.atomic
def page_from_template_create(
    *, template: PageTemplate, parent: Page, title: str, user: Any
) -> Page:
    """A new draft page under parent, copied from the template's current version, which the
    page remembers (PageOrigin)."""
    if not page_template_allowed(template=template, parent=parent):
        raise PushError(_("Dit sjabloon past niet onder deze pagina."))
    title = title.strip() or template.title
    model = apps.get_model(template.page_type)
    page = model(
        title=title,
        slug=_unique_slug(parent, title),
        live=False,
        owner=user,
        intro=template.intro or title,
        body=_fresh_ids(list(template.body.get_prep_value())),
    )
    try:
        parent.add_child(instance=page)
    except ValidationError as error:
        raise PushError(" ".join(error.messages)) from error
    page.save_revision(user=user, log_action=True)
    PageOrigin.objects.create(page=page, template=template, template_version=template.version)
    return page


@transaction.atomic
def page_template_accept(*, page: Page, user: Any) -> Revision | None:
    """Take the template's changes over into a new draft revision of the page: the fields
    that changed in the template since the page's version get the template's new value."""
    changes = page_template_changes(page=page)
    if changes is None:
        return None
    template = changes.origin.template
    draft = page.get_latest_revision_as_object()
    content = template.content()
    names = {change.name for change in changes.fields}
    if "title" in names:
        draft.title = content["title"]
    if "intro" in names and hasattr(draft, "intro"):
        draft.intro = content["intro"]
    if changes.blocks and hasattr(draft, "body"):
        draft.body = _fresh_ids(content["body"])
    revision = draft.save_revision(user=user, log_action=True)
    PageOrigin.objects.filter(pk=changes.origin.pk).update(
        template_version=template.version, reviewed_at=timezone.now()
    )
    return revision


def page_template_keep(*, page: Page) -> None:
    """Keep the page as it is and stop the notice for the template's current version."""
    changes = page_template_changes(page=page)
    if changes is None:
        return
    PageOrigin.objects.filter(pk=changes.origin.pk).update(
        template_version=changes.to_version, reviewed_at=timezone.now()
    )


# --- Blueprint sync -----------------------------------------------------------------------------

SETTING_MODELS = (
    IdentitySettings,
    BrandingSettings,
    ContactSettings,
    IntegrationSettings,
    NavigationSettings,
    RegistrationSettings,
    LibraryAccountSettings,
)


@dataclass
class SiteSyncResult:
    tenant: Tenant
    status: str  # "bijgewerkt", "up-to-date", "dry-run", "mislukt"
    pages: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    version_before: int = 0
    version_after: int = 0
    error: str = ""


@dataclass
class SyncReport:
    kind: str
    version: int
    dry_run: bool
    sites: list[SiteSyncResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for site in self.sites if site.status == status)


def _settings_defaults(model: type, tenant: Tenant, blueprint: Blueprint) -> dict[str, Any]:
    if model is IdentitySettings:
        return {"kind": blueprint.kind}
    if model is BrandingSettings:
        return {
            "primary_colour": blueprint.branding.primary_colour,
            "accent_colour": blueprint.branding.accent_colour,
        }
    if model is IntegrationSettings:
        return {"catalogue_profile": tenant.slug if blueprint.catalogue else ""}
    return {}


def _settings_add(*, tenant: Tenant, blueprint: Blueprint, missing: list[type]) -> list[str]:
    """Create the setting rows a site lacks, with the blueprint's defaults; rows that exist
    are never touched (they hold local choices)."""
    added = []
    for model in missing:
        _row, created = model.objects.get_or_create(
            site=tenant.site, defaults=_settings_defaults(model, tenant, blueprint)
        )
        if created:
            added.append(model._meta.model_name)
    return added


def blueprint_sync(
    *,
    blueprint: Blueprint,
    dry_run: bool = False,
    on_site: Callable[[int, int, SiteSyncResult], None] | None = None,
) -> SyncReport:
    """Bring every existing site of the blueprint's kind up to the blueprint's version.

    Adds the pages (and setting rows) a site lacks; never changes what exists. Each site is
    synced in its own transaction, which ends by recording the version the site follows
    (Tenant.blueprint_version): an interrupted run is resumed by running it again, and a
    second run changes nothing. A failing site is reported and the run goes on.
    """
    report = SyncReport(kind=blueprint.kind, version=blueprint.version, dry_run=dry_run)
    tenants = list(Tenant.objects.filter(kind=blueprint.kind).select_related("site"))
    rows: dict[int, dict[str, int | None]] = {tenant.pk: {} for tenant in tenants}
    for tenant_id, key, page_id in BlueprintPage.objects.filter(tenant__in=tenants).values_list(
        "tenant_id", "key", "page_id"
    ):
        rows[tenant_id][key] = page_id
    site_ids = [tenant.site_id for tenant in tenants]
    settings_present = {
        model: set(model.objects.filter(site_id__in=site_ids).values_list("site_id", flat=True))
        for model in SETTING_MODELS
    }
    total = len(tenants)
    # From the database once (a rolled-back change may have left the cache stale); each
    # site's page creation then reads it from the cache, not all sites again per site.
    site_root_paths_refresh()
    for number, tenant in enumerate(tenants, start=1):
        missing_pages = blueprint_missing(blueprint=blueprint, existing=rows[tenant.pk])
        missing_settings = [
            model for model in SETTING_MODELS if tenant.site_id not in settings_present[model]
        ]
        result = SiteSyncResult(
            tenant=tenant,
            status="up-to-date",
            version_before=tenant.blueprint_version,
            version_after=tenant.blueprint_version,
        )
        behind = tenant.blueprint_version < blueprint.version
        if dry_run:
            if missing_pages or missing_settings or behind:
                result.status = "dry-run"
                result.pages = missing_pages
                result.settings = [model._meta.model_name for model in missing_settings]
                result.version_after = max(blueprint.version, tenant.blueprint_version)
        elif missing_pages or missing_settings or behind:
            try:
                with transaction.atomic():
                    locked = Tenant.objects.select_for_update().select_related("site")
                    locked_tenant = locked.get(pk=tenant.pk)
                    result.pages = blueprint_apply(tenant=locked_tenant, blueprint=blueprint)
                    result.settings = _settings_add(
                        tenant=locked_tenant, blueprint=blueprint, missing=missing_settings
                    )
                    result.version_after = locked_tenant.blueprint_version
                result.status = "bijgewerkt"
            except Exception as error:  # one site's failure must not stop the network
                logger.exception("Blueprint sync failed for %s", tenant.slug)
                result.status = "mislukt"
                result.pages, result.settings = [], []
                result.version_after = tenant.blueprint_version
                result.error = f"{type(error).__name__}: {error}"
                Site.clear_site_root_paths_cache()
        report.sites.append(result)
        if on_site is not None:
            on_site(number, total, result)
    return report
