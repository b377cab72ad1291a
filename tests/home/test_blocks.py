"""The block registry of home (issue #13): components register their blocks, home names none
of them; every block of the page body has a preview in the block picker."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from wagtail import blocks

from central.blocks import SharedContentStreamBlock
from central.models import SharedSection
from home.blocks import (
    BlockRegistry,
    ContentStreamBlock,
    LinkTargetBlock,
    NavigationLinkBlock,
    NavigationStreamBlock,
)
from home.models import HomePage
from library_pages.models import StandardPage

BODY = [
    "heading",
    "paragraph",
    "image",
    "quote",
    "call_to_action",
    "embed",
    "documents",
    "faq",
    "table",
    "shared_section",
    "upcoming_events",
    "catalogue_search",
    "new_acquisitions",
    "bieblo",
    "books",
    "digital_services",
]


def _body_blocks():
    yield from HomePage._meta.get_field("body").stream_block.child_blocks.values()
    yield from SharedContentStreamBlock().child_blocks.values()
    yield from NavigationStreamBlock().child_blocks.values()


def test_page_bodies_hold_home_and_registered_blocks_in_a_stable_order():
    for model in (HomePage, StandardPage):
        assert list(model._meta.get_field("body").stream_block.child_blocks) == BODY


def test_registry_refuses_a_second_block_type_under_a_taken_name():
    registry = BlockRegistry("test")
    registry.register("quote", blocks.CharBlock(), order=2)
    registry.register("alpha", blocks.CharBlock(), order=1)
    assert [name for name, _block in registry.blocks()] == ["alpha", "quote"]
    with pytest.raises(ImproperlyConfigured):
        registry.register("quote", blocks.TextBlock(), order=3)


def test_content_stream_block_is_built_with_the_registered_blocks():
    assert "upcoming_events" in ContentStreamBlock().child_blocks


def test_every_block_declares_a_preview_value():
    missing = [
        block.name
        for block in _body_blocks()
        if not (
            hasattr(block.meta, "preview_value")
            or type(block).get_preview_value is not blocks.Block.get_preview_value
        )
    ]
    assert missing == []
    assert all(block.is_previewable for block in _body_blocks())


@pytest.mark.django_db
def test_block_previews_render_in_the_admin(admin_client_central, site_a):
    SharedSection.objects.create(
        title="Lidmaatschap",
        body=[{"type": "paragraph", "value": "<p>Gratis tot 18 jaar.</p>"}],
    )
    for block in _body_blocks():
        response = admin_client_central.get(
            reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
        )
        assert response.status_code == 200, block.name
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.select_one(f"main .block-{block.name}") is not None, block.name
        assert soup.select_one('link[rel=stylesheet][href$="css/site.css"]') is not None
    shared = HomePage._meta.get_field("body").stream_block.child_blocks["shared_section"]
    response = admin_client_central.get(
        reverse("wagtailadmin_block_preview"), {"id": shared.definition_prefix}
    )
    assert "Gratis tot 18 jaar." in response.content.decode()


@pytest.mark.django_db
def test_link_blocks_share_one_rule(site_a):
    home = site_a.home
    for block in (LinkTargetBlock(), NavigationLinkBlock()):
        for value in ({"page": None, "url": ""}, {"page": home.pk, "url": "https://a.example"}):
            with pytest.raises(blocks.StructBlockValidationError) as refused:
                block.clean(block.to_python({"label": "", **value}))
            assert "url" in refused.value.block_errors
        assert block.clean(block.to_python({"label": "", "page": home.pk, "url": ""}))["page"]
    navigation = NavigationLinkBlock()
    with pytest.raises(blocks.StructBlockValidationError) as refused:
        navigation.clean(navigation.to_python({"label": "", "page": None, "url": "https://a.be"}))
    assert "label" in refused.value.block_errors
    target = LinkTargetBlock()
    assert target.clean(target.to_python({"page": None, "url": "https://a.be"}))["url"]


@pytest.mark.django_db
def test_the_video_preview_renders_offline(admin_client_central, monkeypatch):
    """The video block's preview asks no oEmbed provider: with every fetch failing, the
    preview still shows a player from a host the Content-Security-Policy allows."""
    from urllib.parse import urlsplit

    from wagtail.embeds import embeds

    from home.csp import EMBED_FRAME_SOURCES

    def no_network(*args, **kwargs):
        raise AssertionError("the preview fetched an embed")

    monkeypatch.setattr(embeds, "get_embed", no_network)
    block = HomePage._meta.get_field("body").stream_block.child_blocks["embed"]
    response = admin_client_central.get(
        reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
    )
    assert response.status_code == 200
    frame = BeautifulSoup(response.content, "html.parser").select_one("main .block-embed iframe")
    assert frame is not None and frame["title"]
    source = urlsplit(frame["src"])
    assert f"{source.scheme}://{source.netloc}" in EMBED_FRAME_SOURCES
