"""Spoken digits with pocketsphinx (its wheel ships the English model) and a digits-only grammar; pitch range.

A closed grammar of exactly N digit words is far more accurate than the open language model on short clips and
cheap (~0.1 s CPU for a 3 s clip); anything that is not digits comes out as junk digits and fails the match.
"""

from __future__ import annotations

import threading

import numpy as np

SAMPLE_RATE = 16000
WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
         "seven": "7", "eight": "8", "nine": "9"}
_LOCK = threading.Lock()
_DECODERS: dict[int, object] = {}


def grammar(n: int) -> str:
    """A JSGF grammar accepting exactly n digit words."""
    words = " | ".join(WORDS)
    seq = " ".join(["<digit>"] * n)
    return f"#JSGF V1.0;\ngrammar digits;\n<digit> = {words};\npublic <utt> = {seq};\n"


def _decoder(n: int) -> object:
    from pocketsphinx import Decoder

    d = _DECODERS.get(n)
    if d is None:
        d = Decoder(samprate=SAMPLE_RATE, lm=None, loglevel="FATAL")
        d.add_jsgf_string("digits", grammar(n).encode())
        d.activate_search("digits")
        _DECODERS[n] = d
    return d


def recognise_digits(audio: np.ndarray, n: int) -> str:
    """The n digits heard in mono 16 kHz float audio ('' when nothing was recognised)."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    with _LOCK:
        d = _decoder(n)
        d.start_utt()  # type: ignore[attr-defined]
        d.process_raw(pcm, full_utt=True)  # type: ignore[attr-defined]
        d.end_utt()  # type: ignore[attr-defined]
        hyp = d.hyp()  # type: ignore[attr-defined]
    if hyp is None:
        return ""
    return "".join(WORDS[w] for w in hyp.hypstr.split() if w in WORDS)


def _frames(audio: np.ndarray, size: int, hop: int) -> np.ndarray:
    n = 1 + max(0, len(audio) - size) // hop
    if len(audio) < size:
        return np.zeros((0, size), np.float32)
    idx = np.arange(size)[None, :] + hop * np.arange(n)[:, None]
    return audio[idx]


def speech_activity(audio: np.ndarray) -> float:
    """Seconds of speech-like audio: 30 ms frames well above the noise floor with voice-band energy."""
    fr = _frames(audio.astype(np.float32), 480, 480)
    if len(fr) == 0:
        return 0.0
    energy = 10 * np.log10(np.mean(fr**2, axis=1) + 1e-10)
    floor = np.percentile(energy, 10)
    loud = (energy > floor + 9.0) & (energy > -55.0)
    return float(loud.sum() * 0.03)


def pitch_range(audio: np.ndarray, sr: int = SAMPLE_RATE) -> tuple[float, float, float] | None:
    """(10th percentile, median, 90th percentile) of the voiced pitch in Hz, by autocorrelation; None if unvoiced."""
    fr = _frames(audio.astype(np.float32), int(0.04 * sr), int(0.02 * sr))
    if len(fr) == 0:
        return None
    energy = np.mean(fr**2, axis=1)
    keep = energy > max(np.percentile(energy, 60), 1e-8)
    lo, hi = int(sr / 400), int(sr / 60)  # 60–400 Hz
    f0s = []
    for f in fr[keep]:
        f = (f - f.mean()) * np.hanning(len(f))
        ac = np.correlate(f, f, mode="full")[len(f) - 1:]
        if ac[0] <= 0:
            continue
        seg = ac[lo:hi]
        k = int(np.argmax(seg)) + lo
        if ac[k] / ac[0] > 0.45:  # clearly periodic: voiced
            f0s.append(sr / k)
    if len(f0s) < 5:
        return None
    p10, p50, p90 = np.percentile(f0s, [10, 50, 90])
    return float(p10), float(p50), float(p90)
