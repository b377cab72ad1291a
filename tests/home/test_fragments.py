"""Uncached renders take a path's route and the home page's main content from the cache
(home.fragments) while nothing retired the path: the HTML is the one a fresh render gives, and
a publish, an unpublish, an edit, a view restriction or time passing shows on the next render."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from home.signals import pages_changed
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.html import soup_of
from tests.factories.pages import NewsPageFactory, StandardPageFactory, news_index_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    """Every request renders (the page cache off), the fragments on; the purges run on commit
    whatever the page cache's setting (`commit`)."""
    settings.PAGECACHE_ENABLED = False
    settings.PAGE_FRAGMENT_CACHE = True


@pytest.fixture
def clock(monkeypatch):
    day = timezone.localdate() + dt.timedelta(days=3)
    moment = {"now": timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def render(client, path="/") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def warm(client, path="/") -> None:
    """The first render stores the route and the content (the path's shell too)."""
    render(client, path)


def news_titles(client) -> list[str]:
    soup = soup_of(client.get("/"))
    section = soup.select_one("section[aria-labelledby=home-news-title]")
    return [a.get_text(strip=True) for a in section.select(".card__title a")] if section else []


def test_second_render_of_the_home_page_runs_no_query_and_gives_the_same_html(
    site_a, commit, settings
):
    commit(NewsPageFactory, parent=news_index_of(site_a.home), title="Boekenbeurs")
    client = site_a.client_for()
    first, first_queries = render(client)
    cached, cached_queries = render(client)
    settings.PAGE_FRAGMENT_CACHE = False
    fresh, fresh_queries = render(client)
    assert cached == first == fresh
    assert cached_queries == 0
    assert fresh_queries >= 2  # routing and the latest news
    assert "Boekenbeurs" in cached


def test_publish_and_unpublish_of_a_news_item_show_on_the_next_render(site_a, commit):
    client = site_a.client_for()
    assert news_titles(client) == []
    assert news_titles(client) == []  # cached: no news
    item = commit(NewsPageFactory, parent=news_index_of(site_a.home), title="Zomerlezen")
    assert news_titles(client) == ["Zomerlezen"]
    assert news_titles(client) == ["Zomerlezen"]
    commit(item.unpublish)
    assert news_titles(client) == []


def test_an_edit_of_the_home_page_shows_on_the_next_render(site_a, commit):
    client = site_a.client_for()
    warm(client)
    home = site_a.home
    home.intro = "Welkom in de nieuwe bib"
    commit(home.save_revision().publish)
    assert soup_of(client.get("/")).select_one(".hero .lead").get_text() == (
        "Welkom in de nieuwe bib"
    )


def test_a_draft_changes_nothing_for_visitors(site_a, commit):
    client = site_a.client_for()
    warm(client)
    home = site_a.home
    home.intro = "Nog niet gepubliceerd"
    commit(home.save_revision)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert "Nog niet gepubliceerd" not in html
    # Only Wagtail's site root paths (the draft's save cleared them): no page is read.
    assert not any(
        "home_homepage" in query["sql"] or "library_pages_newspage" in query["sql"]
        for query in queries.captured_queries
    )


def test_a_view_restriction_on_a_news_item_removes_it_from_the_home_page(site_a, commit):
    item = commit(NewsPageFactory, parent=news_index_of(site_a.home), title="Enkel voor leden")
    client = site_a.client_for()
    assert news_titles(client) == ["Enkel voor leden"]
    restriction = commit(
        PageViewRestriction.objects.create,
        page=item,
        restriction_type=PageViewRestriction.PASSWORD,
        password="geheim",
    )
    assert news_titles(client) == []
    commit(restriction.delete)
    assert news_titles(client) == ["Enkel voor leden"]


def test_a_restricted_page_is_never_routed_from_the_cache(site_a, commit):
    page = commit(StandardPageFactory, parent=site_a.home, title="Intern", slug="intern")
    client = site_a.client_for()
    warm(client, "/intern/")
    assert render(client, "/intern/")[1] == 0  # its route and content are cached now
    commit(
        PageViewRestriction.objects.create,
        page=page,
        restriction_type=PageViewRestriction.PASSWORD,
        password="geheim",
    )
    response = client.get("/intern/")
    assert response.status_code == 200
    assert "Gewone inhoud van een pagina" not in response.content.decode()
    assert soup_of(response).select_one("form input[name=password]") is not None


def test_a_site_wide_purge_retires_the_fragments(site_a, commit):
    client = site_a.client_for()
    warm(client)
    item = NewsPageFactory(parent=news_index_of(site_a.home), title="Geïmporteerd")
    assert news_titles(client) == []  # no purge yet: the cached content stands
    commit(pages_changed.send, sender=None, site_ids=[site_a.site.pk], page_ids=[item.pk])
    assert news_titles(client) == ["Geïmporteerd"]


def test_an_occurrence_leaves_the_home_page_when_it_ends(site_a, commit, clock):
    home = site_a.home
    home.body = [{"type": "upcoming_events", "value": {"title": "Binnenkort", "count": 1}}]
    commit(home.save_revision().publish)
    day = clock["now"].date()
    for title, start, end in (("Voorleesuur", "10:00", "11:00"), ("Taalcafé", "14:00", "15:00")):
        commit(
            EventPageFactory,
            parent=agenda_of(home),
            title=title,
            dates=[event_date(day, start, end)],
        )
    client = site_a.client_for()

    def upcoming() -> list[str]:
        block = soup_of(client.get("/")).select_one(".block-upcoming-events")
        return [a.get_text(strip=True) for a in block.select(".card__title a")]

    assert upcoming() == ["Voorleesuur"]
    assert render(client)[1] == 0
    clock["now"] = clock["now"].replace(hour=11, minute=0, second=1)  # ended: no purge
    assert upcoming() == ["Taalcafé"]


def test_a_parent_renamed_shows_in_its_childs_breadcrumbs(site_a, commit):
    parent = commit(StandardPageFactory, parent=site_a.home, title="Diensten", slug="diensten")
    commit(StandardPageFactory, parent=parent, title="Wifi", slug="wifi")
    client = site_a.client_for()

    def crumbs() -> list[str]:
        nav = soup_of(client.get("/diensten/wifi/")).select_one("nav.breadcrumbs")
        return [a.get_text(strip=True) for a in nav.select("a")]

    assert "Diensten" in crumbs()
    warm(client, "/diensten/wifi/")
    assert render(client, "/diensten/wifi/")[1] == 0
    parent.title = "Onze diensten"
    commit(parent.save_revision().publish)
    assert "Onze diensten" in crumbs()


def test_logged_in_editors_and_query_strings_are_routed_from_the_database(site_a, commit):
    client = site_a.client_for()
    warm(client)
    assert render(client)[1] == 0
    assert render(client, "/?utm_source=nieuwsbrief")[1] >= 2
    editor = site_a.client_for(site_a.editor)
    render(editor)
    with CaptureQueriesContext(connection) as queries:
        editor.get("/")
    assert any("home_homepage" in query["sql"] for query in queries.captured_queries)


def test_the_cache_off_renders_every_time(site_a, settings):
    settings.PAGE_FRAGMENT_CACHE = False
    client = site_a.client_for()
    warm(client)
    assert render(client)[1] >= 2


def test_a_new_slug_retires_the_old_addresses_of_the_page_and_the_pages_under_it(site_a, commit):
    parent = commit(StandardPageFactory, parent=site_a.home, title="Diensten", slug="diensten")
    commit(StandardPageFactory, parent=parent, title="Wifi", slug="wifi")
    client = site_a.client_for()
    for path in ("/diensten/", "/diensten/wifi/"):
        warm(client, path)
        assert render(client, path)[1] == 0
    parent.slug = "hulp"
    commit(parent.save_revision().publish)
    # The old addresses are no page's any more: they redirect (home's redirects on a new
    # slug), where a cached route would have served the page under its old address.
    response = client.get("/diensten/wifi/")
    assert response.status_code == 301
    assert response["Location"].endswith("/hulp/wifi/")
    assert client.get("/diensten/").status_code == 301
    assert "Wifi" in client.get("/hulp/wifi/").content.decode()


def test_made_up_paths_and_sub_routes_make_no_records(site_a):
    from django.core.cache import cache

    client = site_a.client_for()
    for _ in range(2):
        assert client.get("/bestaat-niet/").status_code == 404
    record_keys = [key for key in cache._cache if "pagecache:path:" in key]
    assert record_keys == []


def test_html_with_the_visitors_csrf_token_is_never_stored(site_a, rf):
    from django.template import RequestContext, Template

    from home.fragments import path_version

    page = site_a.home
    page.unrestricted = True  # as routing finds it

    def render_fragment(body: str, number: int) -> str:
        request = rf.get("/", HTTP_HOST=site_a.hostname)
        name = len(body)  # one fragment per body
        template = Template(
            f'{{% load site_tags %}}{{% page_fragment "{name}" %}}{body}{{% endpage_fragment %}}'
        )
        return template.render(RequestContext(request, {"page": page, "n": number}))

    # The home page's records, as routing makes them.
    request = rf.get("/", HTTP_HOST=site_a.hostname)
    assert path_version(request=request, site=site_a.site, path="/", create=True) is not None
    assert render_fragment("{{ n }}", 1) == "1"
    assert render_fragment("{{ n }}", 2) == "1"  # stored: the same HTML
    assert render_fragment("{% csrf_token %}{{ n }}", 3).endswith("3")
    assert render_fragment("{% csrf_token %}{{ n }}", 4).endswith("4")  # never stored


def test_a_warm_render_reads_the_cache_in_two_round_trips(site_a, commit, monkeypatch):
    """The path's version, the route and the site's shell in one read; the main content and
    the footer in another; Wagtail's site root paths not at all (routing's copy)."""
    from django.core.cache import caches

    client = site_a.client_for()
    warm(client)
    backend = type(caches["default"])
    reads: list[list[str]] = []
    inside = []  # the local memory cache's get_many calls its get: count the outer call only
    for name in ("get", "get_many"):
        original = getattr(backend, name)

        def counted(self, keys, *args, _original=original, **kwargs):
            if not inside:
                reads.append([keys] if isinstance(keys, str) else list(keys))
            inside.append(True)
            try:
                return _original(self, keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)
    html, queries = render(client)
    assert queries == 0
    assert len(reads) == 2, reads
    first, second = (" ".join(keys) for keys in reads)
    assert "fragment:route:" in first and "site-shell:" in first
    assert "fragment:html:" in second and "site-footer:" in second
    assert BeautifulSoup(html, "html.parser").select_one("footer.site-footer") is not None


def test_a_new_hostname_shows_in_the_canonical_address_at_once_in_this_process(site_a, commit):
    client = site_a.client_for()
    warm(client)
    site = site_a.site
    site.hostname = "nieuw.example.test"
    commit(site.save)
    response = client.get("/", HTTP_HOST="nieuw.example.test")
    assert response.status_code == 200
    canonical = soup_of(response).select_one("link[rel=canonical]")["href"]
    assert canonical.startswith("http://nieuw.example.test")


def test_a_process_drops_its_copy_of_the_root_paths_when_another_changed_them(site_a, commit):
    """Routing's copy of the sites' root paths is used while the token it was loaded under is
    the current one; a change committed elsewhere (another process saved a site or renamed a
    home page: a new token) is in the next render's URLs, not a minute later."""
    from django.core.cache import cache

    from home import routing

    client = site_a.client_for()
    warm(client)
    stale = [
        path._replace(root_url="http://verouderd.example.test")
        if path.site_id == site_a.site.pk
        else path
        for path in routing._root_paths
    ]
    routing._root_paths = stale  # this process's copy, as another process left it behind

    def canonical() -> str:
        return soup_of(client.get("/")).select_one("link[rel=canonical]")["href"]

    assert canonical().startswith("http://verouderd.example.test")  # the copy is what renders
    cache.set(routing.ROOT_PATHS_TOKEN_KEY, "elders-gewijzigd", timeout=None)
    assert canonical().startswith(f"http://{site_a.site.hostname}")
    assert canonical().startswith(f"http://{site_a.site.hostname}")
    assert routing._root_paths is not stale  # the request after the change loaded them again


def test_a_renamed_home_page_renews_the_root_paths_token(site_a, commit):
    from django.core.cache import cache

    from home import routing

    before = cache.get(routing.ROOT_PATHS_TOKEN_KEY)
    home = site_a.home
    home.slug = "thuis-nieuw"
    commit(home.save_revision().publish)
    assert cache.get(routing.ROOT_PATHS_TOKEN_KEY) not in (None, before)
