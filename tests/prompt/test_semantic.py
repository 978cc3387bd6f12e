"""Words the phrase tables miss are mapped by meaning (sentence embeddings); exact matches still come first."""

from __future__ import annotations

import pytest

from reelcast.prompt.compiler import compile_prompt
from reelcast.prompt.semantic import nearest
from tests.prompt.seed_prompts import DRAGON


@pytest.mark.parametrize(("word", "kind", "value"), [
    ("canine", "noun", "dog"),
    ("doggy", "noun", "dog"),
    ("puppers", "noun", "dog"),
    ("feline", "noun", "cat"),
    ("automobile", "noun", "car"),
    ("woodland", "place", "forest"),
    ("seashore", "place", "ocean"),
    ("boulevard", "place", "city_street"),
])
def test_unknown_word_maps_to_the_archetype_it_means(word: str, kind: str, value: str) -> None:
    hit = nearest([word])[0]
    assert hit is not None
    entry, _ = hit
    got = entry.value[0].archetype if kind == "noun" else entry.value
    assert (entry.kind, got) == (kind, value)


@pytest.mark.parametrize("word", ["katabatic", "cobalt", "spindrift", "driving", "vapor", "silhouette"])
def test_unrelated_word_maps_to_nothing(word: str) -> None:
    assert nearest([word]) == [None]


@pytest.mark.parametrize(("prompt", "archetype"), [
    ("a golden retriever runs", "dog"), ("a pup runs", "dog"), ("a hound runs", "dog"), ("a canine runs", "dog"),
])
def test_every_dog_word_finds_the_dog(prompt: str, archetype: str) -> None:
    plan = compile_prompt(prompt, 4, 160, 90)
    assert [e.archetype for e in plan.entities] == [archetype]


def test_serac_field_finds_the_ice_spires_of_the_fjord() -> None:
    assert compile_prompt("a dragon flies over a serac field", 4, 160, 90).setting.place == "fjord"


def test_mapped_word_is_noted_and_not_unresolved() -> None:
    plan = compile_prompt("a canine naps on the seashore", 4, 160, 90)
    assert plan.setting.place == "ocean"
    assert any("'canine' as 'dog'" in n for n in plan.notes)
    assert "canine" not in " ".join(plan.unresolved)


def test_unmapped_words_stay_unresolved() -> None:
    plan = compile_prompt("a canine naps on the seashore", 4, 160, 90)
    assert "naps" in plan.unresolved


def test_dragon_prompt_gains_no_spurious_entities_by_meaning() -> None:
    plan = compile_prompt(DRAGON, 5, 160, 90)
    assert [e.archetype for e in plan.entities] == ["dragon"]
