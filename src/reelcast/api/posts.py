"""Posts: publish, read, like, comment, remix and lineage."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from reelcast.api import videos as video_api
from reelcast.api.deps import current_user, runtime
from reelcast.api.errors import NotFound
from reelcast.api.forms import Body, read_body
from reelcast.api.schemas import RemixBody, Video
from reelcast.api.social import visible_user
from reelcast.api.social_schemas import CommentOut, LineageOut, ListOut, PostOut
from reelcast.domain import video_rules
from reelcast.jobs.provenance import export_visible
from reelcast.jobs.runtime import Runtime
from reelcast.social import cameos
from reelcast.social import posts as svc
from reelcast.social.notify import notify
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Post

router = APIRouter(prefix="/v1", tags=["posts"])

RT = Annotated[Runtime, Depends(runtime)]
CurrentUser = Annotated[User, Depends(current_user)]


def post_out(s: Any, post: Post, job: VideoJob, viewer: User) -> PostOut:
    """A post as the viewer sees it."""
    likes, n_comments, you_like = svc.stats(s, post, viewer)
    author = s.get(User, post.user_id)
    parent = svc.live_post_of_video(s, job.remixed_from_video_id) if job.remixed_from_video_id else None
    return PostOut(id=post.id, author=author.handle if author else "", caption=post.caption,
                   video=Video.from_job(job), cameos=[f"@{c.handle}" for c in cameos.subjects_of(s, job.id)],
                   like_count=likes, comment_count=n_comments, you_like=you_like,
                   remixed_from_post_id=parent.id if parent else None,
                   content_url=f"/v1/posts/{post.id}/content", created_at=post.created_at)


def _embed_for_feed(s: Any, post: Post, job: VideoJob) -> None:
    """Store the post's feed embedding now; if that fails the feed computes it lazily, once."""
    from reelcast.feed import vectors

    try:
        vectors.store_for_post(s, post, job)
    except Exception:  # the model failed to load or run; nothing was added
        logging.getLogger("reelcast.feed").exception("embedding post %s failed; the feed will retry", post.id)


@router.post("/posts", status_code=201, response_model=PostOut, summary="Publish a video")
async def create_post(request: Request, rt: RT, user: CurrentUser) -> PostOut:
    """Post one of your completed videos with a caption."""
    body = await read_body(request)
    return await asyncio.to_thread(_create_post, rt, user, body)  # the feed embedding: off the event loop


def _create_post(rt: Runtime, user: User, body: Body) -> PostOut:
    with rt.db.session() as s:
        post = svc.create(s, user, body.get("video_id"), body.get("caption"))
        job = s.get(VideoJob, post.video_id)
        assert job is not None
        _embed_for_feed(s, post, job)
        return post_out(s, post, job, user)


@router.get("/posts/{post_id}", response_model=PostOut, summary="A post")
def get_post(post_id: str, rt: RT, user: CurrentUser) -> PostOut:
    """A post you may see (404 otherwise)."""
    with rt.db.session() as s:
        post, job = svc.visible(s, user, post_id)
        return post_out(s, post, job, user)


@router.get("/posts/{post_id}/content", summary="A post's video content")
def post_content(post_id: str, rt: RT, user: CurrentUser, variant: str = "video") -> FileResponse:
    """The MP4 (or `thumbnail` / `spritesheet`) of a post you may see."""
    with rt.db.session() as s:
        _, job = svc.visible(s, user, post_id)
    return _asset(rt, job, variant)


@router.get("/posts/{post_id}/download", summary="Download a post to share (visible watermark)")
def post_download(post_id: str, rt: RT, user: CurrentUser) -> FileResponse:
    """A signed share copy of a post you may see, with the moving reelcast mark and the creator's @handle."""
    with rt.db.session() as s:
        post, job = svc.visible(s, user, post_id)
        author = s.get(User, post.user_id)
        handle = author.handle if author is not None else "reelcast"
    if job.status != "completed" or not job.video_blob or not rt.blobs.exists(job.video_blob):
        raise NotFound(f"The video of post '{post_id}' is not available.", param="post_id", code="asset_missing")
    path = export_visible(rt, job, handle)
    return FileResponse(path, media_type="video/mp4", filename=f"{post_id}-reelcast.mp4",
                        background=BackgroundTask(path.unlink, missing_ok=True))


