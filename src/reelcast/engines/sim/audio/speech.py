"""Dialogue via the espeak-ng CLI: one voice per speaker, Japanese converted to hiragana, lines placed on the clip."""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import lru_cache
from math import gcd

import numpy as np
from scipy import signal

from reelcast.engines.sim.audio.dsp import highpass, normalise_rms
from reelcast.prompt.plan import ScenePlan

log = logging.getLogger(__name__)

SPEECH_RMS_DB = -19.0
LINE_GAP_S = 0.25
FIRST_LINE_S = 0.3

# language code → espeak-ng voice name
_VOICE_NAMES = {"en": "en-us", "en-us": "en-us", "en-gb": "en-gb", "zh": "cmn", "cn": "cmn", "pt": "pt-br"}
# (variant, pitch 0-99, words per minute) per speaker slot; male and female voices alternate
_MALE = [("m3", 40, 165), ("m1", 30, 155), ("m7", 50, 175), ("m2", 35, 160)]
_FEMALE = [("f2", 60, 165), ("f4", 70, 170), ("f1", 55, 160), ("f3", 65, 175)]
_FEMALE_WORDS = ("female", "woman", "girl", "she", "her", "lady", "mother", "mom", "queen", "princess", "sister")
_MALE_WORDS = ("male", "man", "boy", "he", "him", "guy", "father", "dad", "king", "prince", "brother")


def espeak_path() -> str:
    """Path of the espeak-ng executable, or a RuntimeError saying which Debian package provides it."""
    path = shutil.which("espeak-ng")
    if path is None:
        raise RuntimeError("espeak-ng not found: install the Debian package 'espeak-ng' (apt-get install espeak-ng)")
    return path


def _katakana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def to_hiragana(text: str) -> str:
    """Japanese text with kanji and katakana rewritten as hiragana (espeak-ng only pronounces hiragana)."""
    try:
        import pykakasi
    except ImportError:  # keep working without it; kanji cannot be read then
        log.warning("pykakasi is not installed: kanji in Japanese dialogue are dropped")
        kana = _katakana_to_hiragana(text)
        return "".join(c for c in kana if not ("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"))
    return "".join(item["hira"] for item in _kakasi(pykakasi).convert(text))


@lru_cache(maxsize=1)
def _kakasi(module):  # type: ignore[no-untyped-def]
    return module.kakasi()


def _parse_wav(data: bytes) -> tuple[np.ndarray, int]:
    """Decode espeak-ng's --stdout WAV (its RIFF sizes are bogus when streaming, so read to the end)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise RuntimeError("espeak-ng returned no WAV data")
    pos, rate, bits, channels = 12, 22050, 16, 1
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if cid == b"fmt ":
            channels = int.from_bytes(data[pos + 10 : pos + 12], "little")
            rate = int.from_bytes(data[pos + 12 : pos + 16], "little")
            bits = int.from_bytes(data[pos + 22 : pos + 24], "little")
        elif cid == b"data":
            body = data[pos + 8 :]
            if bits != 16:
                raise RuntimeError(f"unexpected espeak-ng sample size {bits}")
            pcm = np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
            return pcm.reshape(-1, channels).mean(axis=1), rate
        pos += 8 + size
    raise RuntimeError("espeak-ng WAV has no data chunk")


@lru_cache(maxsize=64)
def speak(text: str, language: str, voice: tuple[str, int, int], sample_rate: int) -> np.ndarray:
    """Mono float32 speech for one line at sample_rate (voice = (variant, pitch, speed))."""
    exe = espeak_path()
    lang = language.lower()
    if lang.startswith("ja"):
        text = to_hiragana(text)
    name = _VOICE_NAMES.get(lang, lang)
    variant, pitch, speed = voice
    cmd = [exe, "-v", f"{name}+{variant}", "-p", str(pitch), "-s", str(speed), "--stdout", text]
    proc = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    if proc.returncode != 0 or not proc.stdout.startswith(b"RIFF"):
        log.warning("espeak-ng voice %r failed (%s); using en-us", name, proc.stderr.decode(errors="replace")[:200])
        cmd[2] = f"en-us+{variant}"
        proc = subprocess.run(cmd, capture_output=True, timeout=60, check=True)
    pcm, rate = _parse_wav(proc.stdout)
    if rate != sample_rate:
        g = gcd(rate, sample_rate)
        pcm = signal.resample_poly(pcm, sample_rate // g, rate // g)
    pcm = highpass(pcm, 90, sample_rate)
    # trim espeak's trailing silence so sequential lines follow naturally
    loud = np.flatnonzero(np.abs(pcm) > 0.01)
    if loud.size:
        pcm = pcm[: min(pcm.size, loud[-1] + int(0.05 * sample_rate))]
    return pcm.astype(np.float32)


def speaker_voices(plan: ScenePlan) -> dict[str, tuple[str, int, int]]:
    """A distinct espeak-ng voice for each speaker, by order of appearance (gender from entity words if given)."""
    voices: dict[str, tuple[str, int, int]] = {}
    n_m = n_f = 0
    for line in plan.sound.dialogue:
        if line.speaker in voices:
            continue
        ent = plan.entity(line.speaker)
        measured = ent.attributes.get("voice_pitch_hz") if ent else None
        if measured:  # a verified cameo: its own pitch range picks the voice and the espeak-ng pitch
            from reelcast.cameo.looks import FEMALE_PITCH_HZ, espeak_pitch

            f0 = float(measured)
            variant, _, speed = _FEMALE[n_f % len(_FEMALE)] if f0 > FEMALE_PITCH_HZ else _MALE[n_m % len(_MALE)]
            voices[line.speaker] = (variant, espeak_pitch(f0), speed)
            continue
        words = " ".join([ent.archetype, *ent.attributes.values()] if ent else [line.speaker]).lower().split()
        female = any(w in _FEMALE_WORDS for w in words)
        male = any(w in _MALE_WORDS for w in words)
        if not female and not male:
            female = len(voices) % 2 == 1  # alternate when unknown
        if female:
            voices[line.speaker] = _FEMALE[n_f % len(_FEMALE)]
            n_f += 1
        else:
            voices[line.speaker] = _MALE[n_m % len(_MALE)]
            n_m += 1
    return voices


def render_dialogue(plan: ScenePlan, n_samples: int, sample_rate: int) -> np.ndarray:
    """Stereo speech stem: each line at its start time, or right after the previous line when start is None."""
    out = np.zeros((n_samples, 2), dtype=np.float32)
    if not plan.sound.dialogue:
        return out
    voices = speaker_voices(plan)
    cursor = FIRST_LINE_S
    for line in plan.sound.dialogue:
        if not line.text.strip():
            continue
        pcm = normalise_rms(speak(line.text, line.language or "en", voices[line.speaker], sample_rate),
                            SPEECH_RMS_DB)
        start_s = line.start if line.start is not None else cursor
        start = int(round(start_s * sample_rate))
        cursor = start_s + pcm.size / sample_rate + LINE_GAP_S
        if start >= n_samples:
            continue
        m = min(pcm.size, n_samples - start)
        seg = pcm[:m].copy()
        if m < pcm.size:  # line runs past the clip end: fade rather than cut
            f = min(m, int(0.03 * sample_rate))
            seg[m - f :] *= np.linspace(1, 0, f)
        out[start : start + m] += seg[:, None] * np.float32(np.sqrt(0.5))
    return out
