"""Page templates: a local editor starts a page from one; the page remembers its origin; when
the template changes its editors see what changed and take it over or keep their version."""

import pytest
from django.urls import reverse

from central.models import PageTemplate
from library_pages.models import StandardPage
from sitegen.models import PageOrigin
from sitegen.selectors.templates import page_template_changes
from tests.conftest import admin_client_for
from tests.factories.html import soup_of
from tests.factories.sitegen import PageTemplateFactory, heading, paragraph

pytestmark = pytest.mark.django_db


def _create_from_template(site, template, title="Vakantie-openingsuren 2026"):
    client = admin_client_for(site.editor)
    response = client.post(
        reverse("sitegen_page_from_template", args=[site.home.pk]),
        {"template": template.pk, "title": title},
    )
    return client, response


def test_template_versions_count_content_changes_only(db):
    template = PageTemplateFactory()
    assert template.version == 1

    template.description = "Alleen de beschrijving"
    template.save()
    assert PageTemplate.objects.get(pk=template.pk).version == 1

    template.intro = "Nieuwe inleiding"
    template.save()
    assert PageTemplate.objects.get(pk=template.pk).version == 2
    assert list(template.versions.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_local_editor_starts_a_page_from_a_template(site_a, admin_client):
    template = PageTemplateFactory(name="Vakantie-openingsuren")
    client = admin_client(site_a.editor)
    form = client.get(reverse("sitegen_page_from_template", args=[site_a.home.pk]))
    assert form.status_code == 200
    assert "Vakantie-openingsuren" in soup_of(form).select_one("form").get_text()

    _client_, response = _create_from_template(site_a, template)

    page = StandardPage.objects.get(title="Vakantie-openingsuren 2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert page.get_parent().pk == site_a.home.pk
    assert not page.live  # a draft for the editor to finish
    assert page.intro == template.intro
    assert [b.block_type for b in page.body] == ["heading", "paragraph"]
    origin = PageOrigin.objects.get(page=page)
    assert (origin.template_id, origin.template_version) == (template.pk, 1)


def test_template_for_another_parent_type_is_refused(site_a, admin_client):
    from tests.factories.pages import news_index_of

    template = PageTemplateFactory()  # a standard page cannot go under a news index
    client = admin_client(site_a.editor)

    response = client.post(
        reverse("sitegen_page_from_template", args=[news_index_of(site_a.home).pk]),
        {"template": template.pk, "title": "Niet hier"},
    )

    assert response.status_code == 400
    assert not StandardPage.objects.filter(title="Niet hier").exists()


def test_starting_a_page_in_another_site_is_refused(two_sites, admin_client):
    site_a, site_b = two_sites
    template = PageTemplateFactory()

    response = admin_client(site_a.editor).post(
        reverse("sitegen_page_from_template", args=[site_b.home.pk]),
        {"template": template.pk, "title": "Inbraak"},
    )

    assert response.status_code == 403  # the view's own page permission check
    assert not StandardPage.objects.filter(title="Inbraak").exists()


def _changed_template(site):
    template = PageTemplateFactory(name="Vakantie-openingsuren")
    client, _response = _create_from_template(site, template)
    page = StandardPage.objects.get(title="Vakantie-openingsuren 2026")
    template.intro = "Nieuw: ook in de krokusvakantie gelden aangepaste uren."
    template.body = [
        heading("Kerstvakantie"),
        paragraph("<p>We zijn gesloten op 24, 25 en 31 december en op 1 januari.</p>"),
        heading("Krokusvakantie"),
    ]
    template.save()
    return template, client, page


def test_editors_of_derived_pages_see_that_the_central_version_changed(site_a):
    template, client, page = _changed_template(site_a)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    assert "De centrale versie is gewijzigd" in edit.content.decode()

    changes = page_template_changes(page=page)
    assert (changes.from_version, changes.to_version) == (1, 2)
    assert [c.name for c in changes.fields] == ["intro"]
    assert [(c.action, c.label) for c in changes.blocks] == [
        ("gewijzigd", "Tekst"),
        ("toegevoegd", "Kop"),
    ]
    view = client.get(reverse("sitegen_template_changes", args=[page.pk]))
    text = soup_of(view).select_one("table.listing").get_text(" ", strip=True)
    assert "Krokusvakantie" in text and "24, 25 en 31 december" in text


def test_taking_over_the_change_updates_the_draft_and_ends_the_notice(site_a):
    template, client, page = _changed_template(site_a)
    page.title = "Onze vakantie-uren"  # a local edit the template did not touch
    page.save_revision()

    response = client.post(
        reverse("sitegen_template_changes", args=[page.pk]), {"action": "accept"}
    )

    assert response.status_code == 302
    page.refresh_from_db()
    draft = page.get_latest_revision_as_object()
    assert draft.title == "Onze vakantie-uren"
    assert draft.intro == template.intro
    assert [b.block_type for b in draft.body] == ["heading", "paragraph", "heading"]
    assert page_template_changes(page=page) is None
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert "De centrale versie is gewijzigd" not in edit.content.decode()


def test_keeping_the_local_version_changes_nothing_and_ends_the_notice(site_a):
    template, client, page = _changed_template(site_a)
    revisions = page.revisions.count()

    client.post(reverse("sitegen_template_changes", args=[page.pk]), {"action": "keep"})

    page.refresh_from_db()
    assert page.revisions.count() == revisions
    assert page.get_latest_revision_as_object().intro != template.intro
    assert page_template_changes(page=page) is None
    assert PageOrigin.objects.get(page=page).template_version == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_local_editor_gets_403_on_template_and_campaign_admin(site_a, method, admin_client):
    from tests.factories.sitegen import CampaignFactory

    template = PageTemplateFactory(name="Zomerleesactie")
    campaign = CampaignFactory(title="Zomerleesactie")
    client = admin_client(site_a.moderator)
    urls = []
    for namespace, pk in (
        ("wagtailsnippets_central_pagetemplate", template.pk),
        ("wagtailsnippets_central_campaign", campaign.pk),
        ("wagtailsnippets_central_centralnewsitem", None),
    ):
        urls += [reverse(f"{namespace}:list"), reverse(f"{namespace}:add")]
        if pk:
            urls += [
                reverse(f"{namespace}:{view}", args=[pk])
                for view in ("edit", "delete", "history", "usage")
            ]

    for url in urls:
        response = getattr(client, method)(url, {"name": "x", "title": "x"})
        assert response.status_code == 403, url
    template.refresh_from_db()
    campaign.refresh_from_db()
    assert (template.name, campaign.title) == ("Zomerleesactie", "Zomerleesactie")


def test_dashboard_lists_pages_with_a_changed_template_for_their_own_site(two_sites, admin_client):
    site_a, site_b = two_sites
    _template, client, page = _changed_template(site_a)

    dashboard = client.get(reverse("wagtailadmin_home"))
    other = admin_client(site_b.editor).get(reverse("wagtailadmin_home"))

    panel = soup_of(dashboard).select_one("#sitegen-outdated-templates-title")
    assert panel is not None
    link = reverse("sitegen_template_changes", args=[page.pk])
    assert link in dashboard.content.decode()
    assert link not in other.content.decode()
