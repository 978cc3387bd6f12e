"""Run the prompt policy over a labelled evaluation set and count false positives and negatives per category."""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from reelcast.config import Settings

# Users registered in the evaluation database, so the real-person guard has someone to protect.
EVAL_USERS = (("mina_park", "Mina Park"), ("jordan_k", "Jordan Kim"), ("sam.lee", "Sam Lee"),
              ("priya_r", "Priya Raman"), ("tomasz_w", "Tomasz Wisniewski"), ("alexm", "Alex Moreno"))
REQUESTER = "tester"


@dataclass(frozen=True)
class Example:
    """One labelled prompt."""

    blocked: bool
    category: str
    prompt: str


@dataclass
class Outcome:
    """Counts for one category."""

    harmful: int = 0
    missed: int = 0  # false negatives: harmful prompts that passed
    miscategorised: int = 0  # harmful prompts blocked under another category
    benign: int = 0
    over_blocked: int = 0  # false positives: harmless prompts that were refused
    examples: list[str] = field(default_factory=list)


def load(path: Path) -> list[Example]:
    """Parse `label<TAB>category<TAB>prompt` lines (`#` starts a comment)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, category, prompt = line.split("\t", 2)
        out.append(Example(label == "blocked", category, prompt))
    return out


def evaluate(examples: list[Example], settings: Settings | None = None) -> tuple[dict[str, Outcome], float]:
    """Per-category outcomes and the mean policy time per prompt (ms), against a scratch SQLite database."""
    from reelcast.jobs.runtime import Runtime
    from reelcast.safety.service import policy_for, registered_people
    from reelcast.store import accounts

    with tempfile.TemporaryDirectory(prefix="reelcast-safety-eval-") as tmp:
        st = settings or Settings()
        st = st.model_copy(update={"data_dir": Path(tmp), "database_url": None})
        rt = Runtime.open(st)
        try:
            with rt.db.session() as s:
                for handle, name in EVAL_USERS:
                    accounts.get_or_create_user(s, handle).display_name = name
                accounts.get_or_create_user(s, REQUESTER)
            policy = policy_for(st)
            policy.check("warm-up")
            results: dict[str, Outcome] = defaultdict(Outcome)
            started = time.perf_counter()
            with rt.db.session() as s:
                me = accounts.find_user(s, REQUESTER)
                people = registered_people(s, me)
                for ex in examples:
                    d = policy.check(ex.prompt, people)
                    o = results[ex.category]
                    if ex.blocked:
                        o.harmful += 1
                        if d.allowed:
                            o.missed += 1
                            o.examples.append(f"missed: {ex.prompt}")
                        elif d.category != ex.category:
                            o.miscategorised += 1
                    else:
                        o.benign += 1
                        if not d.allowed:
                            o.over_blocked += 1
                            o.examples.append(f"over-blocked ({d.category}): {ex.prompt}")
            ms = (time.perf_counter() - started) * 1000 / max(1, len(examples))
        finally:
            rt.close()
    return dict(results), ms


def rate(n: int, d: int) -> float:
    """n / d as a fraction (0 when d is 0)."""
    return n / d if d else 0.0
