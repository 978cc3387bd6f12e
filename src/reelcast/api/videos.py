"""The OpenAI-compatible `/v1/videos` endpoints."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse

from reelcast.api.deps import current_user, runtime
from reelcast.api.errors import BadRequest, NotFound
from reelcast.api.forms import Body, image_from_reference, read_body, video_reference
from reelcast.api.limits import reserve_generation
from reelcast.api.schemas import CharacterOut, RemixBody, Video, VideoDeleted, VideoList, VideoPlan
from reelcast.api.uploads import store_video_upload
from reelcast.domain import video_rules as rules
from reelcast.jobs import poll_hints
from reelcast.jobs.pipeline import new_seed
from reelcast.jobs.runtime import Runtime
from reelcast.media.images import ImageError, decode_image
from reelcast.media.probe import probe
from reelcast.prompt.compiler import compile_prompt
from reelcast.safety import service as safety
from reelcast.social import cameos as cameo_service
from reelcast.social import counters
from reelcast.store import videos as repo
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Cameo

router = APIRouter(prefix="/v1", tags=["videos"])

RT = Annotated[Runtime, Depends(runtime)]
CurrentUser = Annotated[User, Depends(current_user)]

CONTENT_TYPES = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}


def _poll_headers(rt: Runtime, job: VideoJob, response: Response) -> None:
    if job.status in repo.PENDING:
        response.headers["openai-poll-after-ms"] = str(poll_hints.poll_after_ms(rt, job))


def _store_reference(rt: Runtime, body: Body) -> str | None:
    data = image_from_reference(body)
    if data is None:
        return None
    try:
        decode_image(data)
    except ImageError as exc:
        raise BadRequest(str(exc), param="input_reference", code="invalid_image") from exc
    return rt.blobs.put_bytes(data, "img")


def _enqueue(rt: Runtime, user: User, response: Response, base_prompt: str | None = None,
             **fields: object) -> Video:
    """Take one of today's quota, store a queued job with its plan preview and wake the worker.

    A request refused after the quota was taken (prompt policy, cameo permissions) gives it back.
    """
    headers, give_back = reserve_generation(rt, user)
    try:
        size = str(fields["size"])
        w, h = (int(x) for x in size.split("x"))
        text = str(fields["prompt"]) if not base_prompt else f"{base_prompt}\n\n{fields['prompt']}"
        safety.check_prompt(rt.db, rt.settings, user, text, kind=str(fields.get("kind", "create")))
        plan = compile_prompt(text, float(str(fields["seconds"])), w, h)
        with rt.db.session() as s:
            uses = cameo_service.authorize(s, user, plan, text)  # 400/403 per @mention; applies preferences
            job = repo.create_video(s, user_id=user.id, plan=plan.to_dict(), **fields)
            counters.remixes_changed(s, job, +1)
            cameo_service.record_appearances(s, job, uses)
    except BaseException:
        give_back()
        raise
    response.headers.update(headers)
    rt.dispatch(job.id, job.engine)
    _poll_headers(rt, job, response)
    return Video.from_job(job)


def _common(rt: Runtime, body: Body, *, default_size: str | None = None, default_seconds: str | None = None
            ) -> dict[str, object]:
    st = rt.settings
    prompt = rules.check_prompt(body.get("prompt"))
    model, profile = rules.resolve_model(body.get("model"))
    if profile.engine == "diffusers" and not st.diffusers_models:
        raise BadRequest(f"Model '{model}' runs on the diffusers engine, which this server is not configured for: "
                         "the operator must set REELCAST_DIFFUSERS_MODELS to a directory of local weights "
                         "(README, 'Using a GPU').", param="model", code="model_not_available")
    size, _, _ = rules.parse_size(body.get("size") or default_size, st.extra_size_list)
    seconds = rules.parse_seconds(body.get("seconds") or default_seconds, st.extra_seconds_list)
    seed = rules.parse_seed(body.get("seed"))
    return dict(prompt=prompt, model=model, engine=profile.engine, quality=profile.quality, size=size,
                seconds=seconds, seed=new_seed() if seed is None else seed)


@router.post("/videos", response_model=Video, summary="Create a video")
async def create_video(request: Request, response: Response, rt: RT, user: CurrentUser) -> Video:
    """Start rendering a video from a prompt (multipart or JSON; optional input_reference image)."""
    body = await read_body(request)
    # the prompt check (an embedding model), the plan and the database writes take tens of ms of CPU: off the
    # event loop, so they do not hold up every other request meanwhile (as for edits, extensions, characters)
    return await asyncio.to_thread(_create, rt, user, response, body)


def _create(rt: Runtime, user: User, response: Response, body: Body) -> Video:
    fields = _common(rt, body)
    fields["reference_blob"] = _store_reference(rt, body)
    return _enqueue(rt, user, response, kind="create", **fields)


def _owned_video(rt: Runtime, user: User, video_id: str) -> VideoJob:
    with rt.db.session() as s:
        job = repo.get_video(s, video_id, user.id)
    if job is None:
        raise NotFound(f"Video '{video_id}' not found.", param="video_id", code="video_not_found")
    return job


def _completed_source(rt: Runtime, user: User, video_id: str, param: str) -> VideoJob:
    try:
        job = _owned_video(rt, user, video_id)
    except NotFound as exc:
        exc.param = param
        raise
    if job.status != "completed":
        raise BadRequest(f"Video '{video_id}' is {job.status}; only completed videos can be used.",
                         param=param, code="video_not_ready")
    return job


def _video_source(rt: Runtime, user: User, body: Body) -> tuple[VideoJob | None, str | None, str]:
    """The source of an edit or extension (one of our completed videos, or an upload) and its frame size."""
    vid, upload = video_reference(body)
    src = _completed_source(rt, user, vid, "video.id") if vid else None
    source_blob = _store_video_upload(rt, upload) if upload else None
    return src, source_blob, (src.size if src else _upload_size(rt, source_blob))


@router.post("/videos/edits", response_model=Video, summary="Edit a video")
async def edit_video(request: Request, response: Response, rt: RT, user: CurrentUser) -> Video:
    """Re-render a video (uploaded file or `{id}`) with a changed instruction."""
    return await asyncio.to_thread(_edit, rt, user, response, await read_body(request))


def _edit(rt: Runtime, user: User, response: Response, body: Body) -> Video:
    src, source_blob, size = _video_source(rt, user, body)
    fields = _common(rt, body, default_size=size, default_seconds=src.seconds if src else None)
    if src is not None and body.get("seed") is None:
        fields["seed"] = src.seed
    return _enqueue(rt, user, response, base_prompt=src.prompt if src else None, kind="edit",
                    source_video_id=src.id if src else None,
                    source_blob=source_blob, **fields)


@router.post("/videos/extensions", response_model=Video, summary="Extend a video")
async def extend_video(request: Request, response: Response, rt: RT, user: CurrentUser) -> Video:
    """Continue a clip; the finished video's `seconds` is the stitched total."""
    return await asyncio.to_thread(_extend, rt, user, response, await read_body(request))


