"""SimEngine: plan → Clip with lazily rendered frames, audio and events; the engine registry."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines import get_engine
from reelcast.engines.sim.engine import SimEngine
from reelcast.prompt.plan import Action, Camera, Entity, ScenePlan, Setting, Shot


def _plan() -> ScenePlan:
    return ScenePlan(
        prompt="a basketball player misses", duration=1.0, width=160, height=90, fps=24,
        entities=[Entity("player", "person"), Entity("ball", "basketball"), Entity("hoop", "hoop")],
        actions=[Action("player", "shoot", target="hoop", outcome="miss", start=0.0)],
        shots=[Shot(0, 0.0, 1.0, camera=Camera(focal_length_mm=35))],
        setting=Setting(place="basketball_court"), primary_target="player",
    )


def test_engine_produces_a_clip_with_the_right_frames_and_audio_length() -> None:
    stages: list[tuple[float, str]] = []
    clip = SimEngine(quality="fast").generate(_plan(), seed=1, progress=lambda f, s: stages.append((f, s)))
    assert (clip.width, clip.height, clip.fps, clip.n_frames) == (160, 90, 24, 24)
    frames = list(clip.frames)
    assert len(frames) == 24
    assert frames[0].shape == (90, 160, 3) and frames[0].dtype == np.uint8
    assert frames[0].std() > 5  # a picture, not a blank
    audio = clip.audio_samples()
    assert audio.shape == (48000, 2) and audio.dtype == np.float32
    assert stages[0] == (0.0, "simulate") and stages[-1][0] == pytest.approx(1.0)
    assert [f for f, _ in stages] == sorted(f for f, _ in stages)


def test_get_engine_returns_the_sim_engine() -> None:
    engine = get_engine("sim", quality="fast")
    assert (engine.name, engine.version) == ("sim", "1")


def test_get_engine_rejects_unknown_names_listing_known_ones() -> None:
    with pytest.raises(ValueError, match="sim"):
        get_engine("nope")
