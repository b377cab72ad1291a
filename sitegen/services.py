"""Provisioning: one atomic, idempotent service that turns a blueprint into a working site."""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
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
    SiteRootPath,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from catalogue.models import LibraryAccountSettings
from home.models import (
    BrandingSettings,
    ContactSettings,
    HomePage,
    IdentitySettings,
    IntegrationSettings,
    NavigationSettings,
    RegionMunicipality,
    SiteKind,
    Tenant,
)
from home.page_bulk import page_tree_bulk_create
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
    LibraryAccountSettings,
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


def _permissions_load(*, codenames: set[tuple[str, str]]) -> dict[tuple[str, str], Permission]:
    """The permissions provisioning grants, in one query (not one per codename)."""
    rows = Permission.objects.filter(
        content_type__app_label__in={app for app, _codename in codenames},
        codename__in={codename for _app, codename in codenames},
    ).select_related("content_type")
    found = {(row.content_type.app_label, row.codename): row for row in rows}
    missing = codenames - found.keys()
    if missing:
        raise ProvisioningError(
            _("Rechten ontbreken in de database: %(names)s.")
            % {"names": ", ".join(sorted(f"{app}.{code}" for app, code in missing))}
        )
    return found


def _setting_codename(model) -> tuple[str, str]:
    return (model._meta.app_label, f"change_{model._meta.model_name}")


def _groups_create(*, names: list[str]) -> list[Group]:
    taken = list(Group.objects.filter(name__in=names).values_list("name", flat=True))
    if taken:
        raise ProvisioningError(_("De groep \u201c%(name)s\u201d bestaat al.") % {"name": taken[0]})
    return Group.objects.bulk_create([Group(name=name) for name in names])


def _grants_create(
    *,
    grants: list[tuple[Group, tuple[str, ...], tuple[tuple[str, str], ...], tuple]],
    home: Page,
    site: Site,
    collection: Collection,
) -> None:
    """Admin access, page, collection and per-site settings permissions for the site's groups:
    one INSERT per kind of permission for all groups together."""
    codenames = {("wagtailadmin", "access_admin")}
    for _group, page_permissions, media_permissions, setting_models in grants:
        codenames |= {("wagtailcore", codename) for codename in page_permissions}
        codenames |= set(media_permissions)
        codenames |= {_setting_codename(model) for model in setting_models}
    permissions = _permissions_load(codenames=codenames)
    Group.permissions.through.objects.bulk_create(
        Group.permissions.through(
            group=group, permission=permissions[("wagtailadmin", "access_admin")]
        )
        for group, *_rest in grants
    )
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(
            group=group, page=home, permission=permissions[("wagtailcore", codename)]
        )
        for group, page_permissions, _media, _settings in grants
        for codename in page_permissions
    )
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission=permissions[key])
        for group, _pages, media_permissions, _settings in grants
        for key in media_permissions
    )
    GroupSitePermission.objects.bulk_create(
        GroupSitePermission(
            group=group, site=site, permission=permissions[_setting_codename(model)]
        )
        for group, _pages, _media, setting_models in grants
        for model in setting_models
    )


def _setting_permissions_ensure(*, tenant: Tenant) -> None:
    """Grant the site's groups the per-site settings that were added to the platform after the
    site was provisioned (re-provisioning and `sitegen sync` both come through here)."""
    wanted = (
        (tenant.editors_group_id, EDITOR_SETTINGS),
        (tenant.moderators_group_id, MODERATOR_SETTINGS),
    )
    granted = set(
        GroupSitePermission.objects.filter(
            group_id__in=[group_id for group_id, _models in wanted], site_id=tenant.site_id
        ).values_list("group_id", "permission__content_type__app_label", "permission__codename")
    )
    missing = [
        (group_id, _setting_codename(model))
        for group_id, models in wanted
        for model in models
        if (group_id, *_setting_codename(model)) not in granted
    ]
    if not missing:
        return
    permissions = _permissions_load(codenames={codename for _group, codename in missing})
    GroupSitePermission.objects.bulk_create(
        GroupSitePermission(
            group_id=group_id, site_id=tenant.site_id, permission=permissions[codename]
        )
        for group_id, codename in missing
    )


def _page_from_spec(*, spec: PageSpec, taken_slugs: set[str]) -> Page:
    model = apps.get_model(spec.model)
    page = model(title=spec.title, slug=spec.slug, show_in_menus=spec.in_main_menu)
    for name, value in spec.fields.items():
        setattr(page, name, value)
    if spec.slug in taken_slugs:
        # The slug is taken by a local page; keep theirs and add ours beside it.
        page.slug = f"{spec.slug}-{spec.key}"
    return page


