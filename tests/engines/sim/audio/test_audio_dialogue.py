"""Dialogue through espeak-ng: speech at the line's time, music ducked under it, Japanese via kana."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.audio import render_stems, synthesize
from reelcast.engines.sim.audio import speech as speech_mod
from reelcast.engines.sim.audio.mix import duck_gain, speech_presence
from reelcast.prompt.plan import DialogueLine

from .builders import SR, make_plan, make_timeline


def _band_rms(x: np.ndarray, lo: float, hi: float) -> float:
    spec = np.fft.rfft(x.astype(np.float64).mean(axis=1))
    freqs = np.fft.rfftfreq(x.shape[0], 1 / SR)
    spec[(freqs < lo) | (freqs > hi)] = 0
    return float(np.sqrt(np.mean(np.fft.irfft(spec, n=x.shape[0]) ** 2)))


def test_dialogue_puts_speech_band_energy_at_the_line_time() -> None:
    line = DialogueLine(speaker="coach", text="Nice shot!", start=1.0)
    plan = make_plan(music=False, ambience="none", dialogue=[line], duration=2.5)
    audio = synthesize(plan, make_timeline([], duration=2.5), seed=1)
    before, during = audio[: int(0.9 * SR)], audio[int(1.0 * SR) : int(1.6 * SR)]
    assert _band_rms(during, 300, 3400) > 0.02
    assert _band_rms(before, 300, 3400) < 1e-4


def test_dialogue_ducks_the_music() -> None:
    line = DialogueLine(speaker="coach", text="Go go go, run to the hoop!", start=0.5)
    stems = render_stems(make_plan(dialogue=[line], duration=3.0), make_timeline([], duration=3.0), seed=1)
    presence = speech_presence(stems.speech, SR)
    assert presence is not None
    gain = duck_gain(presence, 10.0)
    assert gain[int(0.1 * SR)] > 0.99
    assert gain[int(1.0 * SR)] < 0.4


def test_silence_has_no_speech_presence() -> None:
    assert speech_presence(np.zeros((SR, 2), np.float32), SR) is None
    assert speech_presence(np.full((SR, 2), 1e-4, np.float32), SR) is None  # below the speech gate


def test_lines_without_start_follow_each_other() -> None:
    lines = [DialogueLine(speaker="a", text="Hello there."), DialogueLine(speaker="b", text="Hi!")]
    stems = render_stems(make_plan(music=False, ambience="none", dialogue=lines, duration=4.0),
                         make_timeline([], duration=4.0), seed=1)
    active = np.flatnonzero(np.abs(stems.speech[:, 0]) > 0.01)
    assert active[0] >= int(0.25 * SR)
    gaps = np.diff(active)
    assert gaps.max() > int(0.2 * SR)  # a pause between the two lines


def test_speakers_get_distinct_voices() -> None:
    lines = [DialogueLine(speaker="a", text="One."), DialogueLine(speaker="b", text="Two.")]
    voices = speech_mod.speaker_voices(make_plan(dialogue=lines))
    assert voices["a"] != voices["b"]


def test_japanese_with_kanji_becomes_speech() -> None:
    pytest.importorskip("pykakasi")
    assert speech_mod.to_hiragana("少年はボールを投げた") == "しょうねんはぼーるをなげた"
    pcm = speech_mod.speak("少年はボールを投げた。", "ja", ("f2", 60, 165), SR)
    # hiragana reading lasts ~2 s; espeak reading kanji as "Chinese letter" gives far longer garbage
    assert 0.8 * SR < pcm.size < 3.5 * SR


def test_missing_espeak_raises_runtime_error_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech_mod.shutil, "which", lambda name: None)
    speech_mod.speak.cache_clear()
    with pytest.raises(RuntimeError, match="espeak-ng"):
        speech_mod.speak("hello", "en", ("m3", 40, 165), SR)
