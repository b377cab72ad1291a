"""Blueprint sync: adds what a newer blueprint gained to existing sites, never touches local
edits, site by site (resumable), and a second run changes nothing."""

import dataclasses
import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from home.models import ContactSettings, NavigationSettings, SiteKind, Tenant
from library_pages.models import StandardPage
from sitegen import push
from sitegen.blueprints import BLUEPRINTS
from sitegen.models import BlueprintPage
from sitegen.push import blueprint_sync
from sitegen.services import SiteRequest, provision_site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _network_empty_unless_asked(request):
    """Sync runs over every site of a kind: tests that do not ask for the two sites get none."""
    if not {"site_a", "site_b", "two_sites"} & set(request.fixturenames):
        request.getfixturevalue("network_empty")


LIBRARY = BLUEPRINTS[SiteKind.LIBRARY]
LIBRARY_V1 = dataclasses.replace(LIBRARY, version=1)
NEW_KEYS = [spec.key for spec, _ in LIBRARY.all_pages() if spec.since_version >= 2]
V = LIBRARY.version
# What a version 1 site gains: the later pages, then the home page sections.
ADDED = ", ".join([*NEW_KEYS, *(section.row_key for section in LIBRARY.home_sections)])


def _old_library(slug: str) -> Tenant:
    """A library provisioned before the blueprint reached version 2."""
    return provision_site(
        blueprint=LIBRARY_V1, request=SiteRequest(name=f"Bibliotheek {slug.title()}", slug=slug)
    ).tenant


@pytest.fixture
def old_libraries(db) -> list[Tenant]:
    return [_old_library(slug) for slug in ("aalst", "boom", "dilbeek")]


def _state() -> dict:
    return {
        "pages": list(Page.objects.order_by("pk").values_list("pk", "title", "path")),
        "revisions": Revision.objects.count(),
        "rows": BlueprintPage.objects.count(),
        "versions": list(Tenant.objects.order_by("slug").values_list("slug", "blueprint_version")),
    }


def _sync(*args) -> str:
    out = io.StringIO()
    call_command("sitegen", "sync", "--kind", "bibliotheek", *args, stdout=out)
    return out.getvalue()


def test_later_blueprint_versions_add_the_digital_collection_and_the_statements(db):
    assert NEW_KEYS == [
        "digital_collection",
        "accessibility_statement",
        "privacy_statement",
        "cookie_statement",
        "sitemap",
    ]
    fresh = provision_site(blueprint=LIBRARY, request=SiteRequest(name="Bib Mol", slug="mol"))
    page = BlueprintPage.objects.get(tenant=fresh.tenant, key="digital_collection").page
    assert page.title == "Digitale collectie" and page.live
    assert fresh.tenant.blueprint_version == V


def test_sync_adds_the_new_page_to_every_old_site(old_libraries, site_b):
    cultural_centre_before = Page.objects.descendant_of(site_b.home).count()

    out = _sync()

    for tenant in old_libraries:
        tenant.refresh_from_db()
        assert tenant.blueprint_version == V
        row = BlueprintPage.objects.get(tenant=tenant, key="digital_collection")
        page = row.page.specific
        assert isinstance(page, StandardPage) and page.live
        assert page.get_parent().pk == tenant.site.root_page_id
        assert f"{tenant.slug}: added {ADDED} (v1 -> v{V})" in out
    # gent, the library of the session network, was provisioned at the current version
    assert "[1/4] aalst" in out and "[3/4] dilbeek" in out
    assert f"[4/4] gent: up to date (v{V})" in out
    assert "3 updated" in out and "1 up to date" in out
    assert Page.objects.descendant_of(site_b.home).count() == cultural_centre_before


def test_dry_run_reports_and_changes_nothing(old_libraries):
    before = _state()

    out = _sync("--dry-run")

    assert _state() == before
    assert out.count(f"would add {ADDED} (v1 -> v{V})") == 3
    assert "3 to update" in out


def test_second_run_changes_nothing(old_libraries):
    _sync()
    after_first = _state()

    out = _sync()

    assert _state() == after_first
    assert out.count(f"up to date (v{V})") == 3
    assert "0 updated" in out


def test_sync_never_overwrites_local_edits(old_libraries):
    tenant = old_libraries[0]
    about = BlueprintPage.objects.get(tenant=tenant, key="about").page.specific
    about.title = "Wie zijn we"
    about.intro = "Onze eigen tekst."
    about.save_revision().publish()
    contact = ContactSettings.for_site(tenant.site)
    contact.email = "info@aalst.example"
    contact.save()
    news = BlueprintPage.objects.get(tenant=tenant, key="news").page
    news.delete()  # removed on purpose by the local editor
    navigation = NavigationSettings.for_site(tenant.site).main_menu.raw_data
    menu_before = [dict(item) for item in navigation]

    _sync()

    about.refresh_from_db()
    assert (about.title, about.intro) == ("Wie zijn we", "Onze eigen tekst.")
    assert ContactSettings.for_site(tenant.site).email == "info@aalst.example"
    assert BlueprintPage.objects.get(tenant=tenant, key="news").page is None
    assert not Page.objects.descendant_of(tenant.site.root_page).filter(slug="nieuws").exists()
    menu_after = list(NavigationSettings.for_site(tenant.site).main_menu.raw_data)
    assert [dict(item) for item in menu_after] == menu_before


def test_a_local_page_with_the_same_slug_is_kept(old_libraries):
    tenant = old_libraries[0]
    local = StandardPage(title="Onze e-boeken", slug="digitale-collectie", intro="Lokaal.")
    tenant.site.root_page.add_child(instance=local)

    _sync()

    local.refresh_from_db()
    assert (local.title, local.slug) == ("Onze e-boeken", "digitale-collectie")
    added = BlueprintPage.objects.get(tenant=tenant, key="digital_collection").page
    assert added.pk != local.pk and added.slug == "digitale-collectie-digital_collection"


def test_missing_setting_rows_are_added_with_blueprint_defaults(old_libraries):
    tenant = old_libraries[1]
    ContactSettings.objects.filter(site=tenant.site).delete()

    out = _sync()

    assert ContactSettings.objects.filter(site=tenant.site).exists()
    assert f"boom: added {ADDED}, contactsettings" in out


def test_interrupted_sync_resumes_where_it_stopped(old_libraries, monkeypatch):
    real_apply = push.blueprint_apply

    def failing_apply(*, tenant, blueprint):
        created = real_apply(tenant=tenant, blueprint=blueprint)
        if tenant.slug == "boom":
            raise RuntimeError("database went away")
        return created

    monkeypatch.setattr(push, "blueprint_apply", failing_apply)
    with pytest.raises(CommandError):
        _sync()

    versions = dict(Tenant.objects.values_list("slug", "blueprint_version"))
    assert versions == {"aalst": V, "boom": 1, "dilbeek": V}
    boom = Tenant.objects.get(slug="boom")
    # boom's transaction was rolled back as a whole: no half-made page
    assert not BlueprintPage.objects.filter(tenant=boom, key="digital_collection").exists()
    assert not Page.objects.filter(
        title="Digitale collectie", path__startswith=boom.site.root_page.path
    ).exists()

    monkeypatch.setattr(push, "blueprint_apply", real_apply)
    report = blueprint_sync(blueprint=LIBRARY)

    assert [(site.tenant.slug, site.status) for site in report.sites] == [
        ("aalst", "up-to-date"),
        ("boom", "bijgewerkt"),
        ("dilbeek", "up-to-date"),
    ]
    assert Page.objects.filter(title="Digitale collectie").count() == 3