@dataclass
class _BlueprintPlan:
    """The blueprint pages a site lacks, placed under their parents, not yet saved."""

    placements: list[tuple[Page, Page]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    pages_by_key: dict[str, Page | None] = field(default_factory=dict)


def _blueprint_plan(
    *,
    home: Page,
    blueprint: Blueprint,
    existing: dict[str, int | None],
    home_is_new: bool = False,
) -> _BlueprintPlan:
    """Which blueprint pages to create where; reads the existing parents and their children's
    slugs in two queries (none when nothing is missing)."""
    plan = _BlueprintPlan()
    specs = blueprint.pages_up_to(blueprint.version)
    missing = [(spec, parent) for spec, parent in specs if spec.key not in existing]
    if not missing:
        return plan
    parent_ids = {
        existing[parent.key]
        for _spec, parent in missing
        if parent is not None and existing.get(parent.key)
    }
    parents = {page.pk: page for page in Page.objects.filter(pk__in=parent_ids)}
    if not home_is_new:
        parents[home.pk] = home
    # Slugs under the parents that exist already: the blueprint never takes a local page's slug.
    slugs: dict[int, set[str]] = defaultdict(set)
    if parents:
        condition = Q()
        pk_by_path = {}
        for page in parents.values():
            condition |= Q(path__startswith=page.path, depth=page.depth + 1)
            pk_by_path[page.path] = page.pk
        for path, slug in Page.objects.filter(condition).values_list("path", "slug"):
            parent_pk = pk_by_path.get(path[: -Page.steplen])
            if parent_pk is not None:
                slugs[parent_pk].add(slug)
    for spec, parent_spec in specs:
        if spec.key in existing:
            page_id = existing[spec.key]
            plan.pages_by_key[spec.key] = parents.get(page_id) if page_id else None
            continue
        parent = home if parent_spec is None else plan.pages_by_key.get(parent_spec.key)
        if parent is None:
            continue  # the parent was deleted locally: leave this branch alone
        page = _page_from_spec(spec=spec, taken_slugs=slugs.get(parent.pk, set()))
        plan.placements.append((parent, page))
        plan.keys.append(spec.key)
        plan.pages_by_key[spec.key] = page
    return plan


def _blueprint_plan_record(*, tenant: Tenant, blueprint: Blueprint, plan: _BlueprintPlan) -> None:
    """After the plan's pages are saved: their BlueprintPage rows and menu entries."""
    if not plan.keys:
        return
    BlueprintPage.objects.bulk_create(
        BlueprintPage(
            tenant=tenant,
            key=key,
            page=plan.pages_by_key[key],
            added_in_version=blueprint.version,
        )
        for key in plan.keys
    )
    _navigation_extend(tenant=tenant, blueprint=blueprint, keys=plan.keys, pages=plan.pages_by_key)


def blueprint_apply(*, tenant: Tenant, blueprint: Blueprint) -> list[str]:
    """Add the blueprint's pages that the site lacks; never touch pages that exist.

    Returns the keys of the pages created. Runs in the caller's transaction. The pages are
    created in bulk (home.page_bulk), so the queries do not grow with the number of pages.
    """
    existing = dict(BlueprintPage.objects.filter(tenant=tenant).values_list("key", "page_id"))
    if any(spec.key not in existing for spec, _p in blueprint.pages_up_to(blueprint.version)):
        home = Page.objects.get(pk=tenant.site.root_page_id)
        plan = _blueprint_plan(home=home, blueprint=blueprint, existing=existing)
        page_tree_bulk_create(placements=plan.placements)
        _blueprint_plan_record(tenant=tenant, blueprint=blueprint, plan=plan)
        created = plan.keys
    else:
        created = []
    created += _home_sections_apply(tenant=tenant, blueprint=blueprint, existing=existing)
    _setting_permissions_ensure(tenant=tenant)
    if tenant.blueprint_version < blueprint.version:
        tenant.blueprint_version = blueprint.version
        tenant.save(update_fields=["blueprint_version"])
    return created


def _home_sections_apply(
    *, tenant: Tenant, blueprint: Blueprint, existing: dict[str, int | None]
) -> list[str]:
    """Insert the blueprint's home sections that the site never had at the top of its home page.

    The new blocks go into the latest revision (a local draft keeps its edits); the revision is
    published only when the home page had no unpublished changes, so a draft in progress is
    never published by a sync. Each section is recorded (`home:<key>`) and never comes back once
    an editor removes it.
    """
    missing = [
        section
        for section in blueprint.home_sections_up_to(blueprint.version)
        if section.row_key not in existing
    ]
    if not missing:
        return []
    home_page = Page.objects.get(pk=tenant.site.root_page_id).specific
    home = home_page.get_latest_revision_as_object()
    body = getattr(home, "body", None)
    if body is None:
        return []
    had_draft = home_page.has_unpublished_changes
    home.body = [*(dict(section.block) for section in missing), *body.raw_data]
    revision = home.save_revision(log_action=False, clean=False)
    if home_page.live and not had_draft:
        revision.publish(log_action=False)
    BlueprintPage.objects.bulk_create(
        BlueprintPage(
            tenant=tenant, key=section.row_key, page=home_page, added_in_version=blueprint.version
        )
        for section in missing
    )
    return [section.row_key for section in missing]


def _navigation_extend(
    *, tenant: Tenant, blueprint: Blueprint, keys: list[str], pages: dict[str, Page | None]
) -> None:
    navigation = NavigationSettings.for_site(tenant.site)
    main = list(navigation.main_menu.raw_data) if navigation.main_menu else []
    footer = list(navigation.footer_menu.raw_data) if navigation.footer_menu else []
    added_main, added_footer = _menu_items(blueprint=blueprint, keys=keys, pages=pages)
    navigation.main_menu = [*main, *added_main]
    navigation.footer_menu = [*footer, *added_footer]
    navigation.save()


def _menu_items(
    *, blueprint: Blueprint, keys: list[str], pages: dict[str, Page | None]
) -> tuple[list[dict], list[dict]]:
    """The main and footer menu links of the blueprint pages `keys`, in blueprint order."""
    main, footer = [], []
    for spec, _parent in blueprint.all_pages():
        page = pages.get(spec.key)
        if spec.key not in keys or page is None:
            continue
        item = {"type": "link", "value": {"label": "", "page": page.pk, "url": ""}}
        if spec.in_main_menu:
            main.append(item)
        if spec.in_footer_menu:
            footer.append(item)
    return main, footer


def _paths_set(*, table: str, paths: list[tuple[int, str]]) -> None:
    """One UPDATE per 500 rows; written out because `bulk_update` spends more time building a
    CASE of hundreds of branches in Python than the database spends running it."""
    quoted = connection.ops.quote_name(table)
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        cases = " ".join("WHEN %s THEN %s" for _row in chunk)
        marks = ", ".join("%s" for _row in chunk)
        params = [value for row in chunk for value in row] + [pk for pk, _path in chunk]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quoted} SET path = CASE id {cases} END WHERE id IN ({marks})", params
            )


