"""Small signal-processing building blocks shared by the soundtrack stems (all causal, all seeded)."""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np
from scipy import signal


def rng_for(seed: int, *keys: int | str) -> np.random.Generator:
    """Return a generator determined only by the clip seed and the purpose keys (never global state)."""
    words = [int(seed) % (2**63)]
    for k in keys:
        words.append(zlib.crc32(k.encode()) if isinstance(k, str) else int(k) % (2**63))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words)))


@lru_cache(maxsize=256)
def _sos(kind: str, freqs: tuple[float, ...], order: int, sample_rate: int) -> np.ndarray:
    nyq = sample_rate / 2.0
    wn = [min(max(f / nyq, 1e-5), 0.999) for f in freqs]
    return signal.butter(order, wn if len(wn) > 1 else wn[0], btype=kind, output="sos")


def lowpass(x: np.ndarray, freq: float, sample_rate: int, order: int = 2) -> np.ndarray:
    """Causal Butterworth low-pass along the first axis."""
    return signal.sosfilt(_sos("lowpass", (float(freq),), order, sample_rate), x, axis=0)


def highpass(x: np.ndarray, freq: float, sample_rate: int, order: int = 2) -> np.ndarray:
    """Causal Butterworth high-pass along the first axis."""
    return signal.sosfilt(_sos("highpass", (float(freq),), order, sample_rate), x, axis=0)


def bandpass(x: np.ndarray, lo: float, hi: float, sample_rate: int, order: int = 2) -> np.ndarray:
    """Causal Butterworth band-pass along the first axis."""
    return signal.sosfilt(_sos("bandpass", (float(lo), float(hi)), order, sample_rate), x, axis=0)


def smooth_random(rng: np.random.Generator, n: int, rate_hz: float, sample_rate: int) -> np.ndarray:
    """Slowly varying random curve (about `rate_hz` changes per second), zero mean, unit-ish std."""
    n_ctrl = max(4, int(np.ceil(n / sample_rate * rate_hz)) + 3)
    ctrl = rng.standard_normal(n_ctrl)
    # cosine interpolation between control points on a coarse grid, then linear up to audio rate
    n_coarse = n // 32 + 2
    xs = np.linspace(0, n_ctrl - 3, n_coarse)
    i = np.floor(xs).astype(np.int64)
    w = 0.5 - 0.5 * np.cos(np.pi * (xs - i))
    coarse = ctrl[i] * (1 - w) + ctrl[i + 1] * w
    return np.interp(np.arange(n) / 32.0, np.arange(n_coarse), coarse)


def exp_decay(n: int, tau_s: float, sample_rate: int) -> np.ndarray:
    """exp(-t/tau) over n samples."""
    return np.exp(-np.arange(n) / (tau_s * sample_rate))


def partials(
    freqs: list[float], amps: list[float], taus: list[float], n: int, sample_rate: int, phases: list[float]
) -> np.ndarray:
    """Sum of exponentially decaying sines starting at sample 0 (modal synthesis)."""
    t = np.arange(n) / sample_rate
    out = np.zeros(n)
    for f, a, tau, ph in zip(freqs, amps, taus, phases, strict=True):
        if f >= sample_rate / 2:
            continue
        m = min(n, int(tau * 7 * sample_rate) + 1)
        out[:m] += a * np.exp(-t[:m] / tau) * np.sin(2 * np.pi * f * t[:m] + ph)
    return out


def pitch_drop(f0: float, f1: float, tau_f: float, tau_a: float, n: int, sample_rate: int) -> np.ndarray:
    """Decaying sine gliding from f0 to f1 (membrane/body thud), starting at full amplitude (cosine phase)."""
    t = np.arange(n) / sample_rate
    phase = 2 * np.pi * (f1 * t + (f0 - f1) * tau_f * (1 - np.exp(-t / tau_f)))
    return np.cos(phase) * np.exp(-t / tau_a)


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power (left, right) gains for pan in [-1, 1]."""
    theta = (float(np.clip(pan, -1.0, 1.0)) + 1.0) * np.pi / 4.0
    return float(np.cos(theta)), float(np.sin(theta))


@lru_cache(maxsize=64)
def wavetable(shape: str, n_harmonics: int, size: int = 2048) -> np.ndarray:
    """One band-limited cycle of saw/square/triangle/sine with at most n_harmonics partials."""
    ph = np.arange(size) / size * 2 * np.pi
    out = np.zeros(size)
    for k in range(1, max(1, n_harmonics) + 1):
        if shape == "sine":
            if k > 1:
                break
            out += np.sin(ph)
        elif shape == "saw":
            out += np.sin(k * ph) / k
        elif shape == "square":
            if k % 2:
                out += np.sin(k * ph) / k
        elif shape == "triangle":
            if k % 2:
                out += ((-1) ** ((k - 1) // 2)) * np.sin(k * ph) / (k * k)
        else:
            raise ValueError(f"unknown wave shape {shape!r}")
    peak = np.max(np.abs(out))
    return out / peak if peak > 0 else out


def oscillator(shape: str, freq: float, n: int, sample_rate: int, phase0: float = 0.0, max_h: int = 24) -> np.ndarray:
    """Band-limited periodic waveform at `freq` for n samples (wavetable lookup)."""
    n_h = int(max(1, min(max_h, (sample_rate * 0.45) // max(freq, 1.0))))
    table = wavetable(shape, n_h)
    size = table.size
    idx = ((phase0 + freq * np.arange(n) / sample_rate) * size).astype(np.int64) % size
    return table[idx]


def add_at(dst: np.ndarray, src: np.ndarray, start: int) -> None:
    """Add src into dst beginning at sample `start`, truncating at either end."""
    if start >= dst.shape[0] or start + src.shape[0] <= 0:
        return
    s0 = max(0, -start)
    d0 = start + s0
    m = min(src.shape[0] - s0, dst.shape[0] - d0)
    dst[d0 : d0 + m] += src[s0 : s0 + m]


def rms_db(x: np.ndarray) -> float:
    """RMS level in dBFS (−inf-safe)."""
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64)) + 1e-20))


def normalise_rms(x: np.ndarray, target_db: float) -> np.ndarray:
    """Scale x so its RMS equals target_db dBFS (silence stays silence)."""
    level = rms_db(x)
    if level < -150:
        return x
    return x * 10 ** ((target_db - level) / 20)
