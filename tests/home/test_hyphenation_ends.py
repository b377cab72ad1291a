"""Soft hyphens never leave a piece of fewer than three letters at either end of a word
("bi-bliotheken", "Ge-meenschapscentrum" read badly on two lines)."""

from home.templatetags.site_tags import breakable


def test_no_two_letter_piece_at_either_end():
    for word in ("Bibliotheken", "Gemeenschapscentrum", "Bibliotheekavond"):
        parts = str(breakable(word)).split("&shy;")
        assert "".join(parts) == word
        assert len(parts[0]) >= 3 and len(parts[-1]) >= 3, parts
    assert str(breakable("Gemeenschapscentrum")).startswith("Gemeen&shy;")
