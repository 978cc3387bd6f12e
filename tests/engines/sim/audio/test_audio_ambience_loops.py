"""Ambience beds chosen from the plan, and continuous loops following their per-frame loudness."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.audio import render_stems
from reelcast.engines.sim.audio.ambience import scene_kind
from reelcast.engines.sim.audio.dsp import rms_db

from .builders import SR, make_plan, make_timeline


def test_ambience_kind_comes_from_sound_plan_then_place() -> None:
    assert scene_kind(make_plan(ambience="festival")) == "festival"
    assert scene_kind(make_plan(place="basketball_court", indoor=True)) == "gym"
    assert scene_kind(make_plan(place="basketball_court", indoor=False)) == "outdoors"
    assert scene_kind(make_plan(place="space_station")) == "space"
    assert scene_kind(make_plan(place="lake", indoor=False)) == "lake"
    assert scene_kind(make_plan(place="somewhere", indoor=False)) == "outdoors"


def test_ambience_bed_is_quiet() -> None:
    for amb in ("gym", "outdoors", "space", "festival", "sea", "city"):
        stems = render_stems(make_plan(music=False, ambience=amb), make_timeline([], duration=1.0), seed=1)
        assert -34 < rms_db(stems.ambience) < -26, amb


def test_loop_loudness_follows_its_per_frame_curve() -> None:
    curve = np.concatenate([np.zeros(12), np.ones(12)])  # silent first half second, full second half
    tl = make_timeline([], duration=1.0, loops={"jetpack": curve})
    loops = render_stems(make_plan(music=False, ambience="none"), tl, seed=1).loops
    first, second = loops[: int(0.45 * SR)], loops[int(0.55 * SR) :]
    assert rms_db(first) < -80
    assert rms_db(second) > -25


def test_unknown_loop_name_still_sounds() -> None:
    tl = make_timeline([], duration=0.5, loops={"mystery_machine": np.full(12, 0.8)})
    assert render_stems(make_plan(music=False, ambience="none"), tl, seed=1).loops.any()
