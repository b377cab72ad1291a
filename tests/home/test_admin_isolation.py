"""A local editor of site A in the one admin: every admin URL that names site B's pages, images,
documents, collections or settings is refused (Wagtail's "no permission" answer when a permission
policy refuses it in Wagtail's own view, 404 where home.middleware asks the policy first, 403 for
central-only areas), a POST to it changes nothing, and no
listing, chooser, search, autocomplete or dashboard shows anything of B. Central editors still
reach everything (so these tests would fail if the guards were too blunt or missing)."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from home.models import ContactSettings
from tests.factories.admin import refused
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db

# Searches use a word that B's titles share, so that the query echoed on the screen is no secret.
# Strings that only site B's objects carry: none may appear on any admin screen of A's editor.
SECRETS = (
    "Strombeekgeheim",
    "Strombeekfoto",
    "Strombeekdoc",
    "strombeektag",
    "Cultuurcentrum Strombeek",
    "redacteur-strombeek",
    "moderator-strombeek",
)


@dataclass
class Network:
    a: object
    b: object
    page_a: Page
    page_b: Page
    image_b: Image
    doc_b: Document


@pytest.fixture
def network(two_sites) -> Network:
    a, b = two_sites
    page_a = StandardPageFactory(parent=a.home, title="Gentpagina", slug="gentpagina")
    page_b = StandardPageFactory(parent=b.home, title="Strombeekgeheim walvisavond", slug="geheim")
    page_b.owner = b.editor
    page_b.save()
    page_b.save_revision(user=b.editor, log_action=True)
    page_b.locked, page_b.locked_by = True, b.moderator
    page_b.save()
    image_b = Image.objects.create(
        title="Strombeekfoto walvisavond",
        file=get_test_image_file(),
        collection=b.tenant.collection,
    )
    image_b.tags.add("strombeektag")
    doc_b = Document.objects.create(
        title="Strombeekdoc walvisavond",
        file=ContentFile(b"inhoud", name="strombeek.txt"),
        collection=b.tenant.collection,
    )
    doc_b.tags.add("strombeektag")
    return Network(a=a, b=b, page_a=page_a, page_b=page_b, image_b=image_b, doc_b=doc_b)


def _b_urls(n: Network) -> dict[str, str]:
    """Admin URLs of B's objects."""
    page, home = n.page_b, n.b.home
    revision = page.latest_revision
    urls = {
        "explorer": f"/admin/pages/{home.pk}/",
        "explorer results": f"/admin/pages/{home.pk}/results/",
        "edit": f"/admin/pages/{page.pk}/edit/",
        "preview": f"/admin/pages/{page.pk}/edit/preview/",
        "view draft": f"/admin/pages/{page.pk}/view_draft/",
        "delete": f"/admin/pages/{page.pk}/delete/",
        "copy": f"/admin/pages/{page.pk}/copy/",
        "move": f"/admin/pages/{page.pk}/move/",
        "move confirm": f"/admin/pages/{page.pk}/move/{n.a.home.pk}/confirm/",
        "history": f"/admin/pages/{page.pk}/history/",
        "revisions": f"/admin/pages/{page.pk}/revisions/",
        "revision view": f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/",
        "revision revert": f"/admin/pages/{page.pk}/revisions/{revision.pk}/revert/",
        "revision compare": f"/admin/pages/{page.pk}/revisions/compare/earliest...latest/",
        "unpublish": f"/admin/pages/{page.pk}/unpublish/",
        "lock": f"/admin/pages/{page.pk}/lock/",
        "unlock": f"/admin/pages/{page.pk}/unlock/",
        "workflow history": f"/admin/pages/{page.pk}/workflow_history/",
        "usage": f"/admin/pages/{page.pk}/usage/",
        "add subpage": f"/admin/pages/{home.pk}/add_subpage/",
        "add": f"/admin/pages/add/library_pages/standardpage/{home.pk}/",
        "privacy": f"/admin/pages/{page.pk}/privacy/",
        "page chooser": f"/admin/choose-page/{home.pk}/",
        "page chosen": f"/admin/choose-page/chosen-multiple/?id={page.pk}",
        "api page": f"/admin/api/main/pages/{page.pk}/",
        "bulk delete pages": f"/admin/bulk/wagtailcore/page/delete/?id={page.pk}",
        "image edit": f"/admin/images/{n.image_b.pk}/",
        "image delete": f"/admin/images/{n.image_b.pk}/delete/",
        "image usage": f"/admin/images/usage/{n.image_b.pk}/",
        "image url": f"/admin/images/{n.image_b.pk}/generate_url/",
        "image chosen": f"/admin/images/chooser/chosen/{n.image_b.pk}/",
        "image format": f"/admin/images/chooser/{n.image_b.pk}/select_format/",
        "bulk delete images": f"/admin/bulk/wagtailimages/image/delete/?id={n.image_b.pk}",
        "document edit": f"/admin/documents/edit/{n.doc_b.pk}/",
        "document delete": f"/admin/documents/delete/{n.doc_b.pk}/",
        "document usage": f"/admin/documents/usage/{n.doc_b.pk}/",
        "document chosen": f"/admin/documents/chooser/chosen/{n.doc_b.pk}/",
        "document download": f"/documents/{n.doc_b.pk}/strombeek.txt",
        "collection": f"/admin/collections/{n.b.tenant.collection.pk}/",
        "collection delete": f"/admin/collections/{n.b.tenant.collection.pk}/delete/",
    }
    for setting in (
        "brandingsettings",
        "identitysettings",
        "contactsettings",
        "integrationsettings",
        "navigationsettings",
    ):
        urls[f"setting {setting}"] = f"/admin/settings/home/{setting}/{n.b.site.pk}/"
    return urls


