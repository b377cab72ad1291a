"""Pictures: the hero needs its alt text, cards and detail pages get responsive pictures
(AVIF, WebP, JPEG with width and height; lazy below the fold) and the site's default image when
an item has none, and the logo is the favicon and the social card's fallback."""

import pytest
from django.core.exceptions import ValidationError

from home.models import BrandingSettings, HomePage
from tests.factories.html import soup_of
from tests.factories.images import ImageFactory
from tests.factories.pages import NewsPageFactory, news_index_of

pytestmark = pytest.mark.django_db


def test_hero_image_without_alt_text_is_refused(site_a):
    home = HomePage.objects.get(pk=site_a.site.root_page_id)
    home.hero_image = ImageFactory(collection=site_a.tenant.collection)
    home.hero_image_alt = "   "
    with pytest.raises(ValidationError) as error:
        home.full_clean()
    assert "hero_image_alt" in error.value.message_dict


def test_hero_is_a_responsive_picture_with_its_alt_text(site_a):
    home = HomePage.objects.get(pk=site_a.site.root_page_id)
    home.hero_image = ImageFactory(collection=site_a.tenant.collection)
    home.hero_image_alt = "Kinderen lezen in de jeugdafdeling."
    home.full_clean()
    home.save_revision().publish()

    soup = soup_of(site_a.client_for().get("/"))
    picture = soup.select_one(".hero picture")
    types = [source["type"] for source in picture.select("source")]
    assert types == ["image/avif", "image/webp"]
    img = picture.img
    assert img["alt"] == "Kinderen lezen in de jeugdafdeling."
    assert img["width"] and img["height"]
    assert "loading" not in img.attrs  # the hero is the first screen: not lazy
    assert "," in img["srcset"]  # several widths


def test_news_card_without_image_shows_the_sites_default_image(site_a):
    default = ImageFactory(collection=site_a.tenant.collection, title="Standaard")
    branding = BrandingSettings.for_site(site_a.site)
    branding.default_image = default
    branding.save()
    index = news_index_of(site_a.home)
    own = ImageFactory(collection=site_a.tenant.collection)
    NewsPageFactory(parent=index, title="Met foto", image=own)
    NewsPageFactory(parent=index, title="Zonder foto")

    soup = soup_of(site_a.client_for().get(index.url))
    cards = {
        card.select_one(".card__title").get_text(strip=True): card for card in soup.select(".card")
    }
    with_photo = cards["Met foto"].select_one("img.card__image")
    without = cards["Zonder foto"].select_one("img.card__image")
    assert "card__image--default" not in with_photo["class"]
    assert "card__image--default" in without["class"]
    for img in (with_photo, without):
        assert img["loading"] == "lazy"
        assert img["alt"] == ""
        assert img["width"] == "480" and img["height"] == "270"


def test_news_card_without_any_image_renders_no_image(site_a):
    index = news_index_of(site_a.home)
    NewsPageFactory(parent=index, title="Kaal bericht")
    response = site_a.client_for().get(index.url)
    assert response.status_code == 200
    assert soup_of(response).select(".card img") == []


def test_logo_is_favicon_header_logo_and_social_card_fallback(site_a):
    branding = BrandingSettings.for_site(site_a.site)
    branding.logo = ImageFactory(collection=site_a.tenant.collection, title="Logo")
    branding.save()
    soup = soup_of(site_a.client_for().get("/"))
    icon = soup.select_one('link[rel="icon"]')
    assert icon is not None and icon["href"].endswith(".png")
    assert soup.select_one(".site-header__brand picture img.site-header__logo") is not None
    og_image = soup.select_one('meta[property="og:image"]')
    assert og_image is not None and og_image["content"].startswith("http")
    assert soup.select_one('meta[property="og:image:width"]')["content"] == "1200"


def test_page_image_wins_over_logo_in_the_social_card(site_a):
    branding = BrandingSettings.for_site(site_a.site)
    branding.logo = ImageFactory(collection=site_a.tenant.collection, title="Logo")
    branding.save()
    photo = ImageFactory(collection=site_a.tenant.collection, title="Foto")
    news = NewsPageFactory(parent=news_index_of(site_a.home), title="Nieuws met foto", image=photo)
    soup = soup_of(site_a.client_for().get(news.url))
    content = soup.select_one('meta[property="og:image"]')["content"]
    stem = photo.file.name.split("/")[-1].rsplit(".", 1)[0]
    assert stem in content
