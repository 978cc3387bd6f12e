"""The policy's categories, their plain-words names and default thresholds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One policy category."""

    code: str
    label: str  # plain words, used in refusals
    always_blocked: bool = False  # no setting can allow it
    semantic: bool = True  # has embedding exemplars


CATEGORIES: dict[str, Category] = {c.code: c for c in (
    Category("sexual_minors", "sexual content involving minors", always_blocked=True),
    Category("sexual", "sexual content or nudity"),
    Category("violence", "graphic violence or gore"),
    Category("self_harm", "self-harm or suicide"),
    Category("hate", "hate against a group of people"),
    Category("extremism", "violent extremism or terrorism"),
    Category("harassment", "harassment or bullying"),
    Category("dangerous", "dangerous or illegal instructions"),
    Category("real_person", "a real person without their cameo consent", semantic=False),
    Category("public_figure", "a public figure", semantic=False),
    Category("deceased", "a deceased person", semantic=False),
)}

SEMANTIC = tuple(c.code for c in CATEGORIES.values() if c.semantic)


def label(code: str) -> str:
    """The plain-words name of a category code."""
    return CATEGORIES[code].label
