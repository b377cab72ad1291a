"""Shared fixtures: a network of two provisioned sites (A: a library, B: a cultural centre),
each with a local editor and a moderator, plus a central editor.

The network is built ONCE per test session (per xdist worker), committed into the test
database right after the migrations; every test runs inside a transaction that is rolled back
at its end, so it sees the network as built and leaves nothing behind. The fixtures hand each
test fresh instances read from the database, so a test that changes a Python object changes
nothing for the next one.

Transactional tests (`django_db(transaction=True)`, `transactional_db`, `live_server`) commit
for real and pytest-django empties every table after them; the network is then restored from
a snapshot taken after it was built (see `pytest_runtest_teardown`).

Consequences for test authors:
- every test sees both sites, so `Page.url` is an absolute URL (Wagtail gives a path only when
  there is one site): compare paths with `page.relative_url(site_a.site)`;
- a test about a network without sites asks for `network_empty`;
- a test that needs a third site provisions it itself (`site_provision`), inside its
  transaction; for a large network, `tests.factories.sitegen.bare_site_create` is cheap;
- with `--reuse-db` (local runs only) the test database is reused as the migrations left
  it (each session puts that state back at its end) and the network is built anew (well under
  a second); a database that an interrupted run left with data in it stops the session with
  a hint to run once with `--create-db`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from wagtail.models import Page

from home.models import Tenant
from home.routing import forget_sites
from sitegen.blueprints import BLUEPRINTS
from sitegen.services import SiteRequest, provision_site
from tests.factories.users import UserFactory

# (slug, name, blueprint kind) of the session network. The slugs are the fixtures' contract.
SITE_A = ("gent", "Bibliotheek Gent", "bibliotheek")
SITE_B = ("strombeek", "Cultuurcentrum Strombeek", "cultuurcentrum")
CENTRAL_USERNAME = "centraal"


@dataclass
class SiteFixture:
    tenant: Tenant
    editor: object
    moderator: object

    @property
    def site(self):
        return self.tenant.site

    @property
    def home(self):
        # A fresh instance: the one provisioning created cached the site root paths from
        # before its Site existed, so its `url` would be None.
        return Page.objects.get(pk=self.tenant.site.root_page_id).specific

    @property
    def hostname(self) -> str:
        return self.tenant.site.hostname

    def client_for(self, user=None) -> Client:
        """A client on the site's public hostname (the admin is not there: admin_client)."""
        client = Client(HTTP_HOST=self.hostname)
        if user is not None:
            client.force_login(user)
        return client


def site_provision(slug: str, name: str, kind: str = "bibliotheek") -> SiteFixture:
    """Provision one more site with its editor and moderator (for tests that need a third)."""
    result = provision_site(
        blueprint=BLUEPRINTS[kind],
        request=SiteRequest(
            name=name,
            slug=slug,
            municipality=name.split()[-1],
            postal_code="9000",
            street="Kerkstraat 1",
            city=name.split()[-1],
            email=f"info@{slug}.example",
            phone="09 123 45 67",
        ),
    )
    tenant = result.tenant
    editor = UserFactory(username=f"redacteur-{slug}", groups=[tenant.editors_group])
    moderator = UserFactory(username=f"moderator-{slug}", groups=[tenant.moderators_group])
    return SiteFixture(tenant=tenant, editor=editor, moderator=moderator)


def site_fixture_load(slug: str) -> SiteFixture:
    """The SiteFixture of an already provisioned site, read afresh from the database."""
    User = get_user_model()
    return SiteFixture(
        tenant=Tenant.objects.select_related("site").get(slug=slug),
        editor=User.objects.get(username=f"redacteur-{slug}"),
        moderator=User.objects.get(username=f"moderator-{slug}"),
    )


# --- the session network ---------------------------------------------------------------------


# A snapshot: on PostgreSQL every table's rows in COPY's binary format (table name -> bytes);
# elsewhere (SQLite) Django's serialized-rollback JSON.
Snapshot = dict[str, bytes] | str


