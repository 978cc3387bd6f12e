"""C2PA signing and verification with the local CA."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from reelcast.media.encode import encode_mp4
from reelcast.media.images import spritesheet_jpeg, thumbnail_webp
from reelcast.provenance import c2pa_sign as cs

SOFTWARE = {"name": "reelcast", "version": "test", "engine": "sim", "model": "sora-2"}


@pytest.fixture(scope="module")
def ident(tmp_path_factory: pytest.TempPathFactory) -> cs.SigningIdentity:
    """A fresh local CA and signer."""
    return cs.create_identity(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real MP4 (noise frames, no audio)."""
    rng = np.random.default_rng(1)
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    frames = [rng.integers(0, 255, (90, 160, 3), dtype=np.uint8) for _ in range(12)]
    encode_mp4(iter(frames), None, path, width=160, height=90, fps=24, n_frames=12)
    return path


def _signed(clip: Path, tmp_path: Path, ident: cs.SigningIdentity, **kw) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "signed.mp4"
    shutil.copy(clip, out)
    cs.sign_file(out, cs.ManifestSpec("signed.mp4", "video/mp4", SOFTWARE, **kw), ident)
    return out


def test_signed_mp4_is_trusted_with_our_root_as_anchor(clip: Path, tmp_path: Path, ident) -> None:  # type: ignore[no-untyped-def]
    report = cs.verify_bytes(_signed(clip, tmp_path, ident, video_id="video_1").read_bytes(), ident.root_pem)
    assert report.state == "Trusted" and report.trusted and report.failures == []
    assert report.video_id == "video_1"


def test_without_our_anchor_the_signer_is_untrusted(clip: Path, tmp_path: Path, ident) -> None:  # type: ignore[no-untyped-def]
    report = cs.verify_bytes(_signed(clip, tmp_path, ident).read_bytes(), None)
    assert not report.trusted
    assert any(f["code"] == "signingCredential.untrusted" for f in report.failures)


def test_manifest_records_ai_creation_and_software_agent(clip: Path, tmp_path: Path, ident) -> None:  # type: ignore[no-untyped-def]
    report = cs.verify_bytes(_signed(clip, tmp_path, ident).read_bytes(), ident.root_pem)
    assert report.active_manifest is not None
    actions = next(a for a in report.active_manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    created = actions["data"]["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"] == cs.TRAINED_ALGORITHMIC_MEDIA
    assert created["softwareAgent"]["name"] == "reelcast"
    assert created["parameters"] == {"engine": "sim", "model": "sora-2"}


def test_consent_assertion_lists_each_cameo(clip: Path, tmp_path: Path, ident) -> None:  # type: ignore[no-untyped-def]
    cameos = [{"handle": "@alice", "cameo_id": "cameo_1", "access": "mutuals", "grant": "grant_9"}]
    report = cs.verify_bytes(_signed(clip, tmp_path, ident, consent=cameos).read_bytes(), ident.root_pem)
    assert report.consent == cameos


def test_remix_parent_is_an_ingredient_with_its_own_manifest(clip: Path, tmp_path: Path, ident) -> None:  # type: ignore[no-untyped-def]
    parent = _signed(clip, tmp_path, ident, video_id="video_parent")
    child = tmp_path / "child.mp4"
    shutil.copy(clip, child)
    ing = cs.Ingredient(parent, "video_parent.mp4", "video/mp4", "remix_parent")
    cs.sign_file(child, cs.ManifestSpec("child.mp4", "video/mp4", SOFTWARE, ingredients=[ing]), ident)
    report = cs.verify_bytes(child.read_bytes(), ident.root_pem)
    assert report.trusted and report.manifest_count == 2
    assert report.active_manifest["ingredients"][0]["description"] == "remix_parent"  # type: ignore[index]


def test_flipped_bytes_in_the_media_make_it_invalid(clip: Path, tmp_path: Path, ident) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(_signed(clip, tmp_path, ident).read_bytes())
    pos = data.find(b"mdat") + 200
    data[pos:pos + 16] = bytes(255 - b for b in data[pos:pos + 16])
    report = cs.verify_bytes(bytes(data), ident.root_pem)
    assert report.state == "Invalid" and not report.trusted


def test_remux_strips_the_manifest(clip: Path, tmp_path: Path, ident) -> None:  # type: ignore[no-untyped-def]
    signed = _signed(clip, tmp_path, ident)
    out = tmp_path / "remux.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(signed), "-c", "copy", str(out)], check=True)
    assert not cs.verify_bytes(out.read_bytes(), ident.root_pem).present


@pytest.mark.parametrize(("mime", "make"), [
    ("image/webp", lambda f: thumbnail_webp(f)),
    ("image/jpeg", lambda f: spritesheet_jpeg([f, f])),
])
def test_thumbnails_and_spritesheets_are_signed(mime: str, make, ident) -> None:  # type: ignore[no-untyped-def]
    frame = np.random.default_rng(2).integers(0, 255, (90, 160, 3), dtype=np.uint8)
    data = make(frame)
    signed = cs.sign_bytes(data, cs.ManifestSpec("t", mime, SOFTWARE), ident)
    assert len(signed) < len(data) + 16_000  # no large embedded c2pa thumbnail
    assert cs.verify_bytes(signed, ident.root_pem).state == "Trusted"


def test_load_identity_creates_once_and_reuses(tmp_path: Path) -> None:
    a = cs.load_identity(tmp_path)
    b = cs.load_identity(tmp_path)
    assert a == b and (tmp_path / "c2pa" / "root-ca.pem").exists()
