"""provision_site: what a new site is made of, idempotency, rollback, refusals and blueprint
upgrades that never overwrite local edits."""

import dataclasses

import pytest
from django.contrib.auth.models import Group
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Revision,
    Site,
    Workflow,
    WorkflowPage,
)

from home.models import (
    BrandingSettings,
    ContactSettings,
    IdentitySettings,
    IntegrationSettings,
    NavigationSettings,
    SiteKind,
    Tenant,
)
from library_pages.models import StandardPage
from sitegen import services
from sitegen.blueprints import BLUEPRINTS, PageSpec
from sitegen.models import BlueprintPage
from sitegen.services import ProvisioningError, SiteRequest, provision_site

pytestmark = pytest.mark.django_db

LIBRARY = BLUEPRINTS[SiteKind.LIBRARY]
CULTURAL_CENTRE = BLUEPRINTS[SiteKind.CULTURAL_CENTRE]

AALST = SiteRequest(
    name="Bibliotheek Aalst",
    slug="aalst",
    municipality="Aalst",
    nis_code="41002",
    province="oost-vlaanderen",
    street="Graanmarkt 3",
    postal_code="9300",
    city="Aalst",
    email="bibliotheek@aalst.example",
    phone="053 73 23 00",
)


def _counts() -> dict[str, int]:
    """Everything provisioning creates, counted."""
    models = {
        "pages": Page,
        "revisions": Revision,
        "sites": Site,
        "groups": Group,
        "collections": Collection,
        "page_permissions": GroupPagePermission,
        "collection_permissions": GroupCollectionPermission,
        "site_permissions": GroupSitePermission,
        "workflows": Workflow,
        "tasks": GroupApprovalTask,
        "tenants": Tenant,
        "blueprint_pages": BlueprintPage,
    }
    return {name: model.objects.count() for name, model in models.items()}


def _blueprint_page(tenant: Tenant, key: str) -> Page:
    return BlueprintPage.objects.get(tenant=tenant, key=key).page.specific


def _menu_page_ids(stream) -> list[int]:
    return [item.value["page"].pk for item in stream]


@pytest.fixture
def aalst(db, settings) -> Tenant:
    settings.SITE_DOMAIN_SUFFIX = "localhost"
    tenant = provision_site(blueprint=LIBRARY, request=AALST).tenant
    # read back from the database, not the objects provisioning kept in memory
    return Tenant.objects.select_related("site__root_page").get(pk=tenant.pk)


# --- what a new site is made of ---------------------------------------------------------------


def test_site_gets_the_default_hostname_and_a_published_home_page(aalst):
    site = aalst.site
    home = site.root_page.specific

    assert (site.hostname, site.port, site.site_name) == (
        "aalst.localhost",
        80,
        "Bibliotheek Aalst",
    )
    assert not site.is_default_site
    assert home.get_parent().is_root()
    assert (home.title, home.slug, home.intro) == ("Bibliotheek Aalst", "aalst", LIBRARY.home_intro)
    assert home.live and home.live_revision is not None and not home.has_unpublished_changes
    assert aalst.kind == SiteKind.LIBRARY
    assert (aalst.blueprint, aalst.blueprint_version) == ("bibliotheek", LIBRARY.version)


def test_given_hostname_and_port_are_used(db):
    request = dataclasses.replace(AALST, hostname="www.bibliotheek-aalst.be", port=8443)

    site = provision_site(blueprint=LIBRARY, request=request).tenant.site

    assert (site.hostname, site.port) == ("www.bibliotheek-aalst.be", 8443)


def test_hostname_is_stored_in_lower_case(db):
    request = dataclasses.replace(AALST, hostname="WWW.Bibliotheek-Aalst.BE")

    site = provision_site(blueprint=LIBRARY, request=request).tenant.site

    assert site.hostname == "www.bibliotheek-aalst.be"


