"""The diffusers engine's soundtrack: sim audio stack with impacts on the plan's action beats."""

from __future__ import annotations

import numpy as np

from reelcast.engines.diffusers.sound import beat_events, soundtrack
from reelcast.engines.sim.audio import detect_onsets
from reelcast.prompt.plan import Action, Entity, ScenePlan, Setting, SoundPlan


def _plan(*actions: Action, place: str = "basketball_court", music: bool = False) -> ScenePlan:
    return ScenePlan(prompt="test", duration=2.0, width=160, height=90,
                     entities=[Entity("player", "person"), Entity("ball", "basketball"), Entity("hoop", "hoop")],
                     actions=list(actions), setting=Setting(place=place),
                     sound=SoundPlan(music=music, ambience=None))


def test_missed_shot_hits_the_rim_and_backboard():
    events = beat_events(_plan(Action("player", "shoot", target="hoop", outcome="miss", start=0.0, end=2.0)))
    hits = [(e.body_b, e.material_b) for e in events]
    assert ("rim", "metal") in hits and ("backboard", "glass") in hits


def test_backflip_lands_at_the_end_of_its_span():
    (landing,) = beat_events(_plan(Action("player", "backflip", start=0.5, end=1.5), place="lake"))
    assert abs(landing.t - 1.45) < 1e-6 and landing.material_b == "water"


def test_footsteps_repeat_while_walking():
    events = beat_events(_plan(Action("player", "walk", start=0.0, end=2.0)))
    assert len(events) == 4 and all(e.body_a == "foot" for e in events)


def test_impacts_sound_on_their_beats():
    plan = _plan(Action("player", "jump", start=0.0, end=1.0), Action("player", "fall", start=1.0, end=2.0))
    audio, events = soundtrack(plan, 48, 24, seed=1)
    onsets = detect_onsets(audio, 48000)
    for e in events:
        assert min(abs(t - e.t) for t in onsets) < 0.005, e


def test_soundtrack_covers_the_clip_in_stereo_48k():
    audio, _ = soundtrack(_plan(), 48, 24, seed=1)
    assert audio.shape == (96000, 2) and audio.dtype == np.float32 and np.abs(audio).max() <= 1.0
