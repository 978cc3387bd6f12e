"""Cameo verification tables: single-use challenges and each person cameo's verification record and references."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reelcast.store.models import Base


class CameoChallenge(Base):
    """Digits to read and head turns to make, bound to one user, single use, short-lived."""

    __tablename__ = "cameo_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digits: Mapped[str] = mapped_column(String(16))
    turns: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cameo_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CameoVerification(Base):
    """The latest verification of a person cameo: outcome, reason, and on success its reference assets."""

    __tablename__ = "cameo_verifications"

    cameo_id: Mapped[str] = mapped_column(ForeignKey("cameos.id", ondelete="CASCADE"), primary_key=True)
    challenge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # verifying | active | in_review | rejected
    rejection_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rejection_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    video_blob: Mapped[str | None] = mapped_column(String(128), nullable=True)
    started_at: Mapped[int] = mapped_column(BigInteger)
    finished_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cpu_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    turns_seen: Mapped[list] = mapped_column(JSON, default=list)
    face_embedding: Mapped[list | None] = mapped_column(JSON, nullable=True)  # 128 floats (dlib ResNet mean)
    voice_embedding: Mapped[list | None] = mapped_column(JSON, nullable=True)
    voice: Mapped[dict] = mapped_column(JSON, default=dict)  # pitch range for the TTS voice
    descriptors: Mapped[dict] = mapped_column(JSON, default=dict)  # current (owner corrections applied)
    estimated: Mapped[dict] = mapped_column(JSON, default=dict)  # as estimated from the crops
    crop_blobs: Mapped[list] = mapped_column(JSON, default=list)
    nearest_cameo_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    nearest_distance: Mapped[float | None] = mapped_column(Float, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
