"""The speaker embedding from Resemblyzer's shipped weights (a soft signal, never a reason to reject)."""

from __future__ import annotations

import numpy as np

from reelcast.cameo import voice
from tests.cameo.clips import speak_digits


def test_the_speaker_encoder_weights_are_installed() -> None:
    assert voice.available()


def test_a_voice_embedding_is_256_dimensional_and_normalised() -> None:
    e = voice.embed(speak_digits("31415"))
    assert e is not None and e.shape == (256,)
    assert abs(float(np.linalg.norm(e)) - 1.0) < 1e-4


def test_the_same_audio_gives_the_same_embedding() -> None:
    a = speak_digits("27182", seed=1)
    assert voice.similarity(voice.embed(a), voice.embed(a)) > 0.9999  # type: ignore[arg-type]


def test_silence_has_no_voice_embedding() -> None:
    assert voice.embed(np.zeros(voice.SAMPLE_RATE // 4, np.float32)) is None


def test_the_mel_filterbank_matches_librosas_shape_and_covers_every_band() -> None:
    fb = voice.mel_filterbank()
    assert fb.shape == (40, 201) and (fb.max(axis=1) > 0).all()
