"""The create-nudge: a concrete prompt idea drawn from what the viewer just watched."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

GENERIC = {"person", "camera", "ground", "floor", "studio"}


@dataclass(frozen=True)
class Watched:
    """A post the viewer saw, as the nudge needs it."""

    post_id: str
    author: str
    prompt: str
    plan: dict[str, Any] | None


def _words(x: object) -> str:
    return str(x or "").replace("_", " ").strip()


def prompt_idea(watched: list[Watched]) -> str:
    """A prompt built from the subjects, places and looks most common in what was watched, plus a remix pick."""
    things: Counter[str] = Counter()
    places: Counter[str] = Counter()
    looks: Counter[str] = Counter()
    for w in watched:
        plan = w.plan or {}
        for e in plan.get("entities") or []:
            if isinstance(e, dict):
                name = _words(e.get("name") or e.get("archetype"))
                if name and name not in GENERIC:
                    things[name] += 1
        setting = plan.get("setting") if isinstance(plan.get("setting"), dict) else {}
        if setting and setting.get("place") and setting.get("place") not in GENERIC:
            places[_words(setting["place"])] += 1
        style = plan.get("style") if isinstance(plan.get("style"), dict) else {}
        if style and style.get("look"):
            looks[_words(style["look"])] += 1
    subject = " and ".join(t for t, _ in things.most_common(2)) or "your friends"
    place = f" at the {places.most_common(1)[0][0]}" if places else ""
    look = looks.most_common(1)[0][0] if looks else "cinematic"
    # the other look than the one watched most, to make it the viewer's own take
    twist = "anime" if look != "anime" else "claymation"
    idea = f"{subject}{place}, {twist} style"
    pick = next((w for w in reversed(watched) if w.prompt.strip()), None)
    if pick is not None:
        short = pick.prompt.strip()
        short = short if len(short) <= 60 else short[:57].rstrip() + "…"
        idea += f" — or remix @{pick.author}'s \"{short}\""
    return idea


def message(seen: int) -> str:
    """What a nudge says."""
    return f"You've watched {seen} posts in a row. Make something of your own?"