# Screens a local editor uses every day: they work, and show nothing of B.
SCREENS = {
    "dashboard": "/admin/",
    "explorer root": "/admin/pages/",
    "page search": "/admin/pages/search/?q=walvisavond",
    "page search results": "/admin/pages/search/results/?q=walvisavond",
    "page type usage": "/admin/pages/usage/library_pages/standardpage/",
    "choose parent": "/admin/pages/create/library_pages/standardpage",
    "page chooser": "/admin/choose-page/",
    "page chooser search": "/admin/choose-page/search/?q=walvisavond",
    "api pages": "/admin/api/main/pages/",
    "api images": "/admin/api/main/images/",
    "api documents": "/admin/api/main/documents/",
    "images": "/admin/images/",
    "image chooser": "/admin/images/chooser/",
    "image chooser search": "/admin/images/chooser/results/?q=walvisavond",
    "documents": "/admin/documents/",
    "document chooser": "/admin/documents/chooser/",
    "document chooser search": "/admin/documents/chooser/results/?q=walvisavond",
    "tag autocomplete": "/admin/tag-autocomplete/?term=strom",
}

# Areas that cannot be scoped per site: central editors only.
CENTRAL_ONLY = {
    "users": "/admin/users/",
    "groups": "/admin/groups/",
    "sites": "/admin/sites/",
    "collections": "/admin/collections/",
    "workflows": "/admin/workflows/list/",
    "workflow tasks": "/admin/workflows/tasks/index/",
    "redirects": "/admin/redirects/",
    "search promotions": "/admin/searchpicks/",
    "site history report": "/admin/reports/site-history/",
    "locked pages report": "/admin/reports/locked/",
    "aging pages report": "/admin/reports/aging-pages/",
    "identity settings": "/admin/settings/home/identitysettings/",
}


def test_every_admin_url_of_another_sites_objects_is_refused(network, admin_client):
    client = admin_client(network.a.editor)
    reachable = {}
    for name, url in _b_urls(network).items():
        response = client.get(url)
        if not refused(response, client, network.a.editor):
            reachable[name] = response.status_code
    assert reachable == {}, f"reachable by the editor of A: {reachable}"


def test_the_refusal_is_not_a_redirect_for_anything(network, admin_client):
    """The predicate above cannot pass a screen that works: the editor's own page answers 200,
    and a redirect elsewhere (a login, another admin screen) is not a refusal."""
    client = admin_client(network.a.editor)
    assert not refused(client.get(f"/admin/pages/{network.page_a.pk}/edit/"))
    assert not refused(client.get(f"/admin/pages/{network.a.home.pk}/"))
    assert refused(client.get(f"/admin/pages/{network.page_b.pk}/edit/"))


def test_pages_are_not_moved_or_copied_into_another_site(network, admin_client):
    """The move confirmation and the copy form name their destination: another site's page as
    destination is refused before either shows it."""
    client = admin_client(network.a.editor)
    page_a, home_b = network.page_a, network.b.home
    response = client.get(f"/admin/pages/{page_a.pk}/move/{home_b.pk}/confirm/")
    assert response.status_code == 404
    assert "Cultuurcentrum Strombeek" not in response.content.decode()
    response = client.post(
        f"/admin/pages/{page_a.pk}/copy/",
        {"new_title": "Kopie", "new_slug": "kopie", "new_parent_page": home_b.pk},
    )
    assert refused(response)
    assert not Page.objects.filter(slug="kopie").exists()
    assert Page.objects.get(pk=page_a.pk).get_parent().pk == network.a.home.pk


