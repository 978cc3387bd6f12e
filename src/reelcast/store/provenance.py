"""Provenance tables (watermark payloads, frame fingerprints) and their queries."""

from __future__ import annotations

import time

from sqlalchemy import BigInteger, Float, Integer, LargeBinary, SmallInteger, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from reelcast.store.models import Base, VideoJob


class ProvenanceMark(Base):
    """The invisible-watermark payload a video carries."""

    __tablename__ = "provenance_marks"

    video_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[int] = mapped_column(BigInteger, unique=True, index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)


class Fingerprint(Base):
    """One PDQ hash of a sampled frame of a completed video."""

    __tablename__ = "provenance_fingerprints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    video_id: Mapped[str] = mapped_column(String(64), index=True)
    t: Mapped[float] = mapped_column(Float)
    kind: Mapped[int] = mapped_column(SmallInteger)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    quality: Mapped[int] = mapped_column(SmallInteger, default=0)


def record_mark(s: Session, video_id: str, payload: int) -> None:
    """Remember which payload a video carries (idempotent)."""
    if s.get(ProvenanceMark, video_id) is None:
        s.add(ProvenanceMark(video_id=video_id, payload=payload, created_at=int(time.time())))


def video_for_payload(s: Session, payload: int) -> str | None:
    """The video id a decoded watermark payload belongs to."""
    return s.scalar(select(ProvenanceMark.video_id).where(ProvenanceMark.payload == payload))


def count_marks(s: Session) -> int:
    """How many videos carry a registered watermark payload."""
    from sqlalchemy import func

    return int(s.scalar(select(func.count()).select_from(ProvenanceMark)) or 0)


def all_marks(s: Session) -> list[tuple[str, int]]:
    """Every (video id, payload), for list decoding."""
    return [(r[0], int(r[1])) for r in s.execute(select(ProvenanceMark.video_id, ProvenanceMark.payload))]


def replace_fingerprints(s: Session, video_id: str, rows: list[tuple[float, int, bytes, int]]) -> None:
    """Store a video's hashes (t, kind, hash, quality), replacing earlier ones."""
    if s.scalar(select(Fingerprint.id).where(Fingerprint.video_id == video_id).limit(1)) is not None:
        return  # completion is idempotent; the first set stays
    s.add_all(Fingerprint(video_id=video_id, t=t, kind=k, hash=h, quality=q) for t, k, h, q in rows)


def fingerprints_after(s: Session, last_id: int, limit: int = 200_000) -> list[tuple[int, str, float, bytes]]:
    """Fingerprint rows with id > last_id, oldest first: (id, video_id, t, hash)."""
    q = (select(Fingerprint.id, Fingerprint.video_id, Fingerprint.t, Fingerprint.hash)
         .where(Fingerprint.id > last_id).order_by(Fingerprint.id).limit(limit))
    return [(r[0], r[1], r[2], bytes(r[3])) for r in s.execute(q)]


def video_summary(s: Session, video_id: str) -> dict[str, object] | None:
    """Creator handle and creation time of a live (not deleted) video."""
    from reelcast.store.models import User

    row = s.execute(select(VideoJob, User.handle).join(User, User.id == VideoJob.user_id)
                    .where(VideoJob.id == video_id)).first()
    if row is None or row[0].deleted_at is not None:
        return None
    return {"video_id": video_id, "creator": row[1], "created_at": row[0].created_at}