def test_blueprint_pages_are_published_children_of_the_home_page(aalst):
    home = aalst.site.root_page
    expected = {spec.key: spec for spec, _parent in LIBRARY.all_pages()}

    rows = BlueprintPage.objects.filter(tenant=aalst).exclude(key__startswith="home:")

    assert {row.key for row in rows} == set(expected)
    sections = BlueprintPage.objects.filter(tenant=aalst, key__startswith="home:")
    assert {(row.key, row.page_id) for row in sections} == {
        (section.row_key, home.pk) for section in LIBRARY.home_sections
    }
    for row in rows:
        spec = expected[row.key]
        page = row.page.specific
        assert row.added_in_version == LIBRARY.version
        assert page.get_parent().pk == home.pk
        assert type(page)._meta.label == spec.model
        assert (page.title, page.slug) == (spec.title, spec.slug)
        assert page.live and not page.has_unpublished_changes
        assert page.live_revision is not None
        assert page.revisions.count() == 1
    about = _blueprint_page(aalst, "about")
    assert about.intro == expected["about"].fields["intro"]
    assert [block.block_type for block in about.body] == [
        block["type"] for block in expected["about"].fields["body"]
    ]


def test_site_gets_its_own_collection(aalst):
    collection = aalst.collection

    assert collection.name == "Bibliotheek Aalst"
    assert collection.get_parent().pk == Collection.get_first_root_node().pk


def _page_permissions(group: Group) -> set[tuple[int, str]]:
    return set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", "permission__codename"
        )
    )


def _collection_permissions(group: Group) -> set[tuple[int, str]]:
    return set(
        GroupCollectionPermission.objects.filter(group=group).values_list(
            "collection_id", "permission__codename"
        )
    )


def _site_permissions(group: Group) -> set[tuple[int, str]]:
    return set(
        GroupSitePermission.objects.filter(group=group).values_list(
            "site_id", "permission__codename"
        )
    )


def test_editors_group_has_exactly_the_intended_permissions(aalst):
    editors = aalst.editors_group
    home_id, collection_id, site_id = aalst.site.root_page_id, aalst.collection_id, aalst.site_id

    assert editors.name == "Bibliotheek Aalst redacteurs"
    assert set(editors.permissions.values_list("content_type__app_label", "codename")) == {
        ("wagtailadmin", "access_admin")
    }
    assert _page_permissions(editors) == {
        (home_id, "add_page"),
        (home_id, "change_page"),
        (home_id, "lock_page"),
    }
    assert _collection_permissions(editors) == {
        (collection_id, codename)
        for codename in (
            "add_image",
            "change_image",
            "choose_image",
            "add_document",
            "change_document",
            "choose_document",
        )
    }
    assert _site_permissions(editors) == {
        (site_id, "change_navigationsettings"),
        (site_id, "change_contactsettings"),
    }


def test_moderators_group_has_exactly_the_intended_permissions(aalst):
    moderators = aalst.moderators_group
    home_id, collection_id, site_id = aalst.site.root_page_id, aalst.collection_id, aalst.site_id

    assert moderators.name == "Bibliotheek Aalst moderatoren"
    assert set(moderators.permissions.values_list("content_type__app_label", "codename")) == {
        ("wagtailadmin", "access_admin")
    }
    assert _page_permissions(moderators) == {
        (home_id, codename)
        for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
    }
    assert _collection_permissions(moderators) == {
        (collection_id, codename)
        for codename in (
            "add_image",
            "change_image",
            "choose_image",
            "delete_image",
            "add_document",
            "change_document",
            "choose_document",
            "delete_document",
        )
    }
    assert _site_permissions(moderators) == {
        (site_id, "change_navigationsettings"),
        (site_id, "change_contactsettings"),
        (site_id, "change_brandingsettings"),
        (site_id, "change_integrationsettings"),
        (site_id, "change_registrationsettings"),
        (site_id, "change_libraryaccountsettings"),
    }


def test_reapplying_grants_settings_added_after_provisioning(aalst):
    """A setting that joined the platform later reaches the groups of existing sites."""
    moderators = aalst.moderators_group
    GroupSitePermission.objects.filter(
        group=moderators, permission__codename="change_registrationsettings"
    ).delete()

    provision_site(blueprint=LIBRARY, request=AALST)
    provision_site(blueprint=LIBRARY, request=AALST)

    assert (aalst.site.pk, "change_registrationsettings") in _site_permissions(moderators)
    # granted once, however often the blueprint is applied
    assert GroupSitePermission.objects.filter(group=moderators).count() == len(
        services.MODERATOR_SETTINGS
    )


def test_permissions_of_two_sites_do_not_overlap(two_sites):
    site_a, site_b = two_sites

    for group in (site_a.tenant.editors_group, site_a.tenant.moderators_group):
        assert {page for page, _ in _page_permissions(group)} == {site_a.home.pk}
        assert {coll for coll, _ in _collection_permissions(group)} == {site_a.tenant.collection_id}
        assert {site for site, _ in _site_permissions(group)} == {site_a.site.pk}
    # nobody gets the model-level setting permission, which would open every site's settings
    assert not Group.objects.filter(permissions__codename__endswith="settings").exists()


