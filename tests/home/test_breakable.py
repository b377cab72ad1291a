"""Long Dutch words break at their hyphenation points with a visible hyphen, never mid-syllable
and never without one; short words, non-words and markup are left as they are (escaped)."""

from django.template import Context, Template

from home.templatetags.site_tags import breakable


def test_long_compound_gets_soft_hyphens_at_dutch_hyphenation_points():
    html = str(breakable("Theatervoorstelling"))
    assert "<wbr>" not in html
    parts = html.split("&shy;")
    assert len(parts) > 2
    assert "".join(parts) == "Theatervoorstelling"
    # Dutch syllables (the-a-ter-voor-stel-ling): the last line never starts with a lone "g".
    assert parts[-2:] == ["stel", "ling"]
    assert "voor" in parts


def test_short_words_and_non_words_are_left_alone():
    assert str(breakable("Boekenbeurs in de bib")) == "Boekenbeurs in de bib"
    assert "&shy;" not in str(breakable("https://example.org/verylongpathsegment"))


def test_text_is_escaped_in_templates():
    rendered = Template("{% load site_tags %}{{ title|breakable }}").render(
        Context({"title": "<script>Kindervoorstellingen</script>"})
    )
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered
