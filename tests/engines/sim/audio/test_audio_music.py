"""Procedural score: present only when asked for, different per mood, seeded."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.audio import render_stems, synthesize
from reelcast.engines.sim.audio.music import MOODS, mood_name, render_music

from .builders import SR, make_plan, make_timeline


def _tonal_energy(x: np.ndarray) -> float:
    """Energy in 80–1000 Hz, where bass, pad and arpeggio live."""
    spec = np.abs(np.fft.rfft(x.astype(np.float64).mean(axis=1))) ** 2
    freqs = np.fft.rfftfreq(x.shape[0], 1 / SR)
    return float(spec[(freqs > 80) & (freqs < 1000)].sum())


def test_no_score_leaves_out_the_music_stem() -> None:
    tl = make_timeline([], duration=1.5)
    stems = render_stems(make_plan(music=False, ambience="none"), tl, seed=2)
    assert not stems.music.any()


def test_no_score_mix_has_far_less_tonal_energy_than_with_score() -> None:
    tl = make_timeline([], duration=1.5)
    with_score = synthesize(make_plan(music=True, ambience="outdoors"), tl, seed=2)
    without = synthesize(make_plan(music=False, ambience="outdoors"), tl, seed=2)
    assert _tonal_energy(without) < 0.25 * _tonal_energy(with_score)


@pytest.mark.parametrize("mood", sorted(MOODS))
def test_every_mood_renders_an_audible_score(mood: str) -> None:
    music = render_music(mood, seed=4, n_samples=SR * 2, sample_rate=SR)
    assert music.shape == (SR * 2, 2)
    assert 0.02 < np.sqrt(np.mean(music.astype(np.float64) ** 2)) < 0.2


def test_moods_sound_different() -> None:
    calm = render_music("calm", seed=4, n_samples=SR * 2, sample_rate=SR)
    retro = render_music("retro", seed=4, n_samples=SR * 2, sample_rate=SR)
    assert not np.allclose(calm, retro)


def test_mood_words_map_to_known_moods() -> None:
    assert mood_name("retro-future") == "retro"
    assert mood_name("synthwave") == "retro"
    assert mood_name("sad") == "melancholy"
    assert mood_name("suspenseful") == "tense"
    assert mood_name("heroic") == "epic"
    assert mood_name(None) == "upbeat"


def test_seed_changes_the_score() -> None:
    a = render_music("upbeat", seed=1, n_samples=SR * 2, sample_rate=SR)
    b = render_music("upbeat", seed=2, n_samples=SR * 2, sample_rate=SR)
    assert not np.allclose(a, b)
