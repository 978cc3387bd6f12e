"""Feed items: posts built in two or three queries (the same PostOut as /v1/posts), breaks and nudges."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import exists, func, select
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
    # one query: each post's author handle, like and comment counts, and whether the viewer likes it
    n_likes = select(func.count()).select_from(Like).where(Like.post_id == Post.id).scalar_subquery()
    n_comments = select(func.count()).select_from(Comment).where(Comment.post_id == Post.id).scalar_subquery()
    you_like = exists().where(Like.post_id == Post.id, Like.user_id == viewer.id)
    facts = {r[0]: r[1:] for r in s.execute(select(Post.id, User.handle, n_likes, n_comments, you_like)
                                           .outerjoin(User, User.id == Post.user_id).where(Post.id.in_(ids))).all()}
    authors = {p.user_id: facts[p.id][0] for p, _ in rows if p.id in facts and facts[p.id][0] is not None}
    likes = {pid: f[1] for pid, f in facts.items()}
    comments = {pid: f[2] for pid, f in facts.items()}
    mine = {pid for pid, f in facts.items() if f[3]}
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