def test_home_page_has_a_moderation_workflow_for_the_moderators(aalst):
    home = aalst.site.root_page

    workflow = WorkflowPage.objects.get(page=home).workflow

    assert workflow.active
    assert workflow.name == "Moderatie Bibliotheek Aalst"
    tasks = [task.specific for task in workflow.tasks.all()]
    assert len(tasks) == 1
    assert isinstance(tasks[0], GroupApprovalTask)
    assert list(tasks[0].groups.all()) == [aalst.moderators_group]
    # pages below the home page inherit the workflow
    assert _blueprint_page(aalst, "about").get_workflow() == workflow


def test_settings_are_initialised_from_the_request_and_blueprint(aalst):
    site = aalst.site

    identity = IdentitySettings.for_site(site)
    assert (identity.kind, identity.municipality, identity.nis_code, identity.province) == (
        "bibliotheek",
        "Aalst",
        "41002",
        "oost-vlaanderen",
    )
    branding = BrandingSettings.for_site(site)
    assert (branding.primary_colour, branding.accent_colour) == (
        LIBRARY.branding.primary_colour,
        LIBRARY.branding.accent_colour,
    )
    contact = ContactSettings.for_site(site)
    assert (contact.street, contact.postal_code, contact.city, contact.email, contact.phone) == (
        "Graanmarkt 3",
        "9300",
        "Aalst",
        "bibliotheek@aalst.example",
        "053 73 23 00",
    )
    assert IntegrationSettings.for_site(site).catalogue_profile == "aalst"


def test_only_libraries_get_a_catalogue_profile(db):
    request = dataclasses.replace(AALST, name="Cultuurcentrum De Werf", slug="dewerf")

    tenant = provision_site(blueprint=CULTURAL_CENTRE, request=request).tenant

    assert IntegrationSettings.for_site(tenant.site).catalogue_profile == ""
    assert IdentitySettings.for_site(tenant.site).kind == "cultuurcentrum"
    assert BrandingSettings.for_site(tenant.site).primary_colour == "#5b2a86"


def test_navigation_menus_point_at_the_blueprint_pages(aalst):
    navigation = NavigationSettings.for_site(aalst.site)
    specs = [spec for spec, _parent in LIBRARY.all_pages()]

    assert _menu_page_ids(navigation.main_menu) == [
        _blueprint_page(aalst, spec.key).pk for spec in specs if spec.in_main_menu
    ]
    assert _menu_page_ids(navigation.footer_menu) == [
        _blueprint_page(aalst, spec.key).pk for spec in specs if spec.in_footer_menu
    ]
    assert navigation.footer_menu  # the blueprint puts something in the footer


def test_result_reports_what_was_created(db):
    result = provision_site(blueprint=LIBRARY, request=AALST)

    assert result.created
    assert result.pages_created == ["home", *(spec.key for spec, _parent in LIBRARY.all_pages())]


# --- idempotency --------------------------------------------------------------------------------


def test_second_run_creates_nothing(aalst):
    before = _counts()

    result = provision_site(blueprint=LIBRARY, request=AALST)

    assert not result.created
    assert result.pages_created == []
    assert result.tenant == aalst
    assert _counts() == before


def test_second_run_with_the_same_explicit_hostname_creates_nothing(db):
    request = dataclasses.replace(AALST, hostname="www.bibliotheek-aalst.be")
    provision_site(blueprint=LIBRARY, request=request)
    before = _counts()

    result = provision_site(blueprint=LIBRARY, request=request)

    assert not result.created
    assert _counts() == before


def test_page_deleted_locally_is_not_recreated(aalst):
    about = _blueprint_page(aalst, "about")
    about.delete()
    before = _counts()

    result = provision_site(blueprint=LIBRARY, request=AALST)

    assert result.pages_created == []
    assert _counts() == before
    assert (
        not StandardPage.objects.descendant_of(aalst.site.root_page)
        .filter(title=about.title)
        .exists()
    )
    assert BlueprintPage.objects.get(tenant=aalst, key="about").page is None


