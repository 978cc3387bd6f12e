"""The high-frequency onset detector used for sync QA."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.audio import detect_onsets

SR = 48000


def test_detects_noise_bursts_within_a_tenth_of_a_millisecond() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SR) * 0.001
    starts = [4800, 12000, 30000]
    for s in starts:
        x[s : s + 480] += rng.standard_normal(480) * np.exp(-np.arange(480) / 60.0) * 0.5
    onsets = detect_onsets(x, SR)
    assert len(onsets) == 3
    assert all(abs(o * SR - s) <= 5 for o, s in zip(onsets, starts, strict=True))


def test_slow_swell_is_not_an_onset() -> None:
    t = np.arange(SR) / SR
    rng = np.random.default_rng(1)
    swell = rng.standard_normal(SR) * 0.001 + np.sin(2 * np.pi * 3000 * t) * np.clip((t - 0.3) / 0.2, 0, 1) * 0.3
    assert detect_onsets(swell, SR) == []


def test_silence_has_no_onsets() -> None:
    assert detect_onsets(np.zeros((SR, 2), np.float32), SR) == []