def _asset(rt: Runtime, job: VideoJob, variant: str) -> FileResponse:
    key = {"video": job.video_blob, "thumbnail": job.thumbnail_blob, "spritesheet": job.spritesheet_blob}.get(variant)
    if not key or not rt.blobs.exists(key):
        raise NotFound(f"The {variant} of video '{job.id}' is not available.", param="variant", code="asset_missing")
    return FileResponse(rt.blobs.path(key), media_type=video_api.CONTENT_TYPES[variant])


@router.delete("/posts/{post_id}", summary="Delete a post")
def delete_post(post_id: str, rt: RT, user: CurrentUser) -> dict[str, Any]:
    """Unpost; the video stays as your draft."""
    with rt.db.session() as s:
        svc.delete(s, user, post_id)
    return {"id": post_id, "object": "post.deleted", "deleted": True}


@router.get("/users/{handle}/posts", response_model=ListOut, summary="A user's posts")
def user_posts(handle: str, rt: RT, user: CurrentUser) -> ListOut:
    """The posts of a user you may see, newest first."""
    with rt.db.session() as s:
        author = visible_user(s, user, handle)
        return ListOut(data=[post_out(s, p, j, user) for p, j in svc.by_user(s, user, author)])


@router.post("/posts/{post_id}/like", response_model=PostOut, summary="Like")
def like(post_id: str, rt: RT, user: CurrentUser) -> PostOut:
    """Like a post (idempotent)."""
    with rt.db.session() as s:
        svc.like(s, user, post_id)
        post, job = svc.visible(s, user, post_id)
        return post_out(s, post, job, user)


@router.delete("/posts/{post_id}/like", response_model=PostOut, summary="Unlike")
def unlike(post_id: str, rt: RT, user: CurrentUser) -> PostOut:
    """Remove your like (idempotent)."""
    with rt.db.session() as s:
        svc.unlike(s, user, post_id)
        post, job = svc.visible(s, user, post_id)
        return post_out(s, post, job, user)


@router.post("/posts/{post_id}/comments", status_code=201, response_model=CommentOut, summary="Comment")
async def comment(post_id: str, request: Request, rt: RT, user: CurrentUser) -> CommentOut:
    """Add a comment (`text`)."""
    body = await read_body(request)
    with rt.db.session() as s:
        c = svc.comment(s, user, post_id, body.get("text"))
        return CommentOut(id=c.id, post_id=c.post_id, author=user.handle, text=c.text, created_at=c.created_at)


@router.get("/posts/{post_id}/comments", response_model=ListOut, summary="Comments")
def comments(post_id: str, rt: RT, user: CurrentUser) -> ListOut:
    """Comments, oldest first."""
    with rt.db.session() as s:
        return ListOut(data=[CommentOut(id=c.id, post_id=c.post_id, author=u.handle, text=c.text,
                                        created_at=c.created_at) for c, u in svc.comments(s, user, post_id)])


@router.post("/posts/{post_id}/remix", response_model=Video, summary="Remix a post")
def remix_post(post_id: str, body: RemixBody, response: Response, rt: RT, user: CurrentUser) -> Video:
    """A new video of the post's world and cast with your change; every cameo in it is checked for you."""
    prompt = video_rules.check_prompt(body.prompt)
    with rt.db.session() as s:
        post, src = svc.visible(s, user, post_id)
        if src.status != "completed":
            raise NotFound(f"Post '{post_id}' has no finished video.", param="post_id", code="video_not_ready")
    video = video_api._enqueue(rt, user, response, base_prompt=src.prompt, kind="remix", prompt=prompt,
                               model=src.model, engine=src.engine, quality=src.quality, size=src.size,
                               seconds=src.seconds, seed=src.seed, remixed_from_video_id=src.id,
                               source_video_id=src.id)
    if post.user_id != user.id:
        with rt.db.session() as s:
            notify(s, post.user_id, "remix", {"post_id": post.id, "video_id": video.id, "by": user.handle})
    return video


@router.get("/posts/{post_id}/lineage", response_model=LineageOut, summary="Remix lineage")
def lineage(post_id: str, rt: RT, user: CurrentUser) -> LineageOut:
    """Posts this one was remixed from (nearest first) and posted remixes of it."""
    with rt.db.session() as s:
        ancestors, remixes = svc.lineage(s, user, post_id)
        return LineageOut(post_id=post_id, ancestors=[post_out(s, p, j, user) for p, j in ancestors],
                          remixes=[post_out(s, p, j, user) for p, j in remixes])
