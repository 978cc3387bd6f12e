"""Public provenance endpoints: trace a file back to its source video, verify its C2PA manifest, our trust anchor."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from reelcast.api.errors import BadRequest, NotFound, PayloadTooLarge, RateLimited
from reelcast.jobs.runtime import Runtime

router = APIRouter(tags=["provenance"])  # one router (app.py includes it once): /v1/provenance/* + export

MAX_UPLOAD = 512 * 1024 * 1024
RATE_PER_MINUTE = 30  # per client address; tracing decodes whole files


class _Bucket:
    """A per-address token bucket (in process)."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.cap = float(per_minute)
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 if allowed, else seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (self.cap, now))
            tokens = min(self.cap, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._state[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._state[key] = (tokens - 1.0, now)
            return 0.0


_bucket = _Bucket(RATE_PER_MINUTE)


def _limit(request: Request) -> None:
    wait = _bucket.take(request.client.host if request.client else "?")
    if wait > 0:
        raise RateLimited("Too many provenance requests; slow down.", code="rate_limit_exceeded",
                          headers={"retry-after": str(int(wait) + 1)})


async def _upload(request: Request) -> bytes:
    form = await request.form()
    f = form.get("file")
    if f is None or isinstance(f, str):
        raise BadRequest("Send the file to check as multipart field 'file'.", param="file", code="missing_file")
    upload: UploadFile = f  # type: ignore[assignment]
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise PayloadTooLarge(f"File is larger than {MAX_UPLOAD // (1024 * 1024)} MB.", param="file",
                              code="file_too_large")
    if not data:
        raise BadRequest("The uploaded file is empty.", param="file", code="empty_file")
    return data


@router.post("/v1/provenance/trace", summary="Trace a video or image back to its source (public)")
async def trace(request: Request) -> dict[str, Any]:
    """Find the source video of a file by C2PA, invisible watermark and fingerprint."""
    _limit(request)
    rt: Runtime = request.app.state.runtime
    data = await _upload(request)
    from reelcast.jobs import provenance

    def run() -> dict[str, Any]:
        tmp = rt.blobs.temp_path(".upload")
        try:
            Path(tmp).write_bytes(data)
            return provenance.trace_file(rt, data, Path(tmp))
        except ValueError as exc:
            raise BadRequest(str(exc), param="file", code="unreadable_file") from exc
        finally:
            Path(tmp).unlink(missing_ok=True)

    return await asyncio.to_thread(run)


@router.post("/v1/provenance/verify", summary="Validate a file's C2PA manifest (public)")
async def verify(request: Request) -> dict[str, Any]:
    """The C2PA validation report against this server's trust anchor."""
    _limit(request)
    rt: Runtime = request.app.state.runtime
    data = await _upload(request)
    from reelcast.jobs import provenance

    return await asyncio.to_thread(provenance.verify_file, rt, data)


@router.get("/v1/provenance/trust-anchor.pem", summary="This server's C2PA root certificate (add it as a trust anchor)")
def trust_anchor(request: Request) -> Response:
    """The root CA PEM that verifiers should trust for this server's manifests."""
    from reelcast.jobs import provenance

    rt: Runtime = request.app.state.runtime
    return Response(provenance.runtime_identity(rt).root_pem, media_type="application/x-pem-file")


@router.get("/v1/videos/{video_id}/export", summary="Download a share copy with the visible watermark")
def export_video(video_id: str, request: Request, watermark: str = "visible") -> FileResponse:
    """The completed video with the moving reelcast mark + @handle (the raw `content` download has none)."""
    from reelcast.api.deps import current_user
    from reelcast.jobs import provenance
    from reelcast.store import videos as videos_repo

    if watermark != "visible":
        raise BadRequest("Only watermark=visible is supported.", param="watermark", code="invalid_value")
    user = current_user(request)
    rt: Runtime = request.app.state.runtime
    with rt.db.session() as s:
        job = videos_repo.get_video(s, video_id, user.id)
    if job is None:
        raise NotFound(f"Video '{video_id}' not found.", param="video_id", code="video_not_found")
    if job.status != "completed" or not job.video_blob:
        raise BadRequest(f"Video '{video_id}' is not completed.", param="video_id", code="video_not_ready")
    path = provenance.export_visible(rt, job, user.handle)
    return FileResponse(path, media_type="video/mp4", filename=f"{video_id}-reelcast.mp4",
                        background=BackgroundTask(path.unlink, missing_ok=True))
