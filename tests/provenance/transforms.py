"""Real transforms of a video file with PyAV (re-encode, resize, crop, trim, flip, overlay, screenshot, strip)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image


def read_frames(path: Path) -> tuple[list[np.ndarray], int]:
    """All RGB frames and the frame rate."""
    with av.open(str(path)) as c:
        rate = int(round(float(c.streams.video[0].average_rate or 24)))
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)], rate


def write_video(frames: list[np.ndarray], path: Path, fps: int, crf: int = 23) -> Path:
    """Encode RGB frames to H.264 (no audio, no metadata)."""
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w - w % 2, h - h % 2, "yuv420p"
        s.options = {"crf": str(crf), "preset": "veryfast"}
        for f in frames:
            f = np.ascontiguousarray(f[: h - h % 2, : w - w % 2])
            for p in s.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


def _overlay(f: np.ndarray) -> np.ndarray:
    out = f.copy()
    h, w = out.shape[:2]
    cv2.rectangle(out, (0, int(h * 0.82)), (w, h), (0, 0, 0), -1)
    cv2.putText(out, "@someone reposted this", (8, h - 10), cv2.FONT_HERSHEY_SIMPLEX, h / 400, (255, 255, 255), 1)
    return out


def _crop(f: np.ndarray) -> np.ndarray:
    h, w = f.shape[:2]
    return f[int(h * 0.05): int(h * 0.95), int(w * 0.05): int(w * 0.95)]


VIDEO_TRANSFORMS: dict[str, Callable[[list[np.ndarray], int], list[np.ndarray]]] = {
    "reencode_crf32": lambda fr, fps: fr,
    "resize_50": lambda fr, fps: [cv2.resize(f, (f.shape[1] // 2, f.shape[0] // 2), interpolation=cv2.INTER_AREA)
                                  for f in fr],
    "crop_10": lambda fr, fps: [_crop(f) for f in fr],
    "trim_1s": lambda fr, fps: fr[fps:],
    "hflip": lambda fr, fps: [np.ascontiguousarray(f[:, ::-1]) for f in fr],
    "text_overlay": lambda fr, fps: [_overlay(f) for f in fr],
    "strip_metadata": lambda fr, fps: fr,
}


def transform(src: Path, name: str, out_dir: Path) -> Path:
    """Apply one named transform for real and return the new file (decoded and re-encoded, so C2PA is gone)."""
    frames, fps = read_frames(src)
    if name == "screenshot":
        buf = io.BytesIO()
        Image.fromarray(frames[len(frames) // 2]).save(buf, format="PNG")
        out = out_dir / f"{src.stem}-{name}.png"
        out.write_bytes(buf.getvalue())
        return out
    crf = 32 if name == "reencode_crf32" else (18 if name == "strip_metadata" else 23)
    return write_video(VIDEO_TRANSFORMS[name](frames, fps), out_dir / f"{src.stem}-{name}.mp4", fps, crf)
