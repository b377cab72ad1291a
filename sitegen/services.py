"""Provisioning: one atomic, idempotent service that turns a blueprint into a working site."""

import logging
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from home.models import (
    BrandingSettings,
    ContactSettings,
    HomePage,
    IdentitySettings,
    IntegrationSettings,
    NavigationSettings,
    Tenant,
)
from registrations.models import RegistrationSettings
from sitegen.blueprints import Blueprint, PageSpec
from sitegen.models import BlueprintPage

logger = logging.getLogger(__name__)

HOSTNAME_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
SLUG_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
EDITOR_MEDIA_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
MODERATOR_MEDIA_PERMISSIONS = (
    *EDITOR_MEDIA_PERMISSIONS,
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
)
# Identity (kind, municipality, province) is set by provisioning and stays central.
EDITOR_SETTINGS = (NavigationSettings, ContactSettings)
MODERATOR_SETTINGS = (
    NavigationSettings,
    ContactSettings,
    BrandingSettings,
    IntegrationSettings,
    RegistrationSettings,
)


class ProvisioningError(Exception):
    """A provisioning request that cannot be carried out; the message is for the editor."""


@dataclass(frozen=True)
class SiteRequest:
    """What a central editor asks for. Everything but name and slug has a default."""

    name: str
    slug: str
    hostname: str = ""
    port: int | None = None
    municipality: str = ""
    nis_code: str = ""
    province: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""

    def resolved_hostname(self) -> str:
        return (self.hostname or f"{self.slug}.{settings.SITE_DOMAIN_SUFFIX}").lower()

    def resolved_port(self) -> int:
        return self.port or settings.SITE_PORT


@dataclass
class ProvisionResult:
    tenant: Tenant
    created: bool
    pages_created: list[str] = field(default_factory=list)


def site_request_validate(*, request: SiteRequest) -> None:
    if not request.name.strip():
        raise ProvisioningError(_("De naam van de website ontbreekt."))
    if len(request.name) > 200:
        raise ProvisioningError(_("De naam is te lang (maximaal 200 tekens)."))
    if not SLUG_RE.match(request.slug):
        raise ProvisioningError(
            _(
                "Ongeldige slug \u201c%(slug)s\u201d: gebruik kleine letters, cijfers en "
                "koppeltekens (maximaal 63 tekens)."
            )
            % {"slug": request.slug}
        )
    hostname = request.resolved_hostname()
    if not HOSTNAME_RE.match(hostname):
        raise ProvisioningError(
            _("Ongeldige hostnaam \u201c%(hostname)s\u201d.") % {"hostname": hostname}
        )
    if request.nis_code and not re.fullmatch(r"\d{5}", request.nis_code):
        raise ProvisioningError(_("Een NIS-code bestaat uit 5 cijfers."))
    if request.postal_code and not re.fullmatch(r"\d{4}", request.postal_code):
        raise ProvisioningError(_("Een Belgische postcode heeft 4 cijfers."))


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _setting_permission(model) -> Permission:
    return Permission.objects.get(
        content_type__app_label=model._meta.app_label,
        codename=f"change_{model._meta.model_name}",
    )


def _create_group(name: str) -> Group:
    if Group.objects.filter(name=name).exists():
        raise ProvisioningError(_("De groep \u201c%(name)s\u201d bestaat al.") % {"name": name})
    group = Group.objects.create(name=name)
    group.permissions.add(_permission("wagtailadmin", "access_admin"))
    return group


def _grant(
    *,
    group: Group,
    home: Page,
    site: Site,
    collection: Collection,
    page_permissions: tuple[str, ...],
    media_permissions: tuple[tuple[str, str], ...],
    setting_models: tuple,
) -> None:
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page=home, permission=_permission("wagtailcore", codename))
        for codename in page_permissions
    )
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )
        for app_label, codename in media_permissions
    )
    GroupSitePermission.objects.bulk_create(
        GroupSitePermission(group=group, site=site, permission=_setting_permission(model))
        for model in setting_models
    )


