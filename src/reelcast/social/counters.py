"""The denormalised counters on `posts` (like_count, comment_count, remix_count), kept exact by every write.

Each change is one atomic `UPDATE posts SET n = n + d` in the writer's own transaction, made only when a row was
really inserted or deleted (likes are idempotent), so concurrent writers never lose an update. A post's
`remix_count` is the number of live (not deleted) remix jobs of its video, on every post of that video (a video
posted again, or a post restored by a moderator, shows the right number).

Writers: `social.posts` (like, unlike, comment, publish), `api.videos._enqueue` (a remix job created),
`social.cameos.remove_video`, `api.videos.delete_video`, `safety.moderation` (take-downs and restores of videos,
posts and comments) and `api.social.delete_me` (the account's likes and comments go with it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reelcast.store.models import VideoJob
from reelcast.store.social_models import Comment, Like, Post


def likes_changed(s: Session, post_id: str, delta: int) -> None:
    """A like of the post was inserted (+1) or deleted (-1)."""
    _bump(s, Post.id == post_id, Post.like_count, delta)


def comments_changed(s: Session, post_id: str, delta: int) -> None:
    """A comment on the post was inserted (+1) or deleted (-1)."""
    _bump(s, Post.id == post_id, Post.comment_count, delta)


def remixes_changed(s: Session, job: VideoJob, delta: int) -> None:
    """The job became live (+1: created, restored) or deleted (-1); counts only if it remixes a video."""
    if job.remixed_from_video_id:
        _bump(s, Post.video_id == job.remixed_from_video_id, Post.remix_count, delta)


def _bump(s: Session, where: Any, column: Any, delta: int) -> None:
    # "fetch": posts loaded in this session get the value the UPDATE wrote (RETURNING where the database has it)
    s.execute(update(Post).where(where).values({column: column + delta})
              .execution_options(synchronize_session="fetch"))


def video_deleted(s: Session, job: VideoJob, now: int) -> None:
    """Mark a video deleted, if no one did yet, and then take its remix off the remixed video's posts."""
    if _set_deleted_at(s, job, VideoJob.deleted_at.is_(None), now):
        remixes_changed(s, job, -1)


def video_restored(s: Session, job: VideoJob) -> None:
    """Undelete a video, if it is deleted, and then count its remix again on the remixed video's posts."""
    if _set_deleted_at(s, job, VideoJob.deleted_at.is_not(None), None):
        remixes_changed(s, job, +1)


def _set_deleted_at(s: Session, job: VideoJob, only_if: Any, value: int | None) -> bool:
    # one conditional UPDATE: of two concurrent deletes only the one that changed the row counts it
    res = s.execute(update(VideoJob).where(VideoJob.id == job.id, only_if).values(deleted_at=value)
                    .execution_options(synchronize_session=False))
    s.refresh(job, ["deleted_at"])
    return bool(res.rowcount)


def live_remixes(s: Session, video_id: str) -> int:
    """The live remix jobs of a video: a new post of it starts with this `remix_count`."""
    return s.scalar(_live_remixes_of(video_id)) or 0


def _live_remixes_of(video_id: Any) -> Any:
    """count(*) of the live (not deleted) remix jobs of a video id (a value or a correlated column)."""
    return select(func.count()).select_from(VideoJob).where(VideoJob.remixed_from_video_id == video_id,
                                                            VideoJob.deleted_at.is_(None))


def user_leaving(s: Session, user_id: str) -> None:
    """Before a user row is deleted (its likes and comments go with it by ON DELETE CASCADE): uncount them."""
    liked = select(Like.post_id).where(Like.user_id == user_id)
    s.execute(update(Post).where(Post.id.in_(liked)).values(like_count=Post.like_count - 1)
              .execution_options(synchronize_session=False))
    theirs = (select(func.count()).select_from(Comment)
              .where(Comment.post_id == Post.id, Comment.user_id == user_id).scalar_subquery())
    commented = select(Comment.post_id).where(Comment.user_id == user_id)
    s.execute(update(Post).where(Post.id.in_(commented)).values(comment_count=Post.comment_count - theirs)
              .execution_options(synchronize_session=False))


def recount(s: Session) -> None:
    """Set every post's counters from its rows (what migration 0014 did): after bulk loads that bypass the writers."""
    s.execute(update(Post).values(
        like_count=select(func.count()).select_from(Like).where(Like.post_id == Post.id).scalar_subquery(),
        comment_count=select(func.count()).select_from(Comment).where(Comment.post_id == Post.id).scalar_subquery(),
        remix_count=_live_remixes_of(Post.video_id).scalar_subquery(),
    ).execution_options(synchronize_session=False))