def test_page_whose_slug_was_changed_locally_is_not_duplicated(aalst):
    about = _blueprint_page(aalst, "about")
    about.slug = "wie-zijn-we"
    about.save_revision().publish()
    before = _counts()

    provision_site(blueprint=LIBRARY, request=AALST)

    assert _counts() == before
    pages = StandardPage.objects.child_of(aalst.site.root_page).filter(title=about.title)
    assert list(pages.values_list("slug", flat=True)) == ["wie-zijn-we"]


# --- rollback -----------------------------------------------------------------------------------


def _fail(**kwargs):
    raise RuntimeError("simulated failure")


@pytest.mark.parametrize(
    "step",
    [
        "_workflow_create",  # pages, groups and permissions exist, no tenant yet
        "_settings_initialise",  # pages and tenant exist, no settings yet
        "_menu_items",  # pages, groups, tenant and the first settings exist
    ],
)
def test_failure_midway_leaves_nothing_behind(site_a, monkeypatch, step):
    before = _counts()
    monkeypatch.setattr(services, step, _fail)

    with pytest.raises(RuntimeError, match="simulated failure"):
        provision_site(blueprint=LIBRARY, request=AALST)

    assert _counts() == before
    assert not Site.objects.filter(hostname="aalst.localhost").exists()
    assert not Page.objects.filter(slug="aalst").exists()
    assert not Collection.objects.filter(name="Bibliotheek Aalst").exists()
    assert not Group.objects.filter(name__startswith="Bibliotheek Aalst").exists()
    assert not Tenant.objects.filter(slug="aalst").exists()
    assert not IdentitySettings.objects.exclude(site__tenant__isnull=False).exists()

    monkeypatch.undo()
    # A retry after the failure works: nothing stale (rows or cached site root paths) remains.
    retried = provision_site(blueprint=LIBRARY, request=AALST)
    assert retried.created
    assert Page.objects.get(slug="aalst").get_site() == retried.tenant.site


# --- refusals -----------------------------------------------------------------------------------


def _refused(request: SiteRequest, blueprint=LIBRARY) -> str:
    before = _counts()
    with pytest.raises(ProvisioningError) as raised:
        provision_site(blueprint=blueprint, request=request)
    assert _counts() == before, "a refused request must create nothing"
    return str(raised.value)


def test_hostname_in_use_is_refused(site_a):
    message = _refused(dataclasses.replace(AALST, hostname=site_a.hostname))

    assert message == f"De hostnaam {site_a.hostname} is al in gebruik."


def test_hostname_in_use_is_refused_whatever_its_case(site_a):
    message = _refused(dataclasses.replace(AALST, hostname=site_a.hostname.upper()))

    assert "al in gebruik" in message


def test_slug_in_use_by_another_kind_is_refused(site_a):
    request = dataclasses.replace(AALST, name="Cultuurcentrum Gent", slug=site_a.tenant.slug)

    message = _refused(request, blueprint=CULTURAL_CENTRE)

    assert (
        message
        == "De slug \u201cgent\u201d is al in gebruik door een website van een andere soort."
    )


def test_slug_in_use_with_another_hostname_is_refused(site_a):
    request = dataclasses.replace(AALST, slug="gent", hostname="www.bibliotheek-gent.be")

    message = _refused(request)

    assert message == f"De slug \u201cgent\u201d is al in gebruik door {site_a.hostname}."


def test_home_page_slug_in_use_outside_any_tenant_is_refused(db):
    Page.get_first_root_node().add_child(instance=Page(title="Oud", slug="aalst"))

    message = _refused(AALST)

    assert message == "Er bestaat al een startpagina met de slug \u201caalst\u201d."


@pytest.mark.parametrize(
    "slug", ["Aalst", "aalst_stad", "-aalst", "aalst-", "aalst stad", "", "a" * 64, "ålst"]
)
def test_invalid_slug_is_refused(db, slug):
    message = _refused(dataclasses.replace(AALST, slug=slug))

    assert message.startswith(f"Ongeldige slug \u201c{slug}\u201d")
    assert "kleine letters" in message


@pytest.mark.parametrize(
    "hostname",
    ["bib aalst.be", "bib_aalst.be", "-aalst.be", "aalst-.be", "aalst..be", "aalst.be/pad", "ä.be"],
)
def test_invalid_hostname_is_refused(db, hostname):
    message = _refused(dataclasses.replace(AALST, hostname=hostname))

    assert message == f"Ongeldige hostnaam \u201c{hostname.lower()}\u201d."


