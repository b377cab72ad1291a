"""Shared fixtures: a network of two provisioned sites (A: a library, B: a cultural centre),
each with a local editor, plus a central editor."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from wagtail.models import Page

from home.models import Tenant
from sitegen.blueprints import BLUEPRINTS
from sitegen.services import SiteRequest, provision_site
from tests.factories.users import UserFactory


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
        client = Client(HTTP_HOST=self.hostname)
        if user is not None:
            client.force_login(user)
        return client


def site_provision(slug: str, name: str, kind: str = "bibliotheek") -> SiteFixture:
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


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail caches site root paths; a rolled-back test must not leave them behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_a(db) -> SiteFixture:
    return site_provision("gent", "Bibliotheek Gent")


@pytest.fixture
def site_b(db) -> SiteFixture:
    return site_provision("strombeek", "Cultuurcentrum Strombeek", kind="cultuurcentrum")


@pytest.fixture
def two_sites(site_a, site_b) -> tuple[SiteFixture, SiteFixture]:
    return site_a, site_b


@pytest.fixture
def central_editor(db):
    return UserFactory(username="centraal", is_superuser=True)


@pytest.fixture
def admin_client_central(central_editor) -> Client:
    client = Client()
    client.force_login(central_editor)
    return client


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, full-text search)"
)
