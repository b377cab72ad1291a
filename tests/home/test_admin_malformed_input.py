"""Malformed admin input answers 4xx, never 500, for local and central editors alike.

Each case is a class of request that crashed a Wagtail admin view before home.admin_input
guarded it: non-integer ids in choosers, bulk actions and editing sessions, a NUL byte in the
tag autocomplete, a StreamField POST without its `-count` field, rich-text JSON that does not
parse, a non-integer id in the agenda-import inspect view."""

import pytest
from django.test import Client

from tests.conftest import admin_client_for
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db

GET_CASES = {
    "page chosen multiple": "/admin/choose-page/chosen-multiple/?id=abc",
    "image chosen": "/admin/images/chooser/chosen/abc/",
    "document chosen": "/admin/documents/chooser/chosen/abc/",
    "shared section chosen": "/admin/snippets/choose/central/sharedsection/chosen/abc/",
    "campaign chosen": "/admin/snippets/choose/central/campaign/chosen/abc/",
    "bulk pages": "/admin/bulk/wagtailcore/page/delete/?id=abc",
    "bulk pages childOf": "/admin/bulk/wagtailcore/page/delete/?id=all&childOf=abc",
    "bulk images": "/admin/bulk/wagtailimages/image/delete/?id=abc",
    "bulk documents": "/admin/bulk/wagtaildocs/document/delete/?id=abc",
    "bulk snippets": "/admin/bulk/central/campaign/delete/?id=abc",
    "bulk users": "/admin/bulk/auth/user/delete/?id=abc",
    "tag autocomplete NUL": "/admin/tag-autocomplete/?term=%00",
    "tag model autocomplete NUL": "/admin/tag-autocomplete/taggit/tag/?term=a%00",
    "page search NUL": "/admin/pages/search/?q=%00",
    "agenda import inspect": "/admin/agenda-imports/inspect/abc/",
}

POST_CASES = {
    "editing session ping": "/admin/editing-sessions/ping/wagtailcore/page/abc/1/",
    "editing session ping snippet": "/admin/editing-sessions/ping/central/campaign/abc/1/",
}


def _client(user, site) -> Client:
    client = admin_client_for(user)
    client.raise_request_exception = True  # a 500 fails the test with its traceback
    return client


@pytest.mark.parametrize("name", sorted(GET_CASES))
@pytest.mark.parametrize("who", ["local", "central"])
def test_malformed_get_answers_4xx(site_a, central_editor, who, name):
    user = site_a.editor if who == "local" else central_editor
    response = _client(user, site_a).get(GET_CASES[name])
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize("name", sorted(POST_CASES))
@pytest.mark.parametrize("who", ["local", "central"])
def test_malformed_post_answers_4xx(site_a, central_editor, who, name):
    user = site_a.editor if who == "local" else central_editor
    response = _client(user, site_a).post(POST_CASES[name], {})
    assert 400 <= response.status_code < 500, response.status_code


def _edit_post(page, **body) -> dict:
    return {"title": page.title, "slug": page.slug, "intro": "", **body}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="missing body-count"),
        pytest.param({"body-count": "x"}, id="non-integer body-count"),
        pytest.param(
            {
                "body-count": "1",
                "body-0-type": "paragraph",
                "body-0-deleted": "",
                "body-0-order": "0",
                "body-0-id": "",
                "body-0-value": "{not json",
            },
            id="invalid rich-text JSON",
        ),
    ],
)
@pytest.mark.parametrize("who", ["local", "central"])
def test_malformed_page_edit_post_answers_400(site_a, central_editor, who, body):
    page = StandardPageFactory(parent=site_a.home, title="Gentpagina", slug="gentpagina")
    user = site_a.editor if who == "local" else central_editor
    response = _client(user, site_a).post(f"/admin/pages/{page.pk}/edit/", _edit_post(page, **body))
    assert response.status_code == 400


def test_a_valid_page_edit_post_still_saves(site_a):
    """The positive control: well-formed data passes the guards."""
    page = StandardPageFactory(parent=site_a.home, title="Gentpagina", slug="gentpagina")
    response = _client(site_a.editor, site_a).post(
        f"/admin/pages/{page.pk}/edit/", _edit_post(page, **{"body-count": "0"}, title="Nieuw")
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision().content["title"] == "Nieuw"