def _collection_create(*, name: str) -> Collection:
    """The site's collection under the root collection, in name order among its siblings as
    treebeard's `add_child` puts it (`Collection.node_order_by`), but the siblings after it are
    moved with three statements instead of one UPDATE per sibling (with hundreds of sites,
    that was most of the time of provisioning one)."""
    root = Collection.objects.select_for_update().get(depth=1)
    steplen = Collection.steplen
    next_path = (
        Collection.objects.filter(depth=2, name__gt=name)
        .order_by("path")
        .values_list("path", flat=True)
        .first()
    )
    if next_path is None:
        last = (
            Collection.objects.filter(depth=2).order_by("-path").values_list("path", flat=True)
        ).first()
        step = Collection._str2int(last[-steplen:]) + 1 if last else 1
        path = Collection._get_path(root.path, 2, step)
    else:
        path = next_path
        moving = list(
            Collection.objects.filter(path__gte=next_path)
            .values_list("pk", "path")
            .order_by("path")
        )
        start = len(root.path)

        def moved(old: str) -> str:
            step = Collection._str2int(old[start : start + steplen]) + 1
            return Collection._get_path(root.path, 2, step) + old[start + steplen :]

        # Out of the way first (no valid path starts with "~"), so that no intermediate state
        # breaks the unique index on path; then to the new paths in one UPDATE per batch.
        Collection.objects.filter(pk__in=[pk for pk, _old in moving]).update(
            path=Concat(Value("~"), F("path"))
        )
        _paths_set(table=Collection._meta.db_table, paths=[(pk, moved(old)) for pk, old in moving])
    collection = Collection(name=name, path=path, depth=2, numchild=0)
    collection.save()
    Collection.objects.filter(pk=root.pk).update(numchild=F("numchild") + 1)
    return collection


