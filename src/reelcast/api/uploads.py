"""Hostile-upload checks: container facts are read from headers before anything is decoded or stored."""

from __future__ import annotations

from pathlib import Path

import av

from reelcast.api.errors import BadRequest
from reelcast.config import Settings
from reelcast.media.probe import MediaError, probe

VIDEO_CONTAINERS = ("mp4", "mov", "matroska", "webm")


def check_video_header(path: Path, st: Settings, param: str = "video") -> None:
    """Reject files that are not video containers, or whose frame size or duration is absurd, without decoding."""
    try:
        with av.open(str(path)) as c:
            fmt = c.format.name
            if not any(f in fmt.split(",") for f in VIDEO_CONTAINERS):
                raise BadRequest(f"'{param}' is a {fmt.split(',')[0].removesuffix('_pipe')} file, not a video "
                                 "(MP4, MOV, WebM or Matroska).", param=param, code="invalid_video")
            if not c.streams.video:
                raise BadRequest(f"'{param}' has no video stream.", param=param, code="invalid_video")
            vs = c.streams.video[0]
            w, h = vs.codec_context.width, vs.codec_context.height
            duration = float(c.duration / av.time_base) if c.duration else 0.0
            if vs.duration and vs.time_base:
                duration = max(duration, float(vs.duration * vs.time_base))
    except BadRequest:
        raise
    except (av.FFmpegError, OSError, ValueError, MemoryError) as exc:
        raise BadRequest(f"'{param}' is not a readable video file ({type(exc).__name__}).", param=param,
                         code="invalid_video") from exc
    if w <= 0 or h <= 0 or w * h > st.max_upload_pixels:
        raise BadRequest(f"'{param}' has frame size {w}x{h}; at most {st.max_upload_pixels:,} pixels are accepted.",
                         param=param, code="invalid_video_dimensions")
    if duration > st.max_upload_seconds:
        raise BadRequest(f"'{param}' is {duration:.1f} s long; at most {st.max_upload_seconds:g} s are accepted.",
                         param=param, code="invalid_video_duration")


def store_video_upload(rt: object, data: bytes, param: str = "video") -> str:
    """Check an uploaded video in a temp file and move it into the blob store; nothing is left behind on error."""
    from reelcast.jobs.runtime import Runtime

    assert isinstance(rt, Runtime)
    tmp = rt.blobs.temp_path(".upload")
    try:
        tmp.write_bytes(data)
        check_video_header(tmp, rt.settings, param)
        try:
            info = probe(tmp)
        except MediaError as exc:
            raise BadRequest(f"'{param}' is not a readable video file: {exc}", param=param,
                             code="invalid_video") from exc
        if info.n_frames == 0:
            raise BadRequest(f"'{param}' has no frames.", param=param, code="invalid_video")
        return rt.blobs.put_file(tmp, "mp4")
    finally:
        tmp.unlink(missing_ok=True)
