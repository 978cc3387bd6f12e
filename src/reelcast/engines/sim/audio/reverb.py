"""Room reverb for impacts: a causal convolution with a decaying-noise impulse response chosen by scene kind."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from reelcast.engines.sim.audio.dsp import exp_decay, lowpass, rng_for

# scene kind → (RT60 seconds, wet level, pre-delay seconds, tail low-pass Hz)
ROOMS: dict[str, tuple[float, float, float, float]] = {
    "gym": (1.8, 0.22, 0.018, 3500),
    "festival": (0.5, 0.08, 0.025, 3000),
    "room": (0.5, 0.12, 0.006, 4000),
    "space": (0.9, 0.18, 0.008, 3000),
    "city": (0.7, 0.08, 0.03, 2500),
}
OUTDOOR = (0.25, 0.05, 0.02, 3000)


@lru_cache(maxsize=16)
def impulse_response(kind: str, sample_rate: int) -> np.ndarray:
    """Stereo (n, 2) IR with no energy before its pre-delay, so it never rings ahead of a hit."""
    rt60, wet, predelay, cutoff = ROOMS.get(kind, OUTDOOR)
    rng = rng_for(7, "reverb", kind)
    n = int(rt60 * sample_rate)
    tail = rng.standard_normal((n, 2)) * exp_decay(n, rt60 / 6.9, sample_rate)[:, None]
    tail = lowpass(tail, cutoff, sample_rate)
    tail *= wet / np.sqrt(np.sum(tail**2, axis=0))  # IR energy = wet²
    d = int(predelay * sample_rate)
    return np.concatenate([np.zeros((d, 2)), tail]).astype(np.float32)


def add_reverb(dry: np.ndarray, kind: str, sample_rate: int) -> np.ndarray:
    """dry + its reverberation (left/right decorrelated), same length as dry."""
    if not dry.any():
        return dry
    ir = impulse_response(kind, sample_rate)
    mono = dry.mean(axis=1)
    wet = np.stack([signal.oaconvolve(mono, ir[:, c])[: dry.shape[0]] for c in range(2)], axis=1)
    return (dry + wet).astype(np.float32)
