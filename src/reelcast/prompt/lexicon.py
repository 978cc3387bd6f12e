"""The phrase index built from the vocabulary tables (built once, shared by every compile)."""

from __future__ import annotations

import difflib
from functools import cache, lru_cache

from reelcast.prompt import vocabulary as V
from reelcast.prompt.text import PhraseIndex, Token


@cache
def phrase_index() -> PhraseIndex:
    """Every vocabulary phrase under its kind; nouns carry (Noun, plural?)."""
    idx = PhraseIndex()
    nouns: list[tuple[str, object]] = []
    for phrase, noun in V.NOUNS.items():
        nouns.append((phrase, (noun, False)))
        if phrase not in V.MASS_NOUNS:
            for p in V.plural_forms(phrase):
                if p not in V.NOUNS:
                    nouns.append((p, (noun, True)))
    idx.add("noun", nouns)
    idx.add("verb", V.VERBS.items())
    idx.add("outcome", V.OUTCOMES.items())
    idx.add("intensity", V.INTENSITY_WORDS.items())
    idx.add("timing", V.TIMING_WORDS.items())
    idx.add("place", V.PLACE_WORDS.items())
    idx.add("indoor", V.INDOOR_WORDS.items())
    idx.add("look", V.LOOKS.items())
    idx.add("grade", V.GRADES.items())
    idx.add("time", V.TIMES_OF_DAY.items())
    idx.add("weather", V.WEATHER.items())
    idx.add("gravity", V.GRAVITY_WORDS.items())
    idx.add("mood", V.MOODS.items())
    idx.add("music", ((w, True) for w in V.MUSIC_WORDS))
    idx.add("ambience", V.AMBIENCE_WORDS.items())
    idx.add("framing", V.FRAMINGS.items())
    idx.add("move", V.MOVES.items())
    idx.add("height", V.CAMERA_HEIGHTS.items())
    idx.add("pose", V.POSES.items())
    idx.add("filter", V.FILTERS.items())
    idx.add("slowmo", ((w, True) for w in V.SLOW_MOTION))
    idx.add("realtime", ((w, True) for w in V.REAL_TIME))
    return idx


@cache
def _known_words() -> frozenset[str]:
    words: set[str] = set()
    for key in phrase_index().entries:
        words.update(key)
    return frozenset(words)


@cache
def _fuzzy_targets() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Known words by first letter, and second words of two-word phrases by first word."""
    singles: dict[str, list[str]] = {}
    nouns = {w for k in V.NOUNS for w in k.split()} | {w for k in V.PLACE_WORDS for w in k.split()}
    nouns |= {w for k in V.LOOKS for w in k.split()}
    for w in sorted(_known_words() & nouns):
        if len(w) >= 4 and w.isalpha():
            singles.setdefault(w[0], []).append(w)
    pairs: dict[str, list[str]] = {}
    for k in sorted(phrase_index().entries):
        if len(k) == 2:
            pairs.setdefault(k[0], []).append(k[1])
    return singles, pairs


def correct_spelling(tokens: list[Token], skip: set[int]) -> list[tuple[str, str]]:
    """Rewrite near-miss spellings in place ("triple axle" → "triple axel"); returns (typed, corrected) pairs."""
    known = _known_words()
    singles, pairs = _fuzzy_targets()
    fixes: list[tuple[str, str]] = []
    for i, tok in enumerate(tokens):
        if i in skip or tok.text in known or tok.text in V.STOP_WORDS or not tok.text.isalpha():
            continue
        # two-word phrases whose first word is right: "triple axle", "jet pakc"
        prev = tokens[i - 1].text if i > 0 and tokens[i - 1].sentence == tok.sentence else ""
        if prev in pairs:
            hit = difflib.get_close_matches(tok.text, pairs[prev], n=1, cutoff=0.7)
            if hit and len(tok.text) >= 3:
                fixes.append((f"{prev} {tok.text}", f"{prev} {hit[0]}"))
                tok.text = hit[0]
                continue
        # single words: only same-length slips ("paddelboard", "retreiver"), never "weave" → "wave"
        if len(tok.text) >= 7 and tok.text not in V.STRUCTURE_WORDS:
            fixed = _closest_word(tok.text)
            if fixed:
                fixes.append((tok.text, fixed))
                tok.text = fixed
    return fixes


@lru_cache(maxsize=4096)
def _closest_word(word: str) -> str | None:
    """Nearest known noun/place/look word of the same length, if close enough."""
    singles, _ = _fuzzy_targets()
    cands = [w for w in singles.get(word[0], []) if len(w) == len(word)]
    hit = difflib.get_close_matches(word, cands, n=1, cutoff=0.85)
    return hit[0] if hit else None
