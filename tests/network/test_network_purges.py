"""The page cache purges the network's and the regions' pages that show a site's pages: an
event published on a member site is on the network agenda, the network's home page and the
region's agenda at the next request, and so is a bulk import's change; the network search
follows any page published on a site."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from home.models import IdentitySettings
from home.signals import pages_changed
from network.models import NetworkAgendaPage, NetworkSearchPage
from pagecache.middleware import HEADER
from places.models import NearbyPage
from sitegen.csv_import import region_specs
from sitegen.services import network_site_provision, region_provision
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of
from tests.factories.pages import StandardPageFactory

pytestmark = pytest.mark.django_db

NETWORK_HOST = "netwerk.testserver"
REGION_CSV = (
    "region_slug,region_name,kind,province,nis_code,municipality,"
    "branch_name,street,postal_code,city\n"
    "regio-leie,Regiobib Leie,regiobib,Oost-Vlaanderen,44021,Gent,Bib Gent,Kattenberg 3,9000,Gent\n"
    "regio-leie,Regiobib Leie,regiobib,Oost-Vlaanderen,44083,Deinze,,,,\n"
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGECACHE_ENABLED = True


@pytest.fixture
def network(site_a, site_b):
    """Site A a library in Gent, member of a Regiobib; site B a cultural centre elsewhere; the
    network site."""
    for site, nis_code, municipality, province in (
        (site_a.site, "44021", "Gent", "oost-vlaanderen"),
        (site_b.site, "23025", "Grimbergen", "vlaams-brabant"),
    ):
        identity = IdentitySettings.for_site(site)
        identity.nis_code, identity.municipality, identity.province = (
            nis_code,
            municipality,
            province,
        )
        identity.save()
    network = network_site_provision(hostname=NETWORK_HOST).tenant
    spec = region_specs(stream=io.StringIO(REGION_CSV))[0]
    region = region_provision(spec=spec).tenant
    return {"network": network, "region": region, "site_a": site_a, "site_b": site_b}


def _path(tenant, model) -> str:
    return model.objects.descendant_of(tenant.site.root_page).get().relative_url(tenant.site)


def _warm(client, *paths) -> None:
    for path in paths:
        client.get(path)
        assert client.get(path)[HEADER] == "hit", path


@pytest.fixture
def agendas(network):
    """The network's and the region's clients and agenda paths, both agendas cached."""
    region_site = network["region"].site
    network_client = Client(HTTP_HOST=NETWORK_HOST)
    region_client = Client(HTTP_HOST=region_site.hostname, SERVER_PORT=region_site.port)
    network_agenda = _path(network["network"], NetworkAgendaPage)
    region_agenda = _path(network["region"], NetworkAgendaPage)
    _warm(network_client, network_agenda)
    _warm(region_client, region_agenda)
    return network_client, network_agenda, region_client, region_agenda


def test_an_event_published_on_a_member_site_purges_the_network_and_its_region(
    network, agendas, commit
):
    site_a = network["site_a"]
    network_client, network_agenda, region_client, region_agenda = agendas
    _warm(network_client, "/", _path(network["network"], NearbyPage) + "?postcode=9000")

    soon = timezone.localdate() + dt.timedelta(days=2)
    commit(
        EventPageFactory,
        parent=agenda_of(site_a.home),
        title="Voorleesuur in de regio",
        dates=[event_date(soon)],
    )

    nearby = _path(network["network"], NearbyPage) + "?postcode=9000"
    for client, path in ((network_client, network_agenda), (network_client, "/")):
        response = client.get(path)
        assert response[HEADER] == "miss", path
        assert "Voorleesuur in de regio" in soup_of(response).get_text(), path
    assert network_client.get(nearby)[HEADER] == "miss"
    response = region_client.get(region_agenda)
    assert response[HEADER] == "miss"
    assert "Voorleesuur in de regio" in soup_of(response).get_text()


def test_an_event_of_a_site_outside_the_region_leaves_the_regions_agenda_cached(
    network, agendas, commit
):
    network_client, network_agenda, region_client, region_agenda = agendas

    soon = timezone.localdate() + dt.timedelta(days=2)
    commit(
        EventPageFactory,
        parent=agenda_of(network["site_b"].home),
        title="Concert",
        dates=[event_date(soon)],
    )

    assert region_client.get(region_agenda)[HEADER] == "hit"
    assert network_client.get(network_agenda)[HEADER] == "miss"


def test_a_bulk_change_of_a_members_events_purges_the_network_and_region_agendas(
    network, agendas, commit
):
    site_a = network["site_a"]
    network_client, network_agenda, region_client, region_agenda = agendas

    soon = timezone.localdate() + dt.timedelta(days=2)
    # Created without running its publish's purges (those run on commit): as an import
    # writes in bulk, then announces its pages once committed.
    event = EventPageFactory(
        parent=agenda_of(site_a.home), title="Geimporteerd", dates=[event_date(soon)]
    )
    assert region_client.get(region_agenda)[HEADER] == "hit"
    commit(pages_changed.send, sender=None, site_ids=[], page_ids=[event.pk])

    assert region_client.get(region_agenda)[HEADER] == "miss"
    assert network_client.get(network_agenda)[HEADER] == "miss"


def test_any_page_published_on_a_site_purges_the_network_search(network, commit):
    network_client = Client(HTTP_HOST=NETWORK_HOST)
    search = _path(network["network"], NetworkSearchPage)
    network_agenda = _path(network["network"], NetworkAgendaPage)
    _warm(network_client, f"{search}?q=openingsuren", network_agenda)

    commit(StandardPageFactory, parent=network["site_b"].home, title="Openingsuren in de zomer")

    response = network_client.get(f"{search}?q=openingsuren")
    assert response[HEADER] == "miss"
    assert network_client.get(network_agenda)[HEADER] == "hit"  # not an event


def test_a_purge_of_many_events_works_out_the_network_listings_once_per_site(network, monkeypatch):
    """An import's commit purges many pages of one site: what lists them on the network and
    the region (and "in de buurt") is looked up once per purge, not once per page, and every
    listing is still named."""
    from network import signals as network_signals
    from pagecache import services
    from pagecache.registry import PurgeTargets
    from places import purges as places_purges

    site_a = network["site_a"]
    soon = timezone.localdate() + dt.timedelta(days=2)
    agenda = agenda_of(site_a.home)
    events = [
        EventPageFactory(parent=agenda, title=f"Import {number}", dates=[event_date(soon)])
        for number in range(6)
    ]
    calls = {"network": 0, "nearby": 0}
    real_listing, real_nearby = network_signals.listing_pages, places_purges.nearby_pages

    def listing(**kwargs):
        calls["network"] += 1
        return real_listing(**kwargs)

    def nearby():
        calls["nearby"] += 1
        return real_nearby()

    monkeypatch.setattr(network_signals, "listing_pages", listing)
    monkeypatch.setattr(places_purges, "nearby_pages", nearby)
    urls = services.targets_urls(PurgeTargets(pages=events))

    assert calls == {"network": 1, "nearby": 1}
    region_site = network["region"].site
    for tenant, model in (
        (network["network"], NetworkAgendaPage),
        (network["region"], NetworkAgendaPage),
    ):
        listed = model.objects.descendant_of(tenant.site.root_page).get()
        assert listed.get_full_url() in urls
    assert any(url.startswith(region_site.root_url) for url in urls)
    # Outside a purge, a lister computes its answer every time.
    calls["network"] = 0
    network_signals.network_listed_on(events[0])
    network_signals.network_listed_on(events[1])
    assert calls["network"] == 2
