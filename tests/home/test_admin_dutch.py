"""The admin speaks Dutch: a branded login page, only complete languages, the Dutch editor
guide where Wagtail links its English one."""

from bs4 import BeautifulSoup
from django.conf import settings
from django.test import override_settings

from home.editor_guide import guide_chapters
from tests.conftest import admin_client_for


def test_login_page_is_branded_and_dutch(db):
    response = admin_client_for().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Inloggen in Bibnet"
    assert soup.title.get_text(strip=True) == "Inloggen - Bibnet"
    labels = [
        label.get_text(" ", strip=True).replace("*", "").strip() for label in soup.select("label")
    ]
    assert "Gebruikersnaam" in labels and "Wachtwoord" in labels
    for message in soup.select("noscript"):  # Wagtail's own (Dutch) note names Wagtail
        message.decompose()
    text = soup.get_text(" ")
    for english in ("Password", "Sign in", "Remember me", "Wagtail"):
        assert english not in text


@override_settings(WAGTAIL_SITE_NAME="Bibliotheken Limburg")
def test_login_page_takes_the_configured_name(db):
    soup = BeautifulSoup(admin_client_for().get("/admin/login/").content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Inloggen in Bibliotheken Limburg"


def test_the_admin_offers_only_dutch(site_a):
    assert [code for code, _name in settings.WAGTAILADMIN_PERMITTED_LANGUAGES] == ["nl-be"]
    soup = BeautifulSoup(
        admin_client_for(site_a.editor).get("/admin/account/").content, "html.parser"
    )
    assert soup.select_one("select[name$=preferred_language]") is None


def test_help_menu_and_dashboard_link_the_dutch_guide(site_a):
    client = admin_client_for(site_a.editor)
    content = client.get("/admin/").content.decode()
    assert "guide.wagtail.org" not in content
    soup = BeautifulSoup(content, "html.parser")
    assert soup.find("a", string="Handleiding voor redacteurs")["href"] == "/admin/handleiding/"
    assert "Handleiding voor redacteurs" in content  # the help menu's item (sidebar JSON too)


def test_the_guide_renders_every_chapter(site_a):
    client = admin_client_for(site_a.editor)
    chapters = guide_chapters()
    assert {chapter.slug for chapter in chapters} >= {"index", "activiteiten", "startscherm"}
    soup = BeautifulSoup(client.get("/admin/handleiding/").content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Handleiding voor redacteurs"
    link = soup.select_one('article a[href="/admin/handleiding/activiteiten/"]')
    assert link is not None
    for chapter in chapters[1:]:
        response = client.get(f"/admin/handleiding/{chapter.slug}/")
        assert response.status_code == 200
        assert chapter.title in response.content.decode()
    assert client.get("/admin/handleiding/bestaat-niet/").status_code == 404
    assert admin_client_for().get("/admin/handleiding/").status_code == 302  # login first


def test_boolean_cells_say_ja_and_nee():
    from django.template.loader import render_to_string

    titles = []
    for value in (True, False, None):
        html = render_to_string(
            "wagtailadmin/tables/boolean_cell.html", {"value": value, "column": None}
        )
        cell = BeautifulSoup(html, "html.parser").select_one(".w-sr-only")
        titles.append(cell.get_text(strip=True))
    assert titles == ["Ja", "Nee", "Onbekend"]


def test_wagtail_english_is_overridden_in_dutch():
    from django.utils import translation

    with translation.override("nl-be"):
        assert translation.gettext("Dashboard") == "Startscherm"
        assert translation.gettext("Site summary") == "Overzicht van de website"
        assert translation.gettext("Live") == "Gepubliceerd"


def test_page_listing_counts_read_as_dutch():
    """Wagtail's own Dutch glues the words together ("1-12van 12pagina's")."""
    from django.utils import translation

    with translation.override("nl-be"):
        heading = translation.gettext(
            "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"
        ) % {"start_index": 1, "end_index": 12, "items_count": 12, "model_name": "pagina's"}
    assert heading == "1-12 van 12 pagina's"
