"""Exact purges: a publish here retires this page and every page that lists it, on this site
and on the sites whose regional agenda shows it; settings, shared content, campaigns,
central news and imports retire what shows them; the same URLs reach the frontend cache."""

import datetime as dt
import logging

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.frontend_cache.backends import BaseBackend
from wagtail.models import Page

from central.models import Audience
from events.models import EventIndexPage
from home.models import IdentitySettings
from home.signals import pages_changed
from pagecache import services as pagecache_services
from pagecache.middleware import HEADER
from pagecache.tasks import purge_attempt
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of
from tests.factories.pages import NewsPageFactory, StandardPageFactory, news_index_of
from tests.factories.sitegen import (
    CampaignFactory,
    CentralNewsItemFactory,
    SharedSectionFactory,
    paragraph,
)

pytestmark = pytest.mark.django_db

REGION = "oost-vlaanderen"


def warm(client, *paths) -> None:
    """Cache each path and check that the next request is a hit."""
    for path in paths:
        client.get(path)
        assert client.get(path)[HEADER] == "hit", path


def state(client, path) -> str:
    return client.get(path)[HEADER]


@pytest.fixture
def regional_b(site_b):
    """Site B's agenda shows regional events of its province."""
    agenda = agenda_of(site_b.home)
    EventIndexPage.objects.filter(pk=agenda.pk).update(include_regional=True, region=REGION)
    return agenda_of(site_b.home)


def test_publishing_an_event_purges_its_listings_here_and_the_regional_agenda_there(
    two_sites, regional_b, commit
):
    site_a, site_b = two_sites
    client_a, client_b = site_a.client_for(), site_b.client_for()
    agenda_a = agenda_of(site_a.home)
    agenda_a_path = agenda_a.relative_url(site_a.site)
    agenda_b_path = regional_b.relative_url(site_b.site)
    other = StandardPageFactory(parent=site_a.home, title="Praktisch")
    other_path = other.relative_url(site_a.site)
    warm(client_a, "/", agenda_a_path, f"{agenda_a_path}rss/", "/sitemap.xml", other_path)
    warm(client_b, "/", agenda_b_path)

    day = timezone.localdate() + dt.timedelta(days=3)
    event = commit(
        EventPageFactory,
        parent=agenda_a,
        title="Voorleesuur met Lotte",
        dates=[event_date(day)],
        regional=True,
        region=REGION,
    )

    for client, path in (
        (client_a, "/"),
        (client_a, agenda_a_path),
        (client_a, f"{agenda_a_path}rss/"),
        (client_a, "/sitemap.xml"),
        (client_b, agenda_b_path),
        (client_b, "/"),
    ):
        response = client.get(path)
        assert response[HEADER] == "miss", path
    assert "Voorleesuur met Lotte" in client_a.get(agenda_a_path).content.decode()
    assert "Voorleesuur met Lotte" in soup_of(client_b.get(agenda_b_path)).get_text()
    assert event.relative_url(site_a.site) in client_a.get("/sitemap.xml").content.decode()
    # A page that does not list the event keeps its entry.
    assert state(client_a, other_path) == "hit"

    # Unpublishing purges the same pages: the event is gone from both agendas.
    commit(event.unpublish)
    assert "Voorleesuur met Lotte" not in soup_of(client_b.get(agenda_b_path)).get_text()
    assert "Voorleesuur met Lotte" not in soup_of(client_a.get(agenda_a_path)).get_text()


def test_deleting_a_news_page_purges_it_and_its_index(site_a, commit):
    client = site_a.client_for()
    index = news_index_of(site_a.home)
    item = NewsPageFactory(parent=index, title="Nieuwe openingsuren")
    item_path, index_path = item.relative_url(site_a.site), index.relative_url(site_a.site)
    warm(client, item_path, index_path, "/")
    commit(item.delete)
    assert client.get(item_path).status_code == 404
    assert "Nieuwe openingsuren" not in soup_of(client.get(index_path)).get_text()
    assert state(client, "/") == "miss"


