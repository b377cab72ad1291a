"""The words of the page choosers and of the tree root, as a central editor meets them."""

import pytest
from django.urls import reverse
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page

from library_pages.models import LocationPage
from tests.factories.html import soup_of

pytestmark = pytest.mark.django_db


def test_a_chooser_for_one_page_type_says_kies_een_and_the_type():
    widget = AdminPageChooser(target_models=[LocationPage])
    # Wagtail says "Choose a page (Location)": "Kies een pagina (Locatie)".
    assert str(widget.choose_one_text) == "Kies een locatie"
    html = widget.render("page", None, attrs={"id": "id_page"})
    assert "Kies een locatie" in html
    assert "(" not in str(widget.choose_one_text)


def test_a_chooser_for_any_page_keeps_its_words():
    assert str(AdminPageChooser().choose_one_text) == "Kies een pagina"


def test_the_tree_root_has_a_dutch_title(site_a, admin_client_central):
    root = Page.objects.get(depth=1)
    assert root.title == "Alle websites"
    response = admin_client_central.get(reverse("wagtailadmin_pages:search"), {"q": "root"})
    assert response.status_code == 200
    titles = [cell.get_text(" ", strip=True) for cell in soup_of(response).select("td.title")]
    assert not any(title.startswith("Root") for title in titles)


def test_the_admin_search_speaks_plain_dutch(site_a, admin_client):
    response = admin_client(site_a.editor).get(
        reverse("wagtailadmin_pages:search"), {"q": "zzzqqq"}
    )
    text = soup_of(response).get_text(" ", strip=True)
    # Wagtail's Dutch: "Helaas, geen pagina-overeenkomst zzzqqq" and "Pagina types".
    assert "Geen pagina's gevonden voor zzzqqq" in text
    assert "pagina-overeenkomst" not in text
    assert "Pagina types" not in text
    assert "Paginatypes" in text
