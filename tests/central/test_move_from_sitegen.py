"""Central content moved from sitegen to central (issue #13): a database built on the schema
before the move migrates forward with its rows, content types, permissions, revisions and
snippet references intact.

The test migrates the test database back to the state before the move (sitegen 0003, central
not applied: the tables are sitegen's then), writes rows through the historical models as
the old code did, migrates forward and reads everything through today's models. All of it
happens inside the test's transaction (PostgreSQL has transactional DDL) and is rolled back.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, ReferenceIndex, Revision

from central.models import Campaign, CentralNewsItem, PageTemplate, SharedSection
from sitegen.models import PageOrigin

BEFORE = [("sitegen", "0003_pagetemplate_body_blocks"), ("central", None)]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="migrates the schema back and forth inside the test transaction: "
        "needs PostgreSQL's transactional DDL",
    ),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    loader = MigrationExecutor(connection).loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied).apps


def _leaf_targets():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_rows_content_types_and_references_survive_the_move(site_a):
    leaves = _leaf_targets()
    old_apps = _migrate(BEFORE)

    OldSection = old_apps.get_model("sitegen", "SharedSection")
    OldTemplate = old_apps.get_model("sitegen", "PageTemplate")
    OldVersion = old_apps.get_model("sitegen", "PageTemplateVersion")
    OldCampaign = old_apps.get_model("sitegen", "Campaign")
    OldNews = old_apps.get_model("sitegen", "CentralNewsItem")
    OldOrigin = old_apps.get_model("sitegen", "PageOrigin")
    OldContentType = old_apps.get_model("contenttypes", "ContentType")

    assert not OldContentType.objects.filter(app_label="central").exists()
    section_type = OldContentType.objects.get(app_label="sitegen", model="sharedsection")

    body = [{"type": "paragraph", "value": "<p>Lidkaart gratis tot 18</p>", "id": "b1"}]
    section = OldSection.objects.create(title="Tarieven", show_title=True, body=body)
    template = OldTemplate.objects.create(
        name="Vakantie", title="Vakantie-openingsuren", page_type="library_pages.standardpage"
    )
    OldVersion.objects.create(template=template, number=1, content={"title": "v1"})
    campaign = OldCampaign.objects.create(
        title="Storing",
        message="De catalogus is even onbereikbaar.",
        starts_at="2026-01-01T00:00:00Z",
        ends_at="2027-01-01T00:00:00Z",
        audience="sites",
    )
    campaign.target_sites.add(site_a.site.pk)
    news = OldNews.objects.create(title="Jeugdboekenmaand", slug="jbm", intro="In maart.")
    news.sites.add(site_a.site.pk)
    home_page = Page.objects.get(pk=site_a.site.root_page_id)
    OldOrigin.objects.create(page_id=home_page.pk, template=template, template_version=1)

    # What points at the section by content type: a group's permission, a revision, a log
    # entry's kind of row, and the reference index entry of a page that embeds it.
    group = Group.objects.create(name="Centrale redactie (migratietest)")
    group.permissions.add(
        Permission.objects.get(content_type_id=section_type.pk, codename="change_sharedsection")
    )
    Revision.objects.create(
        content_type_id=section_type.pk,
        base_content_type_id=section_type.pk,
        object_id=str(section.pk),
        content={"title": "Tarieven (ontwerp)"},
        object_str="Tarieven",
    )
    page_type = ContentType.objects.get_for_model(home_page.specific_class)
    ReferenceIndex.objects.create(
        content_type_id=page_type.pk,
        base_content_type_id=ContentType.objects.get_for_model(Page).pk,
        object_id=str(home_page.pk),
        to_content_type_id=section_type.pk,
        to_object_id=str(section.pk),
        model_path="body.shared_section",
        content_path="body.b2",
        content_path_hash=ReferenceIndex._get_content_path_hash("body.b2"),
    )

    _migrate(leaves)

    moved = SharedSection.objects.get(pk=section.pk)
    assert moved.title == "Tarieven"
    assert moved.body[0].block_type == "paragraph"
    assert "Lidkaart gratis" in moved.body[0].value.source
    moved_type = ContentType.objects.get_for_model(SharedSection)
    assert moved_type.pk == section_type.pk
    assert moved_type.app_label == "central"
    assert not ContentType.objects.filter(app_label="sitegen", model="sharedsection").exists()

    moved_template = PageTemplate.objects.get(pk=template.pk)
    assert [v.number for v in moved_template.versions.all()] == [1]
    assert PageOrigin.objects.get(page_id=home_page.pk).template == moved_template
    moved_campaign = Campaign.objects.get(pk=campaign.pk)
    assert list(moved_campaign.target_sites.values_list("pk", flat=True)) == [site_a.site.pk]
    assert list(CentralNewsItem.objects.get(pk=news.pk).sites.all()) == [site_a.site]

    editor = site_a.editor
    editor.groups.add(group)
    editor = type(editor).objects.get(pk=editor.pk)
    assert editor.has_perm("central.change_sharedsection")
    assert not editor.has_perm("sitegen.change_sharedsection")

    assert Revision.objects.for_instance(moved).get().content["title"] == "Tarieven (ontwerp)"
    usage = ReferenceIndex.get_references_to(moved)
    assert [ref.object_id for ref in usage] == [str(home_page.pk)]
