"""The count index's reading of PostgreSQL tsquery text and of `array_send` bytes (no
database: the counts themselves are checked against brute force in test_search_broad)."""

import struct

import numpy as np
import pytest

from catalogue.backends.local.countindex import _ints, _Parser, _tokens, _Unsupported


def parse(text: str):
    return _Parser(_tokens(text)).parse()


def test_and_binds_tighter_than_or_and_not_tightest():
    assert parse("'a' | 'b' & !'c'") == (
        "|",
        ("lexeme", "a"),
        ("&", ("lexeme", "b"), ("!", ("lexeme", "c"))),
    )
    assert parse("( 'a' | 'b' ) & 'c'") == (
        "&",
        ("|", ("lexeme", "a"), ("lexeme", "b")),
        ("lexeme", "c"),
    )


def test_quotes_in_a_lexeme_are_unescaped():
    assert parse("'o''neill'") == ("lexeme", "o'neill")


@pytest.mark.parametrize(
    "text", ["'sint' <-> 'niklaa'", "'a' <2> 'b'", "'harr':*", "'a':AB", "'a' &", "( 'a'"]
)
def test_phrases_prefixes_weights_and_broken_text_are_left_to_sql(text):
    with pytest.raises(_Unsupported):
        parse(text)


def test_array_send_values_are_read_without_parsing():
    def array_send(values, width=4):
        header = struct.pack(">iiiii", 1, 0, 23 if width == 4 else 20, len(values), 1)
        code = ">ii" if width == 4 else ">iq"
        return header + b"".join(struct.pack(code, width, v) for v in values)

    assert _ints(array_send([3, 70000, 2**31 - 1])).tolist() == [3, 70000, 2**31 - 1]
    assert _ints(array_send([-5, 2**40], width=8), 8).tolist() == [-5, 2**40]
    assert _ints(struct.pack(">iii", 0, 0, 23)).size == 0  # an empty array
    assert _ints(None).dtype == np.int64
