"""The four ways a local editor of site A could *read* site B through the admin (the
architecture issue's hostile-editor walk), each closed and tested as A's editor against B:

1. a refused save named the foreign object: its title, a thumbnail (a new rendition) and, for
   pages, its parent id and URL;
2. rich-text links to B's pages and documents were accepted and published (with the slug);
3. the tag autocomplete by model answered from every site's tags;
4. the choosers and bulk-action screens of central snippets listed campaigns and central news
   not meant for A.
"""

import json

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image, Rendition
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from central.models import Audience
from tests.factories.pages import LocationPageFactory, StandardPageFactory
from tests.factories.sitegen import CampaignFactory, CentralNewsItemFactory

pytestmark = pytest.mark.django_db

SECRETS = ("Strombeekgeheim", "Strombeekfoto", "Strombeekdoc", "strombeektag", "geheim-slug")


@pytest.fixture
def b_objects(two_sites):
    a, b = two_sites
    page_b = StandardPageFactory(parent=b.home, title="Strombeekgeheim", slug="geheim-slug")
    page_b.unpublish()
    image_b = Image.objects.create(
        title="Strombeekfoto", file=get_test_image_file(), collection=b.tenant.collection
    )
    image_b.tags.add("strombeektag")
    doc_b = Document.objects.create(
        title="Strombeekdoc",
        file=ContentFile(b"inhoud", name="strombeek.txt"),
        collection=b.tenant.collection,
    )
    page_a = StandardPageFactory(parent=a.home, title="Gentpagina", slug="gentpagina")
    return {"a": a, "b": b, "page_a": page_a, "page_b": page_b, "image": image_b, "doc": doc_b}


def _secrets_in(body: str) -> list[str]:
    return [secret for secret in SECRETS if secret in body]


def _edit_data(page, body: list[dict] | None = None, **fields) -> dict:
    data = {"title": page.title, "slug": page.slug, "intro": "", "body-count": "0"}
    for index, block in enumerate(body or []):
        data.update(
            {
                f"body-{index}-type": block["type"],
                f"body-{index}-deleted": "",
                f"body-{index}-order": str(index),
                f"body-{index}-id": "",
                f"body-{index}-value": block["value"],
            }
        )
    data["body-count"] = str(len(body or []))
    data.update(fields)
    return data


def _contentstate_link(entity_type: str, data: dict) -> str:
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "abcde",
                    "text": "kijk hier",
                    "type": "unstyled",
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 9, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {"0": {"type": entity_type, "mutability": "MUTABLE", "data": data}},
        }
    )


# --- 1. A refused reference names nothing of the other site ---------------------------------


def test_a_refused_image_shows_no_title_and_makes_no_rendition(b_objects, admin_client):
    a, page_a, image_b = b_objects["a"], b_objects["page_a"], b_objects["image"]
    revisions = page_a.revisions.count()

    response = admin_client(a.editor).post(
        f"/admin/pages/{page_a.pk}/edit/", _edit_data(page_a, social_image=str(image_b.pk))
    )

    assert response.status_code == 200  # the form again, with its error
    body = response.content.decode()
    assert "andere website" in body
    assert _secrets_in(body) == []
    assert not Rendition.objects.filter(image=image_b).exists()
    assert page_a.revisions.count() == revisions


