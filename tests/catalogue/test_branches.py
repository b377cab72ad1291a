"""Branches are places: each copy on a record page links to the location page of its branch
(by branch code, else by title), says whether that branch is open now, and a cached record
page lives no longer than that status."""

import datetime as dt

import pytest
from django.utils import timezone

from catalogue.backends.base import BranchAvailability
from catalogue.branches import branch_copies, branch_key
from pagecache import keys
from pagecache.middleware import HEADER
from tests.factories.html import soup_of
from tests.factories.pages import LocationPageFactory

pytestmark = pytest.mark.django_db

RECORD = "/catalogus/titel/900001/"


@pytest.fixture
def clock(monkeypatch):
    day = timezone.localdate() + dt.timedelta(days=2)
    moment = {"now": timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def _rows(response):
    rows = []
    for tr in soup_of(response).select("tbody tr"):
        branch = tr.select_one(".catalogue-record__branch")
        link = branch.select_one("a")
        status = branch.select_one(".opening-status__label")
        rows.append(
            (
                link.get_text(strip=True) if link else branch.get_text(" ", strip=True),
                link["href"] if link else None,
                status.get_text(strip=True) if status else None,
                [td.get_text(strip=True) for td in tr.select("td")[1:]],
            )
        )
    return rows


def test_copies_link_to_their_branch_with_its_opening_status(site_a, records, clock):
    krook = LocationPageFactory(
        parent=site_a.home,
        title="Bibliotheek De Krook",
        branch_code="DE KROOK",
        hours=[(day, 9, 17) for day in range(7)],
    )
    response = site_a.client_for().get(RECORD)
    assert response.status_code == 200
    assert _rows(response) == [
        (
            "Bibliotheek De Krook",
            krook.relative_url(site_a.site),
            "Nu open tot 17:00",
            ["Beschikbaar", "ROWL", ""],
        ),
        # No location has this branch: plain text, no link, no status, no error.
        ("Sint-Amandsberg", None, None, ["Uitgeleend", "ROWL", ""]),
    ]


def test_a_location_without_code_matches_on_its_title_and_says_when_it_opens(
    site_a, records, clock
):
    LocationPageFactory(
        parent=site_a.home, title="Sint-Amandsberg", hours=[(day, 13, 18) for day in range(7)]
    )
    rows = _rows(site_a.client_for().get(RECORD))
    assert rows[1][0] == "Sint-Amandsberg" and rows[1][1] is not None
    assert rows[1][2] == "Gesloten, opent vandaag om 13:00"
    # "De Krook" has no location page on this site.
    assert rows[0][1] is None


def test_a_code_wins_over_another_locations_title(site_a):
    titled = LocationPageFactory(parent=site_a.home, title="Zuid")
    coded = LocationPageFactory(parent=site_a.home, title="Filiaal Zuid", branch_code="zuid")
    [row] = branch_copies(
        site=site_a.site, availability=[BranchAvailability(branch="Zuid", available=True)]
    )
    assert row.location.pk == coded.pk != titled.pk


def test_another_sites_location_is_never_linked(site_a, site_b, records, clock):
    LocationPageFactory(parent=site_b.home, title="Elders", branch_code="De Krook")
    rows = _rows(site_a.client_for().get(RECORD))
    assert [row[1] for row in rows] == [None, None]


def test_branch_key_ignores_case_accents_and_spaces():
    assert branch_key("  Bibliotheek  Zélzate ") == branch_key("bibliotheek zelzate")


def test_cached_record_page_expires_when_the_branch_opens(site_a, records, clock, settings):
    settings.PAGECACHE_ENABLED = True
    keys.forget_hosts()
    LocationPageFactory(
        parent=site_a.home, title="De Krook", hours=[(day, 9, 17) for day in range(7)]
    )
    clock["now"] = clock["now"].replace(hour=8, minute=58)
    client = site_a.client_for()
    first = client.get(RECORD)
    assert first[HEADER] == "miss"
    assert _rows(first)[0][2] == "Gesloten, opent vandaag om 09:00"
    assert 0 < int(first["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 120
    assert client.get(RECORD)[HEADER] == "hit"

    clock["now"] = clock["now"].replace(hour=9, minute=0, second=5)
    after = client.get(RECORD)
    assert after[HEADER] == "miss"
    assert _rows(after)[0][2] == "Nu open tot 17:00"
