"""The open-data feeds: JSON-LD shapes, per-site isolation, the network feed on the landing
host, CORS and cache headers, no cookies, Dutch 400s for bad parameters, paging, and query
counts that do not grow with the page size."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from events.models import EventIndexPage, Occurrence
from library_pages.models import LocationIndexPage, LocationPage, NewsIndexPage, NewsPage
from tests.factories.events import EventPageFactory, agenda_of, event_date
from tests.factories.pages import LocationPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + dt.timedelta(days=10)
NETWORK_HOST = "netwerk.bibnet.example"


def feed(client, name, **params):
    response = client.get(f"/open-data/{name}.json", params)
    return response, json.loads(response.content)


@pytest.fixture
def content(site_a, site_b):
    a_events = [
        EventPageFactory(
            parent=agenda_of(site_a.home),
            title=f"Gentse activiteit {n}",
            dates=[event_date(SOON + dt.timedelta(days=n))],
        )
        for n in range(3)
    ]
    b_event = EventPageFactory(
        parent=agenda_of(site_b.home),
        title="Strombeekse voorstelling",
        dates=[event_date(SOON), event_date(SOON + dt.timedelta(days=1))],
    )
    location = LocationPageFactory(
        parent=LocationIndexPage.objects.child_of(site_a.home).get(),
        title="Filiaal Ledeberg",
        latitude=Decimal("51.0370"),
        longitude=Decimal("3.7420"),
        hours=[(0, 9, 17), (2, 13, 20)],
    )
    news_a = NewsPageFactory(
        parent=NewsIndexPage.objects.child_of(site_a.home).get(), title="Nieuwe openingsuren"
    )
    news_b = NewsPageFactory(
        parent=NewsIndexPage.objects.child_of(site_b.home).get(), title="Seizoen in Strombeek"
    )
    return {
        "a_events": a_events,
        "b_event": b_event,
        "location": location,
        "news_a": news_a,
        "news_b": news_b,
    }


def site_occurrences(site):
    agendas = EventIndexPage.objects.filter(path__startswith=site.root_page.path)
    return Occurrence.objects.filter(agenda__in=agendas, live=True, end__gte=timezone.now())


def test_locations_carry_schema_org_opening_hours(site_a, content):
    response, data = feed(site_a.client_for(), "locaties")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "DataFeed"
    expected = LocationPage.objects.live().descendant_of(site_a.home).count()
    assert data["numberOfItems"] == expected == len(data["dataFeedElement"])
    (ledeberg,) = [item for item in data["dataFeedElement"] if item["name"] == "Filiaal Ledeberg"]
    assert ledeberg["@type"] == "Library"  # site A is a library
    assert ledeberg["url"].startswith(f"http://{site_a.hostname}/")
    assert ledeberg["address"]["postalCode"] == "9000"
    assert ledeberg["geo"] == {"@type": "GeoCoordinates", "latitude": 51.037, "longitude": 3.742}
    assert {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "09:00",
        "closes": "17:00",
    } in ledeberg["openingHoursSpecification"]
    assert {spec["dayOfWeek"] for spec in ledeberg["openingHoursSpecification"]} == {
        "https://schema.org/Monday",
        "https://schema.org/Wednesday",
    }
    assert "isPartOf" not in ledeberg


def test_a_sites_events_feed_holds_its_own_events_only(site_a, site_b, content):
    _response, data = feed(site_a.client_for(), "activiteiten", per_pagina=100)
    names = {item["name"] for item in data["dataFeedElement"]}
    assert {"Gentse activiteit 0", "Gentse activiteit 1", "Gentse activiteit 2"} <= names
    assert "Strombeekse voorstelling" not in names
    assert data["numberOfItems"] == site_occurrences(site_a.site).count()
    item = next(i for i in data["dataFeedElement"] if i["name"] == "Gentse activiteit 0")
    assert item["@type"] == "Event"
    assert item["eventStatus"] == "https://schema.org/EventScheduled"
    assert item["location"]["@type"] == "Place"
    assert item["startDate"].startswith(SOON.isoformat())
    assert item["url"].startswith(f"http://{site_a.hostname}/")

    _response, data_b = feed(site_b.client_for(), "activiteiten", per_pagina=100)
    names_b = [item["name"] for item in data_b["dataFeedElement"]]
    assert names_b.count("Strombeekse voorstelling") == 2  # one item per date
    assert not any(name.startswith("Gentse activiteit") for name in names_b)


def test_news_feed(site_a, content):
    _response, data = feed(site_a.client_for(), "nieuws")
    headlines = [item["headline"] for item in data["dataFeedElement"]]
    assert "Nieuwe openingsuren" in headlines
    assert "Seizoen in Strombeek" not in headlines
    assert data["numberOfItems"] == NewsPage.objects.live().descendant_of(site_a.home).count()
    item = next(i for i in data["dataFeedElement"] if i["headline"] == "Nieuwe openingsuren")
    assert item["@type"] == "NewsArticle"
    assert item["datePublished"] == "2026-11-20"


def test_the_landing_host_serves_the_whole_network(site_a, site_b, content):
    assert Site.find_for_request(Client(HTTP_HOST=NETWORK_HOST).get("/").wsgi_request) is None
    client = Client(HTTP_HOST=NETWORK_HOST)
    _response, data = feed(client, "activiteiten", per_pagina=100)
    total = Occurrence.objects.filter(live=True, end__gte=timezone.now()).count()
    assert data["numberOfItems"] == total
    by_name = {item["name"]: item for item in data["dataFeedElement"]}
    assert by_name["Gentse activiteit 1"]["isPartOf"]["name"] == site_a.site.site_name
    assert by_name["Strombeekse voorstelling"]["isPartOf"]["name"] == site_b.site.site_name
    assert "van het netwerk" in data["name"]

    _response, news = feed(client, "nieuws", per_pagina=100)
    headlines = {item["headline"] for item in news["dataFeedElement"]}
    assert {"Nieuwe openingsuren", "Seizoen in Strombeek"} <= headlines
    _response, places = feed(client, "locaties", per_pagina=100)
    assert places["numberOfItems"] == LocationPage.objects.live().count()


def test_cors_cache_and_no_cookies(site_a, content):
    client = site_a.client_for()
    response, _data = feed(client, "activiteiten")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies
    preflight = client.options("/open-data/activiteiten.json")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    post = client.post("/open-data/activiteiten.json")
    assert post.status_code in (403, 405)  # CSRF or the view: never a write
    index = client.get("/open-data/")
    assert index.status_code == 200 and index["Access-Control-Allow-Origin"] == "*"
    urls = [d["distribution"]["contentUrl"] for d in json.loads(index.content)["dataset"]]
    assert urls == [
        f"http://{site_a.hostname}/open-data/locaties.json",
        f"http://{site_a.hostname}/open-data/activiteiten.json",
        f"http://{site_a.hostname}/open-data/nieuws.json",
    ]


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("activiteiten", {"pagina": "0"}, "'pagina' moet een positief geheel getal zijn."),
        ("activiteiten", {"pagina": "twee"}, "'pagina' moet een positief geheel getal zijn."),
        ("nieuws", {"per_pagina": "5000"}, "'per_pagina' mag hoogstens 100 zijn."),
        ("activiteiten", {"vanaf": "2026-13-01"}, "'vanaf' moet een datum zijn"),
        ("activiteiten", {"vanaf": "2027-02-01", "tot": "2027-01-01"}, "'tot' ligt voor"),
        ("locaties", {"vanaf": "2027-02-01"}, "Onbekende parameter: vanaf."),
        ("nieuws", {"pagina": ["1", "2"]}, "Geef pagina maar één keer op."),
    ],
)
def test_bad_parameters_answer_400_in_dutch(site_a, name, params, message):
    response, data = feed(site_a.client_for(), name, **params)
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-store"
    assert data["status"] == 400
    assert data["fout"].startswith(message)


def test_paging_links_and_past_the_end(site_a, content):
    client = site_a.client_for()
    count = site_occurrences(site_a.site).count()
    _response, first = feed(client, "activiteiten", per_pagina=1)
    assert first["aantal_paginas"] == count and len(first["dataFeedElement"]) == 1
    assert first["vorige"] is None
    assert "pagina=2" in first["volgende"] and "per_pagina=1" in first["volgende"]
    _response, second = feed(client, "activiteiten", per_pagina=1, pagina=2)
    assert "pagina=1" in second["vorige"]
    assert second["dataFeedElement"][0]["@id"] != first["dataFeedElement"][0]["@id"]
    response, beyond = feed(client, "activiteiten", per_pagina=1, pagina=count + 5)
    assert response.status_code == 200 and beyond["dataFeedElement"] == []
    # a window of dates
    day = (SOON + dt.timedelta(days=1)).isoformat()
    _response, window = feed(client, "activiteiten", vanaf=day, tot=day)
    assert [item["name"] for item in window["dataFeedElement"]] == ["Gentse activiteit 1"]


@pytest.mark.parametrize("name", ["activiteiten", "locaties", "nieuws"])
def test_query_count_does_not_grow_with_the_page(site_a, content, name):
    for n in range(3, 9):
        EventPageFactory(
            parent=agenda_of(site_a.home),
            title=f"Extra {n}",
            dates=[event_date(SOON + dt.timedelta(days=n))],
        )
        NewsPageFactory(parent=NewsIndexPage.objects.child_of(site_a.home).get())
        LocationPageFactory(
            parent=LocationIndexPage.objects.child_of(site_a.home).get(),
            hours=[(1, 9, 12)],
        )
    client = Client(HTTP_HOST=NETWORK_HOST)
    counts = []
    for per_page in (1, 6):
        client.get(f"/open-data/{name}.json", {"per_pagina": per_page})  # warm the caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/open-data/{name}.json", {"per_pagina": per_page})
        assert len(json.loads(response.content)["dataFeedElement"]) == per_page
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8, counts