@dataclass
class NetworkState:
    """What this process knows about the network in its test database."""

    blocker: object = None
    # Everything in the database right after the migrations (content types, permissions,
    # Wagtail's root page and locale): the starting point of the browser checks' demo network.
    migrated: Snapshot | None = None
    # Everything in the database once the network is built: what a flush is undone with.
    built: Snapshot | None = None
    restores: int = 0
    timings: dict[str, float] = field(default_factory=dict)


NETWORK = NetworkState()


def network_build() -> None:
    site_provision(*SITE_A)
    site_provision(*SITE_B)
    UserFactory(username=CENTRAL_USERNAME, is_superuser=True)


def network_intact() -> bool:
    User = get_user_model()
    return (
        Tenant.objects.filter(slug__in=[SITE_A[0], SITE_B[0]]).count() == 2
        and User.objects.filter(username=CENTRAL_USERNAME).exists()
    )


def _tables() -> list[str]:
    """Every table but the migration history: those of the installed models and those that
    migrations make in SQL (the catalogue's count index), which `flush` would leave alone and
    whose rows must follow the records they count."""
    return sorted(
        table for table in connection.introspection.table_names() if table != "django_migrations"
    )


def database_snapshot() -> Snapshot:
    """Every row of the database, to put back with `database_replace`.

    On PostgreSQL a table-by-table binary COPY: loading it takes well under a second where
    Django's serialized rollback saves object by object (minutes for the browser checks' demo
    network, more than building the session network anew).
    """
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        snapshot: dict[str, bytes] = {}
        with connection.cursor() as cursor:
            for table in _tables():
                with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as copy:
                    snapshot[table] = b"".join(bytes(chunk) for chunk in copy)
        return snapshot
    return _serialized_snapshot()


def _serialized_snapshot() -> str:
    """Every row as JSON (Django's serialized-rollback format), content types first.

    Loading a Wagtail task or page whose model has a parent table looks its content type up
    (`Task.__init__`, `Page.__init__`); where the content types come later in the file, that
    lookup creates the row, and loading the file's own row then breaks the unique constraint.
    """
    objects = json.loads(connection.creation.serialize_db_to_string())
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")
    return json.dumps(objects)


def database_replace(snapshot: Snapshot) -> None:
    """Empty every table and load `snapshot` (from `database_snapshot`).

    Sequences keep counting, so that restored rows never collide with new ids.
    """
    from django.contrib.contenttypes.models import ContentType

    if isinstance(snapshot, dict):
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            # An exact copy of every table: no foreign-key check or trigger while loading.
            cursor.execute("SET LOCAL session_replication_role = replica")
            current = set(_tables())
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in sorted(current))}")
            for table, rows in snapshot.items():
                if table not in current:
                    continue
                with cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(rows)
    else:
        call_command(
            "flush",
            interactive=False,
            verbosity=0,
            reset_sequences=False,
            # The snapshot holds the content types and permissions that post_migrate would add.
            inhibit_post_migrate=True,
        )
        # A flush followed by post_migrate (the end of a plain transactional test) recreated
        # the content types under other ids, and they are cached: the snapshot brings the old
        # ids back.
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(snapshot)
    ContentType.objects.clear_cache()
    cache.clear()


def network_restore() -> None:
    """Put the network back after a transactional test emptied the database."""
    with NETWORK.blocker.unblock():
        if network_intact():
            return
        database_replace(NETWORK.built)
        NETWORK.restores += 1