def test_moving_a_page_retires_its_site(site_a, site_b, commit):
    client_a, client_b = site_a.client_for(), site_b.client_for()
    page = StandardPageFactory(parent=site_a.home, title="Verhuist")
    target = StandardPageFactory(parent=site_a.home, title="Nieuwe plek")
    old_path = page.relative_url(site_a.site)
    warm(client_a, old_path, "/")
    warm(client_b, "/")
    commit(page.move, target, pos="last-child")
    # The old address now redirects (Wagtail adds the redirect) instead of the cached page.
    moved = client_a.get(old_path)
    assert moved.status_code == 301
    assert moved["Location"].endswith(Page.objects.get(pk=page.pk).relative_url(site_a.site))
    assert state(client_a, "/") == "miss"
    assert state(client_b, "/") == "hit"


def test_settings_change_purges_its_site_only(two_sites, commit):
    site_a, site_b = two_sites
    client_a, client_b = site_a.client_for(), site_b.client_for()
    warm(client_a, "/")
    warm(client_b, "/")
    identity = IdentitySettings.for_site(site_a.site)
    identity.municipality = "Gent-Centrum"
    commit(identity.save)
    assert state(client_a, "/") == "miss"
    assert state(client_b, "/") == "hit"


def test_shared_section_change_purges_every_page_that_shows_it(two_sites, commit):
    site_a, site_b = two_sites
    section = SharedSectionFactory(body=[paragraph("<p>Een lidkaart kost 5 euro.</p>")])
    pages = [
        StandardPageFactory(
            parent=site.home,
            title="Lidmaatschap",
            slug="lidmaatschap",
            body=[{"type": "shared_section", "value": section.pk}],
        )
        for site in (site_a, site_b)
    ]
    plain = StandardPageFactory(parent=site_a.home, title="Zonder sectie")
    clients = [site_a.client_for(), site_b.client_for()]
    paths = [page.relative_url(site.site) for page, site in zip(pages, two_sites, strict=True)]
    for client, path in zip(clients, paths, strict=True):
        warm(client, path)
    warm(clients[0], plain.relative_url(site_a.site))

    section.body = [paragraph("<p>Een lidkaart kost 7 euro.</p>")]
    commit(section.save)

    for client, path in zip(clients, paths, strict=True):
        response = client.get(path)
        assert response[HEADER] == "miss"
        assert "7 euro" in soup_of(response).get_text()
    assert state(clients[0], plain.relative_url(site_a.site)) == "hit"


def test_campaign_purges_the_sites_it_targets(two_sites, commit):
    site_a, site_b = two_sites
    client_a, client_b = site_a.client_for(), site_b.client_for()
    warm(client_a, "/")
    warm(client_b, "/")
    commit(
        CampaignFactory,
        title="Storing",
        message="Mijn Bibliotheek is vanavond onbereikbaar.",
        audience=Audience.SITES,
        target_sites=[site_a.site],
    )
    response = client_a.get("/")
    assert response[HEADER] == "miss"
    assert "vanavond onbereikbaar" in soup_of(response).get_text()
    assert state(client_b, "/") == "hit"


def test_central_news_purges_the_news_index_of_its_sites(two_sites, commit):
    site_a, site_b = two_sites
    client_a, client_b = site_a.client_for(), site_b.client_for()
    index_a = news_index_of(site_a.home).relative_url(site_a.site)
    warm(client_a, index_a)
    warm(client_b, "/")
    commit(CentralNewsItemFactory, title="De Jeugdboekenmaand start", sites=[site_a.site])
    response = client_a.get(index_a)
    assert response[HEADER] == "miss"
    assert "De Jeugdboekenmaand start" in soup_of(response).get_text()
    assert state(client_b, "/") == "hit"


def test_import_signal_purges_what_it_names(two_sites, commit):
    site_a, site_b = two_sites
    client_a, client_b = site_a.client_for(), site_b.client_for()
    page = StandardPageFactory(parent=site_b.home, title="Geïmporteerd")
    page_path = page.relative_url(site_b.site)
    warm(client_a, "/")
    warm(client_b, "/", page_path)
    # Only listings changed on site A: the whole site is retired.
    commit(pages_changed.send, sender=None, site_ids=[site_a.site.pk], page_ids=[])
    assert state(client_a, "/") == "miss"
    assert state(client_b, "/") == "hit"
    # One page changed on site B: that page and what lists it.
    commit(pages_changed.send, sender=None, site_ids=[site_b.site.pk], page_ids=[page.pk])
    assert state(client_b, page_path) == "miss"
    assert state(client_b, "/") == "miss"