def test_a_refused_page_link_shows_no_title_url_or_parent(b_objects, admin_client):
    a, page_a, page_b = b_objects["a"], b_objects["page_a"], b_objects["page_b"]
    block = {
        "type": "paragraph",
        "value": _contentstate_link("LINK", {"id": page_b.pk, "url": "/", "parentId": 1}),
    }

    response = admin_client(a.editor).post(
        f"/admin/pages/{page_a.pk}/edit/", _edit_data(page_a, [block])
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "andere website" in body
    assert _secrets_in(body) == []
    assert f'"parentId": {b_objects["b"].home.pk}' not in body


# --- 2. Rich-text links to another site are refused on save ---------------------------------


@pytest.mark.parametrize("kind", ["page", "document"])
def test_rich_text_links_to_another_site_are_refused(b_objects, kind, admin_client):
    a, page_a = b_objects["a"], b_objects["page_a"]
    if kind == "page":
        value = _contentstate_link("LINK", {"id": b_objects["page_b"].pk, "url": "/"})
    else:
        value = _contentstate_link("DOCUMENT", {"id": b_objects["doc"].pk})

    response = admin_client(a.editor).post(
        f"/admin/pages/{page_a.pk}/edit/",
        _edit_data(page_a, [{"type": "paragraph", "value": value}], **{"action-publish": "1"}),
    )

    assert response.status_code == 200
    assert "andere website" in response.content.decode()
    page = Page.objects.get(pk=page_a.pk).specific
    assert "linktype" not in json.dumps(list(page.body.raw_data))
    assert _secrets_in(a.client_for().get(page.url).content.decode()) == []


def test_rich_text_link_to_the_own_site_is_accepted(b_objects, admin_client):
    """The positive control: a link to a page of A is saved."""
    a, page_a = b_objects["a"], b_objects["page_a"]
    target = StandardPageFactory(parent=a.home, title="Andere Gentpagina", slug="andere")
    value = _contentstate_link("LINK", {"id": target.pk, "url": "/andere/"})

    response = admin_client(a.editor).post(
        f"/admin/pages/{page_a.pk}/edit/",
        _edit_data(page_a, [{"type": "paragraph", "value": value}]),
    )

    assert response.status_code == 302
    body = Page.objects.get(pk=page_a.pk).get_latest_revision().content["body"]
    assert f'linktype=\\"page\\" id=\\"{target.pk}\\"' in body


def test_a_rich_text_field_linking_another_site_fails_validation(b_objects):
    a = b_objects["a"]
    location = LocationPageFactory(parent=a.home, title="Hoofdbib", slug="hoofdbib")
    location.accessibility = f'<p><a linktype="page" id="{b_objects["page_b"].pk}">x</a></p>'
    with pytest.raises(Exception) as error:  # noqa: B017 (ValidationError from full_clean)
        location.full_clean()
    assert "andere website" in str(error.value)
    assert "Strombeekgeheim" not in str(error.value)


# --- 3. Tag autocomplete by model -------------------------------------------------------------


def test_tag_autocomplete_by_model_shows_only_own_tags(b_objects, admin_client):
    a, b = b_objects["a"], b_objects["b"]
    url = "/admin/tag-autocomplete/taggit/tag/?term=strom"

    assert admin_client(a.editor).get(url).json() == []
    assert "strombeektag" in admin_client(b.editor).get(url).json()


# --- 4. Central snippets: choosers and bulk screens -------------------------------------------


@pytest.fixture
def central_items(b_objects):
    b = b_objects["b"]
    only_b = CampaignFactory(title="Strombeekgeheim campagne", audience=Audience.SITES)
    only_b.target_sites.set([b.site])
    for_all = CampaignFactory(title="Campagne voor iedereen", audience=Audience.ALL)
    news_b = CentralNewsItemFactory(title="Strombeekgeheim nieuws")
    news_b.sites.set([b.site])
    return {"campaign_b": only_b, "campaign_all": for_all, "news_b": news_b}


def test_campaign_chooser_lists_only_campaigns_for_the_editors_site(
    b_objects, central_items, admin_client
):
    a, b = b_objects["a"], b_objects["b"]
    client = admin_client(a.editor)

    listing = client.get("/admin/snippets/choose/central/campaign/").content.decode()
    assert "Campagne voor iedereen" in listing
    assert _secrets_in(listing) == []
    results = client.get("/admin/snippets/choose/central/campaign/results/?q=campagne")
    assert _secrets_in(results.content.decode()) == []
    chosen = client.get(
        f"/admin/snippets/choose/central/campaign/chosen/{central_items['campaign_b'].pk}/"
    )
    assert chosen.status_code == 404
    # B's editor does see B's campaign
    listing_b = admin_client(b.editor).get("/admin/snippets/choose/central/campaign/")
    assert "Strombeekgeheim campagne" in listing_b.content.decode()


def test_central_news_chooser_lists_only_news_for_the_editors_site(
    b_objects, central_items, admin_client
):
    a = b_objects["a"]
    client = admin_client(a.editor)
    listing = client.get("/admin/snippets/choose/central/centralnewsitem/").content.decode()
    assert _secrets_in(listing) == []
    news = central_items["news_b"].pk
    assert (
        client.get(f"/admin/snippets/choose/central/centralnewsitem/chosen/{news}/").status_code
        == 404
    )
    multiple = client.get(
        f"/admin/snippets/choose/central/centralnewsitem/chosen-multiple/?id={news}"
    )
    assert _secrets_in(multiple.content.decode()) == []


@pytest.mark.parametrize("model", ["campaign", "centralnewsitem", "sharedsection", "pagetemplate"])
def test_bulk_screens_of_central_snippets_are_refused(
    b_objects, central_items, model, central_editor, admin_client
):
    a = b_objects["a"]
    ids = {
        "campaign": central_items["campaign_b"].pk,
        "centralnewsitem": central_items["news_b"].pk,
    }.get(model, 1)
    url = f"/admin/bulk/central/{model}/delete/?id={ids}"

    response = admin_client(a.editor).get(url)

    assert response.status_code == 404
    assert _secrets_in(response.content.decode()) == []
    if model == "campaign":
        assert "Strombeekgeheim" in admin_client(central_editor).get(url).content.decode()
