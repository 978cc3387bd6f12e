"""Pydantic models at the API edge (OpenAI Videos API shapes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from reelcast.store.models import VideoJob


class VideoError(BaseModel):
    """Why a video failed."""

    code: str
    message: str
    param: str | None = None
    type: str | None = None
    headers: dict[str, str] | None = None
    misalignment: dict[str, Any] | None = None


class Video(BaseModel):
    """A video job as the OpenAI Videos API returns it (every key always present), plus `seed`."""

    id: str
    object: Literal["video"] = "video"
    created_at: int
    completed_at: int | None
    expires_at: int | None
    error: VideoError | None
    model: str
    progress: int
    prompt: str | None
    remixed_from_video_id: str | None
    seconds: str
    size: str
    status: Literal["queued", "in_progress", "completed", "failed"]
    seed: int = Field(description="reelcast extension: same prompt + seed + version gives the same bytes")

    @classmethod
    def from_job(cls, job: VideoJob) -> Video:
        """Build the wire object from a job row."""
        err = None
        if job.status == "failed":
            err = VideoError(code=job.error_code or "failed", message=job.error_message or "")
        return cls(
            id=job.id, created_at=job.created_at, completed_at=job.completed_at, expires_at=job.expires_at,
            error=err, model=job.model, progress=job.progress, prompt=job.prompt,
            remixed_from_video_id=job.remixed_from_video_id, seconds=job.seconds, size=job.size,
            status=job.status,  # type: ignore[arg-type]
            seed=job.seed,
        )


class VideoList(BaseModel):
    """A cursor page of videos."""

    object: Literal["list"] = "list"
    data: list[Video]
    first_id: str | None
    last_id: str | None
    has_more: bool


class VideoDeleted(BaseModel):
    """Response of DELETE /videos/{id}."""

    id: str
    object: Literal["video.deleted"] = "video.deleted"
    deleted: bool


class RemixBody(BaseModel):
    """Body of POST /videos/{id}/remix."""

    prompt: str


class CharacterOut(BaseModel):
    """A character created from a video."""

    id: str | None
    created_at: int
    name: str | None


class VideoPlan(BaseModel):
    """How the prompt was understood and what the simulation did."""

    object: Literal["video.plan"] = "video.plan"
    video_id: str
    status: str
    plan: dict[str, Any] | None
    events: list[dict[str, Any]] = Field(description="Every physical contact: t (s), body_a, body_b, impulse (N·s)")


class ModelInfo(BaseModel):
    """An entry of GET /models."""

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str
    profile: str
    description: str


class ModelList(BaseModel):
    """GET /models."""

    object: Literal["list"] = "list"
    data: list[ModelInfo]
