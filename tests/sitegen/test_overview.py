"""Network overview: the numbers match the database, in a fixed number of queries; filter,
sort, CSV export; central editors only."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, PageLogEntry

from home.models import BrandingSettings, IdentitySettings
from library_pages.models import ExceptionalHours, LocationIndexPage
from sitegen.selectors.overview import holidays_coming, network_overview
from tests.conftest import site_provision
from tests.factories.html import soup_of
from tests.factories.pages import LocationPageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)  # coming holidays: Christmas and New Year


@pytest.fixture
def network(two_sites):
    site_a, site_b = two_sites
    index_a = LocationIndexPage.objects.child_of(site_a.home).get()
    ready = LocationPageFactory(parent=index_a, title="Hoofdbib")
    ready.exceptional_hours = [
        ExceptionalHours(
            start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 26), reason="Kerst"
        ),
        ExceptionalHours(start_date=dt.date(2027, 1, 1), reason="Nieuwjaar"),
    ]
    ready.save_revision().publish()
    LocationPageFactory(parent=index_a, title="Filiaal zonder feestdaguren")
    page = StandardPageFactory(parent=site_a.home, title="Zomerleesactie")
    page.title = "Zomerleesactie 2026"
    page.save_revision(user=site_a.editor, log_action=True)
    BrandingSettings.objects.filter(site=site_b.site).update(
        primary_colour="#ffff00", primary_text_colour="#ffffff"
    )
    IdentitySettings.objects.filter(site=site_b.site).update(province="vlaams-brabant")
    return site_a, site_b


def _row(overview, slug):
    return next(site for site in overview.sites if site.slug == slug)


def test_holidays_coming():
    assert [name for _day, name in holidays_coming(today=TODAY)] == ["Kerstmis", "Nieuwjaar"]


def test_numbers_match_the_database(network):
    site_a, site_b = network

    overview = network_overview(today=TODAY)

    assert [site.slug for site in overview.sites] == ["gent", "strombeek"]
    for fixture in network:
        row = _row(overview, fixture.tenant.slug)
        root = fixture.site.root_page
        assert row.pages == Page.objects.descendant_of(root, inclusive=True).count()
        assert row.blueprint_version == fixture.tenant.blueprint_version
        assert row.hostname == fixture.site.hostname
        assert row.kind == fixture.tenant.kind
        last = (
            PageLogEntry.objects.filter(page__path__startswith=root.path)
            .order_by("-timestamp", "-pk")
            .first()
        )
        assert row.last_edit_at == (last.timestamp if last else None)
    gent, strombeek = _row(overview, "gent"), _row(overview, "strombeek")
    assert gent.last_edit_by == "redacteur-gent"
    assert (gent.locations, gent.locations_without_holiday_hours) == (2, 1)
    assert gent.colour_warnings == []
    assert strombeek.colour_warnings and "hoofdkleur" in strombeek.colour_warnings[0]
    assert strombeek.province == "vlaams-brabant"


def test_filter_and_sort(network):
    assert [s.slug for s in network_overview(kind="cultuurcentrum", today=TODAY).sites] == [
        "strombeek"
    ]
    assert [s.slug for s in network_overview(province="vlaams-brabant", today=TODAY).sites] == [
        "strombeek"
    ]
    by_pages = network_overview(sort="paginas", descending=True, today=TODAY).sites
    assert [s.pages for s in by_pages] == sorted((s.pages for s in by_pages), reverse=True)
    # both have a warning: Gent a location without holiday hours, Strombeek its colours
    assert len(network_overview(warnings_only=True, today=TODAY).sites) == 2


def test_queries_do_not_grow_with_the_network(network):
    with CaptureQueriesContext(connection) as two:
        network_overview(today=TODAY)
    site_provision("brugge", "Bibliotheek Brugge")
    site_provision("hasselt", "Bibliotheek Hasselt")
    with CaptureQueriesContext(connection) as four:
        overview = network_overview(today=TODAY)

    assert len(overview.sites) == 4
    assert len(two) == len(four) <= 8


def test_admin_view_and_csv_export(network, admin_client_central):
    url = reverse("sitegen_network_overview")

    page = admin_client_central.get(url, {"sorteer": "-paginas"})
    assert page.status_code == 200
    rows = soup_of(page).select("table.listing tbody tr")
    assert len(rows) == 2

    export = admin_client_central.get(url, {"formaat": "csv", "soort": "bibliotheek"})
    assert export["Content-Type"].startswith("text/csv")
    records = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [r["slug"] for r in records] == ["gent"]
    site_a = network[0]
    assert (
        int(records[0]["paginas"])
        == Page.objects.descendant_of(site_a.site.root_page, inclusive=True).count()
    )
    assert records[0]["locaties_zonder_feestdaguren"] in {"0", "1", "2"}


def test_bad_parameters_fall_back_to_defaults(network, admin_client_central):
    response = admin_client_central.get(
        reverse("sitegen_network_overview"),
        {"soort": "<script>", "provincie": "mars", "sorteer": "drop table"},
    )
    assert response.status_code == 200
    assert len(soup_of(response).select("table.listing tbody tr")) == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_local_editor_gets_403(site_a, method, admin_client):
    client = admin_client(site_a.moderator)

    response = getattr(client, method)(reverse("sitegen_network_overview"), {"formaat": "csv"})

    assert response.status_code == 403


def test_upcoming_events_match_the_occurrences(network):
    from django.utils import timezone

    from events.models import Occurrence
    from tests.factories.events import EventPageFactory, agenda_of, event_date

    site_a, site_b = network
    today = timezone.localdate()
    agenda = agenda_of(site_a.home)
    EventPageFactory(
        parent=agenda,
        dates=[
            event_date(today + dt.timedelta(days=3)),
            event_date(today + dt.timedelta(days=10)),
        ],
    )
    EventPageFactory(parent=agenda, dates=[event_date(today - dt.timedelta(days=3))])

    overview = network_overview(today=TODAY)

    assert overview.events_available
    expected = Occurrence.objects.filter(
        start__gte=timezone.now(), page__path__startswith=site_a.site.root_page.path
    ).count()
    assert _row(overview, "gent").upcoming_events == expected == 2
    assert _row(overview, "strombeek").upcoming_events == 0
