"""The whole pipeline on generated selfie clips with the real models: every reason a clip can be rejected."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reelcast.cameo import pipeline
from reelcast.media.encode import encode_mp4
from tests.cameo.clips import ClipSpec

LR = ("left", "right")
RL = ("right", "left")


def _verify(path: Path, digits: str = "31415", turns: tuple[str, ...] = LR,
            nearest: tuple[str, float] | None = None) -> pipeline.Result:
    return pipeline.verify(path, digits, turns, (lambda _e: nearest) if nearest else None)


def test_a_clip_that_does_everything_asked_is_accepted_with_its_references(clip: Callable) -> None:
    r = _verify(clip(ClipSpec()))
    assert r.verdict.status == "active", r.verdict
    assert r.verdict.turns_seen == LR
    assert r.embedding is not None and len(r.embedding) == 128
    assert len(r.crops) >= 1 and r.crops[0].startswith(b"\x89PNG")
    assert r.descriptors["glasses"] is False
    assert 60 < float(r.voice["pitch_median_hz"]) < 400  # type: ignore[arg-type]
    assert r.voice_embedding is not None and len(r.voice_embedding) == 256


def test_the_other_turn_order_with_another_face_and_voice_is_accepted(clip: Callable) -> None:
    r = _verify(clip(ClipSpec(face="hopper", turns=RL, digits="27182", voice="en-us+f2", seed=5)), "27182", RL)
    assert r.verdict.status == "active", r.verdict
    assert r.descriptors["glasses"] is True


@pytest.mark.parametrize(("spec", "digits", "turns", "code"), [
    (ClipSpec(turns=()), "31415", LR, "liveness_no_turn"),
    (ClipSpec(turns=RL), "31415", LR, "liveness_wrong_order"),
    (ClipSpec(swap_to="hopper"), "31415", LR, "face_inconsistent"),
    (ClipSpec(no_face=True), "31415", LR, "face_not_found"),
    (ClipSpec(two_faces=True), "31415", LR, "face_multiple"),
    (ClipSpec(), "86086", LR, "speech_mismatch"),
    (ClipSpec(digits=None), "31415", LR, "audio_no_speech"),
])
def test_a_bad_clip_is_rejected_with_its_reason(clip: Callable, spec: ClipSpec, digits: str,
                                                turns: tuple[str, ...], code: str) -> None:
    r = _verify(clip(spec), digits, turns)
    assert r.verdict.status == "rejected"
    assert r.verdict.rejection is not None and r.verdict.rejection.code == code


def test_a_face_close_to_another_users_cameo_is_a_duplicate(clip: Callable) -> None:
    r = _verify(clip(ClipSpec()), nearest=("cameo_x", 0.2))
    assert r.verdict.rejection is not None and r.verdict.rejection.code == "duplicate_identity"
    assert r.nearest == ("cameo_x", 0.2)


def test_a_borderline_face_goes_to_review(clip: Callable) -> None:
    assert _verify(clip(ClipSpec()), nearest=("cameo_x", 0.55)).verdict.status == "in_review"


def test_garbage_bytes_are_invalid_media(tmp_path: Path) -> None:
    p = tmp_path / "x.mp4"
    p.write_bytes(b"not a video at all" * 100)
    r = _verify(p)
    assert r.verdict.rejection is not None and r.verdict.rejection.code == "media_invalid"


def test_a_clip_without_sound_is_invalid_media(tmp_path: Path) -> None:
    p = tmp_path / "silent.mp4"
    frames = [np.zeros((90, 160, 3), np.uint8)] * 40
    encode_mp4(frames, None, p, width=160, height=90, fps=10, n_frames=40)
    r = _verify(p)
    assert r.verdict.rejection is not None and r.verdict.rejection.code == "media_invalid"


def test_a_clip_over_15_seconds_is_too_long(tmp_path: Path) -> None:
    p = tmp_path / "long.mp4"
    frames = [np.zeros((90, 160, 3), np.uint8)] * 160
    audio = np.zeros((16 * 48000, 2), np.float32)
    encode_mp4(frames, audio, p, width=160, height=90, fps=10, n_frames=160)
    r = _verify(p)
    assert r.verdict.rejection is not None and r.verdict.rejection.code == "media_too_long"