@pytest.mark.parametrize("nis_code", ["4100", "410022", "4100a", "41 02"])
def test_invalid_nis_code_is_refused(db, nis_code):
    message = _refused(dataclasses.replace(AALST, nis_code=nis_code))

    assert message == "Een NIS-code bestaat uit 5 cijfers."


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": "  "}, "De naam van de website ontbreekt."),
        ({"name": "B" * 201}, "De naam is te lang (maximaal 200 tekens)."),
        ({"postal_code": "930"}, "Een Belgische postcode heeft 4 cijfers."),
    ],
)
def test_other_invalid_requests_are_refused(db, change, expected):
    assert _refused(dataclasses.replace(AALST, **change)) == expected


# --- blueprint upgrades -------------------------------------------------------------------------

# One version past the current blueprint, whatever that is.
NEXT = LIBRARY.version + 1
FAQ_SPEC = PageSpec(
    key="faq",
    model="library_pages.StandardPage",
    title="Veelgestelde vragen",
    slug="veelgestelde-vragen",
    since_version=NEXT,
    in_footer_menu=True,
    fields={"intro": "Antwoorden op de vragen die we het vaakst krijgen."},
)
HISTORY_SPEC = PageSpec(
    key="history",
    model="library_pages.StandardPage",
    title="Geschiedenis",
    slug="geschiedenis",
    since_version=NEXT,
)


def _library_next() -> "services.Blueprint":
    pages = tuple(
        dataclasses.replace(spec, children=(*spec.children, HISTORY_SPEC))
        if spec.key == "about"
        else spec
        for spec in LIBRARY.pages
    )
    return dataclasses.replace(LIBRARY, version=NEXT, pages=(*pages, FAQ_SPEC))


def test_newer_blueprint_adds_its_new_pages_and_records_the_version(aalst):
    result = provision_site(blueprint=_library_next(), request=AALST)

    aalst.refresh_from_db()
    assert not result.created
    assert result.pages_created == ["history", "faq"]
    assert aalst.blueprint_version == NEXT
    faq = _blueprint_page(aalst, "faq")
    history = _blueprint_page(aalst, "history")
    assert faq.get_parent().pk == aalst.site.root_page_id
    assert history.get_parent().pk == _blueprint_page(aalst, "about").pk
    assert faq.live and history.live
    rows = BlueprintPage.objects.filter(tenant=aalst, key__in=["faq", "history"])
    assert set(rows.values_list("added_in_version", flat=True)) == {NEXT}
    footer = _menu_page_ids(NavigationSettings.for_site(aalst.site).footer_menu)
    assert footer[-1] == faq.pk
    assert len(footer) == len(set(footer)), "existing menu items are kept, not repeated"


def test_newer_blueprint_does_not_touch_a_locally_edited_page(aalst):
    about = _blueprint_page(aalst, "about")
    about.title = "Over onze bib"
    about.body = [{"type": "paragraph", "value": "<p>Lokale tekst.</p>"}]
    about.save_revision().publish()
    revisions = about.revisions.count()

    provision_site(blueprint=_library_next(), request=AALST)

    about = StandardPage.objects.get(pk=about.pk)
    assert about.title == "Over onze bib"
    assert [block.value.source for block in about.body] == ["<p>Lokale tekst.</p>"]
    assert about.revisions.count() == revisions
    assert not about.has_unpublished_changes


def test_newer_blueprint_skips_children_of_a_page_deleted_locally(aalst):
    _blueprint_page(aalst, "about").delete()

    result = provision_site(blueprint=_library_next(), request=AALST)

    assert result.pages_created == ["faq"]
    assert not StandardPage.objects.filter(slug="geschiedenis").exists()


def test_newer_blueprint_keeps_a_local_page_that_took_the_new_slug(aalst):
    home = aalst.site.root_page
    local = home.add_child(instance=StandardPage(title="Onze FAQ", slug="veelgestelde-vragen"))

    provision_site(blueprint=_library_next(), request=AALST)

    local.refresh_from_db()
    assert local.title == "Onze FAQ"
    faq = _blueprint_page(aalst, "faq")
    assert faq.pk != local.pk
    assert faq.slug == "veelgestelde-vragen-faq"


def test_older_blueprint_does_not_lower_the_recorded_version(aalst):
    provision_site(blueprint=_library_next(), request=AALST)

    provision_site(blueprint=LIBRARY, request=AALST)

    aalst.refresh_from_db()
    assert aalst.blueprint_version == NEXT
