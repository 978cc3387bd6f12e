"""Second-chance vocabulary mapping by meaning: words the exact phrase tables missed ("doggy", "canine",
"seashore") are compared with every vocabulary phrase by sentence embedding (`reelcast.embeddings`); a word whose
best similarity clears its kind's threshold becomes a match of that phrase. Exact matches always come first;
whatever stays unmapped is still reported in `plan.unresolved`.

The vocabulary is embedded once per process (cached); one batch call embeds a prompt's candidate words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from reelcast.embeddings import precompute
from reelcast.prompt import vocabulary as V
from reelcast.prompt.lexicon import phrase_index
from reelcast.prompt.text import Match, Token

# Kinds tried by meaning, with the cosine similarity a word needs (nouns and places are safer than verbs).
THRESHOLDS: dict[str, float] = {"noun": 0.68, "place": 0.65, "verb": 0.8, "look": 0.8, "mood": 0.85}
MARGIN = 0.03  # the best kind must beat the best phrase of another kind by this much
MIN_LEN = 3
VERB_ENDINGS = ("ing", "ed")
# Words that often sit near vocabulary words in embedding space but mean something else in prompts.
NEVER = {"light", "lights", "lighting", "shadow", "shadows", "eyes", "eye", "hair", "fur", "face", "skin", "scale",
         "scales", "edges", "edge", "air", "form", "mass", "speed", "depth", "wake", "times", "second", "sub",
         "distant", "poster", "surface", "creature", "power", "rim", "roll", "set", "texturing", "intricate"}


@dataclass(frozen=True)
class Entry:
    """One vocabulary phrase that a word can be mapped to."""

    kind: str
    phrase: str
    value: Any


@cache
def _entries() -> tuple[Entry, ...]:
    """Every single-meaning vocabulary phrase of the kinds in THRESHOLDS (nouns carry (Noun, plural=False))."""
    out: list[Entry] = []
    for phrase, noun in V.NOUNS.items():
        if noun.context is None:
            out.append(Entry("noun", phrase, (noun, False)))
    out += [Entry("place", p, v) for p, v in V.PLACE_WORDS.items()]
    out += [Entry("verb", p, v) for p, v in V.VERBS.items() if " " not in p]
    out += [Entry("look", p, v) for p, v in V.LOOKS.items()]
    out += [Entry("mood", p, v) for p, v in V.MOODS.items()]
    return tuple(out)


@precompute
@cache
def _vocab_matrix() -> np.ndarray:
    """Embeddings of every entry's phrase (computed once per process)."""
    from reelcast.embeddings import embed

    return embed([e.phrase for e in _entries()])


def candidates(tokens: list[Token], used: set[int], matched: set[int]) -> list[int]:
    """Token indices worth a look: content words the exact pass did not understand."""
    known = {w for key in phrase_index().entries for w in key}
    out = []
    for t in tokens:
        w = t.text
        if (t.index in used or t.index in matched or not w.isalpha() or len(w) < MIN_LEN or w in V.STOP_WORDS
                or w in V.STRUCTURE_WORDS or w in NEVER or w in known):
            continue
        out.append(t.index)
    return out


_WORDS: dict[str, tuple[Entry, float] | None] = {}  # word → its mapping, cached for the process


def nearest(words: list[str]) -> list[tuple[Entry, float] | None]:
    """For each word, the vocabulary entry it means (with its similarity), or None when nothing is close enough."""
    todo = sorted({w for w in words if w not in _WORDS})
    if todo:
        from reelcast.embeddings import embed

        entries = _entries()
        sims = embed(todo) @ _vocab_matrix().T
        for word, row in zip(todo, sims, strict=True):
            order = np.argsort(-row)
            best = entries[int(order[0])]
            score = float(row[order[0]])
            rival = next((float(row[j]) for j in order[1:] if entries[int(j)].kind != best.kind), -1.0)
            ok = score >= THRESHOLDS[best.kind] and score - rival >= MARGIN
            if best.kind in ("noun", "place") and word.endswith(VERB_ENDINGS):
                ok = False  # "driving" is not a car: -ing/-ed forms name actions, not things
            _WORDS[word] = (best, score) if ok else None
    return [_WORDS[w] for w in words]


def semantic_matches(tokens: list[Token], used: set[int], matches: list[Match]) -> tuple[list[Match], list[str]]:
    """Matches for words the exact tables missed, found by meaning; returns (matches, notes)."""
    matched = {i for m in matches for i in range(m.first, m.last)}
    idx = candidates(tokens, used, matched)
    if not idx:
        return [], []
    words = [tokens[i].text for i in idx]
    found: list[Match] = []
    notes: list[str] = []
    for i, word, hit in zip(idx, words, nearest(words), strict=True):
        if hit is None:
            continue
        entry, score = hit
        value = entry.value
        if entry.kind == "noun" and word.endswith("s") and not entry.phrase.endswith("s"):
            value = (value[0], True)  # "canines" → several dogs
        t = tokens[i]
        found.append(Match(entry.kind, value, entry.phrase, i, i + 1, t.start, t.end))
        notes.append(f"read '{word}' as '{entry.phrase}' ({entry.kind}, similarity {score:.2f})")
    return found, notes
