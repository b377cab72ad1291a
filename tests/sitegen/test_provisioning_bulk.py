"""Provisioning through bulk page creation: valid trees, sorted collections, few queries,
and the data files of the network's cultuurcentra and gemeenschapscentra."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Collection, Page, PageLogEntry

from home.models import SiteKind, Tenant
from registrations.models import RegistrationSettings
from sitegen.blueprints import BLUEPRINTS
from sitegen.csv_import import csv_rows
from sitegen.services import SiteRequest, provision_site

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "sitegen" / "data"


def _provision(name: str, slug: str, kind: str = SiteKind.LIBRARY):
    return provision_site(blueprint=BLUEPRINTS[kind], request=SiteRequest(name=name, slug=slug))


def test_provisioned_pages_form_a_valid_tree_with_revisions_and_history(db):
    result = _provision("Bibliotheek Aalst", "aalst")

    assert Page.find_problems() == ([], [], [], [], [])
    home = result.tenant.site.root_page
    pages = list(home.get_descendants(inclusive=True).specific())
    assert len(pages) == len(result.pages_created)
    for page in pages:
        assert page.live and page.live_revision_id == page.latest_revision_id
        assert page.latest_revision.content["title"] == page.title
        assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").count() == 1
    # What a search in the admin finds: every blueprint page is in the search index.
    assert Page.objects.descendant_of(home).search("Makerspace").count() == 1


def test_site_collections_stay_in_name_order_and_form_a_valid_tree(network_empty):
    for name, slug in [
        ("Bibliotheek Zele", "zele"),
        ("Bibliotheek Aalst", "aalst"),
        ("Bibliotheek Mol", "mol"),
        ("Bibliotheek Gent", "gent"),
    ]:
        _provision(name, slug)

    names = list(Collection.get_first_root_node().get_children().values_list("name", flat=True))
    assert names == sorted(names)
    assert Collection.find_problems() == ([], [], [], [], [])
    root = Collection.get_first_root_node()
    assert root.numchild == 4
    for tenant in Tenant.objects.select_related("collection"):
        assert tenant.collection.name == tenant.site.site_name


def test_provisioning_queries_do_not_grow_with_the_network(db):
    def queries(name: str, slug: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            _provision(name, slug)
        return len(captured)

    _provision("Bibliotheek Zwalm", "zwalm")
    one_moved = queries("Bibliotheek Tielt", "tielt")  # its collection goes before Zwalm's
    for number in range(5):
        _provision(f"Bibliotheek Test {number}", f"test-{number}")
    seven_moved = queries("Bibliotheek Aalst", "aalst")  # before all seven others
    assert seven_moved == one_moved
    assert seven_moved < 100


@pytest.mark.parametrize(
    ("filename", "kind", "count"),
    [
        ("cultuurcentra.csv", SiteKind.CULTURAL_CENTRE, 69),
        ("gemeenschapscentra.csv", SiteKind.COMMUNITY_CENTRE, 94),
    ],
)
def test_centre_lists_are_valid_rows_of_the_own_layout(filename, kind, count):
    with (DATA / filename).open(encoding="utf-8", newline="") as stream:
        rows = list(csv_rows(stream=stream))
    assert len(rows) == count
    assert all(not row.error and row.request is not None for row in rows), [
        row.error for row in rows if row.error
    ]
    assert {row.kind for row in rows} == {kind}
    slugs = [row.request.slug for row in rows]
    assert len(set(slugs)) == count
    assert all(row.request.nis_code and row.request.province for row in rows)


def test_centre_slugs_never_collide_with_library_slugs():
    # Library slugs are the municipality's slug (register layout); centres carry a prefix.
    slugs = set()
    for filename in ("cultuurcentra.csv", "gemeenschapscentra.csv"):
        with (DATA / filename).open(encoding="utf-8", newline="") as stream:
            slugs |= {row["slug"] for row in csv.DictReader(stream)}
    assert len(slugs) == 69 + 94
    assert all(slug.startswith(("cc-", "gc-")) for slug in slugs)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_command_indexes_the_committed_sites_once_at_the_end():
    """`sitegen bulk` defers search indexing to one batch after the rows committed: a real
    commit is needed, so this test runs outside a test transaction."""
    before = set(Tenant.objects.values_list("pk", flat=True))
    call_command(
        "sitegen",
        "bulk",
        "--csv",
        str(DATA / "cultuurcentra.csv"),
        "--limit",
        "3",
        stdout=io.StringIO(),
    )
    tenants = list(
        Tenant.objects.filter(kind=SiteKind.CULTURAL_CENTRE)
        .exclude(pk__in=before)
        .select_related("site")
    )
    assert len(tenants) == 3
    assert Page.find_problems() == ([], [], [], [], [])
    for tenant in tenants:
        home = tenant.site.root_page
        found = Page.objects.live().descendant_of(home).search("Agenda")
        assert [page.title for page in found] == ["Agenda"], tenant.slug


def test_every_per_site_setting_row_exists_after_provisioning(two_sites):
    """A missing row would be created by the first visitor's GET (Wagtail's `for_site`): a
    write on a public read, which fails on a busy SQLite file."""
    for fixture in two_sites:
        assert RegistrationSettings.objects.filter(site=fixture.site).exists()
