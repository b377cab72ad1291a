"""The network site: its agenda over every site's events, with counts per filter value checked
against the database, and its search over every site's pages."""

import datetime as dt
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from events.models import EventPage
from events.selectors import agenda_page
from home.models import IdentitySettings, SingletonIntroPage
from home.signals import pages_changed
from network import selectors as network_selectors
from network.forms import ListSelect
from network.models import NetworkAgendaPage, NetworkSearchPage
from network.rows import NetworkOccurrence
from network.selectors import network_agenda_page
from places.models import NearbyPage, NetworkMapPage
from sitegen.services import network_site_provision
from tests.conftest import postgres_only
from tests.factories.events import EventPageFactory, agenda_of, event_date

NETWORK_HOST = "netwerk.testserver"
WORKSHOP, EXHIBITION = "0.3.1.0.0", "0.0.0.0.0"
PAINTING, PHOTO = "1.0.1.0.0", "1.0.6.0.0"


def _identity(site, *, province: str, nis_code: str, municipality: str) -> None:
    identity = IdentitySettings.for_site(site)
    identity.province = province
    identity.nis_code = nis_code
    identity.municipality = municipality
    identity.save()


@pytest.fixture
def network(site_a, site_b):
    """Site A a library in Oost-Vlaanderen, B a cultural centre in Vlaams-Brabant, their events,
    and the network site."""
    _identity(site_a.site, province="oost-vlaanderen", nis_code="44021", municipality="Gent")
    _identity(site_b.site, province="vlaams-brabant", nis_code="23025", municipality="Grimbergen")
    today = timezone.localdate()
    soon = today + dt.timedelta(days=2)
    agenda_a, agenda_b = agenda_of(site_a.home), agenda_of(site_b.home)

    def event(agenda, title, **kwargs):
        dates = kwargs.pop("dates", [event_date(soon)])
        return EventPageFactory(parent=agenda, title=title, dates=dates, **kwargs)

    events = {
        "a_workshop_kids": event(
            agenda_a, "Knutselen", event_type=WORKSHOP, theme=PAINTING, age_min=6, age_max=10
        ),
        "a_series": event(
            agenda_a,
            "Fotoreeks",
            event_type=EXHIBITION,
            theme=PHOTO,
            dates=[event_date(soon + dt.timedelta(days=7 * n)) for n in range(3)],
        ),
        "a_later": event(
            agenda_a,
            "Schilderles",
            event_type=WORKSHOP,
            theme=PAINTING,
            age_min=18,
            dates=[event_date(today + dt.timedelta(days=40))],
        ),
        "b_workshop": event(
            agenda_b, "Fotografie voor beginners", event_type=WORKSHOP, theme=PHOTO
        ),
        "b_exhibition": event(agenda_b, "Expo", event_type=EXHIBITION, theme=PAINTING),
        "b_past": event(
            agenda_b,
            "Voorbij",
            event_type=EXHIBITION,
            dates=[event_date(today - dt.timedelta(days=3))],
        ),
    }
    draft = event(agenda_b, "Nog niet gepubliceerd", event_type=WORKSHOP)
    draft.unpublish()
    tenant = network_site_provision(hostname=NETWORK_HOST).tenant
    return {"events": events, "tenant": tenant, "site_a": site_a, "site_b": site_b}