@contextmanager
def module_data(django_db_blocker):
    """For a module-scoped fixture: rows that every test of a module reads, built once.

        @pytest.fixture(scope="module")
        def content(django_db_setup, django_db_blocker):
            with module_data(django_db_blocker) as build:
                ids = build(lambda: make_rows())
                yield ids

    `build(fn)` runs `fn` in a committed transaction and returns its result (keep ids, not
    instances: each test reads fresh ones). Each test still runs in its own transaction, rolled
    back at its end, so it sees the rows as built. When the module ends, the database is put
    back to the session network (a binary copy on PostgreSQL: a second or two).
    """

    def build(fn):
        with django_db_blocker.unblock(), transaction.atomic():
            return fn()

    try:
        yield build
    finally:
        with django_db_blocker.unblock():
            database_replace(NETWORK.built)
            forget_sites()


@pytest.fixture(scope="session")
def _database_setup_started() -> float:
    return time.perf_counter()


def database_holds_data() -> bool:
    """Whether the database holds more than the migrations put there (a tenant, a user)."""
    return Tenant.objects.exists() or get_user_model().objects.exists()


@pytest.fixture(scope="session")
def django_db_setup(_database_setup_started, django_db_setup, django_db_blocker, django_db_keepdb):
    """Create the test database (pytest-django), then build and commit the network once.

    The state before the network (`NETWORK.migrated`) must be the one the migrations leave:
    the browser checks build their demo network on it. A database reused with `--reuse-db`
    is in that state because the session that used it before put it back at its end; one that
    still holds data (an interrupted run, or a run of older code) cannot be taken back to it.
    """
    NETWORK.blocker = django_db_blocker
    NETWORK.timings["database_create"] = time.perf_counter() - _database_setup_started
    with django_db_blocker.unblock():
        started = time.perf_counter()
        if database_holds_data():
            pytest.exit(
                "The reused test database holds data of an earlier run that did not finish "
                "(tenants or users): run once with --create-db.",
                returncode=pytest.ExitCode.USAGE_ERROR,
            )
        NETWORK.migrated = database_snapshot()
        network_build()
        cache.clear()
        NETWORK.built = database_snapshot()
        # A `serialized_rollback` test would load Django's post-migration snapshot on top of the
        # committed network (resetting, e.g., the child count of Wagtail's root page). The
        # network is in place before every test anyway (restored after each transactional
        # test), so there is nothing for Django to load.
        connection._test_serialized_contents = "[]"
        NETWORK.timings["network_build"] = time.perf_counter() - started
    yield
    if django_db_keepdb:
        # The next session that reuses the database starts from the post-migration state.
        with django_db_blocker.unblock():
            database_replace(NETWORK.migrated)


# Files that take longest, handed out first (`--dist loadfile` gives files to the processes in
# collection order): a long file at the end of the list keeps one process busy while the other
# has finished. The browser checks (every module marked `browser`) come first anyway; the others
# are the slowest of a measured run (2 Dec 2026, seconds summed over each file's tests).
SLOW_FILES: tuple[str, ...] = (
    "tests/home/test_pages.py",
    "tests/sitegen/test_commands.py",
    "tests/events/test_agenda.py",
    "tests/opendata/test_feeds.py",
    "tests/places/test_places.py",
)


def _file_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("browser") is not None:
        return 0
    if item.nodeid.split("::", 1)[0] in SLOW_FILES:
        return 1
    return 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A stable sort: within a rank the order stays pytest-django's (transactional tests after
    # the others, which tests/test_network.py relies on).
    items.sort(key=_file_rank)


