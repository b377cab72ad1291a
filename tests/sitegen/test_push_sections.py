"""Shared sections: live by reference on every site, sanitised, central-only in the admin,
front-end cache purged on change, detachable into a local copy."""

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail.contrib.frontend_cache.backends import BaseBackend

from central.models import SharedSection
from library_pages.models import StandardPage
from sitegen.push import shared_section_pages
from tests.factories.html import soup_of
from tests.factories.pages import StandardPageFactory
from tests.factories.sitegen import SharedSectionFactory, heading, paragraph

pytestmark = pytest.mark.django_db


class RecordingBackend(BaseBackend):
    """A front-end cache that remembers what it was asked to purge."""

    purged: list[str] = []

    def purge(self, url: str) -> None:
        RecordingBackend.purged.append(url)


CACHE = {"default": {"BACKEND": "tests.sitegen.test_push_sections.RecordingBackend"}}


def _page_with_sections(site, *sections, slug="info", title="Praktische info") -> StandardPage:
    body = [paragraph("<p>Eigen tekst van de bib.</p>")]
    body += [{"type": "shared_section", "value": section.pk} for section in sections]
    return StandardPageFactory(parent=site.home, title=title, slug=slug, body=body)


def _section_texts(response) -> list[str]:
    return [
        section.get_text(" ", strip=True)
        for section in soup_of(response).select("main section.shared-section")
    ]


def test_one_edit_shows_on_two_sites(two_sites):
    site_a, site_b = two_sites
    section = SharedSectionFactory(
        title="Lidmaatschap en tarieven", body=[paragraph("<p>Een lidkaart kost 5 euro.</p>")]
    )
    page_a = _page_with_sections(site_a, section)
    page_b = _page_with_sections(site_b, section)
    client_a, client_b = site_a.client_for(), site_b.client_for()
    assert "5 euro" in _section_texts(client_a.get(page_a.url))[0]

    section.body = [paragraph("<p>Een lidkaart kost 7 euro vanaf 1 januari.</p>")]
    section.save()

    for client, page in ((client_a, page_a), (client_b, page_b)):
        texts = _section_texts(client.get(page.url))
        assert len(texts) == 1
        assert "7 euro vanaf 1 januari" in texts[0]
        assert "5 euro" not in texts[0]
        assert texts[0].startswith("Lidmaatschap en tarieven")


def test_section_rich_text_is_sanitised_when_saved(db):
    section = SharedSectionFactory(
        body=[
            paragraph(
                '<p onclick="steal()">Hallo<script>alert(1)</script> '
                '<a href="javascript:alert(1)">klik</a> <a href="https://bib.example">bib</a></p>'
            )
        ]
    )

    stored = SharedSection.objects.get(pk=section.pk).body.raw_data[0]["value"]
    assert "script" not in stored and "onclick" not in stored and "javascript" not in stored
    assert '<a href="https://bib.example">bib</a>' in stored


