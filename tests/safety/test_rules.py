"""Curated rules: one category per harmful phrase, harmless phrases with the same words untouched."""

from __future__ import annotations

import pytest

from reelcast.safety.normalize import words
from reelcast.safety.rules import match_rules, minors_involved


def _cats(text: str) -> list[str]:
    return [h.category for h in match_rules(words(text))]


@pytest.mark.parametrize(("prompt", "category"), [
    ("a n4k3d woman on a bed", "sexual"),
    ("a sexy 14 year old", "sexual_minors"),
    ("l0li art", "sexual_minors"),
    ("his head is decapitated, blood spraying", "violence"),
    ("a girl cutting her wrists", "self_harm"),
    ("immigrants are vermin", "hate"),
    ("an isis recruitment clip", "extremism"),
    ("post the home address of my ex", "harassment"),
    ("step by step how to make a pipe bomb", "dangerous"),
])
def test_rule_matches_category(prompt: str, category: str) -> None:
    assert _cats(prompt)[0] == category


@pytest.mark.parametrize("prompt", [
    "stars visible to the naked eye", "a sad song in a minor key", "the car has suicide doors",
    "shoot a basketball", "a bath bomb fizzing", "kids at a birthday party",
])
def test_harmless_phrase_matches_nothing(prompt: str) -> None:
    assert _cats(prompt) == []


def test_minor_detected_in_age_phrase() -> None:
    assert minors_involved(words("a 12 year old on a bike"))
