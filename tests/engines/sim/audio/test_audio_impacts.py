"""Impact sounds: sample-exact onsets, loudness from impulse, timbre from materials, pan from the camera."""

from __future__ import annotations

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.audio import detect_onsets, render_stems, synthesize
from reelcast.engines.sim.audio.impacts import classify

from .builders import SR, hits, make_plan, make_timeline


def test_onsets_are_within_1ms_of_every_event_with_music_and_ambience_on() -> None:
    events = hits()
    audio = synthesize(make_plan(music=True, ambience="gym"), make_timeline(events), seed=7)
    onsets = np.array(detect_onsets(audio, SR))
    for e in events:
        err = np.min(np.abs(onsets * SR - round(e.t * SR)))
        assert err <= 48, f"event at {e.t:.4f}s: nearest onset {err:.0f} samples away"


def test_impact_stem_is_silent_before_the_first_event_sample() -> None:
    ev = ContactEvent(0.5, "ball", "floor", 6.0, (0.0, 0.0, 0.0))
    stems = render_stems(make_plan(), make_timeline([ev], duration=1.0), seed=1)
    start = round(0.5 * SR)
    assert np.abs(stems.impacts[:start]).max() < 1e-6  # only FFT-convolution rounding noise (−120 dB)
    assert np.abs(stems.impacts[start]).max() > 0.1  # full-level transient on the event sample itself


def test_louder_impulse_gives_louder_impact() -> None:
    def energy(impulse: float) -> float:
        ev = ContactEvent(0.2, "ball", "floor", impulse, (0.0, 0.0, 0.0))
        stems = render_stems(make_plan(music=False), make_timeline([ev], duration=0.8), seed=1)
        return float(np.sum(stems.impacts.astype(np.float64) ** 2))

    assert energy(2.0) < energy(4.0) < energy(8.0)


def _centroid(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x.astype(np.float64).mean(axis=1))) ** 2
    freqs = np.fft.rfftfreq(x.shape[0], 1 / SR)
    return float(np.sum(spec * freqs) / np.sum(spec))


def test_rim_clang_is_brighter_than_floor_thud() -> None:
    def impact(body_b: str) -> np.ndarray:
        ev = ContactEvent(0.1, "ball", body_b, 5.0, (0.0, 0.0, 0.0))
        return render_stems(make_plan(music=False), make_timeline([ev], duration=0.8), seed=1).impacts

    assert _centroid(impact("rim")) > 2 * _centroid(impact("floor"))


def test_material_pairs_map_to_expected_timbres() -> None:
    assert classify("rubber", "wood") == "floor_bounce"
    assert classify("metal", "rubber") == "rim_clang"
    assert classify("rubber", "acrylic") == "backboard_bang"
    assert classify("rubber", "grass") == "soft_thump"
    assert classify("skin", "concrete") == "body_thud"
    assert classify("skin", "water") == "splash"
    assert classify("steel", "metal") == "metal_metal"
    assert classify("ice", "metal") == "ice"
    assert classify("default", "default") == "default"


def test_event_right_of_camera_is_louder_in_right_channel() -> None:
    ev = ContactEvent(0.1, "ball", "floor", 6.0, (2.5, 0.0, 0.0))  # camera looks along +y: +x is screen right
    imp = render_stems(make_plan(music=False, ambience="none"), make_timeline([ev], duration=0.6), seed=1).impacts
    left, right = np.sum(imp[:, 0].astype(float) ** 2), np.sum(imp[:, 1].astype(float) ** 2)
    assert right > 2 * left


def test_splash_is_noisier_than_floor_bounce() -> None:
    def flatness(body_b: str, mat: str) -> float:
        ev = ContactEvent(0.1, "ball", body_b, 30.0, (0.0, 0.0, 0.0), material_b=mat)
        imp = render_stems(make_plan(music=False), make_timeline([ev], duration=0.8), seed=1).impacts
        spec = np.abs(np.fft.rfft(imp.mean(axis=1)))[100:20000] + 1e-12
        return float(np.exp(np.mean(np.log(spec))) / np.mean(spec))

    assert flatness("pool", "water") > flatness("floor", "wood")


def test_events_after_clip_end_are_ignored() -> None:
    ev = ContactEvent(5.0, "ball", "floor", 6.0, (0.0, 0.0, 0.0))
    stems = render_stems(make_plan(music=False), make_timeline([ev], duration=1.0), seed=1)
    assert not stems.impacts.any()


def test_music_and_ambience_alone_produce_no_onsets() -> None:
    for amb in ("gym", "outdoors", "festival", "city"):
        audio = synthesize(make_plan(music=True, mood="upbeat", ambience=amb), make_timeline([], duration=1.5), seed=3)
        assert [t for t in detect_onsets(audio, SR) if t > 0.2] == [], amb
