"""Invisible watermark: invisibility, decoding after real transforms from 8-frame windows, no false payloads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reelcast.jobs.pipeline import RenderRequest, render
from reelcast.provenance import watermark as wm
from reelcast.store.blobs import BlobStore
from tests.provenance.transforms import read_frames, transform, write_video

VIDEO_ID = "video_wm_test"
# the true payload first, then 999 other registered videos
REGISTRY = wm.codewords([wm.payload_for_id(VIDEO_ID)] + [wm.payload_for_id(f"video_other_{i}") for i in range(999)])


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same sim clip rendered with and without the watermark (480x270, 3 s)."""
    d = tmp_path_factory.mktemp("wm")
    out = {}
    for name, wid in (("marked", VIDEO_ID), ("plain", None)):
        o = render(RenderRequest(prompt="a dog runs across a grassy park at sunset", seconds=3, width=480,
                                 height=270, seed=1, watermark_id=wid), BlobStore(d / "blobs"))
        out[name] = o.video_path.rename(d / f"{name}.mp4")
    return out


def _crop(f: np.ndarray) -> np.ndarray:
    h, w = f.shape[:2]
    return f[int(h * 0.05): int(h * 0.95), int(w * 0.05): int(w * 0.95)]


TRANSFORMS = {
    "reencode_crf28": lambda fr: fr,
    "crop_10": lambda fr: [_crop(f) for f in fr],
    "hflip": lambda fr: [np.ascontiguousarray(f[:, ::-1]) for f in fr],
    "trim_1s": lambda fr: fr[24:],
}


def test_payload_is_a_stable_signed_64_bit_number() -> None:
    p = wm.payload_for_id("video_abc")
    assert p == wm.payload_for_id("video_abc") and -(2**63) <= p < 2**63
    assert p != wm.payload_for_id("video_abd")


def test_mark_keeps_psnr_above_36_db(clips: dict[str, Path]) -> None:
    marked, _ = read_frames(clips["marked"])
    plain, _ = read_frames(clips["plain"])
    mse = np.mean([(a.astype(np.float64) - b.astype(np.float64)) ** 2 for a, b in zip(marked, plain, strict=True)])
    assert 10 * np.log10(255**2 / mse) >= 36


def test_mark_is_weaker_on_flat_areas_than_on_texture() -> None:
    flat = np.full((90, 160), 128.0, np.float32)
    textured = np.random.default_rng(0).normal(128, 30, (90, 160)).astype(np.float32)
    assert wm.texture_mask(flat).mean() < 0.5 * wm.texture_mask(textured).mean()


def test_half_resolution_mask_matches_the_full_resolution_statistics() -> None:
    """The mask's local statistics are taken at half resolution; they must stay those of sigma 2 px at full size,
    fine (pixel-level) texture included, or the mark's strength would drift."""
    import cv2

    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:240, 0:428].astype(np.float32)
    y = 90 + 60 * np.sin(xx / 23.0) * np.cos(yy / 17.0) + np.where(xx > 214, rng.normal(0, 12, xx.shape), 0.0)
    y = np.clip(y, 0, 255).astype(np.float32)
    mu = cv2.GaussianBlur(y, (0, 0), 2.0)
    std = np.sqrt(np.maximum(cv2.GaussianBlur(y * y, (0, 0), 2.0) - mu * mu, 0.0))
    full = np.clip((std + 0.5) / 5.0, 0.2, 1.6)
    half = wm.texture_mask(y)
    assert half.shape == y.shape and half.dtype == np.float32
    assert abs(float(half.mean()) - float(full.mean())) < 0.01 * float(full.mean())
    assert float(np.abs(half - full).mean()) < 0.03


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_payload_decodes_from_8_frame_windows_after(name: str, clips: dict[str, Path], tmp_path: Path) -> None:
    frames, fps = read_frames(clips["marked"])
    copy = write_video(TRANSFORMS[name](frames), tmp_path / "t.mp4", fps, crf=28)
    decoded, _ = read_frames(copy)
    windows = [decoded[i:i + 8] for i in range(0, len(decoded) - 7, 8)]
    hits = 0
    for w in windows:
        det = wm.detect(w)
        picked = wm.list_decode(det, REGISTRY)
        hits += det.payload == wm.payload_for_id(VIDEO_ID) or (picked is not None and picked[0] == 0)
    assert hits >= 0.8 * len(windows), f"{hits}/{len(windows)}"


def test_every_8_frame_window_names_the_video_after_a_50_percent_downscale(tmp_path: Path) -> None:
    """Smallest product size, 854x480 → 427x240 re-encoded: each window alone is traced to its video (list
    decoding against the registered payloads, as the trace service does) and never to another one."""
    o = render(RenderRequest(prompt="a red ball bounces on the beach at sunset", seconds=2, width=854, height=480,
                             seed=3, watermark_id=VIDEO_ID), BlobStore(tmp_path / "blobs"))
    decoded, _ = read_frames(transform(o.video_path, "resize_50", tmp_path))
    picks = []
    for i in range(0, len(decoded) - 7, 8):
        det = wm.detect(decoded[i:i + 8])
        picked = wm.list_decode(det, REGISTRY)
        picks.append(0 if det.payload == wm.payload_for_id(VIDEO_ID) else (picked[0] if picked else None))
    assert picks and all(p == 0 for p in picks), picks


def test_unmarked_video_yields_no_payload(clips: dict[str, Path]) -> None:
    frames, _ = read_frames(clips["plain"])
    for i in range(0, len(frames) - 7, 8):
        det = wm.detect(frames[i:i + 8])
        assert det.payload is None and wm.list_decode(det, REGISTRY) is None


def test_list_decoding_never_picks_from_random_soft_bits() -> None:
    rng = np.random.default_rng(3)
    for _ in range(300):
        det = wm.Detection(None, 20.0, 1.0, False, -1, 0.0, rng.normal(size=wm.N_BITS).astype(np.float32))
        assert wm.list_decode(det, REGISTRY) is None


@pytest.mark.parametrize("bad_bytes", [0, 1, 3, 4])
def test_reed_solomon_corrects_up_to_four_byte_errors(bad_bytes: int) -> None:
    bits = wm._encode_bits(12345) * 2 - 1
    soft = bits.copy()
    for b in range(bad_bytes):
        soft[b * 16: b * 16 + 3] *= -1  # three flipped bits in each damaged byte
    payload, _ = wm._rs_decode_soft(soft)
    assert payload == 12345


def test_random_soft_bits_do_not_decode() -> None:
    rng = np.random.default_rng(7)
    decoded = [wm._rs_decode_soft(rng.normal(size=wm.N_BITS))[0] for _ in range(200)]
    # ~1e-3 per try with erasures; a false decode is a random 64-bit number that must also match a stored video
    assert sum(d is not None for d in decoded) <= 4
