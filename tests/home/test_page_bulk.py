"""Bulk page creation: pages as good as those made one by one, in a fixed number of queries."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry, ReferenceIndex
from wagtail.signals import page_published

from home.page_bulk import page_tree_bulk_create, pages_bulk_create
from library_pages.models import LocationPage, OpeningHoursSpan, StandardPage
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db


def _standard(number: int, **kwargs) -> StandardPage:
    kwargs.setdefault("slug", f"bulk-{number}")
    return StandardPage(
        title=f"Bulkpagina {number}",
        intro="Over walvissen in de bib.",
        body=[{"type": "paragraph", "value": f"<p>Tekst {number} over de zeebodem.</p>"}],
        **kwargs,
    )


def _create(parent, pages, **kwargs):
    with transaction.atomic():
        return pages_bulk_create(parent=parent, pages=pages, **kwargs)


def test_bulk_pages_form_a_valid_tree_after_the_existing_children(site_a):
    home = site_a.home
    existing = StandardPageFactory(parent=home, title="Met de hand", slug="met-de-hand")
    children_before = home.get_children().count()

    section = _standard(0, slug="sectie")
    sub_1, sub_2 = _standard(1), _standard(2)
    with transaction.atomic():
        page_tree_bulk_create(
            placements=[(home, section), (section, sub_1), (section, sub_2)],
        )

    assert Page.find_problems() == ([], [], [], [], [])
    home.refresh_from_db()
    assert home.numchild == children_before + 1
    assert list(home.get_children())[-1].pk == section.pk
    assert home.get_children().get(pk=existing.pk)
    section_db = Page.objects.get(pk=section.pk)
    assert section_db.numchild == 2
    assert [p.pk for p in section_db.get_children()] == [sub_1.pk, sub_2.pk]
    assert sub_2.get_parent().pk == section.pk
    assert sub_2.url_path == f"{home.url_path}sectie/bulk-2/"
    assert Page.objects.get(pk=sub_2.pk).specific.relative_url(site_a.site) == "/sectie/bulk-2/"
    assert sub_2.locale_id == home.locale_id

    response = site_a.client_for().get("/sectie/bulk-2/")
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True) == (
        "Bulkpagina 2"
    )


def test_bulk_pages_have_one_published_revision_and_a_history(site_a, central_editor):
    (page,) = _create(site_a.home, [_standard(1)], user=central_editor)

    page = StandardPage.objects.get(pk=page.pk)
    revision = page.latest_revision
    assert page.live and not page.has_unpublished_changes
    assert revision is not None and page.live_revision_id == revision.pk
    assert page.revisions.count() == 1
    assert revision.content["title"] == "Bulkpagina 1"
    assert revision.user == central_editor and page.owner == central_editor
    assert page.first_published_at and page.last_published_at
    assert page.draft_title == "Bulkpagina 1"
    assert sorted(PageLogEntry.objects.filter(page=page).values_list("action", flat=True)) == [
        "wagtail.create",
        "wagtail.publish",
    ]
    assert revision.as_object().intro == "Over walvissen in de bib."


def test_bulk_pages_can_be_edited_and_published_in_the_admin(site_a, admin_client_central):
    (page,) = _create(site_a.home, [_standard(1)])

    assert admin_client_central.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    assert admin_client_central.get(f"/admin/pages/{page.pk}/history/").status_code == 200
    page = StandardPage.objects.get(pk=page.pk)
    page.title = "Nieuwe titel"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.revisions.count() == 2
    assert page.title == "Nieuwe titel"
    assert Page.find_problems() == ([], [], [], [], [])


def test_search_finds_bulk_pages(site_a):
    _create(site_a.home, [_standard(1), _standard(2)])

    response = site_a.client_for().get("/zoeken/?q=zeebodem")
    titles = [
        h3.get_text(strip=True)
        for h3 in BeautifulSoup(response.content, "html.parser").select("ol.search-results h3")
    ]
    assert sorted(titles) == ["Bulkpagina 1", "Bulkpagina 2"]


def test_reference_index_and_child_relations_are_written(site_a):
    home = site_a.home
    linking = _standard(1)
    linking.body = [
        {"type": "paragraph", "value": f'<p><a linktype="page" id="{home.pk}">Start</a></p>'}
    ]
    location = LocationPage(
        title="Filiaal Zuid",
        slug="zuid",
        street="Zuidstraat 1",
        postal_code="9000",
        city="Gent",
        weekly_hours=[
            OpeningHoursSpan(weekday=0, opens=dt.time(9), closes=dt.time(12)),
            OpeningHoursSpan(weekday=2, opens=dt.time(13), closes=dt.time(18)),
        ],
    )
    _create(home, [linking, location])

    referring = {ref.object_id for ref in ReferenceIndex.get_references_to(home)}
    assert str(linking.pk) in referring
    hours = OpeningHoursSpan.objects.filter(location_id=location.pk).order_by("weekday")
    assert [span.weekday for span in hours] == [0, 2]
    content = LocationPage.objects.get(pk=location.pk).latest_revision.content
    assert [span["weekday"] for span in content["weekly_hours"]] == [0, 2]
    assert all(span["pk"] for span in content["weekly_hours"])


def test_page_published_is_sent_for_every_page(site_a):
    received = []

    def receiver(sender, instance, revision, **kwargs):
        received.append((sender, instance.pk, revision.pk))

    page_published.connect(receiver)
    try:
        pages = _create(site_a.home, [_standard(1), _standard(2)])
    finally:
        page_published.disconnect(receiver)
    assert received == [(StandardPage, p.pk, p.latest_revision.pk) for p in pages]


def test_taken_slug_is_refused_and_nothing_is_written(site_a):
    home = site_a.home
    StandardPageFactory(parent=home, slug="bezet")
    count = Page.objects.count()

    with pytest.raises(ValidationError, match="bezet"):
        _create(home, [_standard(1), _standard(2, slug="bezet")])
    assert Page.objects.count() == count


def test_missing_slug_is_made_from_the_title_and_deduplicated(site_a):
    home = site_a.home
    StandardPageFactory(parent=home, title="Praktisch", slug="praktisch")
    first = StandardPage(title="Praktisch", slug="")
    second = StandardPage(title="Praktisch", slug="")
    _create(home, [first, second])
    assert (first.slug, second.slug) == ("praktisch-2", "praktisch-3")


def test_queries_do_not_grow_with_the_number_of_pages(site_a):
    home = site_a.home

    def count(number: int, offset: int) -> int:
        pages = [_standard(offset + n) for n in range(number)]
        with CaptureQueriesContext(connection) as captured:
            _create(home, pages)
        return len(captured)

    # 35: SQLite allows 999 parameters per statement, so Django inserts at most 37 pages per
    # INSERT there; on PostgreSQL the batches hold 500 pages.
    # A first batch fills what is read once (site root paths, the menu pages of the shell's
    # receivers); the batches after it are compared.
    count(1, 200)
    five = count(5, 0)
    many = count(50 if connection.vendor == "postgresql" else 35, 100)
    assert five == many
    assert many <= 15
    assert Page.find_problems() == ([], [], [], [], [])