def _setting_permissions_ensure(*, tenant: Tenant) -> None:
    """Grant the site's groups the per-site settings that were added to the platform after the
    site was provisioned (re-provisioning and `sitegen sync` both come through here)."""
    for group, models in (
        (tenant.editors_group, EDITOR_SETTINGS),
        (tenant.moderators_group, MODERATOR_SETTINGS),
    ):
        granted = set(
            GroupSitePermission.objects.filter(group=group, site=tenant.site).values_list(
                "permission_id", flat=True
            )
        )
        GroupSitePermission.objects.bulk_create(
            GroupSitePermission(group=group, site=tenant.site, permission=permission)
            for permission in (_setting_permission(model) for model in models)
            if permission.pk not in granted
        )


def _create_page(*, parent: Page, spec: PageSpec) -> Page:
    model = apps.get_model(spec.model)
    page = model(title=spec.title, slug=spec.slug, show_in_menus=spec.in_main_menu)
    for name, value in spec.fields.items():
        setattr(page, name, value)
    if parent.get_children().filter(slug=spec.slug).exists():
        # The slug is taken by a local page; keep theirs and add ours beside it.
        page.slug = f"{spec.slug}-{spec.key}"
    parent.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
    return page


def blueprint_apply(*, tenant: Tenant, blueprint: Blueprint) -> list[str]:
    """Add the blueprint's pages that the site lacks; never touch pages that exist.

    Returns the keys of the pages created. Runs in the caller's transaction.
    """
    home = tenant.site.root_page
    existing = {row.key: row.page_id for row in BlueprintPage.objects.filter(tenant=tenant)}
    pages_by_key: dict[str, Page | None] = {}
    created: list[str] = []
    for spec, parent_spec in blueprint.pages_up_to(blueprint.version):
        if spec.key in existing:
            pages_by_key[spec.key] = (
                Page.objects.filter(pk=existing[spec.key]).first() if existing[spec.key] else None
            )
            continue
        parent = home if parent_spec is None else pages_by_key.get(parent_spec.key)
        if parent is None:
            continue  # the parent was deleted locally: leave this branch alone
        page = _create_page(parent=parent, spec=spec)
        BlueprintPage.objects.create(
            tenant=tenant, key=spec.key, page=page, added_in_version=blueprint.version
        )
        pages_by_key[spec.key] = page
        created.append(spec.key)
    if created:
        _navigation_extend(tenant=tenant, blueprint=blueprint, keys=created, pages=pages_by_key)
    _setting_permissions_ensure(tenant=tenant)
    if tenant.blueprint_version < blueprint.version:
        tenant.blueprint_version = blueprint.version
        tenant.save(update_fields=["blueprint_version"])
    return created


def _navigation_extend(
    *, tenant: Tenant, blueprint: Blueprint, keys: list[str], pages: dict[str, Page | None]
) -> None:
    navigation = NavigationSettings.for_site(tenant.site)
    main = list(navigation.main_menu.raw_data) if navigation.main_menu else []
    footer = list(navigation.footer_menu.raw_data) if navigation.footer_menu else []
    for spec, _parent in blueprint.all_pages():
        page = pages.get(spec.key)
        if spec.key not in keys or page is None:
            continue
        item = {"type": "link", "value": {"label": "", "page": page.pk, "url": ""}}
        if spec.in_main_menu:
            main.append(item)
        if spec.in_footer_menu:
            footer.append(item)
    navigation.main_menu = main
    navigation.footer_menu = footer
    navigation.save()


def _workflow_create(*, name: str, moderators: Group, home: Page) -> None:
    workflow = Workflow.objects.create(name=_("Moderatie %(site)s") % {"site": name})
    task = GroupApprovalTask.objects.create(
        name=_("Goedkeuring door de moderatoren van %(site)s") % {"site": name}
    )
    task.groups.set([moderators])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=home)


