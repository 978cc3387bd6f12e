"""Normalisation sees through case, leetspeak, spacing, homoglyphs and invisible characters."""

from __future__ import annotations

import pytest

from reelcast.safety.normalize import words


@pytest.mark.parametrize(("raw", "expected"), [
    ("N U D E", "nude"),
    ("k.i.l.l them", "kill them"),
    ("s3x", "sex"),
    ("n\u0430ked", "naked"),  # Cyrillic a
    ("ｎａｋｅｄ", "naked"),  # fullwidth
    ("n\u200bude", "nude"),  # zero-width space
    ("killllll", "kill"),
    ("Nüde", "nude"),
    ("a 50mm lens, 2 horses, 4K", "a 50mm lens 2 horses 4k"),
    ("0.0–2.5 shot", "0 0 2 5 shot"),
])
def test_normalised_words(raw: str, expected: str) -> None:
    assert words(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("make the ball a n.a.k.e.d woman", "make the ball a naked woman"),
    ("a n u d e woman", "a nude woman"),
    ("a b c of the day", "abc of the day"),
])
def test_spaced_letters_keep_the_article_apart(raw: str, expected: str) -> None:
    assert words(raw) == expected
