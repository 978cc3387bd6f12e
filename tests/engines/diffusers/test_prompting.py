"""The plan → model prompt rewrite."""

from __future__ import annotations

from reelcast.engines.diffusers.prompting import CameoCue, shot_prompt
from reelcast.prompt.compiler import compile_prompt

TWO_SHOTS = ("A man does a backflip on a paddleboard on a lake at golden hour, anime style. "
             "Cut to a close-up of @mina laughing.")


def _plan():  # type: ignore[no-untyped-def]
    return compile_prompt(TWO_SHOTS, 4.0, 1280, 720)


def test_prompt_names_style_subject_action_camera_and_light():
    plan = _plan()
    text = shot_prompt(plan, plan.shots[0]).lower()
    for words in ("anime", "backflip", "paddleboard", "wide shot", "35mm", "golden hour"):
        assert words in text, words


def test_each_shot_gets_its_own_camera():
    plan = _plan()
    assert "close-up" in shot_prompt(plan, plan.shots[1]) and "close-up" not in shot_prompt(plan, plan.shots[0])


def test_cameo_preferences_are_added_only_where_the_cameo_appears():
    plan = _plan()
    cues = [CameoCue("@mina", preferences="always wearing a red cap")]
    assert "red cap" in shot_prompt(plan, plan.shots[1], cues)
    assert "red cap" not in shot_prompt(plan, plan.shots[0], cues)


def test_preferences_set_on_the_plan_by_the_cameo_service_are_used():
    plan = _plan()
    next(e for e in plan.entities if e.cameo == "@mina").attributes["preferences"] = "never wears sunglasses"
    assert "@mina: never wears sunglasses" in shot_prompt(plan, plan.shots[1])
