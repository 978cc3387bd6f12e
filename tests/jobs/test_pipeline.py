"""The render pipeline: determinism, reference image, extension stitching."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from reelcast.jobs.pipeline import RenderRequest, render
from reelcast.media.probe import decode_frames, probe
from reelcast.store.blobs import BlobStore

PROMPT = "a red ball bounces on the floor"


def _render(tmp_path, **kw):  # type: ignore[no-untyped-def]
    req = RenderRequest(**{"prompt": PROMPT, "seconds": 1.0, "width": 160, "height": 90, "seed": 7, **kw})
    return render(req, BlobStore(tmp_path))


def test_same_prompt_and_seed_give_identical_bytes(tmp_path):
    a = _render(tmp_path / "a")
    b = _render(tmp_path / "b")
    assert hashlib.sha256(a.video_path.read_bytes()).digest() == hashlib.sha256(b.video_path.read_bytes()).digest()


def test_different_seed_changes_the_video(tmp_path):
    a = _render(tmp_path / "a", seed=1, prompt="a basketball player shoots at the hoop")
    b = _render(tmp_path / "b", seed=2, prompt="a basketball player shoots at the hoop")
    assert a.video_path.read_bytes() != b.video_path.read_bytes()


def test_reference_image_is_the_first_frame(tmp_path):
    ref = np.zeros((90, 160, 3), np.uint8)
    ref[..., 2] = 255  # pure blue
    out = _render(tmp_path, reference=ref)
    frames, _ = decode_frames(out.video_path)
    first = frames[0].astype(int).mean(axis=(0, 1))
    assert first[2] > 200 and first[0] < 60
    assert "input_reference" in " ".join(out.plan.notes)


def test_extension_stitches_source_then_continuation(tmp_path):
    src = _render(tmp_path / "src")
    out = _render(tmp_path / "ext", prompt="the ball rolls away", prefix_video=src.video_path)
    assert out.seconds == pytest.approx(2.0)
    assert probe(out.video_path).n_frames == 48


def test_progress_is_reported_up_to_completion(tmp_path):
    seen: list[float] = []
    req = RenderRequest(prompt=PROMPT, seconds=1.0, width=160, height=90, seed=7)
    render(req, BlobStore(tmp_path), on_progress=seen.append)
    assert seen == sorted(seen) and seen[-1] > 0.9
