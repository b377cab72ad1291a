"""The one HTML sanitising policy (home.sanitiser): rich text from the admin keeps Wagtail's
internal links; HTML from outside (imports) keeps plain links only."""

from home.sanitiser import rich_text_sanitise

EDITOR_HTML = (
    '<h2>Titel</h2><p onclick="x()">Zie <a linktype="page" id="7">de pagina</a> '
    '<a href="javascript:alert(1)">hier</a><script>alert(1)</script></p>'
)


def test_admin_rich_text_keeps_internal_links_and_drops_scripts():
    cleaned = rich_text_sanitise(EDITOR_HTML)
    assert '<a linktype="page" id="7">de pagina</a>' in cleaned
    assert "<h2>Titel</h2>" in cleaned
    assert "script" not in cleaned
    assert "onclick" not in cleaned
    assert "javascript" not in cleaned


def test_external_html_may_not_name_our_pages():
    cleaned = rich_text_sanitise(
        EDITOR_HTML + '<p><a href="https://www.uitinvlaanderen.be">UiT</a></p>', external=True
    )
    assert "linktype" not in cleaned
    assert 'id="7"' not in cleaned
    assert "<h2>" not in cleaned
    assert "script" not in cleaned and "javascript" not in cleaned
    assert (
        '<a href="https://www.uitinvlaanderen.be" rel="noopener noreferrer nofollow">UiT</a>'
        in cleaned
    )
