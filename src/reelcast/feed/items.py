"""Feed items: posts built in a handful of queries (the same PostOut as /v1/posts), breaks and nudges."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reelcast.api.schemas import Video
from reelcast.api.social_schemas import PostOut
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Cameo, CameoAppearance, Comment, Like, Post


def post_outs(s: Session, rows: list[tuple[Post, VideoJob]], viewer: User, *,
              subjects: dict[str, list[str]] | None = None) -> list[PostOut]:
    """PostOut of each (post, video) as `api.posts.post_out` builds it, batched for a page.

    `subjects` (video id → cameo handles) may be passed when the caller already read them.
    """
    if not rows:
        return []
    ids = [p.id for p, _ in rows]
    likes = dict(s.execute(select(Like.post_id, func.count()).where(Like.post_id.in_(ids))
                           .group_by(Like.post_id)).all())
    comments = dict(s.execute(select(Comment.post_id, func.count()).where(Comment.post_id.in_(ids))
                              .group_by(Comment.post_id)).all())
    mine = set(s.scalars(select(Like.post_id).where(Like.user_id == viewer.id, Like.post_id.in_(ids))))
    authors = {u.id: u.handle for u in s.scalars(select(User).where(User.id.in_({p.user_id for p, _ in rows})))}
    parent_vids = {j.remixed_from_video_id for _, j in rows if j.remixed_from_video_id}
    parents: dict[str, str] = {}
    if parent_vids:
        parents = {vid: pid for pid, vid in s.execute(select(Post.id, Post.video_id).where(
            Post.video_id.in_(parent_vids), Post.deleted_at.is_(None))).all()}
    if subjects is None:
        subjects = cameo_handles(s, [j.id for _, j in rows])
    return [PostOut(id=p.id, author=authors.get(p.user_id, ""), caption=p.caption, video=Video.from_job(j),
                    cameos=[f"@{h}" for h in subjects.get(j.id, [])], like_count=int(likes.get(p.id, 0)),
                    comment_count=int(comments.get(p.id, 0)), you_like=p.id in mine,
                    remixed_from_post_id=parents.get(j.remixed_from_video_id) if j.remixed_from_video_id else None,
                    content_url=f"/v1/posts/{p.id}/content", created_at=p.created_at) for p, j in rows]


def cameo_handles(s: Session, video_ids: list[str]) -> dict[str, list[str]]:
    """The cameo handles each video shows."""
    out: dict[str, list[str]] = defaultdict(list)
    if video_ids:
        for vid, handle in s.execute(select(CameoAppearance.video_id, Cameo.handle)
                                     .join(Cameo, Cameo.id == CameoAppearance.cameo_id)
                                     .where(CameoAppearance.video_id.in_(video_ids))).all():
            out[vid].append(handle)
    return out


def post_item(post: PostOut, reason: str) -> dict[str, Any]:
    """A `post` feed item."""
    return {"object": "feed.item", "type": "post", "post": post.model_dump(mode="json"), "reason": reason}


def break_item(message: str, resumes_at: int) -> dict[str, Any]:
    """A `break` feed item (teens at a cap)."""
    return {"object": "feed.item", "type": "break", "message": message, "resumes_at": int(resumes_at)}


def nudge_item(message: str, prompt_idea: str) -> dict[str, Any]:
    """A `nudge` feed item (adults after a long scroll)."""
    return {"object": "feed.item", "type": "nudge", "message": message, "prompt_idea": prompt_idea}
