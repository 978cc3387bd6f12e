"""Lip motion: a speaker's mouth opens while their line is heard and stays nearly closed otherwise."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.lips import speech_curves
from reelcast.prompt.plan import Action, DialogueLine, Entity, ScenePlan, Setting, SoundPlan


def _plan() -> ScenePlan:
    return ScenePlan(
        prompt="two friends talk", duration=3.0, width=160, height=90, fps=24,
        entities=[Entity("a", "person"), Entity("b", "person")],
        actions=[Action("a", "talk"), Action("b", "talk")],
        setting=Setting(place="studio"), primary_target="a",
        sound=SoundPlan(music=False, dialogue=[DialogueLine("a", "hello there, my friend", "en", 0.3),
                                               DialogueLine("b", "good evening", "en", 2.0)]),
    )


def _mouth_height(plan: ScenePlan, who: str) -> np.ndarray:
    tl = simulate(plan, 1).timeline
    k = [p.name for p in tl.parts].index(f"{who}/lips")
    return np.linalg.norm(tl.poses[:, k, :3, 1], axis=1)  # the mouth's vertical scale per frame


def test_mouth_moves_only_while_its_speaker_talks() -> None:
    plan = _plan()
    a = _mouth_height(plan, "a")
    fps = plan.fps
    assert a[: int(0.25 * fps)].max() < 0.25  # silent before the line
    assert a[int(0.4 * fps):int(1.2 * fps)].max() > 0.6  # open while speaking
    assert np.ptp(a[int(0.4 * fps):int(1.2 * fps)]) > 0.2  # and it moves (syllables), not a fixed gape
    assert a[int(2.1 * fps):].max() < 0.25  # closed while the other one speaks


def test_speech_curve_starts_at_the_line_start() -> None:
    curves = speech_curves(_plan(), 24, 72)
    b = curves["b"]
    assert b[: int(2.0 * 24)].max() == 0.0 and b[int(2.0 * 24):].max() > 0.5
