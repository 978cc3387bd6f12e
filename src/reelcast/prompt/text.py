"""Tokens with character spans, sentence/clause numbering and a longest-match phrase index."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_TOKEN_RE = re.compile(
    r"@[A-Za-z0-9_.]*[A-Za-z0-9_]"  # @mention
    r"|\d+(?:\.\d+)?(?:[A-Za-z°%]+)?"  # numbers, 35mm, 5.0s, 4k, 180°
    r"|[^\W\d_]+(?:['’][^\W\d_]+)?"  # words, with an apostrophe
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[;\n]")
_CLAUSE_END = re.compile(r"[,:()\[\]—–]|\s-\s")


@dataclass
class Token:
    """One word of the prompt."""

    text: str  # lower case, possessive "'s" removed
    start: int  # character span in the prompt
    end: int
    index: int
    sentence: int
    clause: int
    possessive: bool = False


def normalize(word: str) -> str:
    """Lower-case a word, unify apostrophes and drop a possessive 's."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return w


def tokenize(text: str) -> list[Token]:
    """Split text into tokens, numbering sentences (. ! ? ; newline) and clauses (commas, brackets, dashes)."""
    boundaries_s = sorted(m.start() for m in _SENTENCE_END.finditer(text))
    boundaries_c = sorted(set(boundaries_s) | {m.start() for m in _CLAUSE_END.finditer(text)})
    tokens: list[Token] = []
    si = ci = 0
    sentence = clause = 0
    for m in _TOKEN_RE.finditer(text):
        while si < len(boundaries_s) and boundaries_s[si] < m.start():
            si += 1
            sentence += 1
        while ci < len(boundaries_c) and boundaries_c[ci] < m.start():
            ci += 1
            clause += 1
        raw = m.group(0)
        low = raw.lower().replace("’", "'")
        tokens.append(
            Token(normalize(raw), m.start(), m.end(), len(tokens), sentence, clause, low.endswith("'s"))
        )
    return tokens


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Tokenize a vocabulary phrase the same way as prompts are tokenized."""
    return tuple(t.text for t in tokenize(phrase))


@dataclass
class Match:
    """A vocabulary phrase found in the prompt."""

    kind: str  # table name: noun, verb, place, look, …
    value: Any
    phrase: str
    first: int  # token index range [first, last)
    last: int
    start: int  # character span
    end: int
    negated: bool = False


@dataclass
class PhraseIndex:
    """Longest-match lookup of multi-word phrases over tokens."""

    entries: dict[tuple[str, ...], list[tuple[str, Any, str]]] = field(default_factory=dict)
    longest: int = 1

    def add(self, kind: str, phrases: Iterable[tuple[str, Any]]) -> None:
        """Register (phrase, value) pairs under a kind."""
        for phrase, value in phrases:
            key = phrase_key(phrase)
            if not key:
                continue
            self.entries.setdefault(key, []).append((kind, value, phrase))
            self.longest = max(self.longest, len(key))

    def scan(self, tokens: list[Token], skip: set[int]) -> list[Match]:
        """Find non-overlapping longest matches left to right, ignoring tokens in `skip`."""
        out: list[Match] = []
        i = 0
        n = len(tokens)
        while i < n:
            if i in skip:
                i += 1
                continue
            found = None
            # longest run of free tokens in this sentence, capped by the longest phrase
            run = 1
            while (run < self.longest and i + run < n and i + run not in skip
                   and tokens[i + run].sentence == tokens[i].sentence):
                run += 1
            for length in range(run, 0, -1):
                key = tuple(tokens[j].text for j in range(i, i + length))
                if key in self.entries:
                    found = (length, self.entries[key])
                    break
            if found is None:
                i += 1
                continue
            length, hits = found
            for kind, value, phrase in hits:
                out.append(Match(kind, value, phrase, i, i + length, tokens[i].start, tokens[i + length - 1].end))
            i += length
        return out


def tokens_in(tokens: list[Token], start: int, end: int) -> list[int]:
    """Indices of tokens overlapping the character span [start, end) (tokens are sorted by position)."""
    lo = bisect.bisect_right([t.end for t in tokens], start) if len(tokens) < 64 else _first_ending_after(
        tokens, start
    )
    out = []
    for t in tokens[lo:]:
        if t.start >= end:
            break
        if t.end > start:
            out.append(t.index)
    return out


def _first_ending_after(tokens: list[Token], pos: int) -> int:
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo
