"""Onset detection for sync QA: finds sharp high-frequency transients (impacts), ignoring music and ambience swells.

Method (measured in the engine notes, §4): a 2nd-difference (high-frequency) signal, its RMS over a 1 ms causal
window, a detection where that envelope jumps well above both the recent median background and its own level a
few milliseconds earlier and is already near its coming peak, then refinement back to the 20 % rise point.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter

JUMP = 6.0  # × median background of the last ~100 ms
SHARPNESS = 3.0  # × the envelope 3–8 ms earlier: a ramped swell is not an onset
FLOOR_DB = -50.0  # below the loudest envelope block: ignore noise in near-silence
MIN_GAP_S = 0.03
PEAK_AHEAD = 15  # ms
NEAR_PEAK = 0.3


def hf_envelope(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Causal 1 ms RMS of the signal's second difference (per sample, same length as the input)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    d2 = np.zeros_like(x)
    d2[2:] = x[2:] - 2 * x[1:-1] + x[:-2]
    win = max(1, int(round(0.001 * sample_rate)))
    c = np.concatenate(([0.0], np.cumsum(d2 * d2)))
    idx = np.arange(x.size)
    ms = (c[idx + 1] - c[np.maximum(0, idx + 1 - win)]) / win
    return np.sqrt(np.maximum(ms, 0.0))


def detect_onsets(samples: np.ndarray, sample_rate: int) -> list[float]:
    """Times in seconds of sharp transient onsets in mono or (n, 2) audio."""
    env = hf_envelope(samples, sample_rate)
    win = max(1, int(round(0.001 * sample_rate)))
    n_blocks = env.size // win
    if n_blocks < 8:
        return []
    blocks = env[win - 1 : n_blocks * win : win]  # envelope at the end of each 1 ms block
    span = 100
    med = median_filter(blocks, size=span, mode="nearest")
    # background for block i: median of blocks [i-3-span, i-3) (centred filter output shifted to be causal)
    bg = np.empty_like(blocks)
    shift = span // 2 + 3
    bg[shift:] = med[: blocks.size - shift]
    bg[:shift] = med[0]
    # loudest block 3–8 ms earlier: beating tones and vibrato dip and recover, but they were loud just before
    padded = np.concatenate([np.full(8, blocks[0]), blocks])
    earlier = np.lib.stride_tricks.sliding_window_view(padded, 6)[: blocks.size].max(axis=1)
    floor = np.max(blocks) * 10 ** (FLOOR_DB / 20)
    tiny = 1e-9
    # how close each block already is to the peak of the next ~15 ms: a hit gets there at once, a swell does not
    ahead = np.lib.stride_tricks.sliding_window_view(np.pad(blocks, (0, PEAK_AHEAD - 1), mode="edge"), PEAK_AHEAD)
    near_peak = blocks >= NEAR_PEAK * ahead.max(axis=1)
    hits = (
        (blocks > JUMP * np.maximum(bg, tiny))
        & (blocks > SHARPNESS * np.maximum(earlier, tiny))
        & (blocks > floor)
        & near_peak
    )
    onsets: list[float] = []
    last = -np.inf
    for i in np.flatnonzero(hits):
        if (i - last) * win < MIN_GAP_S * sample_rate:
            continue
        last = i
        end = i * win + win - 1
        lo = max(0, end - 4 * win)
        hi = min(env.size, end + 3 * win)
        peak_at = lo + int(np.argmax(env[lo:hi]))
        level = bg[i] + 0.2 * (env[peak_at] - bg[i])
        below = np.flatnonzero(env[lo : peak_at + 1] < level)
        start = lo + (int(below[-1]) + 1 if below.size else 0)
        onsets.append(start / sample_rate)
    return onsets
