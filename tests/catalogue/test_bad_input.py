"""Any query string gives a normal page (possibly empty), never a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

CASES = [
    {"q": ""},
    {"q": "x" * 10_000},
    {"q": "!!!...,,,;;;"},
    {"q": "&|!:*()"},
    {"q": '\'"harry" "potter'},
    {"q": "📚 boeken 🐉"},
    {"q": "har\x00ry"},
    {"q": "harry", "materiaal": "bestaat-niet", "onbekend": "x"},
    {"q": "harry", "pagina": "999999"},
    {"q": "harry", "pagina": "-4"},
    {"q": "harry", "pagina": "twee"},
    {"q": "harry", "sorteer": "'; DROP TABLE catalogue_record; --"},
    {"q": "978-", "jaar": "\x00"},
    {"q": "a:* & !b | (c"},
]


def test_hostile_queries_give_a_normal_page(site_a, records):
    client = site_a.client_for()
    for params in CASES:
        response = client.get("/catalogus/", params)
        assert response.status_code == 200, params
        assert client.get("/catalogus/suggesties/", {"q": params["q"]}).status_code == 200
    # Invalid UTF-8 (a lone surrogate, a stray byte) straight in the query string.
    assert client.get("/catalogus/?q=%ED%A0%80%FF&taal=%C0").status_code == 200
    assert client.get("/catalogus/titel/%ED%A0%80/").status_code == 404


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.text(max_size=300),
    facet=st.text(max_size=50),
    page=st.text(max_size=8),
    sort=st.sampled_from(["relevantie", "nieuwste", "titel", "", "x"]),
)
def test_fuzzed_queries_never_fail(site_a, records, q, facet, page, sort):
    client = site_a.client_for()
    response = client.get(
        "/catalogus/",
        {"q": q, "materiaal": facet, "onderwerp": facet, "pagina": page, "sorteer": sort},
    )
    # Every odd value is cleaned or falls back to its default: the search page always answers.
    assert response.status_code == 200
    assert client.get("/catalogus/suggesties/", {"q": q}).status_code == 200
