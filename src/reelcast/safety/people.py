"""Real, identifiable people in a prompt: the shipped public-figure list and registered users."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from reelcast.safety.normalize import normalize, words

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.]{0,63})")


@dataclass(frozen=True)
class Figure:
    """A person on the shipped public-figure list."""

    name: str
    deceased: bool
    phrases: tuple[str, ...]  # normalised words that identify them


@dataclass(frozen=True)
class PersonHit:
    """A real person named in a prompt."""

    name: str
    category: str  # public_figure | deceased | real_person
    matched: str


def _key(text: str) -> str:
    return words(text)


@lru_cache(maxsize=1)
def figures() -> tuple[Figure, ...]:
    """The public-figure list shipped with the package (`safety/data/public_figures.tsv`)."""
    raw = resources.files("reelcast.safety").joinpath("data/public_figures.tsv").read_text(encoding="utf-8")
    out: list[Figure] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, status, *rest = (line.split("\t") + [""])[:3]
        aliases = [a for a in (rest[0] if rest else "").split(";") if a.strip()]
        phrases = tuple(dict.fromkeys(_key(p) for p in [name, *aliases] if _key(p)))
        out.append(Figure(name=name.strip(), deceased=status.strip() == "deceased", phrases=phrases))
    return tuple(out)


@lru_cache(maxsize=1)
def _figure_index() -> tuple[re.Pattern[str], dict[str, Figure]]:
    by_phrase = {p: f for f in figures() for p in f.phrases}
    alts = sorted(by_phrase, key=len, reverse=True)
    rx = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in alts) + r")\b")
    return rx, by_phrase


def named_figures(text: str, *, estates: frozenset[str] = frozenset()) -> list[PersonHit]:
    """Public figures and deceased people named in a prompt (deceased ones whose estate allows it are left out)."""
    rx, by_phrase = _figure_index()
    hits: dict[str, PersonHit] = {}
    for m in rx.finditer(words(text)):
        f = by_phrase[m.group(0)]
        if f.deceased and _key(f.name) in estates:
            continue
        hits.setdefault(f.name, PersonHit(f.name, "deceased" if f.deceased else "public_figure", m.group(0)))
    return list(hits.values())


def mentions(text: str) -> list[str]:
    """The @handles in a prompt, lower-cased, in order, without duplicates."""
    return list(dict.fromkeys(m.group(1).rstrip(".").lower() for m in MENTION.finditer(normalize(text))))


def name_candidates(text: str, max_words: int = 4) -> set[str]:
    """Every run of 2–4 words in the prompt, normalised: the keys a registered display name is looked up by."""
    toks = words(text).split()
    return {" ".join(toks[i:i + n]) for n in range(2, max_words + 1) for i in range(len(toks) - n + 1)}


def estate_set(spec: str) -> frozenset[str]:
    """Parse the operator's comma-separated list of deceased people whose estate allows use."""
    return frozenset(_key(x) for x in spec.split(",") if x.strip())
