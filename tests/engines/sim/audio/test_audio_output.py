"""Shape, range, determinism and loudness of the finished soundtrack."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.audio import synthesize
from reelcast.engines.sim.audio.mix import integrated_loudness, true_peak_dbfs

from .builders import SR, hits, make_plan, make_timeline


def test_output_is_stereo_float32_of_clip_length_within_unit_range() -> None:
    tl = make_timeline(hits(), duration=1.5)
    audio = synthesize(make_plan(), tl, seed=3)
    assert audio.shape == (round(tl.duration * SR), 2)
    assert audio.dtype == np.float32
    assert np.all(np.isfinite(audio))
    assert np.abs(audio).max() <= 1.0


def test_output_length_follows_sample_rate() -> None:
    tl = make_timeline(hits(), duration=1.5)
    assert synthesize(make_plan(), tl, seed=3, sample_rate=44100).shape == (round(1.5 * 44100), 2)


def test_same_seed_gives_identical_audio() -> None:
    tl = make_timeline(hits())
    assert np.array_equal(synthesize(make_plan(), tl, seed=11), synthesize(make_plan(), tl, seed=11))


def test_different_seed_gives_different_audio() -> None:
    tl = make_timeline(hits())
    assert not np.array_equal(synthesize(make_plan(), tl, seed=11), synthesize(make_plan(), tl, seed=12))


def test_mix_is_normalised_near_minus_16_lufs_with_true_peak_below_minus_1() -> None:
    tl = make_timeline(hits(), duration=2.0)
    audio = synthesize(make_plan(duration=2.0), tl, seed=5)
    assert abs(integrated_loudness(audio, SR) + 16.0) < 1.5
    assert true_peak_dbfs(audio) <= -0.99


def test_silent_plan_stays_silent() -> None:
    tl = make_timeline([], duration=1.0)
    audio = synthesize(make_plan(music=False, ambience="none", duration=1.0), tl, seed=1)
    assert np.abs(audio).max() == 0.0
