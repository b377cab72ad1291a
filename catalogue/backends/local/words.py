"""Typo correction: words of a query that occur in no title or author name are replaced by the
most similar word of the vocabulary (`catalogue_word`)."""

from __future__ import annotations

import difflib

from django.db import connection

from catalogue.models import Word


def words_correct(normalised: str) -> str:
    """Replace words that occur in no title or author name by the most similar word that does
    ("hary poter" -> "harry potter"). Returns "" when nothing could be corrected."""
    words = normalised.split()[:8]
    candidates = [w for w in words if len(w) >= 3 and len(w) <= 40]
    if not candidates:
        return ""
    known = set(Word.objects.filter(word__in=candidates).values_list("word", flat=True))
    changed = False
    corrected = []
    for word in words:
        if word in known or len(word) < 3 or len(word) > 40:
            corrected.append(word)
            continue
        replacement = _similar_word(word)
        if replacement:
            changed = True
            corrected.append(replacement)
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else ""


def _similar_word(word: str) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM catalogue_word WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
        return row[0] if row else ""
    # SQLite: compare with words of a similar length and the same first letter.
    pool = Word.objects.filter(word__startswith=word[0]).values_list("word", flat=True)[:20000]
    matches = difflib.get_close_matches(word, list(pool), n=1, cutoff=0.7)
    return matches[0] if matches else ""
