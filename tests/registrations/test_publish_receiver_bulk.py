"""The publish receiver skips pages that `pages_bulk_create` has just created (nothing can be
registered for them yet), and still runs for every other publish."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events.models import EventPage
from home.page_bulk import CREATED_IN_BULK, pages_bulk_create
from tests.factories.events import agenda_of


def registration_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "registrations_registration" in q["sql"]]


def test_bulk_created_pages_run_no_registration_query(site_a):
    agenda = agenda_of(site_a.home)
    pages = [EventPage(title=f"Bulk {n}", intro="Nieuw.") for n in range(3)]
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        pages_bulk_create(parent=agenda, pages=pages)
    assert registration_queries(captured) == []
    # the mark lasts only while the signal is sent
    assert not any(hasattr(page, CREATED_IN_BULK) for page in pages)

    page = EventPage.objects.get(pk=pages[0].pk)
    with CaptureQueriesContext(connection) as captured:
        page.save_revision().publish()
    assert registration_queries(captured), "a later publish checks the registrations"
