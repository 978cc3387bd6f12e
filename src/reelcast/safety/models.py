"""Tables of the safety feature: decision audit, reports, takedowns, suspensions (migration 0007_safety)."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reelcast.store.models import Base


class SafetyAudit(Base):
    """One safety decision or moderation action: prompt checks, output checks, reports and operator actions."""

    __tablename__ = "safety_audit"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[int] = mapped_column(BigInteger, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)  # kept after deletion
    action: Mapped[str] = mapped_column(String(32), index=True)  # prompt_check | output_check | report | <action>
    target_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    target_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # allowed | blocked | passed | failed | done
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Report(Base):
    """A user's report of a post, video, cameo, user or comment, waiting in the moderation queue."""

    __tablename__ = "moderation_reports"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[int] = mapped_column(BigInteger, index=True)
    reporter_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")  # open | actioned | dismissed
    resolution: Mapped[str | None] = mapped_column(String(32), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resolved_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Takedown(Base):
    """Content an operator took down; nothing of it is served while `active`."""

    __tablename__ = "moderation_takedowns"

    target_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class Suspension(Base):
    """A suspended account: its API keys stop working while `active`."""

    __tablename__ = "moderation_suspensions"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)