def _extend(rt: Runtime, user: User, response: Response, body: Body) -> Video:
    src, source_blob, size = _video_source(rt, user, body)
    fields = _common(rt, body, default_size=size)
    src_seconds = float(src.seconds) if src else probe(rt.blobs.path(str(source_blob))).duration
    if src_seconds + float(str(fields["seconds"])) > rules.MAX_EXTENDED_SECONDS + 0.01:
        raise BadRequest(f"An extended video may be at most {rules.MAX_EXTENDED_SECONDS} s in total.",
                         param="seconds", code="invalid_value")
    if src is not None and body.get("seed") is None:
        fields["seed"] = src.seed
    return _enqueue(rt, user, response, kind="extend", source_video_id=src.id if src else None,
                    source_blob=source_blob, **fields)


def _store_video_upload(rt: Runtime, upload: object) -> str:
    from reelcast.api.forms import Upload

    assert isinstance(upload, Upload)
    return store_video_upload(rt, upload.data)


def _upload_size(rt: Runtime, key: str | None) -> str:
    info = probe(rt.blobs.path(str(key)))
    size = f"{info.width - info.width % 2}x{info.height - info.height % 2}"
    st = rt.settings
    # An upload keeps its own frame size when it is one we render; otherwise fall back to the default.
    return size if size in rules.SIZES + st.extra_size_list else rules.DEFAULT_SIZE