def _workflow_create(*, name: str, moderators: Group, home: Page) -> None:
    workflow = Workflow.objects.create(name=_("Moderatie %(site)s") % {"site": name})
    task = GroupApprovalTask.objects.create(
        name=_("Goedkeuring door de moderatoren van %(site)s") % {"site": name}
    )
    # One INSERT (`groups.set` first reads the task's groups, which a new task has none of).
    GroupApprovalTask.groups.through.objects.create(groupapprovaltask=task, group=moderators)
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
    # (page.get_site()) would then raise Site.DoesNotExist. Start from the database, and
    # leave the cache filled again after the commit, before anything else reads it.
    site_root_paths_refresh()
    transaction.on_commit(site_root_paths_refresh)
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

    sections = blueprint.home_sections_up_to(blueprint.version)
    home = HomePage(
        title=request.name,
        slug=request.slug,
        intro=blueprint.home_intro,
        body=[
            *(dict(section.block) for section in sections),
            *blueprint.home_body,
        ],
    )
    # The home page and every blueprint page in one bulk creation (home.page_bulk).
    plan = _blueprint_plan(home=home, blueprint=blueprint, existing={}, home_is_new=True)
    page_tree_bulk_create(placements=[(root, home), *plan.placements])

    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=request.name)
    collection = _collection_create(name=request.name)
    editors, moderators = _groups_create(
        names=[
            _("%(site)s redacteurs") % {"site": request.name},
            _("%(site)s moderatoren") % {"site": request.name},
        ]
    )
    _grants_create(
        grants=[
            (editors, EDITOR_PAGE_PERMISSIONS, EDITOR_MEDIA_PERMISSIONS, EDITOR_SETTINGS),
            (
                moderators,
                MODERATOR_PAGE_PERMISSIONS,
                MODERATOR_MEDIA_PERMISSIONS,
                MODERATOR_SETTINGS,
            ),
        ],
        home=home,
        site=site,
        collection=collection,
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
        blueprint_version=blueprint.version,
    )
    _settings_initialise(tenant=tenant, blueprint=blueprint, request=request, plan=plan)
    # The pages' and the home sections' rows in one INSERT (the menus are in the settings).
    BlueprintPage.objects.bulk_create(
        [
            *(
                BlueprintPage(
                    tenant=tenant,
                    key=key,
                    page=plan.pages_by_key[key],
                    added_in_version=blueprint.version,
                )
                for key in plan.keys
            ),
            *(
                BlueprintPage(
                    tenant=tenant,
                    key=section.row_key,
                    page=home,
                    added_in_version=blueprint.version,
                )
                for section in sections
            ),
        ]
    )
    logger.info("Provisioned %s at %s:%s", request.slug, hostname, port)
    return ProvisionResult(tenant=tenant, created=True, pages_created=["home", *plan.keys])


def site_root_paths_refresh() -> None:
    """Fill Wagtail's cache of every site's root path (`Site.get_site_root_paths`) from the
    database, as Wagtail does when the entry is missing, in one query of plain values.

    Wagtail reads the sites with their whole home pages; with hundreds of sites that costs
    about 25 ms, and saving a `Site` drops the entry, so provisioning a network paid it twice
    per site (the first page URL asked for after each commit read it again). The entry is the
    same (same tuples, same order: deepest root path first, then the default site, then by
    hostname); with WAGTAIL_I18N_ENABLED, where an entry per translation is needed, the
    entry is dropped and Wagtail reads it itself.
    """
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        Site.clear_site_root_paths_cache()
        return
    rows = Site.objects.order_by(
        "-root_page__url_path", "-is_default_site", "hostname"
    ).values_list(
        "pk", "hostname", "port", "root_page__url_path", "root_page__locale__language_code"
    )
    paths = [
        SiteRootPath(pk, url_path, Site(hostname=hostname, port=port).root_url, language)
        for pk, hostname, port, url_path, language in rows
    ]
    cache.set(SITE_ROOT_PATHS_CACHE_KEY, paths, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)


def _settings_initialise(
    *, tenant: Tenant, blueprint: Blueprint, request: SiteRequest, plan: _BlueprintPlan
) -> None:
    """The per-site settings of a new site: one INSERT each (the site has none yet); the
    navigation starts with the menu links of the blueprint pages just created."""
    site = tenant.site
    IdentitySettings.objects.create(
        site=site,
        kind=blueprint.kind,
        municipality=request.municipality,
        nis_code=request.nis_code,
        province=request.province,
    )
    BrandingSettings.objects.create(
        site=site,
        primary_colour=blueprint.branding.primary_colour,
        accent_colour=blueprint.branding.accent_colour,
    )
    ContactSettings.objects.create(
        site=site,
        street=request.street,
        postal_code=request.postal_code,
        city=request.city or request.municipality,
        email=request.email,
        phone=request.phone,
    )
    IntegrationSettings.objects.create(
        site=site, catalogue_profile=request.slug if blueprint.catalogue else ""
    )
    main, footer = _menu_items(blueprint=blueprint, keys=plan.keys, pages=plan.pages_by_key)
    NavigationSettings.objects.create(site=site, main_menu=main, footer_menu=footer)
    # Created here so that no visitor's GET has to write it (Wagtail's `for_site` creates a
    # missing row on first read).
    RegistrationSettings.objects.create(site=site)
    # Likewise: created by a visitor's first GET, its save would also retire every page of
    # the site that the page cache had just stored.
    LibraryAccountSettings.objects.create(site=site)


