"""Admin: the catalogue import runs, read-only and for central editors only.

Central editors (superusers and holders of home.manage_network) list every run with its counts
and inspect a run's rejected records; local editors get no menu item and a 403 or 404 on every
URL; nobody adds, edits or deletes a run from the admin."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from catalogue.models import ImportRun
from tests.factories.catalogue import MarcRecordFactory
from tests.factories.html import soup_of
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/catalogus-imports/"
COUNTS = ("Gelezen", "Geïmporteerd", "Geweigerd", "Verwijderd")


def inspect_url(run: ImportRun) -> str:
    return f"{INDEX}inspect/{run.pk}/"


def run_create(*, minutes_ago: int, duration_s: int | None = 90, **fields) -> ImportRun:
    """A run as records_import leaves it; started_at is auto_now_add, so it is set afterwards."""
    run = ImportRun.objects.create(format="marc21", **fields)
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    finished = None if duration_s is None else started + dt.timedelta(seconds=duration_s)
    ImportRun.objects.filter(pk=run.pk).update(started_at=started, finished_at=finished)
    run.refresh_from_db()
    return run


def number(text: str) -> int:
    """A count as shown in Dutch: 1.200 is twelve hundred."""
    return int(text.replace(".", "").replace("\u202f", ""))


def listing_rows(response) -> list[dict[str, str]]:
    table = soup_of(response).select_one("table.listing")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    return [
        dict(zip(headers, (td.get_text(" ", strip=True) for td in tr.select("td")), strict=True))
        for tr in table.select("tbody tr")
    ]


def sidebar_urls(response) -> set[str]:
    """Every link of the admin's main menu (rendered as JSON for the sidebar)."""
    props = json.loads(soup_of(response).select_one("#wagtail-sidebar-props").string)
    urls: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("url"), str):
                urls.add(node["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return urls


def damaged_import(tmp_path) -> ImportRun:
    """Run manage.py import_marc on an ISO 2709 file with two good and three damaged records:
    a leader length that is no number, a wrong length, and a record cut off at the end."""
    good = [MarcRecordFactory(record_id=f"G{n}").as_marc() for n in range(2)]
    bad_length = b"abcde" + MarcRecordFactory(record_id="BAD1").as_marc()[5:]
    wrong_length = MarcRecordFactory(record_id="BAD2").as_marc()
    wrong_length = b"%05d" % (len(wrong_length) - 7) + wrong_length[5:]
    truncated = MarcRecordFactory(record_id="BAD3").as_marc()[:-40]
    path = tmp_path / "beschadigd.mrc"
    path.write_bytes(good[0] + bad_length + good[1] + wrong_length + truncated)
    with pytest.raises(CommandError):
        call_command("import_marc", str(path), verbosity=0)
    return ImportRun.objects.get()


@pytest.fixture
def central_group_editor(db):
    """A central editor who is no superuser: the Cultuurconnect group's permission."""
    group = Group.objects.create(name="Cultuurconnect (test)")
    group.permissions.add(
        Permission.objects.get(codename="manage_network", content_type__app_label="home"),
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
    )
    return UserFactory(username="centraal-niet-admin", groups=[group])


@pytest.fixture
def runs(db):
    return [
        run_create(
            minutes_ago=300,
            sources=["/data/vlacc/2026-01-full.mrc", "/data/vlacc/deletes.txt"],
            status=ImportRun.Status.DONE,
            read=1200,
            imported=1150,
            deleted=50,
        ),
        run_create(
            minutes_ago=120,
            sources=["/data/vlacc/2026-02-delta.xml"],
            status=ImportRun.Status.REJECTED,
            read=40,
            imported=37,
            rejected=3,
            duration_s=3725,
        ),
        run_create(
            minutes_ago=5,
            sources=["/data/vlacc/2026-03-delta.mrc"],
            status=ImportRun.Status.RUNNING,
            duration_s=None,
        ),
    ]


def test_central_editor_lists_runs_newest_first_with_their_counts(
    runs, central_editor, admin_client
):
    response = admin_client(central_editor).get(INDEX)

    assert response.status_code == 200
    rows = listing_rows(response)
    newest_first = sorted(runs, key=lambda run: run.started_at, reverse=True)
    assert len(rows) == len(runs)
    for row, run in zip(rows, newest_first, strict=True):
        shown = tuple(number(row[label]) for label in COUNTS)
        assert shown == (run.read, run.imported, run.rejected, run.deleted)
        assert row["Status"] == run.get_status_display()
    # file names, not the paths the command was given
    assert rows[2]["Bestanden"] == "2026-01-full.mrc, deletes.txt"
    assert [row["Status"] for row in rows] == ["bezig", "klaar met geweigerde records", "klaar"]
    assert [row["Duur"] for row in rows] == ["—", "1 u 02 min", "1 min 30 s"]
    assert rows[0]["Klaar"] == "—"
    # the start links to the run
    links = [a["href"] for a in soup_of(response).select("table.listing tbody td.title a")]
    assert links == [inspect_url(run) for run in newest_first]


def test_the_listing_filters_by_status(runs, central_editor, admin_client):
    client = admin_client(central_editor)
    rows = listing_rows(client.get(INDEX, {"status": ImportRun.Status.REJECTED}))
    assert [row["Geweigerd"] for row in rows] == ["3"]
    # an unknown status is ignored, not an error
    response = client.get(INDEX, {"status": "kapot", "ordering": "onzin", "p": "x"})
    assert response.status_code == 200
    assert len(listing_rows(response)) == len(runs)


def test_a_central_editor_who_is_no_superuser_sees_the_runs(
    runs, central_group_editor, admin_client
):
    client = admin_client(central_group_editor)
    assert INDEX in sidebar_urls(client.get("/admin/"))
    assert len(listing_rows(client.get(INDEX))) == len(runs)
    assert client.get(inspect_url(runs[0])).status_code == 200


def test_inspect_lists_the_rejected_records_of_a_damaged_import(
    tmp_path, central_editor, admin_client
):
    run = damaged_import(tmp_path)
    assert (run.read, run.imported, run.rejected) == (5, 2, 3)

    response = admin_client(central_editor).get(inspect_url(run))

    assert response.status_code == 200
    soup = soup_of(response)
    fields = {
        dt_.get_text(strip=True): dt_.find_next_sibling("dd").get_text(" ", strip=True)
        for dt_ in soup.select("main dl dt")
    }
    assert fields["Status"] == "klaar met geweigerde records"
    assert tuple(number(fields[label]) for label in COUNTS) == (5, 2, 3, 0)
    assert fields["Tellingen kloppen"].startswith("ja")
    assert fields["Bestanden"].endswith("beschadigd.mrc")
    table = soup.select_one("table[aria-labelledby=rejected-records]")
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert rows == [
        [error["source"], str(error["position"]), error["id"], error["reason"]]
        for error in run.errors
    ]
    assert [row[2] for row in rows] == ["BAD1", "BAD2", "BAD3"]
    assert [row[1] for row in rows] == ["2", "4", "5"]
    assert any("eindigt te vroeg" in row[3] for row in rows)


def test_inspect_says_when_counts_do_not_reconcile_and_errors_were_cut(
    central_editor, admin_client
):
    run = run_create(
        minutes_ago=10,
        sources=["x.mrc"],
        status=ImportRun.Status.FAILED,
        read=1500,
        imported=100,
        rejected=1200,
        errors=[{"source": "x.mrc", "position": n, "id": "", "reason": "kapot"} for n in range(3)],
    )
    soup = soup_of(admin_client(central_editor).get(inspect_url(run)))
    fields = {dt_.get_text(strip=True): dt_.find_next_sibling("dd") for dt_ in soup.select("dl dt")}
    assert fields["Tellingen kloppen"].get_text(strip=True).startswith("nee")
    assert fields["Status"].get_text(strip=True) == "mislukt"
    assert len(soup.select("table[aria-labelledby=rejected-records] tbody tr")) == 3
    assert "Nog 1197 geweigerde records zijn niet bewaard" in soup.get_text(" ", strip=True)


def test_inspect_of_an_unknown_run_is_404(central_editor, admin_client):
    client = admin_client(central_editor)
    assert client.get(f"{INDEX}inspect/999999/").status_code == 404
    assert client.get(f"{INDEX}inspect/abc/").status_code == 404


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_local_editors_get_no_menu_item_and_are_refused(
    site_a, runs, central_editor, role, admin_client
):
    user = getattr(site_a, role)
    client = admin_client(user)
    assert INDEX not in sidebar_urls(client.get("/admin/"))
    for url in (INDEX, f"{INDEX}results/", inspect_url(runs[1]), f"{INDEX}?status=rejected"):
        response = client.get(url)
        assert response.status_code == 403, url  # central_only_urlpatterns
        assert b"2026-02-delta" not in response.content
    # the positive control: the central editor on the same host has the item
    assert INDEX in sidebar_urls(admin_client(central_editor).get("/admin/"))


def test_runs_cannot_be_added_edited_or_deleted_from_the_admin(runs, central_editor, admin_client):
    client = admin_client(central_editor)
    run = runs[1]
    for name, args in (("add", []), ("edit", [run.pk]), ("delete", [run.pk])):
        with pytest.raises(NoReverseMatch):
            reverse(f"catalogue_importrun:{name}", args=args)
    for url in (
        f"{INDEX}new/",
        f"{INDEX}edit/{run.pk}/",
        f"{INDEX}delete/{run.pk}/",
        f"{INDEX}history/{run.pk}/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"status": "done", "read": 0}).status_code == 404, url
    assert ImportRun.objects.filter(pk=run.pk, read=40, status="rejected").exists()
    # no add button on the listing, no edit or delete link on the run
    listing = soup_of(client.get(INDEX))
    assert not listing.select(f'a[href$="{INDEX}new/"]')
    inspect = soup_of(client.get(inspect_url(run)))
    assert not inspect.select('a[href*="/edit/"], a[href*="/delete/"]')


def test_listing_pages_by_twenty_and_its_query_count_does_not_grow(
    central_editor, django_assert_max_num_queries, admin_client
):
    client = admin_client(central_editor)
    for n in range(5):
        run_create(minutes_ago=1000 + n, sources=[f"oud-{n}.mrc"], read=n, imported=n)
    client.get(INDEX)  # warm up per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for n in range(25):
        run_create(minutes_ago=n, sources=[f"nieuw-{n}.mrc"], read=100 + n, imported=100 + n)

    # session, user, profile, count, the page of runs, and the admin shell (locale, menu pages)
    with django_assert_max_num_queries(10):
        response = client.get(INDEX)

    with CaptureQueriesContext(connection) as many:
        client.get(INDEX)
    assert len(many) == len(few)
    rows = listing_rows(response)
    assert [row["Bestanden"] for row in rows] == [f"nieuw-{n}.mrc" for n in range(20)]
    second = listing_rows(client.get(INDEX, {"p": 2}))
    assert [row["Bestanden"] for row in second] == [
        *(f"nieuw-{n}.mrc" for n in range(20, 25)),
        *(f"oud-{n}.mrc" for n in range(5)),
    ]
