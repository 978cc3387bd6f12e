"""Tables of the feed: stored post embeddings, feed settings, wellbeing counters, impressions, guardians."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from reelcast.store.models import Base, VideoJob
from reelcast.store.social_models import Post


class PostEmbedding(Base):
    """A post's text embedding (float32 bytes), computed once when it is published (or lazily once)."""

    __tablename__ = "post_embeddings"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # lets caches load only new rows
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[int] = mapped_column(BigInteger)


class FeedSettings(Base):
    """A user's feed switches; the guardian_* and cap columns are set by a linked guardian."""

    __tablename__ = "feed_settings"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    personalized: Mapped[bool] = mapped_column(Boolean, default=True)
    guardian_personalized: Mapped[bool] = mapped_column(Boolean, default=True)
    continuous_feed: Mapped[bool] = mapped_column(Boolean, default=True)
    session_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    daily_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class FeedCounters(Base):
    """What a user has seen this session, this UTC day and since creating something (survives restarts)."""

    __tablename__ = "feed_counters"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    session_started_at: Mapped[int] = mapped_column(BigInteger, default=0)
    session_seen: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[int] = mapped_column(BigInteger, default=0)
    day: Mapped[str] = mapped_column(String(10), default="")
    day_seen: Mapped[int] = mapped_column(Integer, default=0)
    since_create: Mapped[int] = mapped_column(Integer, default=0)
    last_create_at: Mapped[int] = mapped_column(BigInteger, default=0)
    break_until: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedImpression(Base):
    """A post served on one scroll (a cursor chain), so later pages never repeat it."""

    __tablename__ = "feed_impressions"
    __table_args__ = (Index("ix_feed_impressions_created_at", "created_at"),)

    scroll_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(BigInteger)


class GuardianLink(Base):
    """A guardian linked to a teen's account with the teen's consent code."""

    __tablename__ = "guardian_links"

    guardian_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    teen_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)


class GuardianCode(Base):
    """A single-use consent code a teen hands to a guardian."""

    __tablename__ = "guardian_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    teen_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


# Remix counts for ranking look videos up by the video they remix.
Index("ix_videos_remixed_from_video_id", VideoJob.remixed_from_video_id)
# The friends pool reads each followed author's newest posts.
Index("ix_posts_user_id_created_at", Post.user_id, Post.created_at, Post.id)
