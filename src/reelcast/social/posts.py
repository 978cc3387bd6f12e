"""Posts, likes, comments and remix lineage."""

from __future__ import annotations

import time

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelcast.domain import social_rules as rules
from reelcast.domain.ids import new_id
from reelcast.social import cameos, counters, graph
from reelcast.social.errors import SocialError, not_found
from reelcast.social.notify import notify
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Comment, Like, Post

MAX_LINEAGE = 50


def live_post_of_video(s: Session, video_id: str) -> Post | None:
    """The live post of a video, if it is posted."""
    return s.scalar(select(Post).where(Post.video_id == video_id, Post.deleted_at.is_(None)))


def create(s: Session, user: User, video_id: object, caption: object) -> Post:
    """Publish one's own completed video with a caption."""
    if not isinstance(video_id, str) or not video_id:
        raise SocialError(400, "Missing required parameter: 'video_id'.", param="video_id",
                          code="missing_required_parameter")
    text = rules.check_text(caption, "caption", rules.MAX_CAPTION)
    job = s.get(VideoJob, video_id)
    if job is None or job.deleted_at is not None or job.user_id != user.id:
        raise not_found("Video", video_id, "video_id")
    if job.status != "completed":
        raise SocialError(400, f"Video '{video_id}' is {job.status}; only completed videos can be posted.",
                          param="video_id", code="video_not_ready")
    if live_post_of_video(s, video_id) is not None:
        raise SocialError(409, f"Video '{video_id}' is already posted.", param="video_id", code="already_posted")
    post = Post(id=new_id("post"), user_id=user.id, video_id=video_id, caption=text, created_at=int(time.time()),
                remix_count=counters.live_remixes(s, video_id))
    s.add(post)
    s.flush()
    return post


def visible(s: Session, viewer: User, post_id: str) -> tuple[Post, VideoJob]:
    """A post and its video if the viewer may see it, else 404 (hidden and missing look the same)."""
    post = s.get(Post, post_id)
    job = s.get(VideoJob, post.video_id) if post is not None else None
    if post is None or job is None or post.deleted_at is not None or \
            not cameos.can_view(s, viewer, job, posted=True):
        raise not_found("Post", post_id, "post_id")
    return post, job


def delete(s: Session, viewer: User, post_id: str) -> Post:
    """Unpost (the author, or an admin); the video becomes a draft again."""
    post, _ = visible(s, viewer, post_id)
    if post.user_id != viewer.id and not viewer.is_admin:
        raise SocialError(403, "Only the author can delete a post.", param="post_id", code="not_author")
    post.deleted_at = int(time.time())
    return post


def by_user(s: Session, viewer: User, author: User, limit: int = 50) -> list[tuple[Post, VideoJob]]:
    """An author's live posts the viewer may see, newest first."""
    rows = s.execute(select(Post, VideoJob).join(VideoJob, VideoJob.id == Post.video_id)
                     .where(Post.user_id == author.id, Post.deleted_at.is_(None), VideoJob.deleted_at.is_(None))
                     .order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)).all()
    return [(p, j) for p, j in rows if cameos.can_view(s, viewer, j, posted=True)]


def stats(s: Session, post: Post, viewer: User) -> tuple[int, int, bool]:
    """(likes, comments, viewer likes it): the post's counters."""
    return post.like_count, post.comment_count, s.get(Like, (post.id, viewer.id)) is not None


def like(s: Session, viewer: User, post_id: str) -> Post:
    """Like a visible post (idempotent); notifies the author once."""
    post, _ = visible(s, viewer, post_id)
    if s.get(Like, (post.id, viewer.id)) is None:
        s.add(Like(post_id=post.id, user_id=viewer.id, created_at=int(time.time())))
        try:
            s.flush()
        except IntegrityError:  # a concurrent like of the same user
            s.rollback()
            return post
        counters.likes_changed(s, post.id, +1)
        if post.user_id != viewer.id:
            notify(s, post.user_id, "like", {"post_id": post.id, "by": viewer.handle})
    return post


def unlike(s: Session, viewer: User, post_id: str) -> Post:
    """Remove a like (idempotent)."""
    post, _ = visible(s, viewer, post_id)
    # counted only if this request deleted it (two concurrent unlikes delete one row)
    if s.execute(sql_delete(Like).where(Like.post_id == post.id, Like.user_id == viewer.id)).rowcount:
        counters.likes_changed(s, post.id, -1)
    return post


def comment(s: Session, viewer: User, post_id: str, text: object) -> Comment:
    """Comment on a visible post; notifies the author."""
    post, _ = visible(s, viewer, post_id)
    body = rules.check_text(text, "text", rules.MAX_COMMENT, required=True)
    c = Comment(id=new_id("comment"), post_id=post.id, user_id=viewer.id, text=body, created_at=int(time.time()))
    s.add(c)
    s.flush()
    counters.comments_changed(s, post.id, +1)
    if post.user_id != viewer.id:
        notify(s, post.user_id, "comment", {"post_id": post.id, "comment_id": c.id, "by": viewer.handle})
    return c


def comments(s: Session, viewer: User, post_id: str) -> list[tuple[Comment, User]]:
    """Comments on a visible post, oldest first, without those of users blocked either way."""
    post, _ = visible(s, viewer, post_id)
    hidden = graph.blocked_ids(s, viewer.id)
    rows = s.execute(select(Comment, User).join(User, User.id == Comment.user_id)
                     .where(Comment.post_id == post.id).order_by(Comment.created_at, Comment.id)).all()
    return [(c, u) for c, u in rows if u.id not in hidden]


def lineage(s: Session, viewer: User, post_id: str) -> tuple[list[tuple[Post, VideoJob]], list[tuple[Post, VideoJob]]]:
    """(ancestors nearest first, remixes newest first) of a post, only the posted ones the viewer may see."""
    _, job = visible(s, viewer, post_id)
    ancestors: list[tuple[Post, VideoJob]] = []
    cur, seen = job, {job.id}
    while cur.remixed_from_video_id and len(seen) < MAX_LINEAGE:
        parent = s.get(VideoJob, cur.remixed_from_video_id)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        p = live_post_of_video(s, parent.id)
        if p is not None and cameos.can_view(s, viewer, parent, posted=True):
            ancestors.append((p, parent))
        cur = parent
    remixes: list[tuple[Post, VideoJob]] = []
    children = s.scalars(select(VideoJob).where(VideoJob.remixed_from_video_id == job.id,
                                                VideoJob.deleted_at.is_(None))
                         .order_by(VideoJob.id.desc()).limit(MAX_LINEAGE))
    for child in children:
        p = live_post_of_video(s, child.id)
        if p is not None and cameos.can_view(s, viewer, child, posted=True):
            remixes.append((p, child))
    return ancestors, remixes
