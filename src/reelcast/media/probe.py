"""Reading media back: stream facts, decoded frames and audio."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np


class MediaError(ValueError):
    """A media file could not be read or is not what was expected."""


@dataclass
class MediaInfo:
    """Facts about a video file."""

    duration: float
    width: int
    height: int
    fps: float
    n_frames: int
    video_codec: str
    audio_codec: str | None
    sample_rate: int | None
    channels: int | None
    pix_fmt: str | None


def probe(path: Path) -> MediaInfo:
    """Decode the whole file and report what it really contains."""
    try:
        with av.open(str(path)) as c:
            if not c.streams.video:
                raise MediaError("file has no video stream")
            vs = c.streams.video[0]
            a = c.streams.audio[0] if c.streams.audio else None
            n = sum(1 for _ in c.decode(video=0))
            fps = float(vs.average_rate or vs.guessed_rate or 0)
            duration = float(c.duration / 1_000_000) if c.duration else (n / fps if fps else 0.0)
            return MediaInfo(
                duration=duration,
                width=vs.codec_context.width,
                height=vs.codec_context.height,
                fps=fps,
                n_frames=n,
                video_codec=vs.codec_context.name,
                audio_codec=a.codec_context.name if a else None,
                sample_rate=a.codec_context.sample_rate if a else None,
                channels=a.codec_context.channels if a else None,
                pix_fmt=vs.codec_context.pix_fmt,
            )
    except av.FFmpegError as exc:
        raise MediaError(f"not a readable video: {exc}") from exc


def decode_frames(path: Path, width: int | None = None, height: int | None = None) -> tuple[list[np.ndarray], float]:
    """Decode all video frames as RGB (optionally scaled) and return them with the frame rate."""
    try:
        with av.open(str(path)) as c:
            vs = c.streams.video[0]
            fps = float(vs.average_rate or vs.guessed_rate or 24)
            frames = [
                f.to_ndarray(format="rgb24", width=width or f.width, height=height or f.height)
                for f in c.decode(video=0)
            ]
            return frames, fps
    except (av.FFmpegError, IndexError) as exc:
        raise MediaError(f"not a readable video: {exc}") from exc


def decode_audio(path: Path, sample_rate: int = 48000) -> np.ndarray:
    """Decode the first audio stream to (n, 2) float32 at sample_rate; silence-free empty array if none."""
    try:
        with av.open(str(path)) as c:
            if not c.streams.audio:
                return np.zeros((0, 2), np.float32)
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=sample_rate)
            chunks: list[np.ndarray] = []
            for frame in c.decode(audio=0):
                for rf in resampler.resample(frame):
                    chunks.append(rf.to_ndarray())
            for rf in resampler.resample(None):
                chunks.append(rf.to_ndarray())
            if not chunks:
                return np.zeros((0, 2), np.float32)
            return np.concatenate(chunks, axis=1).T.astype(np.float32)
    except av.FFmpegError as exc:
        raise MediaError(f"not a readable audio track: {exc}") from exc
