"""Spoken digits through the real pocketsphinx model, speech presence and pitch range."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.cameo import speech
from reelcast.domain.cameo_verification import digit_errors
from tests.cameo.clips import speak_digits


@pytest.mark.parametrize(("digits", "voice", "seed"), [("31415", "en-us", 0), ("90210", "en", 1),
                                                        ("27182", "en-us+f2", 2)])
def test_espeak_digits_are_recognised_within_one_digit(digits: str, voice: str, seed: int) -> None:
    heard = speech.recognise_digits(speak_digits(digits, voice=voice, seed=seed), len(digits))
    assert digit_errors(digits, heard) <= 1


def test_too_few_digits_do_not_match() -> None:
    heard = speech.recognise_digits(speak_digits("314", seed=3), 5)
    assert digit_errors("31415", heard) > 1


def test_other_digits_do_not_match() -> None:
    heard = speech.recognise_digits(speak_digits("86086", seed=4), 5)
    assert digit_errors("31415", heard) > 1


def test_quiet_noise_is_not_speech() -> None:
    noise = np.random.default_rng(0).standard_normal(3 * speech.SAMPLE_RATE).astype(np.float32) * 1e-3
    assert speech.speech_activity(noise) < 0.5


def test_spoken_digits_are_speech() -> None:
    assert speech.speech_activity(speak_digits("31415")) >= 0.5


def test_pitch_range_is_higher_for_a_female_voice() -> None:
    low = speech.pitch_range(speak_digits("31415", voice="en-us"))
    high = speech.pitch_range(speak_digits("31415", voice="en-us+f2"))
    assert low is not None and high is not None
    assert low[0] <= low[1] <= low[2]
    assert high[1] > low[1] * 1.4


def test_silence_has_no_pitch() -> None:
    assert speech.pitch_range(np.zeros(speech.SAMPLE_RATE, np.float32)) is None