@router.post("/videos/characters", response_model=CharacterOut, summary="Create a character from a video")
async def create_character(request: Request, rt: RT, user: CurrentUser) -> CharacterOut:
    """Register a named character from an uploaded video."""
    body = await read_body(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("Missing required parameter: 'name'.", param="name", code="missing_required_parameter")
    if "video" not in body.files:
        raise BadRequest("Missing required parameter: 'video' (a video file).", param="video",
                         code="missing_required_parameter")
    from reelcast.api.cameos import create_character as create_character_cameo

    ch = await asyncio.to_thread(create_character_cameo, rt, user, name.strip(), body.files["video"])
    return CharacterOut(id=ch.id, created_at=ch.created_at, name=ch.name)


@router.get("/videos/characters/{character_id}", response_model=CharacterOut, summary="Get a character")
def get_character(character_id: str, rt: RT, user: CurrentUser) -> CharacterOut:
    """Return a character created with create_character."""
    with rt.db.session() as s:
        ch = s.get(Cameo, character_id)
    if ch is None or ch.owner_id != user.id or ch.kind != "character":
        raise NotFound(f"Character '{character_id}' not found.", param="character_id", code="character_not_found")
    return CharacterOut(id=ch.id, created_at=ch.created_at, name=ch.name)


@router.get("/videos", response_model=VideoList, summary="List videos")
def list_videos(
    rt: RT,
    user: CurrentUser,
    after: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
) -> VideoList:
    """Your videos, newest first by default, with cursor pagination (`after` = last_id)."""
    with rt.db.session() as s:
        page = repo.list_videos(s, user.id, after=after, limit=limit, order=order)
    data = [Video.from_job(j) for j in page.items]
    return VideoList(data=data, first_id=data[0].id if data else None, last_id=data[-1].id if data else None,
                     has_more=page.has_more)


@router.get("/videos/{video_id}", response_model=Video, summary="Retrieve a video")
def retrieve_video(video_id: str, response: Response, rt: RT, user: CurrentUser) -> Video:
    """The job's status, progress and, when failed, its error."""
    job = _owned_video(rt, user, video_id)
    _poll_headers(rt, job, response)
    return Video.from_job(job)


@router.delete("/videos/{video_id}", response_model=VideoDeleted, summary="Delete a video")
def delete_video(video_id: str, rt: RT, user: CurrentUser) -> VideoDeleted:
    """Delete a video and its assets; a job still rendering is cancelled."""
    job = _owned_video(rt, user, video_id)
    with rt.db.session() as s:
        row = s.get(VideoJob, job.id)
        assert row is not None
        counters.video_deleted(s, row, int(time.time()))
        if row.status in repo.PENDING:
            row.status = "failed"
            row.error_code = "deleted"
            row.error_message = "The video was deleted before it finished."
        blobs = [row.video_blob, row.thumbnail_blob, row.spritesheet_blob]
        shared = set()
        for key in blobs:
            if key and repo.blob_in_use(s, key, exclude_id=row.id):
                shared.add(key)
    for key in blobs:
        if key and key not in shared:
            rt.blobs.delete(key)
    return VideoDeleted(id=job.id, deleted=True)


@router.get("/videos/{video_id}/content", summary="Download video content",
            responses={200: {"content": {v: {} for v in CONTENT_TYPES.values()}}})
def download_content(video_id: str, rt: RT, user: CurrentUser, variant: str = "video") -> FileResponse:
    """The MP4 (`video`), a WebP `thumbnail` or a JPEG `spritesheet` of a completed video."""
    if variant not in CONTENT_TYPES:
        raise BadRequest(f"Invalid variant '{variant}'. Supported: video, thumbnail, spritesheet.",
                         param="variant", code="invalid_value")
    job = _owned_video(rt, user, video_id)
    if job.status != "completed":
        msg = (f"Video '{video_id}' failed: {job.error_message}" if job.status == "failed"
               else f"Video '{video_id}' is not ready yet (status {job.status}, {job.progress}%).")
        raise BadRequest(msg, param="video_id", code="video_not_ready")
    if job.expires_at is not None and job.expires_at < time.time():
        raise NotFound(f"The assets of video '{video_id}' have expired.", param="video_id", code="video_expired")
    key = {"video": job.video_blob, "thumbnail": job.thumbnail_blob, "spritesheet": job.spritesheet_blob}[variant]
    if not key or not rt.blobs.exists(key):
        raise NotFound(f"The {variant} of video '{video_id}' is missing.", param="variant", code="asset_missing")
    ext = {"video": "mp4", "thumbnail": "webp", "spritesheet": "jpg"}[variant]
    return FileResponse(rt.blobs.path(key), media_type=CONTENT_TYPES[variant], filename=f"{video_id}.{ext}")


@router.post("/videos/{video_id}/remix", response_model=Video, summary="Remix a video")
def remix_video(video_id: str, body: RemixBody, response: Response, rt: RT, user: CurrentUser) -> Video:
    """A new video of the same world and cast with the prompt's change applied."""
    prompt = rules.check_prompt(body.prompt)
    src = _completed_source(rt, user, video_id, "video_id")
    return _enqueue(rt, user, response, base_prompt=src.prompt, kind="remix", prompt=prompt, model=src.model,
                    engine=src.engine, quality=src.quality, size=src.size, seconds=src.seconds, seed=src.seed,
                    remixed_from_video_id=src.id, source_video_id=src.id)


@router.get("/videos/{video_id}/plan", response_model=VideoPlan, summary="How the prompt was understood")
def get_plan(video_id: str, rt: RT, user: CurrentUser) -> VideoPlan:
    """The stored ScenePlan and the simulation's contact event log."""
    job = _owned_video(rt, user, video_id)
    return VideoPlan(video_id=job.id, status=job.status, plan=job.plan, events=job.events or [])

