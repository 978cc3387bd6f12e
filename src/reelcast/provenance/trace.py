"""Analyse a suspect file (video or image) once: C2PA report, watermark detection and fingerprint query hashes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, UnidentifiedImageError

from reelcast.provenance import fingerprint as fp
from reelcast.provenance import watermark as wm

WATERMARK_FRAMES = 48  # consecutive frames accumulated for the watermark (any 8 suffice on good content)


@dataclass
class Analysis:
    """What a suspect file yields for tracing."""

    is_image: bool
    samples: int
    query: list[fp.FrameHash]
    detection: wm.Detection


def analyse_image(data: bytes) -> Analysis:
    """Hash and watermark-scan a still image (a screenshot of one frame)."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            rgb = np.asarray(img.convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError("file is not a readable image or video") from exc
    rgb = np.ascontiguousarray(rgb)
    return Analysis(True, 1, fp.query_hashes(rgb, 0.0), wm.detect([rgb]))


def analyse_video(path: Path) -> Analysis:
    """One decoding pass: dense fingerprint samples and an accumulated watermark residual."""
    query: list[fp.FrameHash] = []
    acc: np.ndarray | None = None
    n_acc = 0
    samples = 0
    next_t = 0.0
    try:
        with av.open(str(path)) as c:
            if not c.streams.video:
                raise ValueError("file has no video stream")
            stream = c.streams.video[0]
            stream.thread_type = "AUTO"
            t0: float | None = None
            for frame in c.decode(stream):
                rgb = frame.to_ndarray(format="rgb24")
                t = float(frame.time) if frame.time is not None else samples * fp.QUERY_EVERY
                t0 = t if t0 is None else t0
                t -= t0
                if n_acc < WATERMARK_FRAMES:
                    r = wm.residual(rgb)
                    acc = r if acc is None else acc + r
                    n_acc += 1
                if t + 1e-6 >= next_t:
                    query.extend(fp.query_hashes(rgb, t))
                    samples += 1
                    while next_t <= t + 1e-6:
                        next_t += fp.QUERY_EVERY
    except av.error.FFmpegError as exc:
        raise ValueError(f"file is not a readable video: {exc}") from exc
    if acc is None:
        raise ValueError("video has no frames")
    return Analysis(False, samples, query, wm.detect_residual(acc))


def analyse(data: bytes, path: Path) -> Analysis:
    """Analyse bytes already written to `path`: images by content, everything else as video."""
    head = data[:16]
    webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n" or webp:
        return analyse_image(data)
    return analyse_video(path)
