"""Central news: written once, listed on the chosen sites' news pages, one canonical URL."""

import pytest

from tests.factories.html import soup_of
from tests.factories.pages import NewsPageFactory, news_index_of
from tests.factories.sitegen import CentralNewsItemFactory

pytestmark = pytest.mark.django_db


def test_central_news_is_listed_on_the_chosen_sites_only(two_sites, site_provision_third):
    site_a, site_b = two_sites
    item = CentralNewsItemFactory(title="Jeugdboekenmaand 2027", sites=[site_a.site, site_b.site])
    NewsPageFactory(parent=news_index_of(site_a.home), title="Eigen nieuws")

    for site in (site_a, site_b):
        response = site.client_for().get(news_index_of(site.home).url)
        cards = soup_of(response).select("article.card .card__title a")
        assert "Jeugdboekenmaand 2027" in [a.get_text() for a in cards]
        link = next(a for a in cards if a.get_text() == "Jeugdboekenmaand 2027")
        assert link["href"] == item.path
    third = site_provision_third
    response = third.client_for().get(news_index_of(third.home).url)
    assert "Jeugdboekenmaand 2027" not in response.content.decode()


def test_central_news_item_has_one_canonical_url(two_sites):
    site_a, site_b = two_sites
    item = CentralNewsItemFactory(sites=[site_b.site, site_a.site])
    canonical = min((site_a.site, site_b.site), key=lambda s: (s.hostname, s.port, s.pk))

    for site in (site_a, site_b):
        response = site.client_for().get(item.path)
        assert response.status_code == 200
        soup = soup_of(response)
        assert soup.select_one("h1").get_text() == item.title
        links = soup.select('link[rel="canonical"]')
        assert [link["href"] for link in links] == [f"{canonical.root_url}{item.path}"]


def test_central_news_is_404_on_other_sites_and_when_withdrawn(two_sites):
    site_a, site_b = two_sites
    item = CentralNewsItemFactory(sites=[site_a.site])

    assert site_b.client_for().get(item.path).status_code == 404
    item.live = False
    item.save()
    assert site_a.client_for().get(item.path).status_code == 404


def test_wrong_slug_redirects_to_the_right_address(site_a):
    item = CentralNewsItemFactory(sites=[site_a.site])

    response = site_a.client_for().get(f"/netwerknieuws/{item.pk}-oude-titel/")

    assert response.status_code == 301
    assert response["Location"] == item.path


@pytest.fixture
def site_provision_third(db):
    from tests.conftest import site_provision

    return site_provision("brugge", "Bibliotheek Brugge")
