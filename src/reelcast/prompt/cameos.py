"""Apply each cameo's owner-written preferences to the plan entities that show it."""

from __future__ import annotations

from reelcast.prompt.plan import ScenePlan


def apply_cameo_preferences(plan: ScenePlan, preferences: dict[str, str]) -> None:
    """Set `attributes["preferences"]` on every entity of a cameo (keys are `@handle`, lower case) and note it."""
    for ent in plan.entities:
        if ent.cameo is None:
            continue
        prefs = preferences.get(ent.cameo.lower(), "")
        if prefs and ent.attributes.get("preferences") != prefs:
            ent.attributes["preferences"] = prefs
            plan.notes.append(f"{ent.cameo}: the cameo owner's preferences applied: {prefs}")
