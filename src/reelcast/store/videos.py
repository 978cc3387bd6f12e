"""Video job rows: create, read, list with cursors, claim with leases, complete exactly once."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from reelcast.domain.ids import new_id
from reelcast.store.models import Character, VideoJob

PENDING = ("queued", "in_progress")


def create_video(s: Session, **fields: object) -> VideoJob:
    """Insert a queued video job."""
    job = VideoJob(id=new_id("video"), status="queued", progress=0, created_at=int(time.time()), **fields)
    s.add(job)
    s.flush()
    return job


def get_video(s: Session, video_id: str, user_id: str | None = None) -> VideoJob | None:
    """A non-deleted video, optionally restricted to its owner."""
    job = s.get(VideoJob, video_id)
    if job is None or job.deleted_at is not None:
        return None
    if user_id is not None and job.user_id != user_id:
        return None
    return job


@dataclass
class Page:
    """One page of a cursor-paginated list."""

    items: list[VideoJob]
    has_more: bool


def list_videos(s: Session, user_id: str, *, after: str | None, limit: int, order: str) -> Page:
    """List a user's videos by creation (ids sort by time), `after` being the last id seen."""
    q = select(VideoJob).where(VideoJob.user_id == user_id, VideoJob.deleted_at.is_(None))
    if after:
        q = q.where(VideoJob.id > after) if order == "asc" else q.where(VideoJob.id < after)
    q = q.order_by(VideoJob.id.asc() if order == "asc" else VideoJob.id.desc()).limit(limit + 1)
    rows = list(s.scalars(q))
    return Page(items=rows[:limit], has_more=len(rows) > limit)


def count_created_since(s: Session, user_id: str, since: int) -> int:
    """Videos a user created since a unix time (deleted ones count: quota is spent at creation)."""
    return s.scalar(
        select(func.count()).select_from(VideoJob).where(VideoJob.user_id == user_id, VideoJob.created_at >= since)
    ) or 0


def claim_next(s: Session, worker_id: str, lease_seconds: int) -> VideoJob | None:
    """Atomically claim the oldest queued job, or one whose lease expired; None if none is ready."""
    now = int(time.time())
    ready = and_(
        VideoJob.deleted_at.is_(None),
        or_(VideoJob.status == "queued", and_(VideoJob.status == "in_progress", VideoJob.lease_expires_at < now)),
    )
    for candidate in s.scalars(select(VideoJob.id).where(ready).order_by(VideoJob.id).limit(5)):
        res = s.execute(
            update(VideoJob)
            .where(VideoJob.id == candidate, ready)
            .values(
                status="in_progress",
                lease_owner=worker_id,
                lease_expires_at=now + lease_seconds,
                attempts=VideoJob.attempts + 1,
                started_at=func.coalesce(VideoJob.started_at, now),
            )
            .execution_options(synchronize_session=False)
        )
        if res.rowcount == 1:
            s.commit()
            return s.get(VideoJob, candidate, populate_existing=True)
    s.rollback()
    return None


def claim(s: Session, job_id: str, worker_id: str, lease_seconds: int) -> VideoJob | None:
    """Atomically claim this job if it is queued or its lease expired; None if done, deleted or leased."""
    now = int(time.time())
    ready = and_(
        VideoJob.deleted_at.is_(None),
        or_(VideoJob.status == "queued", and_(VideoJob.status == "in_progress", VideoJob.lease_expires_at < now)),
    )
    res = s.execute(
        update(VideoJob)
        .where(VideoJob.id == job_id, ready)
        .values(status="in_progress", lease_owner=worker_id, lease_expires_at=now + lease_seconds,
                attempts=VideoJob.attempts + 1, started_at=func.coalesce(VideoJob.started_at, now))
        .execution_options(synchronize_session=False)
    )
    if res.rowcount != 1:
        s.rollback()
        return None
    s.commit()
    return s.get(VideoJob, job_id, populate_existing=True)


def stranded(s: Session, older_than: int, limit: int = 500) -> list[tuple[str, int, str]]:
    """(id, attempts, engine) of jobs queued before `older_than` or whose lease expired: to re-enqueue."""
    now = int(time.time())
    q = select(VideoJob.id, VideoJob.attempts, VideoJob.engine).where(
        VideoJob.deleted_at.is_(None),
        or_(and_(VideoJob.status == "queued", VideoJob.created_at <= older_than),
            and_(VideoJob.status == "in_progress", VideoJob.lease_expires_at < now)),
    ).order_by(VideoJob.id).limit(limit)
    return [(r[0], r[1], r[2]) for r in s.execute(q)]


def count_by_status(s: Session) -> dict[str, int]:
    """Live jobs per status (for metrics)."""
    rows = s.execute(select(VideoJob.status, func.count()).where(VideoJob.deleted_at.is_(None))
                     .group_by(VideoJob.status))
    return {str(k): int(v) for k, v in rows}