@transaction.atomic
def provision_site(*, blueprint: Blueprint, request: SiteRequest) -> ProvisionResult:
    """Create a site from a blueprint, or bring an existing one up to the blueprint.

    Idempotent on the slug: a second call with the same slug creates nothing that exists.
    Atomic: on any error nothing of the new site remains.
    """
    site_request_validate(request=request)
    # Wagtail caches the site root paths in the shared cache for an hour. A provisioning that
    # was rolled back (here or in a caller's transaction) leaves an entry for a Site that does
    # not exist; a retry creates its home page at the same url_path, and validating it
    # (page.get_site()) would then raise Site.DoesNotExist. Start from the database.
    Site.clear_site_root_paths_cache()
    hostname = request.resolved_hostname()
    port = request.resolved_port()

    tenant = Tenant.objects.select_related("site").filter(slug=request.slug).first()
    if tenant is not None:
        if tenant.kind != blueprint.kind:
            raise ProvisioningError(
                _(
                    "De slug \u201c%(slug)s\u201d is al in gebruik door een website van een "
                    "andere soort."
                )
                % {"slug": request.slug}
            )
        if request.hostname and tenant.site.hostname != hostname:
            raise ProvisioningError(
                _("De slug \u201c%(slug)s\u201d is al in gebruik door %(hostname)s.")
                % {"slug": request.slug, "hostname": tenant.site.hostname}
            )
        created_pages = blueprint_apply(tenant=tenant, blueprint=blueprint)
        return ProvisionResult(tenant=tenant, created=False, pages_created=created_pages)

    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise ProvisioningError(
            _("De hostnaam %(hostname)s is al in gebruik.") % {"hostname": hostname}
        )
    root = Page.get_first_root_node()
    if root.get_children().filter(slug=request.slug).exists():
        raise ProvisioningError(
            _("Er bestaat al een startpagina met de slug \u201c%(slug)s\u201d.")
            % {"slug": request.slug}
        )

    home = HomePage(
        title=request.name,
        slug=request.slug,
        intro=blueprint.home_intro,
        body=list(blueprint.home_body),
    )
    root.add_child(instance=home)
    home.save_revision(log_action=False).publish(log_action=False)

    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=request.name)
    collection = Collection.get_first_root_node().add_child(name=request.name)
    editors = _create_group(_("%(site)s redacteurs") % {"site": request.name})
    moderators = _create_group(_("%(site)s moderatoren") % {"site": request.name})
    _grant(
        group=editors,
        home=home,
        site=site,
        collection=collection,
        page_permissions=EDITOR_PAGE_PERMISSIONS,
        media_permissions=EDITOR_MEDIA_PERMISSIONS,
        setting_models=EDITOR_SETTINGS,
    )
    _grant(
        group=moderators,
        home=home,
        site=site,
        collection=collection,
        page_permissions=MODERATOR_PAGE_PERMISSIONS,
        media_permissions=MODERATOR_MEDIA_PERMISSIONS,
        setting_models=MODERATOR_SETTINGS,
    )
    _workflow_create(name=request.name, moderators=moderators, home=home)

    tenant = Tenant.objects.create(
        site=site,
        slug=request.slug,
        kind=blueprint.kind,
        collection=collection,
        editors_group=editors,
        moderators_group=moderators,
        blueprint=blueprint.kind,
        blueprint_version=0,
    )
    _settings_initialise(tenant=tenant, blueprint=blueprint, request=request)
    created_pages = blueprint_apply(tenant=tenant, blueprint=blueprint)
    logger.info("Provisioned %s at %s:%s", request.slug, hostname, port)
    return ProvisionResult(tenant=tenant, created=True, pages_created=["home", *created_pages])


def _settings_initialise(*, tenant: Tenant, blueprint: Blueprint, request: SiteRequest) -> None:
    site = tenant.site
    IdentitySettings.objects.update_or_create(
        site=site,
        defaults={
            "kind": blueprint.kind,
            "municipality": request.municipality,
            "nis_code": request.nis_code,
            "province": request.province,
        },
    )
    BrandingSettings.objects.update_or_create(
        site=site,
        defaults={
            "primary_colour": blueprint.branding.primary_colour,
            "accent_colour": blueprint.branding.accent_colour,
        },
    )
    ContactSettings.objects.update_or_create(
        site=site,
        defaults={
            "street": request.street,
            "postal_code": request.postal_code,
            "city": request.city or request.municipality,
            "email": request.email,
            "phone": request.phone,
        },
    )
    IntegrationSettings.objects.update_or_create(
        site=site, defaults={"catalogue_profile": request.slug if blueprint.catalogue else ""}
    )
    NavigationSettings.objects.get_or_create(site=site)


def slug_for(name: str) -> str:
    return slugify(name)[:63].strip("-")