def test_changing_a_section_purges_the_pages_that_show_it(
    two_sites, django_capture_on_commit_callbacks
):
    site_a, site_b = two_sites
    section = SharedSectionFactory()
    other = SharedSectionFactory()
    page_a = _page_with_sections(site_a, section)
    page_b = _page_with_sections(site_b, section)
    unrelated = _page_with_sections(site_a, other, slug="ander")
    assert {p.pk for p in shared_section_pages(section=section)} == {page_a.pk, page_b.pk}
    RecordingBackend.purged = []

    with (
        override_settings(WAGTAILFRONTENDCACHE=CACHE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        section.title = "Nieuwe titel"
        section.save()

    assert sorted(RecordingBackend.purged) == sorted([page_a.full_url, page_b.full_url])
    assert unrelated.full_url not in RecordingBackend.purged


def test_deleting_a_section_purges_the_pages_that_showed_it(
    two_sites, django_capture_on_commit_callbacks
):
    site_a, site_b = two_sites
    section = SharedSectionFactory()
    page_a = _page_with_sections(site_a, section)
    RecordingBackend.purged = []

    with (
        override_settings(WAGTAILFRONTENDCACHE=CACHE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        section.delete()

    assert RecordingBackend.purged == [page_a.full_url]
    response = site_a.client_for().get(page_a.url)
    assert response.status_code == 200
    assert not _section_texts(response)


def test_no_purge_backend_configured_is_a_no_op(site_a, django_capture_on_commit_callbacks):
    section = SharedSectionFactory()
    _page_with_sections(site_a, section)
    RecordingBackend.purged = []

    with django_capture_on_commit_callbacks(execute=True):
        section.save()

    assert RecordingBackend.purged == []


def test_three_sections_cost_one_query(site_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sections = [SharedSectionFactory() for _ in range(3)]
    plain = _page_with_sections(site_a, slug="zonder", title="Zonder secties")
    rich = _page_with_sections(site_a, *sections, slug="met", title="Met secties")
    client = site_a.client_for()
    client.get(plain.url), client.get(rich.url)  # warm the caches

    with CaptureQueriesContext(connection) as without:
        client.get(plain.url)
    with CaptureQueriesContext(connection) as with_sections:
        response = client.get(rich.url)

    assert len(_section_texts(response)) == 3
    assert len(with_sections) == len(without) + 1


# --- admin: central only ----------------------------------------------------------------------


def _section_urls(section) -> list[str]:
    ns = "wagtailsnippets_central_sharedsection"
    return [
        reverse(f"{ns}:list"),
        reverse(f"{ns}:add"),
        reverse(f"{ns}:edit", args=[section.pk]),
        reverse(f"{ns}:delete", args=[section.pk]),
        reverse(f"{ns}:history", args=[section.pk]),
        reverse(f"{ns}:usage", args=[section.pk]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_local_editor_gets_403_on_every_section_url(site_a, method, admin_client):
    section = SharedSectionFactory(title="Privacyverklaring")
    client = admin_client(site_a.moderator)

    for url in _section_urls(section):
        response = getattr(client, method)(url, {"title": "Gekaapt"})
        assert response.status_code == 403, url
    section.refresh_from_db()
    assert section.title == "Privacyverklaring"
    assert SharedSection.objects.count() == 1


def test_local_editor_can_choose_a_section(site_a, admin_client):
    SharedSectionFactory(title="Wat is Mijn Bibliotheek?")
    client = admin_client(site_a.editor)

    response = client.get(reverse("wagtailsnippetchoosers_central_sharedsection:choose"))

    assert response.status_code == 200
    assert "Wat is Mijn Bibliotheek?" in response.json()["html"]


def test_central_editor_edits_a_section(admin_client_central):
    section = SharedSectionFactory(title="Jeugdboekenmaand")
    url = reverse("wagtailsnippets_central_sharedsection:edit", args=[section.pk])

    assert admin_client_central.get(url).status_code == 200
    response = admin_client_central.post(
        url,
        {
            "title": "Jeugdboekenmaand 2027",
            "show_title": "on",
            "body-count": "1",
            "body-0-type": "paragraph",
            "body-0-value": '{"blocks":[{"key":"a","text":"In maart.","type":"unstyled",'
            '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    section.refresh_from_db()
    assert section.title == "Jeugdboekenmaand 2027"


# --- detach -----------------------------------------------------------------------------------


def test_detach_turns_the_block_into_a_local_copy(site_a, admin_client):
    section = SharedSectionFactory(
        title="Privacyverklaring",
        body=[heading("Je gegevens", "h3"), paragraph("<p>We bewaren niets langer dan nodig.</p>")],
    )
    page = _page_with_sections(site_a, section)
    draft = page.get_latest_revision_as_object()  # the editor works on the latest revision
    block_id = next(b.id for b in draft.body if b.block_type == "shared_section")
    client = admin_client(site_a.editor)
    url = reverse("sitegen_shared_sections_on_page", args=[page.pk])

    listing = client.get(url)
    assert listing.status_code == 200
    assert "Privacyverklaring" in listing.content.decode()
    response = client.post(url, {"block_id": block_id})

    assert response.status_code == 302
    page.refresh_from_db()
    draft = page.get_latest_revision_as_object()
    assert [b.block_type for b in draft.body] == ["paragraph", "heading", "heading", "paragraph"]
    assert draft.body[1].value["text"] == "Privacyverklaring"
    assert "langer dan nodig" in draft.body[3].value.source
    # the live page still shows the shared section until the editor publishes
    assert StandardPage.objects.get(pk=page.pk).body[1].block_type == "shared_section"
    # the local copy no longer follows the central section
    section.body = [paragraph("<p>Gewijzigd</p>")]
    section.save()
    assert "langer dan nodig" in page.get_latest_revision_as_object().body[3].value.source


def test_detach_on_another_sites_page_is_refused(two_sites, admin_client):
    """The view asks the page's permissions (can_edit) and refuses with 403, naming nothing."""
    site_a, site_b = two_sites
    section = SharedSectionFactory()
    page_b = _page_with_sections(site_b, section)
    client = admin_client(site_a.editor)

    response = client.post(
        reverse("sitegen_shared_sections_on_page", args=[page_b.pk]), {"block_id": "x"}
    )

    assert response.status_code == 403
    assert page_b.title not in response.content.decode()
    assert page_b.get_latest_revision_as_object().body[1].block_type == "shared_section"


def test_detach_of_an_unknown_block_changes_nothing(site_a, admin_client):
    section = SharedSectionFactory()
    page = _page_with_sections(site_a, section)
    revisions = page.revisions.count()
    client = admin_client(site_a.editor)

    response = client.post(
        reverse("sitegen_shared_sections_on_page", args=[page.pk]), {"block_id": "onbekend"}
    )

    assert response.status_code == 302
    assert page.revisions.count() == revisions


def test_local_editor_opens_a_page_with_a_shared_section_in_the_editor(site_a, admin_client):
    section = SharedSectionFactory(title="Wat is Mijn Bibliotheek?")
    page = _page_with_sections(site_a, section)
    client = admin_client(site_a.editor)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    assert response.status_code == 200
    assert "Wat is Mijn Bibliotheek?" in response.content.decode()
    menu = client.get(reverse("wagtailadmin_explore", args=[site_a.home.pk]))
    assert reverse("sitegen_shared_sections_on_page", args=[page.pk]) in menu.content.decode()
    assert reverse("sitegen_page_from_template", args=[site_a.home.pk]) in menu.content.decode()