def test_import_signal_with_many_pages_retires_every_site_that_holds_one(
    two_sites, monkeypatch, commit
):
    """Past BULK_PAGES pages, each site holding one of them is retired: the last page counts
    as much as the first, and a site named by no page stays cached."""
    site_a, site_b = two_sites
    client_a, client_b = site_a.client_for(), site_b.client_for()
    first = StandardPageFactory(parent=site_a.home, title="Eerste")
    last = StandardPageFactory(parent=site_a.home, title="Laatste")
    warm(client_a, "/", last.relative_url(site_a.site))
    warm(client_b, "/")
    monkeypatch.setattr(pagecache_services, "BULK_PAGES", 1)
    commit(pages_changed.send, sender=None, site_ids=[], page_ids=[first.pk, last.pk])
    assert state(client_a, last.relative_url(site_a.site)) == "miss"
    assert state(client_a, "/") == "miss"
    assert state(client_b, "/") == "hit"
    # A page of site B among many pages of site A retires site B too.
    extra = StandardPageFactory(parent=site_a.home, title="Nog een")
    warm(client_a, "/")
    warm(client_b, "/")
    commit(
        pages_changed.send,
        sender=None,
        site_ids=[],
        page_ids=[first.pk, extra.pk, last.pk, site_b.home.pk],
    )
    assert state(client_b, "/") == "miss"
    assert state(client_a, "/") == "miss"


# --- the frontend cache, failures ---------------------------------------------------------------


class RecordingBackend(BaseBackend):
    purged: list[str] = []

    def purge(self, url: str) -> None:
        RecordingBackend.purged.append(url)


def test_same_urls_go_to_the_frontend_cache(site_a, settings, commit):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {"BACKEND": "tests.pagecache.test_purges.RecordingBackend"}
    }
    RecordingBackend.purged = []
    agenda = agenda_of(site_a.home)
    event = commit(
        EventPageFactory,
        parent=agenda,
        dates=[event_date(timezone.localdate() + dt.timedelta(days=2))],
    )
    root = site_a.site.root_url
    assert {
        event.get_full_url(),
        agenda.get_full_url(),
        agenda.get_full_url() + "ical/",
        f"{root}/",
        f"{root}/sitemap.xml",
    } <= set(RecordingBackend.purged)


def test_failed_purge_never_blocks_a_publish(site_a, monkeypatch, caplog, commit):
    def broken(**kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(pagecache_services, "purge_now", broken)
    with caplog.at_level(logging.ERROR):
        page = commit(StandardPageFactory, parent=site_a.home, title="Toch gepubliceerd")
    assert page.live
    assert site_a.client_for().get(page.relative_url(site_a.site)).status_code == 200
    assert any("giving up" in record.getMessage() for record in caplog.records)


def test_failed_purge_is_retried_by_the_worker(monkeypatch):
    def broken(**kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(pagecache_services, "purge_now", broken)
    before = timezone.now()
    result = purge_attempt(
        urls=["http://gent.localhost/agenda/"], site_ids=[], attempt=1, backend="database"
    )
    assert "retry_at" in result
    retry = DBTaskResult.objects.get(task_path="pagecache.tasks.pagecache_purge_task")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > before + dt.timedelta(seconds=10)
    # The last attempt gives up instead of queueing another.
    result = purge_attempt(urls=[], site_ids=[1], attempt=5, backend="database")
    assert result["gave_up"]
    assert DBTaskResult.objects.count() == 1


def test_pages_created_in_bulk_purge_their_listings_once_after_the_commit(site_a, commit):
    from events.models import EventPage
    from home.page_bulk import pages_bulk_create

    client = site_a.client_for()
    agenda = agenda_of(site_a.home)
    agenda_path = agenda.relative_url(site_a.site)
    warm(client, agenda_path, "/")
    pages = [
        EventPage(title=f"Geïmporteerd {n}", slug=f"geimporteerd-{n}", intro="Uit UiTdatabank.")
        for n in range(3)
    ]
    commit(pages_bulk_create, parent=agenda, pages=pages)
    assert state(client, agenda_path) == "miss"
    assert state(client, "/") == "miss"
