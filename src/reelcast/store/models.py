"""SQLAlchemy 2 table models."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base for all tables."""


class User(Base):
    """An account; API keys and videos belong to one."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(BigInteger)
    # social profile (migration 0002_social)
    password_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    birthdate: Mapped[str | None] = mapped_column(String(10), nullable=True)  # YYYY-MM-DD
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")
    avatar_blob: Mapped[str | None] = mapped_column(String(80), nullable=True)
    invited_by_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


# case-insensitive lookups (migration 0015_case_insensitive_lookups)
Index("ix_users_handle_lower", func.lower(User.handle))
Index("ix_users_display_name_lower", func.lower(User.display_name))


class ApiKey(Base):
    """A Bearer key, stored only as a SHA-256 hash."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class VideoJob(Base):
    """A video: the job that renders it and, once completed, its assets."""

    __tablename__ = "videos"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="create")  # create | remix | edit | extend
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(32), default="sim")
    quality: Mapped[str] = mapped_column(String(16), default="auto")
    prompt: Mapped[str] = mapped_column(Text)
    seconds: Mapped[str] = mapped_column(String(8))
    size: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(BigInteger, default=0)
    remixed_from_video_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_video_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_blob: Mapped[str | None] = mapped_column(String(80), nullable=True)  # uploaded video for edit/extend
    reference_blob: Mapped[str | None] = mapped_column(String(80), nullable=True)  # input_reference image
    plan: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    events: Mapped[list | None] = mapped_column(JSON, nullable=True)
    video_blob: Mapped[str | None] = mapped_column(String(80), nullable=True)
    thumbnail_blob: Mapped[str | None] = mapped_column(String(80), nullable=True)
    spritesheet_blob: Mapped[str | None] = mapped_column(String(80), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger, index=True)
    started_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    completed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    expires_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    deleted_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(80), nullable=True)
    lease_expires_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Character(Base):
    """A character registered from a video through the Videos API (`create_character`)."""

    __tablename__ = "characters"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    video_blob: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[int] = mapped_column(BigInteger)