def queue_position(s: Session, job_id: str) -> tuple[int, int]:
    """(queued jobs that will be claimed before `job_id`, jobs in progress now) — claims go in id order."""
    pending = and_(VideoJob.status.in_(PENDING), VideoJob.deleted_at.is_(None))
    ahead = func.coalesce(func.sum(case((and_(VideoJob.status == "queued", VideoJob.id < job_id), 1), else_=0)), 0)
    running = func.coalesce(func.sum(case((VideoJob.status == "in_progress", 1), else_=0)), 0)
    row = s.execute(select(ahead, running).where(pending)).one()
    return int(row[0]), int(row[1])


def recent_render_seconds(s: Session, last: int = 20) -> float | None:
    """Median claim-to-completion seconds of the last `last` completed jobs, None before the first one.

    The median, so a few slow first renders (a worker's warm-up) or a retried job do not skew it."""
    took = list(s.scalars(select(VideoJob.completed_at - VideoJob.started_at)
                          .where(VideoJob.status == "completed", VideoJob.started_at.is_not(None),
                                 VideoJob.completed_at.is_not(None))
                          .order_by(VideoJob.id.desc()).limit(last)))
    return float(statistics.median(took)) if took else None


def heartbeat(s: Session, job_id: str, worker_id: str, lease_seconds: int, progress: int) -> bool:
    """Extend the lease and record progress; False if the job was deleted or taken over."""
    res = s.execute(
        update(VideoJob)
        .where(VideoJob.id == job_id, VideoJob.lease_owner == worker_id, VideoJob.status == "in_progress",
               VideoJob.deleted_at.is_(None))
        .values(lease_expires_at=int(time.time()) + lease_seconds, progress=progress)
        .execution_options(synchronize_session=False)
    )
    s.commit()
    return res.rowcount == 1


def complete(s: Session, job_id: str, worker_id: str, *, commit: bool = True, **fields: object) -> bool:
    """Mark the job completed with its blobs, once; False if another worker owns it or it is done.

    With commit=False the caller commits, so that rows written alongside (the webhook outbox) land atomically.
    """
    res = s.execute(
        update(VideoJob)
        .where(VideoJob.id == job_id, VideoJob.lease_owner == worker_id, VideoJob.status == "in_progress")
        .values(status="completed", progress=100, completed_at=int(time.time()), lease_owner=None,
                lease_expires_at=None, **fields)
        .execution_options(synchronize_session=False)
    )
    if commit:
        s.commit()
    return res.rowcount == 1


def fail(s: Session, job_id: str, worker_id: str | None, code: str, message: str, *, commit: bool = True) -> bool:
    """Mark the job failed with a reason (commit=False: the caller commits, as for complete)."""
    cond = [VideoJob.id == job_id, VideoJob.status.in_(PENDING)]
    if worker_id is not None:
        cond.append(VideoJob.lease_owner == worker_id)
    res = s.execute(
        update(VideoJob)
        .where(*cond)
        .values(status="failed", error_code=code, error_message=message[:2000], completed_at=int(time.time()),
                lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    if commit:
        s.commit()
    return res.rowcount == 1


def save_plan(s: Session, job_id: str, plan: dict) -> None:
    """Store the ScenePlan a job renders from."""
    s.execute(update(VideoJob).where(VideoJob.id == job_id).values(plan=plan)
              .execution_options(synchronize_session=False))
    s.commit()


def find_by_blob(s: Session, user_id: str, blob: str) -> VideoJob | None:
    """A completed video of this user whose MP4 is exactly this blob."""
    return s.scalar(select(VideoJob).where(VideoJob.user_id == user_id, VideoJob.video_blob == blob,
                                           VideoJob.deleted_at.is_(None)).limit(1))


def create_character(s: Session, user_id: str, name: str, video_blob: str) -> Character:
    """Register a character from a video."""
    ch = Character(id=new_id("char"), user_id=user_id, name=name, video_blob=video_blob, created_at=int(time.time()))
    s.add(ch)
    s.flush()
    return ch


def get_character(s: Session, character_id: str, user_id: str) -> Character | None:
    """A character of this user."""
    ch = s.get(Character, character_id)
    return ch if ch is not None and ch.user_id == user_id else None


def blob_in_use(s: Session, key: str, exclude_id: str) -> bool:
    """Whether another live video (identical bytes dedupe to one blob) still uses this blob."""
    cols = (VideoJob.video_blob, VideoJob.thumbnail_blob, VideoJob.spritesheet_blob)
    return s.scalar(
        select(func.count()).select_from(VideoJob).where(
            VideoJob.id != exclude_id, VideoJob.deleted_at.is_(None), or_(*[c == key for c in cols])
        )
    ) > 0
