"""Hostile uploads get a clean 4xx with a clear message, leave no temp files and do not disturb the server."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import requests

from reelcast.media.encode import encode_mp4
from tests.api.helpers import png_bytes
from tests.conftest import Server, server_settings, start_server


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(server_settings(tmp_path_factory.mktemp("hostile"), worker="none", max_upload_mb=1,
                                     max_upload_seconds=1.5, max_upload_pixels=400 * 400))
    yield s
    s.stop()
    s.rt.close()


def _mp4(path: Path, seconds: float, w: int = 64, h: int = 36) -> bytes:
    n = int(seconds * 24)
    frames = (np.full((h, w, 3), (i * 7) % 255, np.uint8) for i in range(n))
    encode_mp4(frames, np.zeros((int(seconds * 48000), 2), np.float32), path, width=w, height=h, fps=24, n_frames=n)
    return path.read_bytes()


def _edit(srv: Server, data: bytes, filename: str = "clip.mp4", ctype: str = "video/mp4") -> requests.Response:
    return requests.post(f"{srv.api}/videos/edits", headers={"authorization": f"Bearer {srv.key}"},
                      data={"prompt": "make it night"}, files={"video": (filename, data, ctype)}, timeout=120)


def _png_header_only(w: int, h: int) -> bytes:
    """A PNG whose header claims w×h pixels of highly compressible data (a decompression bomb)."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00" * (1 << 20), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _no_leftovers(srv: Server) -> None:
    assert list((srv.rt.blobs.root / "tmp").iterdir()) == []
    assert [k for k in srv.rt.blobs.stored_keys() if k.endswith(".mp4")] == []


def test_truncated_mp4_is_rejected_cleanly(srv: Server, tmp_path: Path):
    data = _mp4(tmp_path / "a.mp4", 1.0)
    r = _edit(srv, data[: len(data) // 3])
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_video"
    _no_leftovers(srv)


def test_png_named_mp4_is_rejected_cleanly(srv: Server):
    r = _edit(srv, png_bytes(), filename="holiday.mp4")
    assert r.status_code == 400 and r.json()["error"]["param"] == "video"
    assert "png" in r.json()["error"]["message"].lower()
    _no_leftovers(srv)


def test_video_longer_than_the_limit_is_rejected_before_decoding(srv: Server, tmp_path: Path):
    r = _edit(srv, _mp4(tmp_path / "long.mp4", 2.0))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_video_duration"
    _no_leftovers(srv)


def test_video_with_absurd_dimensions_is_rejected(srv: Server, tmp_path: Path):
    r = _edit(srv, _mp4(tmp_path / "wide.mp4", 0.5, w=640, h=360))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_video_dimensions"
    _no_leftovers(srv)


def test_decompression_bomb_reference_image_is_rejected(srv: Server):
    r = requests.post(f"{srv.api}/videos", headers={"authorization": f"Bearer {srv.key}"},
                   data={"prompt": "a ball", "size": "160x90", "seconds": "1"},
                   files={"input_reference": ("bomb.png", _png_header_only(60000, 60000), "image/png")}, timeout=120)
    assert r.status_code == 400 and r.json()["error"]["param"] == "input_reference"
    assert "pixels" in r.json()["error"]["message"]


def test_body_over_the_limit_with_content_length_is_refused_before_reading(srv: Server):
    r = requests.post(f"{srv.api}/videos/edits", headers={"authorization": f"Bearer {srv.key}"},
                   files={"video": ("big.mp4", b"\0" * (2 << 20), "video/mp4")}, timeout=120)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    _no_leftovers(srv)


def test_chunked_body_over_the_limit_is_cut_off_while_streaming(srv: Server):
    sent = [0]

    def body() -> Iterator[bytes]:
        yield (b'--xyz\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\n'
               b"Content-Type: video/mp4\r\n\r\n")
        for _ in range(64):  # 4 MB offered in 64 KB chunks, with no Content-Length
            sent[0] += 1
            yield b"\0" * 65536

    r = requests.post(f"{srv.api}/videos/edits", timeout=120, data=body(),
                   headers={"authorization": f"Bearer {srv.key}",
                            "content-type": "multipart/form-data; boundary=xyz"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    _no_leftovers(srv)


def test_server_still_serves_after_hostile_uploads(srv: Server):
    r = requests.get(f"{srv.url}/readyz", timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ready"
