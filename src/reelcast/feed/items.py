"""Feed items: a page's posts read in one query (the same PostOut as /v1/posts), breaks and nudges."""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any, NamedTuple

from sqlalchemy import String, any_, bindparam, exists, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from reelcast.api.schemas import Video, VideoError
from reelcast.api.social_schemas import PostOut
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Cameo, CameoAppearance, Like, Post


class PageRow(NamedTuple):
    """A post with all its feed item shows (the columns of `_page_query`, in order)."""

    id: str
    user_id: str
    caption: str
    created_at: int
    video_id: str
    video_created_at: int
    completed_at: int | None
    expires_at: int | None
    status: str
    error_code: str | None
    error_message: str | None
    model: str
    progress: int
    prompt: str
    remixed_from_video_id: str | None
    seconds: str
    size: str
    seed: int
    plan: dict | None
    handle: str | None  # None when the author is gone
    like_count: int
    comment_count: int
    you_like: bool
    parent_post_id: str | None  # the live post of the video it remixes
    has_cameos: bool


def page_rows(s: Session, post_ids: list[str], viewer_id: str) -> list[PageRow]:
    """The live posts of these ids with all a feed item shows, one row each (in no particular order).

    Named tuples, not SQLAlchemy rows: reading a Row's fields by name cost ~1 µs each, ~25 per post.
    """
    if not post_ids:
        return []
    pg = s.get_bind().dialect.name == "postgresql"
    return [PageRow._make(r) for r in s.execute(_page_query(pg), {"ids": post_ids, "viewer_id": viewer_id})]


@functools.cache
def _page_query(pg: bool) -> Any:
    """`page_rows`'s statement, built once (per dialect); on PostgreSQL the ids are one array parameter."""
    parent = aliased(Post)
    you_like = exists().where(Like.post_id == Post.id, Like.user_id == bindparam("viewer_id"))
    parent_post = (select(parent.id).where(parent.video_id == VideoJob.remixed_from_video_id,
                                           parent.deleted_at.is_(None)).limit(1).scalar_subquery())
    has_cameos = exists().where(CameoAppearance.video_id == VideoJob.id)
    ids = (Post.id == any_(bindparam("ids", type_=ARRAY(String))) if pg
           else Post.id.in_(bindparam("ids", expanding=True)))
    return (select(Post.id, Post.user_id, Post.caption, Post.created_at, VideoJob.id.label("video_id"),
                   VideoJob.created_at.label("video_created_at"), VideoJob.completed_at, VideoJob.expires_at,
                   VideoJob.status, VideoJob.error_code, VideoJob.error_message, VideoJob.model, VideoJob.progress,
                   VideoJob.prompt, VideoJob.remixed_from_video_id, VideoJob.seconds, VideoJob.size, VideoJob.seed,
                   VideoJob.plan, User.handle, Post.like_count, Post.comment_count,
                   you_like.label("you_like"), parent_post.label("parent_post_id"), has_cameos.label("has_cameos"))
            .join(VideoJob, VideoJob.id == Post.video_id).outerjoin(User, User.id == Post.user_id)
            .where(ids, Post.deleted_at.is_(None), Post.taken_down_at.is_(None), VideoJob.deleted_at.is_(None)))


def post_out(row: PageRow, cameo_handles: list[str]) -> PostOut:
    """The PostOut of a `page_rows` row, as `api.posts.post_out` builds it (the video as `Video.from_job`)."""
    err = None
    if row.status == "failed":
        err = VideoError(code=row.error_code or "failed", message=row.error_message or "")
    video = Video(id=row.video_id, created_at=row.video_created_at, completed_at=row.completed_at,
                  expires_at=row.expires_at, error=err, model=row.model, progress=row.progress, prompt=row.prompt,
                  remixed_from_video_id=row.remixed_from_video_id, seconds=row.seconds, size=row.size,
                  status=row.status, seed=row.seed)  # type: ignore[arg-type]
    return PostOut(id=row.id, author=row.handle or "", caption=row.caption, video=video,
                   cameos=[f"@{h}" for h in cameo_handles], like_count=int(row.like_count or 0),
                   comment_count=int(row.comment_count or 0), you_like=bool(row.you_like),
                   remixed_from_post_id=row.parent_post_id if row.remixed_from_video_id else None,
                   content_url=f"/v1/posts/{row.id}/content", created_at=row.created_at)


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