def _get(path: str, **params) -> BeautifulSoup:
    response = Client(HTTP_HOST=NETWORK_HOST).get(path, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _agenda_path(tenant) -> str:
    page = NetworkAgendaPage.objects.descendant_of(tenant.site.root_page).get()
    return page.relative_url(tenant.site)


def _option_counts(soup: BeautifulSoup, name: str) -> dict[str, int]:
    counts = {}
    for option in soup.select(f"select[name={name}] option"):
        if option["value"]:
            counts[option["value"]] = int(
                option.text.rsplit("(", 1)[1].rstrip(")").replace(".", "")
            )
    return counts


def _coming(**filters) -> set[int]:
    """The live events with a date still to come, straight from the database."""
    return set(
        EventPage.objects.live()
        .filter(occurrences__end__gte=timezone.now(), **filters)
        .values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_network_agenda_counts_match_the_database(network):
    soup = _get(_agenda_path(network["tenant"]))
    total = int(soup.select_one("[data-total]")["data-total"])
    assert total == len(_coming()) == 5
    expected_types = Counter(
        EventPage.objects.filter(pk__in=_coming()).values_list("event_type", flat=True)
    )
    types = _option_counts(soup, "type")
    assert {key: value for key, value in types.items() if value} == expected_types
    themes = _option_counts(soup, "thema")
    assert themes[PAINTING] == len(_coming(theme=PAINTING)) == 3
    assert themes[PHOTO] == len(_coming(theme=PHOTO)) == 2
    a_root = network["site_a"].home.path
    provinces = _option_counts(soup, "provincie")
    assert provinces["oost-vlaanderen"] == len(_coming(path__startswith=a_root)) == 3
    assert provinces["vlaams-brabant"] == 2
    assert provinces["limburg"] == 0
    kinds = _option_counts(soup, "soort")
    assert kinds == {"bibliotheek": 3, "cultuurcentrum": 2, "gemeenschapscentrum": 0}
    assert _option_counts(soup, "gemeente") == {"23025": 2, "44021": 3}
    ages = _option_counts(soup, "leeftijdsgroep")
    # Events without an age are for everyone: four of five fit children of 6-11.
    assert ages["kinderen"] == 4
    assert ages["volwassenen"] == 4  # the children's workshop (6-10) is not for adults
    titles = [a.text for a in soup.select(".event-card .card__title a")]
    assert "Voorbij" not in titles and "Nog niet gepubliceerd" not in titles
    assert titles[-1] == "Schilderles"  # in date order, the one in 40 days last


@pytest.mark.django_db
def test_network_agenda_filters_and_links_to_the_events_own_site(network):
    path = _agenda_path(network["tenant"])
    soup = _get(path, provincie="vlaams-brabant")
    assert soup.select_one("[data-total]")["data-total"] == "2"
    links = [a["href"] for a in soup.select(".event-card .card__title a")]
    host_b = network["site_b"].site.hostname
    assert len(links) == 2 and all(f"//{host_b}" in link for link in links)
    assert {p.text for p in soup.select(".event-card .card__site")} == {
        network["site_b"].site.site_name
    }
    # Kind and type together; counts follow the filters.
    soup = _get(path, soort="bibliotheek", type=WORKSHOP)
    assert soup.select_one("[data-total]")["data-total"] == "2"
    assert _option_counts(soup, "thema")[PAINTING] == 2
    # Age and date window.
    soup = _get(path, leeftijd="30", tot=(timezone.localdate() + dt.timedelta(days=10)).isoformat())
    titles = {a.text for a in soup.select(".event-card .card__title a")}
    assert titles == {"Fotoreeks", "Fotografie voor beginners", "Expo"}
    soup = _get(path, gemeente="44021", thema=PHOTO)
    assert [a.text for a in soup.select(".event-card .card__title a")] == ["Fotoreeks"]


@pytest.mark.django_db
def test_network_agenda_bad_filters_are_explained_not_an_error(network):
    soup = _get(_agenda_path(network["tenant"]), provincie="mars", van="3000-01-01", leeftijd="x")
    assert soup.select_one("[role=alert]").text.startswith("Sommige filters")
    assert soup.select_one("[data-total]")["data-total"] == "5"
    soup = _get(_agenda_path(network["tenant"]), soort="gemeenschapscentrum")
    assert "Geen activiteiten gevonden met deze filters" in soup.text


@pytest.mark.django_db
def test_network_agenda_queries_do_not_grow_with_results(network, django_assert_max_num_queries):
    network_agenda_page(filters={})  # the network map is built once and cached
    with django_assert_max_num_queries(10):
        result = network_agenda_page(filters={"soort": "bibliotheek"})
    assert result.total == 3
    with django_assert_max_num_queries(10):
        network_agenda_page(filters={"thema": PAINTING, "leeftijdsgroep": "kinderen"})


@pytest.mark.django_db
def test_network_search_finds_pages_of_every_site_labelled_by_site(network):
    site_a, site_b = network["site_a"], network["site_b"]
    tenant = network["tenant"]
    search = NetworkSearchPage.objects.descendant_of(tenant.site.root_page).get()
    soup = _get(search.relative_url(tenant.site), q="fotografie")
    results = soup.select(".search-results li")
    found = {(li.h2.a.text, li.select_one(".search-results__site").text) for li in results}
    assert ("Fotografie voor beginners", site_b.site.site_name) in found
    assert ("Fotoreeks", site_a.site.site_name) not in found  # "foto" is not "fotografie"
    assert all(li.h2.a["href"].startswith("http://") for li in results)
    # Each links to its page on its own site, as Wagtail's routing does.
    workshop = EventPage.objects.get(pk=network["events"]["b_workshop"].pk)
    links = {li.h2.a.text: li.h2.a["href"] for li in results}
    assert links["Fotografie voor beginners"] == workshop.get_full_url()
    soup = _get(search.relative_url(tenant.site), q="knutselen")
    assert [li.h2.a.text for li in soup.select(".search-results li")] == ["Knutselen"]


@pytest.mark.django_db
def test_network_site_is_reapplied_without_duplicates(network):
    again = network_site_provision(hostname=NETWORK_HOST)
    assert not again.created
    assert again.pages_created == []
    assert NetworkAgendaPage.objects.count() == 1


def test_the_network_site_has_the_map_and_nearby_pages(network):
    """The network blueprint places the map and "in de buurt" of the places app, in the menu."""
    client = Client(HTTP_HOST=NETWORK_HOST)
    home = BeautifulSoup(client.get("/").content, "html.parser")
    menu = {link.get_text(strip=True): link["href"] for link in home.select("nav a[href]")}
    assert menu.get("Kaart van alle bibliotheken en centra") == "/kaart/"
    assert menu.get("In de buurt") == "/in-de-buurt/"
    for path in ("/kaart/", "/in-de-buurt/?postcode=9000"):
        response = client.get(path)
        assert response.status_code == 200, path


def _rows(event) -> list[NetworkOccurrence]:
    return list(NetworkOccurrence.objects.filter(event=event).order_by("start"))


@pytest.mark.django_db
def test_network_rows_follow_publish_unpublish_and_bulk_changes(network):
    series = network["events"]["a_series"]
    rows = _rows(series)
    assert len(rows) == 3 and [row.is_last for row in rows] == [False, False, True]
    assert {(row.event_type, row.theme, row.agenda_id) for row in rows} == {
        (EXHIBITION, PHOTO, agenda_of(network["site_a"].home).pk)
    }
    path = _agenda_path(network["tenant"])
    assert _get(path).select_one("[data-total]")["data-total"] == "5"
    series.unpublish()
    assert _rows(series) == []
    # The counts and the page were cached: the unpublish retired them.
    soup = _get(path)
    assert soup.select_one("[data-total]")["data-total"] == "4"
    assert "Fotoreeks" not in [a.text for a in soup.select(".event-card .card__title a")]
    series.save_revision().publish()
    assert len(_rows(series)) == 3
    # A bulk change (an import) announces its pages with home.signals.pages_changed.
    workshop = network["events"]["b_workshop"]
    EventPage.objects.filter(pk=workshop.pk).update(theme=PAINTING)
    pages_changed.send(sender=EventPage, site_ids=[], page_ids=[workshop.pk])
    assert {row.theme for row in _rows(workshop)} == {PAINTING}
    soup = _get(path)
    assert _option_counts(soup, "thema")[PAINTING] == 4


@pytest.mark.django_db
def test_network_agenda_lists_a_sites_events_as_its_own_agenda_does(network, monkeypatch):
    site_a = network["site_a"]
    agenda = agenda_of(site_a.home)
    for n in range(7):
        EventPageFactory(
            parent=agenda,
            title=f"Extra {n}",
            dates=[event_date(timezone.localdate() + dt.timedelta(days=n % 4 + 1))],
        )
    for number in (1, 2, 3):
        own = agenda_page(index=agenda, filters={}, page_number=number, per_page=4)
        walked = network_agenda_page(filters={"gemeente": "44021"}, page_number=number, per_page=4)
        expected = [(item.event.pk, item.occurrence.start, item.count) for item in own.items]
        assert [(i.event.pk, i.occurrence.start, i.count) for i in walked.items] == expected
        # Many matching events: the walk on the start index, not the sorted read of a few
        # (the page read before is kept with the counts: read it again).
        cache.clear()
        monkeypatch.setattr(network_selectors, "NARROW_EVENTS", 0)
        wide = network_agenda_page(filters={"gemeente": "44021"}, page_number=number, per_page=4)
        monkeypatch.setattr(network_selectors, "NARROW_EVENTS", 3000)
        assert [(i.event.pk, i.occurrence.start, i.count) for i in wide.items] == expected
        # Deep pages group every row instead of walking them: the same events.
        cache.clear()
        monkeypatch.setattr(network_selectors, "WALK_LIMIT", 0)
        grouped = network_agenda_page(filters={"gemeente": "44021"}, page_number=number, per_page=4)
        monkeypatch.setattr(network_selectors, "WALK_LIMIT", 1000)
        assert [(i.event.pk, i.occurrence.start, i.count) for i in grouped.items] == expected
    assert walked.total == own.page_obj.paginator.count == 10


@pytest.mark.django_db
def test_network_agenda_counts_a_series_once_in_a_period(network):
    soon = timezone.localdate() + dt.timedelta(days=2)
    soup = _get(
        _agenda_path(network["tenant"]),
        van=soon.isoformat(),
        tot=(soon + dt.timedelta(days=14)).isoformat(),
        thema=PHOTO,
    )
    # The photo series has three dates in these two weeks, the beginners' course one.
    assert soup.select_one("[data-total]")["data-total"] == "2"
    assert _option_counts(soup, "soort") == {
        "bibliotheek": 1,
        "cultuurcentrum": 1,
        "gemeenschapscentrum": 0,
    }
    selected = soup.select_one("select[name=thema] option[selected]")
    assert selected["value"] == PHOTO


def test_list_select_marks_the_choice_and_escapes_labels():
    select = ListSelect(choices=[("", "Alle"), ("a&b", "<b>A & B</b> (1.204)")])
    soup = BeautifulSoup(select.render("thema", "a&b", {"id": "id_thema"}), "html.parser")
    option = soup.select_one("select#id_thema[name=thema] option[selected]")
    assert option["value"] == "a&b" and option.text == "<b>A & B</b> (1.204)"
    assert len(soup.select("option[selected]")) == 1


def test_network_and_places_pages_share_one_frame():
    for model in (NetworkAgendaPage, NetworkSearchPage, NetworkMapPage, NearbyPage):
        assert issubclass(model, SingletonIntroPage)
        assert model._meta.get_field("intro").max_length == 600
        assert model.max_count_per_parent == 1 and model.subpage_types == []


@pytest.mark.django_db
def test_network_rows_of_imported_events_follow_the_imports_pages_changed(
    site_a, tmp_path, django_capture_on_commit_callbacks
):
    from tests.events.test_import_bulk import document, run_documents

    with django_capture_on_commit_callbacks(execute=True):
        run = run_documents(site_a.site, [document(n) for n in range(6)], tmp_path)
    assert run.created == 6
    imported = EventPage.objects.child_of(agenda_of(site_a.home)).exclude(uitdatabank_id="")
    rows = NetworkOccurrence.objects.filter(event__in=imported)
    assert rows.count() == 6 and rows.filter(is_last=True).count() == 6
    assert set(rows.values_list("event_type", flat=True)) == {"0.3.2.0.0"}


@pytest.mark.django_db
def test_network_agenda_filters_fold_behind_a_filters_button(network):
    """On a phone the results come first: the form sits in the same foldable panel as a site's
    own agenda (static/js/site.js opens it on wide screens)."""
    soup = _get(_agenda_path(network["tenant"]))
    panel = soup.select_one("details.filters[data-filters]")
    assert panel is not None
    assert panel.select_one("summary").get_text(strip=True) == "Filters"
    assert panel.select_one("form.network-filters") is not None
    assert not panel.has_attr("data-filters-active")
    active = _get(_agenda_path(network["tenant"]), provincie="vlaams-brabant")
    assert active.select_one("details.filters").has_attr("data-filters-active")


def _spy(monkeypatch, module, name: str, calls: list | None = None) -> list:
    """Record the calls of module.name in `calls` (a new list by default), and still make them."""
    calls = [] if calls is None else calls
    original = getattr(module, name)

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


@pytest.mark.django_db
def test_network_agenda_cards_and_filters_come_from_the_cache_until_they_change(
    network, monkeypatch
):
    from events import cards
    from network import fragments
    from network import models as network_models

    path = _agenda_path(network["tenant"])
    first = _get(path)
    counted = _spy(monkeypatch, network_models, "_choices_count")
    templates = _spy(monkeypatch, fragments, "get_template")
    # The cards are rendered by the events app (events.cards.cards_fill): the same list.
    _spy(monkeypatch, cards, "get_template", calls=templates)
    again = _get(path)
    assert counted == [] and templates == []  # neither the options nor a card rendered again
    assert str(again.select_one("form.network-filters")) == str(
        first.select_one("form.network-filters")
    )
    assert str(again.select_one(".card-grid")) == str(first.select_one(".card-grid"))
    # Each card links to its event as Wagtail's own routing does, on the event's own site.
    links = {a.text: a["href"] for a in again.select(".event-card .card__title a")}
    for event in network["events"].values():
        if event.title in links:
            assert links[event.title] == EventPage.objects.get(pk=event.pk).get_full_url()

    # A republished event: its card only is rendered again, with the new title; its agenda's
    # counts are counted again, to the same numbers: the filter fields stay as they were.
    event = EventPage.objects.get(pk=network["events"]["b_exhibition"].pk)
    event.title = "Expo van het jaar"
    event.save_revision().publish()
    soup = _get(path)
    titles = [a.text for a in soup.select(".event-card .card__title a")]
    assert "Expo van het jaar" in titles and "Expo" not in titles
    assert [args[0] for args, _kw in templates] == [cards.CARD_TEMPLATE]  # one card
    # A new theme: the counts changed, so do the fields.
    templates.clear()
    event.theme = PHOTO
    event.save_revision().publish()
    soup = _get(path)
    assert sorted(args[0] for args, _kw in templates) == [
        cards.CARD_TEMPLATE,
        fragments.FILTER_FIELDS_TEMPLATE,
    ]
    assert _option_counts(soup, "thema")[PHOTO] == len(_coming(theme=PHOTO)) == 3
    # A renamed site: the network map changes, so do its cards.
    site_b = network["site_b"].site
    site_b.site_name = "Cultuurcentrum Strombeek"
    site_b.save()
    soup = _get(path, provincie="vlaams-brabant")
    assert {p.text for p in soup.select(".event-card .card__site")} == {"Cultuurcentrum Strombeek"}
    # The submitted values are part of the fields' key: the choice shows, then goes.
    assert soup.select_one("select[name=provincie] option[selected]")["value"] == "vlaams-brabant"
    assert _get(path).select_one("select[name=provincie] option[selected]")["value"] == ""


def _search_ids(query: str, site_ids=None) -> list[int]:
    return [
        page.pk for page in network_selectors.network_pages_search(query=query, site_ids=site_ids)
    ]


@pytest.mark.django_db
@pytest.mark.postgres
@postgres_only
def test_network_search_reads_wagtails_index_as_wagtails_search_does(network):
    from wagtail.models import PageViewRestriction

    for query in ("fotografie", "knutselen", "expo", "fotografie beginners", "de expo", "zzz"):
        found = network_selectors.network_search(query=query)
        assert found is not None and not found.more
        assert set(found.ids) == set(_search_ids(query)), query
    assert network_selectors.network_search(query="fotografie beginners").ids == [
        network["events"]["b_workshop"].pk
    ]
    # Not published, restricted, or on another site than the scope: not found.
    assert network_selectors.network_search(query="gepubliceerd").ids == []
    expo = network["events"]["b_exhibition"]
    PageViewRestriction.objects.create(page=expo, restriction_type="login")
    assert expo.pk not in network_selectors.network_search(query="expo").ids
    site_a = network["site_a"].site.pk
    scoped = network_selectors.network_search(query="fotografie", site_ids={site_a})
    assert set(scoped.ids) == set(_search_ids("fotografie", site_ids={site_a}))
    assert network["events"]["b_workshop"].pk not in scoped.ids


@pytest.mark.django_db
@pytest.mark.postgres
@postgres_only
def test_network_search_beyond_its_candidates_says_more(
    network, monkeypatch, django_assert_max_num_queries
):
    tenant = network["tenant"]
    search = NetworkSearchPage.objects.descendant_of(tenant.site.root_page).get()
    path = search.relative_url(tenant.site)
    everywhere = network_selectors.network_search(query="privacyverklaring").ids
    assert len(everywhere) >= 3  # every site has one
    _get(path, q="privacyverklaring")  # the network map is built once and cached
    # The page lookup, the search and one query per page type (these are all one type).
    with django_assert_max_num_queries(4):
        soup = _get(path, q="privacyverklaring")
    assert soup.select_one("[role=status]").text.startswith(f"{len(everywhere)} resultaten")
    assert [li.h2.a.text for li in soup.select(".search-results li")][0] == "Privacyverklaring"
    monkeypatch.setattr(network_selectors, "SEARCH_CANDIDATES", 2)
    soup = _get(path, q="privacyverklaring")
    assert soup.select_one("[role=status]").text.startswith("Meer dan 2 resultaten")
    assert len(soup.select(".search-results li")) == 2


@pytest.mark.django_db
def test_a_warm_network_agenda_request_reads_the_cards_only(network, django_assert_max_num_queries):
    """The counts, the filter fields and the page of events are kept under one computation
    of the counts: a second request runs the page lookup and the cards' query only."""
    path = _agenda_path(network["tenant"])
    first = _get(path, soort="bibliotheek")
    with django_assert_max_num_queries(4):
        again = _get(path, soort="bibliotheek")
    titles = [a.text for a in again.select(".event-card .card__title a")]
    assert titles == [a.text for a in first.select(".event-card .card__title a")]
    assert len(titles) == 3


def _shards_apart(monkeypatch, *agendas) -> None:
    """Counts shards (agenda id modulo COUNTS_SHARDS) that put these agendas apart."""
    ids = [agenda.pk for agenda in agendas]
    shards = next(n for n in range(2, 64) if len({pk % n for pk in ids}) == len(ids))
    monkeypatch.setattr(network_selectors, "COUNTS_SHARDS", shards)


@pytest.mark.django_db
def test_a_publish_retires_the_counts_of_its_agendas_shard_only(
    network, monkeypatch, django_assert_max_num_queries
):
    """After an event's publish, unpublish or delete the next request counts the rows of that
    event's agenda's shard again, takes the others from the cache, and its counts equal the
    database's."""
    agenda_a, agenda_b = agenda_of(network["site_a"].home), agenda_of(network["site_b"].home)
    _shards_apart(monkeypatch, agenda_a, agenda_b)
    path = _agenda_path(network["tenant"])
    assert _get(path).select_one("[data-total]")["data-total"] == "5"
    counted = _spy(monkeypatch, network_selectors, "_rows_for")
    assert _get(path).select_one("[data-total]")["data-total"] == "5"
    assert counted == []  # warm: counts and page from the cache
    network["events"]["b_exhibition"].unpublish()
    with django_assert_max_num_queries(6):
        soup = _get(path)
    # The counts of agenda B's shard, then the page of events over every agenda.
    assert [kwargs["agendas"] for _args, kwargs in counted] == [
        [agenda_b.pk],
        sorted([agenda_a.pk, agenda_b.pk]),
    ]
    assert int(soup.select_one("[data-total]")["data-total"]) == len(_coming()) == 4
    assert _option_counts(soup, "soort") == {
        "bibliotheek": len(_coming(path__startswith=network["site_a"].home.path)),
        "cultuurcentrum": 1,
        "gemeenschapscentrum": 0,
    }
    assert _option_counts(soup, "thema")[PAINTING] == len(_coming(theme=PAINTING)) == 2
    assert "Expo" not in [a.text for a in soup.select(".event-card .card__title a")]
    # A deleted event: its rows go (cascade) and its agenda's shard is counted again.
    counted.clear()
    EventPage.objects.get(pk=network["events"]["a_later"].pk).delete()
    soup = _get(path)
    assert counted[0][1]["agendas"] == [agenda_a.pk]
    assert int(soup.select_one("[data-total]")["data-total"]) == len(_coming()) == 3
    assert _option_counts(soup, "type")[WORKSHOP] == len(_coming(event_type=WORKSHOP)) == 2


@pytest.mark.django_db
def test_an_event_moved_to_another_agenda_retires_both_shards(network, monkeypatch):
    from network import services

    agenda_a, agenda_b = agenda_of(network["site_a"].home), agenda_of(network["site_b"].home)
    _shards_apart(monkeypatch, agenda_a, agenda_b)
    retired = _spy(monkeypatch, services, "network_rows_retire")
    event = network["events"]["a_series"]
    # The events app rewrote the event's occurrence rows for its new agenda (a move).
    event.occurrences.update(agenda_id=agenda_b.pk)
    services.network_occurrences_sync(page_ids=[event.pk])
    assert [kwargs["agenda_ids"] for _args, kwargs in retired] == [{agenda_a.pk, agenda_b.pk}]
    assert set(
        NetworkOccurrence.objects.filter(event=event).values_list("agenda_id", flat=True)
    ) == {agenda_b.pk}
    # Syncing a page that has no rows retires nothing.
    retired.clear()
    services.network_occurrences_sync(page_ids=[network["site_a"].home.pk])
    assert retired == []


@pytest.mark.django_db
def test_the_counts_computed_per_shard_add_up_to_the_counts_computed_at_once(network, monkeypatch):
    """Shards counted one by one (each after a publish) and all in one query give the same
    counts, with and without an end to the period."""
    agenda_a, agenda_b = agenda_of(network["site_a"].home), agenda_of(network["site_b"].home)
    _shards_apart(monkeypatch, agenda_a, agenda_b)
    until = timezone.localdate() + dt.timedelta(days=30)
    midnight = dt.datetime.combine(
        until + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone()
    )
    expected = {
        "": len(_coming()),
        "kinderen": 4,  # the adults' painting lesson is not for children
        "tot": len(_coming(occurrences__start__lt=midnight)),
    }
    for name, filters in (
        ("", {}),
        ("kinderen", {"leeftijdsgroep": "kinderen"}),
        ("tot", {"tot": until.isoformat()}),
    ):
        cache.clear()
        at_once = network_agenda_page(filters=_valid(filters))
        assert at_once.total == expected[name], name
        for agenda in (agenda_a, agenda_b):
            network_selectors.network_rows_retire(agenda_ids=[agenda.pk])
            one_by_one = network_agenda_page(filters=_valid(filters))
            assert one_by_one.total == at_once.total, name
            assert one_by_one.facets == at_once.facets, name
    assert expected["tot"] == 4  # the painting lesson in 40 days is after the period


def _valid(params: dict) -> dict:
    from network.forms import NetworkAgendaFilterForm

    return NetworkAgendaFilterForm(
        params or None, network=network_selectors.network_map()
    ).valid_filters()


@pytest.mark.django_db
def test_age_groups_of_the_counts_are_the_events_age_filter(network):
    """The counts put each (age_min, age_max) pair into age groups in Python: the same events
    as the events app's age filter (age_q) selects in the database."""
    from events import taxonomy
    from events.selectors import age_q

    event = network["events"]["a_workshop_kids"]
    values = [None, 0, 2, 3, 5, 6, 11, 12, 13, 17, 18, 30, 120]
    NetworkOccurrence.objects.bulk_create(
        NetworkOccurrence(
            event=event,
            agenda_id=0,
            start=timezone.now(),
            end=timezone.now(),
            age_min=low,
            age_max=high,
        )
        for low in values
        for high in values
    )
    rows = NetworkOccurrence.objects.filter(agenda_id=0)
    for group in taxonomy.AGE_GROUPS.values():
        selected = set(
            rows.filter(age_q({"leeftijdsgroep": group.slug})).values_list("pk", flat=True)
        )
        fitting = {
            row.pk
            for row in rows
            if network_selectors.age_group_fits(group, row.age_min, row.age_max)
        }
        assert fitting == selected, group.slug


class _ReadCounter:
    """The cache, with the keys each read asked for (network.selectors reads through it)."""

    def __init__(self, real) -> None:
        self._real = real
        self.read: list[str] = []

    def get(self, key, *args, **kwargs):
        self.read.append(key)
        return self._real.get(key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        self.read.extend(keys)
        return self._real.get_many(keys, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._real, name)

    def reads(self, prefix: str) -> int:
        return sum(1 for key in self.read if key.startswith(prefix))


@pytest.mark.django_db
def test_a_warm_request_reads_the_merged_counts_not_each_shard(network, monkeypatch):
    """A warm request reads the generations only (its process kept the counts' summary), or
    the one merged entry in another process; after an event of one shard changes it reads
    the shards, counts that shard only and gives the database's numbers, which the next
    request reads merged again. Nothing is kept beyond the shards' lifetime."""
    import time

    agenda_a, agenda_b = agenda_of(network["site_a"].home), agenda_of(network["site_b"].home)
    _shards_apart(monkeypatch, agenda_a, agenda_b)
    path = _agenda_path(network["tenant"])
    _get(path)
    counter = _ReadCounter(network_selectors.cache)
    monkeypatch.setattr(network_selectors, "cache", counter)
    counted = _spy(monkeypatch, network_selectors, "_rows_for")
    soup = _get(path)
    assert counter.reads("network-counts") == 0  # neither the merged entry nor a shard's
    assert counted == []
    assert _option_counts(soup, "thema")[PAINTING] == len(_coming(theme=PAINTING)) == 3
    network_selectors._process_counts.clear()  # as in another process
    again = _get(path)
    assert counter.reads("network-counts-merged:") == 1
    assert counter.reads("network-counts:") == 0
    assert counted == []
    assert str(again.select_one("form.network-filters")) == str(
        soup.select_one("form.network-filters")
    )

    # Agenda B's exhibition gets another theme: its shard only is counted again.
    event = EventPage.objects.get(pk=network["events"]["b_exhibition"].pk)
    event.theme = PHOTO
    event.save_revision().publish()
    counter.read.clear()
    soup = _get(path)
    assert counter.reads("network-counts-merged:") == 1
    assert counter.reads("network-counts:") == 2  # both shards' entries, one read
    # The counts of agenda B's shard, then the page of events over every agenda.
    assert [kwargs["agendas"] for _args, kwargs in counted] == [
        [agenda_b.pk],
        sorted([agenda_a.pk, agenda_b.pk]),
    ]
    assert _option_counts(soup, "thema")[PAINTING] == len(_coming(theme=PAINTING)) == 2
    assert _option_counts(soup, "thema")[PHOTO] == len(_coming(theme=PHOTO)) == 3
    assert int(soup.select_one("[data-total]")["data-total"]) == len(_coming()) == 5

    counter.read.clear()
    counted.clear()
    again = _get(path)
    assert counter.reads("network-counts") == 0
    assert counted == []
    assert _option_counts(again, "thema") == _option_counts(soup, "thema")

    # Past the longest life of a shard (COUNTS_SECONDS and up to as much again), every shard
    # is counted again: neither the merged entry nor the process's summary outlives them.
    later = time.time() + 2 * network_selectors.COUNTS_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    _get(path)
    assert counted[0][1]["agendas"] == sorted([agenda_a.pk, agenda_b.pk])


class _WriteCounter:
    """The cache, with the keys of each write (network.selectors writes through it)."""

    def __init__(self, real) -> None:
        self._real = real
        self.writes: list[list[str]] = []

    def set(self, key, *args, **kwargs):
        self.writes.append([key])
        return self._real.set(key, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        self.writes.append(sorted(data))
        return self._real.set_many(data, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._real, name)

    def of(self, prefix: str) -> list[list[str]]:
        return [keys for keys in self.writes if any(key.startswith(prefix) for key in keys)]


@pytest.mark.django_db
def test_shards_counted_together_are_written_at_once_and_expire_one_by_one(network, monkeypatch):
    """Every shard counted by one query is written in one cache write (one round trip to
    Redis, not one per shard), kept as long as the longest-lived; each entry still expires
    at its own time: past it, that shard alone is counted again, though the cache holds it."""
    import time

    agenda_a, agenda_b = agenda_of(network["site_a"].home), agenda_of(network["site_b"].home)
    _shards_apart(monkeypatch, agenda_a, agenda_b)
    shards = network_selectors.COUNTS_SHARDS
    first = min((agenda_a, agenda_b), key=lambda agenda: agenda.pk % shards)
    path = _agenda_path(network["tenant"])
    counter = _WriteCounter(network_selectors.cache)
    monkeypatch.setattr(network_selectors, "cache", counter)
    counted = _spy(monkeypatch, network_selectors, "_rows_for")
    _get(path)
    (written,) = counter.of("network-counts:")
    assert len(written) == 2  # both shards, one write
    assert [kwargs["agendas"] for _args, kwargs in counted][0] == sorted([agenda_a.pk, agenda_b.pk])

    # Past the first shard's own expiry (COUNTS_SECONDS for the lowest), before the other's
    # and before the cache lets either entry go.
    later = time.time() + network_selectors.COUNTS_SECONDS + 1
    assert network_selectors.SHARD_ENTRY_SECONDS > network_selectors.COUNTS_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    counted.clear()
    counter.writes.clear()
    soup = _get(path)
    assert [kwargs["agendas"] for _args, kwargs in counted][0] == [first.pk]
    (written,) = counter.of("network-counts:")
    assert len(written) == 1
    assert int(soup.select_one("[data-total]")["data-total"]) == len(_coming()) == 5


class _DownCache:
    """A cache that cannot be reached, as the tolerant Redis backend answers then: every read
    misses, every write is lost."""

    def get(self, key, default=None, *args, **kwargs):
        return default

    def get_many(self, keys, *args, **kwargs):
        return {}

    def set(self, *args, **kwargs) -> None:
        return None

    def add(self, *args, **kwargs) -> bool:
        return False

    def set_many(self, *args, **kwargs) -> list:
        return []


@pytest.mark.django_db
def test_with_the_cache_down_the_counts_are_not_kept_in_the_process(network, monkeypatch):
    """The cache unreachable: no generation is read, so the counts' keys would not change with
    the rows; the process keeps no summary of them then, and every request counts."""
    path = _agenda_path(network["tenant"])
    _get(path)  # the network map, kept by the process
    monkeypatch.setattr(network_selectors, "cache", _DownCache())
    assert _option_counts(_get(path), "thema")[PHOTO] == len(_coming(theme=PHOTO)) == 2
    event = EventPage.objects.get(pk=network["events"]["b_exhibition"].pk)
    event.theme = PHOTO
    event.save_revision().publish()
    assert _option_counts(_get(path), "thema")[PHOTO] == len(_coming(theme=PHOTO)) == 3