def test_the_central_editor_reaches_the_same_urls(network, central_editor, admin_client):
    client = admin_client(central_editor)
    urls = _b_urls(network)
    for name in ("edit", "history", "image edit", "document edit", "explorer"):
        assert client.get(urls[name]).status_code == 200, name
    assert client.get(urls["setting contactsettings"]).status_code == 200


@pytest.mark.parametrize("name,url", sorted(SCREENS.items()))
def test_screens_show_nothing_of_another_site(network, name, url, admin_client):
    response = admin_client(network.a.editor).get(url, follow=True)

    assert response.status_code == 200
    body = response.content.decode()
    assert [secret for secret in SECRETS if secret in body] == []


def test_the_screens_do_show_the_sites_own_objects(network, admin_client):
    """The positive control for the test above: the editor of B sees B's objects there."""
    client = admin_client(network.b.editor)
    assert "Strombeekgeheim" in client.get(SCREENS["page search results"]).content.decode()
    assert "Strombeekfoto" in client.get(SCREENS["images"]).content.decode()
    assert "strombeektag" in client.get(SCREENS["images"]).content.decode()
    assert "strombeektag" in client.get(SCREENS["tag autocomplete"]).content.decode()
    assert "Strombeekdoc" in client.get(SCREENS["documents"]).content.decode()
    assert "Strombeekfoto" in client.get(SCREENS["image chooser search"]).content.decode()
    assert "Strombeekdoc" in client.get(SCREENS["document chooser search"]).content.decode()


@pytest.mark.parametrize("name,url", sorted(CENTRAL_ONLY.items()))
def test_central_only_areas_are_refused_to_local_editors(
    network, central_editor, name, url, admin_client
):
    assert admin_client(network.a.editor).get(url).status_code == 403
    assert admin_client(central_editor).get(url, follow=True).status_code == 200


def test_central_only_areas_are_not_in_the_menu(network, admin_client):
    body = admin_client(network.a.editor).get("/admin/").content.decode()
    for url in ("/admin/users/", "/admin/groups/", "/admin/sites/", "/admin/redirects/"):
        assert f'"{url}"' not in body


def test_posts_to_another_sites_objects_change_nothing(network, admin_client):
    n = network
    client = admin_client(n.a.editor)
    urls = _b_urls(n)
    contact = ContactSettings.for_site(n.b.site)
    before = (contact.street, contact.email)

    posts = [
        (urls["edit"], {"title": "Gekaapt", "slug": "gekaapt", "action-publish": "1"}),
        (urls["delete"], {}),
        (urls["unpublish"], {}),
        (urls["move confirm"], {}),
        (urls["copy"], {"new_title": "Kopie", "new_slug": "kopie", "new_parent_page": n.a.home.pk}),
        (urls["unlock"], {}),
        (urls["revision revert"], {}),
        (urls["image edit"], {"title": "Gekaapt"}),
        (urls["image delete"], {}),
        (urls["document edit"], {"title": "Gekaapt"}),
        (urls["document delete"], {}),
        (urls["bulk delete pages"], {}),
        (urls["setting contactsettings"], {"street": "Gekaapt 1", "email": "x@example.com"}),
    ]
    for url, data in posts:
        assert refused(client.post(url, data)), url

    page = Page.objects.get(pk=n.page_b.pk)
    assert (page.title, page.slug, page.live, page.locked) == (
        "Strombeekgeheim walvisavond",
        "geheim",
        True,
        True,
    )
    assert page.get_parent().pk == n.b.home.pk
    assert not Page.objects.filter(slug="kopie").exists()
    assert Image.objects.get(pk=n.image_b.pk).title == "Strombeekfoto walvisavond"
    assert Document.objects.get(pk=n.doc_b.pk).title == "Strombeekdoc walvisavond"
    contact.refresh_from_db()
    assert (contact.street, contact.email) == before


def test_a_local_editor_still_edits_their_own_site(network, admin_client):
    client = admin_client(network.a.editor)
    assert client.get(f"/admin/pages/{network.page_a.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{network.a.home.pk}/").status_code == 200
    own_contact = f"/admin/settings/home/contactsettings/{network.a.site.pk}/"
    assert client.get(own_contact).status_code == 200


def test_choosing_another_sites_page_in_a_block_is_refused_on_save(network):
    """A chosen id can be POSTed directly: the page form refuses another site's page."""
    from library_pages.models import StandardPage

    page = StandardPage.objects.get(pk=network.page_a.pk)
    page.body = [
        {
            "type": "call_to_action",
            "value": {
                "title": "Kijk",
                "text": "",
                "button_label": "Ga",
                "target": {"page": network.page_b.pk, "url": ""},
            },
        }
    ]
    with pytest.raises(Exception) as error:  # noqa: B017 (ValidationError from full_clean)
        page.full_clean()
    assert "andere website" in str(error.value)
