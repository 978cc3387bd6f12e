"""Continuous sources from the simulator (jet pack thrust, wind, water, engines…) driven by per-frame loudness."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.audio.dsp import bandpass, highpass, lowpass, rng_for, smooth_random, wavetable
from reelcast.engines.sim.scene import SimTimeline

LOOP_RMS_AT_FULL = 0.12  # RMS of a loop at loudness 1


def _jetpack(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    roar = lowpass(rng.standard_normal((n, 2)), 1400, sr, order=2)
    rumble = lowpass(rng.standard_normal((n, 2)), 120, sr) * 4
    flutter = 1.0 + 0.15 * smooth_random(rng, n, 18.0, sr)[:, None]
    return (roar + rumble) * flutter


def _wind(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    whoosh = bandpass(rng.standard_normal((n, 2)), 150, 1200, sr)
    return whoosh * np.clip(1 + 0.4 * smooth_random(rng, n, 1.5, sr), 0.2, None)[:, None]


def _water(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    flow = bandpass(rng.standard_normal((n, 2)), 300, 2500, sr)
    burble = np.clip(1 + 0.8 * smooth_random(rng, n, 12.0, sr), 0.1, None)[:, None]
    return flow * burble + 0.3 * lowpass(rng.standard_normal((n, 2)), 200, sr)


def _engine(rng: np.random.Generator, n: int, sr: int, level: np.ndarray) -> np.ndarray:
    # pitch follows the loudness (revs)
    f = 45 + 70 * level
    phase = np.cumsum(f) / sr
    table = wavetable("saw", 16)
    buzz = table[(phase * table.size).astype(np.int64) % table.size]
    buzz = lowpass(buzz, 900, sr)
    return np.stack([buzz, buzz], axis=1) + 0.2 * lowpass(rng.standard_normal((n, 2)), 500, sr)


def _scrape(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    return bandpass(rng.standard_normal((n, 2)), 2500, 7000, sr)


def _fire(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    return lowpass(rng.standard_normal((n, 2)), 600, sr) * np.clip(1 + 0.5 * smooth_random(rng, n, 6, sr), 0.2,
                                                                     None)[:, None]


def _hum(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    t = np.arange(n) / sr
    tone = np.sin(2 * np.pi * 110 * t) + 0.5 * np.sin(2 * np.pi * 220 * t) + 0.25 * np.sin(2 * np.pi * 330 * t)
    return np.stack([tone, tone], axis=1) + 0.1 * lowpass(rng.standard_normal((n, 2)), 1500, sr)


def _voices(rng: np.random.Generator, n: int, sr: int, lo: float, hi: float, glide: float, k: int) -> np.ndarray:
    """k detuned sawtooth voices with slow vibrato, each panned; glide = relative pitch change over the clip."""
    t = np.arange(n) / sr
    out = np.zeros((n, 2))
    table = wavetable("saw", 12)
    for _ in range(k):
        f0 = rng.uniform(lo, hi)
        f = f0 * (1 + glide * t / max(t[-1], 1e-9) if n else 1) * (1 + 0.02 * smooth_random(rng, n, 5.0, sr))
        phase = np.cumsum(f) / sr + rng.uniform()
        v = table[(phase * table.size).astype(np.int64) % table.size] * np.clip(
            1 + 0.6 * smooth_random(rng, n, 3.0, sr), 0.0, None)
        pan = rng.uniform(0.2, 0.8)
        out += np.stack([v * (1 - pan), v * pan], axis=1)
    return out


def _cheer(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    """A crowd cheering: bright "woo" voices gliding up over a roar, with hand claps."""
    roar = bandpass(rng.standard_normal((n, 2)), 400, 3500, sr) * np.clip(
        1 + 0.5 * smooth_random(rng, n, 6.0, sr), 0.1, None)[:, None]
    woo = bandpass(_voices(rng, n, sr, 250, 520, 0.25, 14), 500, 3000, sr)
    clap_env = np.clip(smooth_random(rng, n, 30.0, sr) - 0.8, 0, None)
    claps = highpass(rng.standard_normal((n, 2)), 1500, sr) * clap_env[:, None]
    return roar + 0.12 * woo / (np.sqrt(np.mean(woo**2)) + 1e-12) * np.sqrt(np.mean(roar**2)) * 8 + 0.5 * claps


def _groan(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    """A crowd groaning "ohhh": low voices sliding down through a dark vowel, with a murmur underneath."""
    ohh = lowpass(_voices(rng, n, sr, 100, 210, -0.3, 18), 700, sr, order=4)
    murmur = bandpass(rng.standard_normal((n, 2)), 200, 1200, sr)
    ohh = ohh / (np.sqrt(np.mean(ohh**2)) + 1e-12)
    return ohh + 0.35 * murmur / (np.sqrt(np.mean(murmur**2)) + 1e-12)


def _generic(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    return highpass(lowpass(rng.standard_normal((n, 2)), 1000, sr), 80, sr)


_SOURCES = {
    "cheer": _cheer, "groan": _groan,
    "jet": _jetpack, "rocket": _jetpack, "thrust": _jetpack, "flame": _jetpack,
    "wind": _wind, "whoosh": _wind, "swing": _wind, "air": _wind,
    "water": _water, "river": _water, "splash": _water, "paddle": _water, "wave": _water,
    "skate": _scrape, "scrape": _scrape, "slide": _scrape, "blade": _scrape,
    "fire": _fire, "rumble": _fire, "roll": _fire,
    "hum": _hum, "servo": _hum, "drone": _hum, "motor_hum": _hum,
}


def loop_kind(name: str) -> str:
    """Which synthesiser plays a loop name ("engine", one of the known words, or "generic")."""
    low = name.lower()
    if any(w in low for w in ("engine", "motor", "car", "boat", "propeller", "rotor")) and "hum" not in low:
        return "engine"
    for word in _SOURCES:
        if word in low:
            return word
    return "generic"


def render_loops(timeline: SimTimeline, seed: int, n_samples: int, sample_rate: int) -> np.ndarray:
    """Stereo stem of all continuous sources, each scaled per sample by its interpolated per-frame loudness."""
    out = np.zeros((n_samples, 2))
    if not timeline.loops or n_samples == 0:
        return out.astype(np.float32)
    t = np.arange(n_samples) / sample_rate
    for name in sorted(timeline.loops):
        curve = np.clip(np.asarray(timeline.loops[name], dtype=np.float64).ravel(), 0.0, 1.0)
        if curve.size == 0 or not curve.any():
            continue
        frame_t = np.arange(curve.size) / timeline.fps
        level = np.interp(t, frame_t, curve)
        rng = rng_for(seed, "loop", name)
        kind = loop_kind(name)
        if kind == "engine":
            src = _engine(rng, n_samples, sample_rate, level)
        else:
            src = _SOURCES.get(kind, _generic)(rng, n_samples, sample_rate)
        src = src / (np.sqrt(np.mean(src**2)) + 1e-12) * LOOP_RMS_AT_FULL
        out += src * level[:, None]
    return out.astype(np.float32)