def slug_for(name: str) -> str:
    return slugify(name)[:63].strip("-")


# --- Regions and the network site -------------------------------------------------------------


@dataclass
class RegionResult:
    tenant: Tenant
    created: bool
    municipalities_added: list[str] = field(default_factory=list)
    municipalities_removed: list[str] = field(default_factory=list)
    branches_created: list[str] = field(default_factory=list)


@transaction.atomic
def region_provision(*, spec: "RegionSpec") -> RegionResult:  # noqa: F821 - sitegen.csv_import
    """Create a regional site (Regiobib, Regio cc) from its member municipalities, or bring an
    existing one in step with the list.

    The site comes from the kind's blueprint (provision_site); the member municipalities are
    RegionMunicipality rows, which the region's agenda and the members' "Deel van" link read;
    each municipality's branch becomes a location page under the locations page once
    (`BlueprintPage` key `branch:<NIS code>`): a branch the editors changed keeps their edits,
    one they deleted is not brought back. Atomic: a refused spec changes nothing.
    """
    from library_pages.models import LocationPage
    from sitegen.blueprints import blueprint_for

    if spec.errors:
        raise ProvisioningError(" ".join(spec.errors))
    if not spec.members:
        raise ProvisioningError(_("Een regio heeft minstens één gemeente."))
    result = provision_site(
        blueprint=blueprint_for(spec.kind),
        request=SiteRequest(
            name=spec.name, slug=spec.slug, hostname=spec.hostname, province=spec.province
        ),
    )
    tenant = result.tenant
    outcome = RegionResult(tenant=tenant, created=result.created)
    existing = {row.nis_code: row for row in RegionMunicipality.objects.filter(region=tenant)}
    wanted = {member.nis_code: member for member in spec.members}
    removed = [code for code in existing if code not in wanted]
    if removed:
        RegionMunicipality.objects.filter(region=tenant, nis_code__in=removed).delete()
        outcome.municipalities_removed = [existing[code].municipality for code in removed]
    added = [member for code, member in wanted.items() if code not in existing]
    for member in added:
        # One save per row (not bulk_create): its post_save retires the network map and the
        # members' shells, which then show the "Deel van" link.
        RegionMunicipality.objects.create(
            region=tenant, nis_code=member.nis_code, municipality=member.municipality
        )
    outcome.municipalities_added = [member.municipality for member in added]

    keys = dict(BlueprintPage.objects.filter(tenant=tenant).values_list("key", "page_id"))
    locations_id = keys.get("locations")
    branches = [
        member
        for member in spec.members
        if member.street and f"branch:{member.nis_code}" not in keys
    ]
    if branches and locations_id:
        parent = Page.objects.get(pk=locations_id)
        pages = [
            LocationPage(
                title=member.branch_name or member.municipality,
                slug="",  # made from the title, unique among the branches (page_bulk)
                street=member.street,
                postal_code=member.postal_code,
                city=member.city,
                phone=member.phone,
                email=member.email,
            )
            for member in branches
        ]
        page_tree_bulk_create(placements=[(parent, page) for page in pages])
        BlueprintPage.objects.bulk_create(
            BlueprintPage(
                tenant=tenant,
                key=f"branch:{member.nis_code}",
                page=page,
                added_in_version=tenant.blueprint_version,
            )
            for member, page in zip(branches, pages, strict=True)
        )
        outcome.branches_created = [page.title for page in pages]
    return outcome


def network_site_provision(*, hostname: str = "", port: int | None = None) -> ProvisionResult:
    """The one network site on the landing host (settings.NETWORK_HOSTNAME): created once,
    brought up to the network blueprint on every later call."""
    from sitegen.blueprints import blueprint_for

    return provision_site(
        blueprint=blueprint_for(SiteKind.NETWORK),
        request=SiteRequest(
            name=_("Bibliotheken en centra in Vlaanderen en Brussel"),
            slug="netwerk",
            hostname=hostname or settings.NETWORK_HOSTNAME,
            port=port,
        ),
    )
