"""People prompts: coordinated verbs share a subject; poses, counts and real-time wishes reach the plan."""

from __future__ import annotations

from reelcast.prompt.compiler import compile_prompt
from tests.prompt.seed_prompts import HORSES


def test_coordinated_verb_keeps_the_subject_not_the_object() -> None:
    plan = compile_prompt("a rider stands on a horse and falls off", 3, 160, 90)
    assert [(a.actor, a.verb) for a in plan.actions] == [("rider", "stand_on"), ("rider", "fall")]


def test_new_subject_after_and_takes_the_verb() -> None:
    plan = compile_prompt("the player shoots and the ball bounces off the rim", 3, 160, 90)
    assert [(a.actor, a.verb) for a in plan.actions] == [("player", "shoot"), ("ball", "bounce")]


def test_rider_has_legs_spread_on_two_horses() -> None:
    plan = compile_prompt(HORSES, 4, 160, 90)
    person = next(e for e in plan.entities if e.archetype == "person")
    horse = next(e for e in plan.entities if e.archetype == "horse")
    assert person.attributes.get("pose") == "legs_spread" and horse.count == 2