def item_is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` in a TransactionTestCase (which flushes at its end)."""
    from django.test import TestCase, TransactionTestCase
    from pytest_django.fixtures import validate_django_db

    test_cls = getattr(item, "cls", None)
    if test_cls is not None and issubclass(test_cls, TransactionTestCase):
        return not issubclass(test_cls, TestCase)
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    if "django_db_reset_sequences" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction, reset_sequences, *_ = validate_django_db(marker)
    return bool(transaction or reset_sequences)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    yield
    # Only after a transactional test: a module-scoped fixture (the browser checks' demo
    # network) may replace the database on purpose between ordinary tests. After the last test
    # the session's fixtures, the test database among them, are already torn down here.
    if nextitem is not None and NETWORK.built is not None and item_is_transactional(item):
        network_restore()


def network_report() -> str | None:
    if NETWORK.built is None:
        return None
    return (
        f"test database created and migrated in {NETWORK.timings['database_create']:.1f} s, "
        f"network built in {NETWORK.timings['network_build']:.1f} s, "
        f"restored {NETWORK.restores} time(s) after transactional tests"
    )


NETWORK_REPORTS: list[str] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    # In an xdist worker: hand the figures to the controller (pytest_testnodedown).
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and network_report() is not None:
        workeroutput["network_report"] = network_report()


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown without xdist
def pytest_testnodedown(node, error) -> None:
    report = getattr(node, "workeroutput", {}).get("network_report")
    if report:
        NETWORK_REPORTS.append(f"{node.gateway.id}: {report}")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    lines = sorted(NETWORK_REPORTS) or ([network_report()] if network_report() else [])
    for line in lines:
        terminalreporter.write_line(f"session network: {line}")


@pytest.fixture(scope="session")
def demo_live_server(django_db_setup):
    """A live server for the browser checks' demo network (tests/browser/conftest.py), started
    by the first module that needs it and kept for the session, so that the demo network,
    whose sites carry the server's port, is built once per process.

    Here rather than in tests/browser/conftest.py so that browser checks in other folders
    (tests/catalogue, tests/home), which import `demo_network`, find it too.
    LIVE_SERVER_ADDRESS ("localhost:8812") fixes the port where only some may be used."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("LIVE_SERVER_ADDRESS", "localhost"))
    try:
        yield server
    finally:
        server.stop()


# --- the fixtures ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail caches site root paths, home.routing the sites by hostname; a rolled-back
    test must not leave them behind."""
    cache.clear()
    forget_sites()
    yield
    cache.clear()
    forget_sites()


@pytest.fixture
def site_a(db) -> SiteFixture:
    return site_fixture_load(SITE_A[0])


@pytest.fixture
def site_b(db) -> SiteFixture:
    return site_fixture_load(SITE_B[0])


@pytest.fixture
def two_sites(site_a, site_b) -> tuple[SiteFixture, SiteFixture]:
    return site_a, site_b


@pytest.fixture
def central_editor(db):
    return get_user_model().objects.get(username=CENTRAL_USERNAME)


def admin_client_for(user=None) -> Client:
    """A test client on the admin hostname (settings.ADMIN_HOSTNAME), logged in as `user`
    (force_login) when one is given. The test settings answer the admin on that hostname
    only (ADMIN_HOST_ONLY), as production does."""
    client = Client(HTTP_HOST=settings.ADMIN_HOSTNAME)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin_client(db) -> Callable[..., Client]:
    """`admin_client(user)`: the one way tests call the admin (replaces pytest-django's
    superuser `admin_client`; log in as `central_editor` for that)."""
    return admin_client_for


@pytest.fixture
def admin_client_central(central_editor) -> Client:
    return admin_client_for(central_editor)


@pytest.fixture
def commit(django_capture_on_commit_callbacks) -> Callable[..., object]:
    """`commit(fn, *args, **kwargs)`: call `fn` and run what it enqueued on commit (the
    purges, the tasks) as the real commit would; the test's transaction still rolls back."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


@pytest.fixture
def network_empty(db) -> None:
    """A network without sites, for the few tests about one (an empty site list, a first
    provisioning): removes the session network inside the test's transaction, which rolls
    back. The central editor stays."""
    User = get_user_model()
    for tenant in Tenant.objects.select_related("site", "collection"):
        home = Page.objects.get(pk=tenant.site.root_page_id)
        groups = [tenant.editors_group_id, tenant.moderators_group_id]
        collection = tenant.collection
        User.objects.filter(groups__in=groups).delete()
        tenant.site.delete()  # and the tenant with it
        home.delete()
        Group.objects.filter(pk__in=groups).delete()
        collection.delete()
    cache.clear()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, full-text search)"
)
