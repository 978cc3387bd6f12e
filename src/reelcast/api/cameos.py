"""Cameos: create, settings, approvals, appearances (co-ownership) and takedowns."""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse

from reelcast.api.deps import current_user, runtime
from reelcast.api.errors import BadRequest, Forbidden, NotFound
from reelcast.api.forms import Body, Upload, read_body
from reelcast.api.social_schemas import (
    AppearanceOut,
    CameoOut,
    CameoReviewOut,
    ChallengeOut,
    ListOut,
    RejectionOut,
    TakedownOut,
)
from reelcast.cameo import service as verification
from reelcast.cameo.descriptors import validate as validate_descriptors
from reelcast.domain import social_rules as rules
from reelcast.jobs.runtime import Runtime
from reelcast.media.images import ImageError, decode_image
from reelcast.media.probe import MediaError, probe
from reelcast.social import accounts as acc
from reelcast.social import cameos as svc
from reelcast.social.errors import not_found
from reelcast.store.cameo_models import CameoVerification
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Cameo

router = APIRouter(prefix="/v1", tags=["cameos"])

RT = Annotated[Runtime, Depends(runtime)]
CurrentUser = Annotated[User, Depends(current_user)]


def cameo_out(s: Any, c: Cameo) -> CameoOut:
    """A cameo as its owner sees it (person cameos with their verification outcome and references)."""
    owner = s.get(User, c.owner_id)
    out = CameoOut(id=c.id, kind=c.kind, handle=c.handle, name=c.name, owner=owner.handle if owner else "",
                   status=c.status, access=c.access, approved=svc.approved_handles(s, c),
                   preferences=c.preferences, restrictions=c.restrictions, created_at=c.created_at)
    v = s.get(CameoVerification, c.id) if c.kind == "person" else None
    if v is not None:
        if v.rejection_code and c.status == "rejected":
            out.rejection = RejectionOut(code=v.rejection_code, message=v.rejection_message or "")
        if v.face_embedding is not None:
            out.descriptors = dict(v.descriptors or {})
            out.voice = dict(v.voice or {})
        out.turns_seen = list(v.turns_seen or [])
    return out


def store_reference(rt: Runtime, up: Upload) -> str:
    """Check an uploaded image or video and store it; returns its blob key."""
    try:
        decode_image(up.data)
        return rt.blobs.put_bytes(up.data, "img")
    except ImageError:
        pass
    key = rt.blobs.put_bytes(up.data, "mp4")
    try:
        info = probe(rt.blobs.path(key))
    except MediaError as exc:
        raise BadRequest(f"'{up.filename}' is neither a readable image nor a video: {exc}", param="video",
                         code="invalid_reference") from exc
    if info.n_frames == 0:
        raise BadRequest(f"'{up.filename}' has no frames.", param="video", code="invalid_reference")
    return key


def _character_handle(s: Any, name: str) -> str:
    base = re.sub(r"[^a-z0-9_.]+", "_", name.lower()).strip("_.")[:24] or "character"
    if len(base) < 3:
        base = f"{base}_char"
    candidate = base
    while candidate in rules.RESERVED_HANDLES or acc.handle_taken(s, candidate):
        candidate = f"{base}_{secrets.token_hex(2)}"
    return candidate


def create_character(rt: Runtime, user: User, name: str, upload: Upload) -> Cameo:
    """A character cameo from the OpenAI `create_character` call (handle derived from the name)."""
    key = store_reference(rt, upload)
    with rt.db.session() as s:
        return svc.create(s, user, kind="character", handle=_character_handle(s, name), name=name,
                          reference_blobs=[key])


@router.post("/cameos/challenges", status_code=201, response_model=ChallengeOut,
             summary="Get a verification challenge")
def create_challenge(rt: RT, user: CurrentUser) -> ChallengeOut:
    """Five digits to read aloud and head turns to make, in a 3–15 s selfie clip uploaded within 2 minutes."""
    from reelcast.cameo.speech import WORDS

    names = {d: w for w, d in reversed(WORDS.items())}  # "0" → "zero"
    with rt.db.session() as s:
        ch = verification.issue_challenge(s, user)
        return ChallengeOut(id=ch.id, digits=ch.digits, words=" ".join(names[d] for d in ch.digits),
                            turns=list(ch.turns), expires_at=ch.expires_at)


@router.post("/cameos", status_code=201, response_model=CameoOut, summary="Create a cameo")
async def create_cameo(request: Request, rt: RT, user: CurrentUser) -> CameoOut:
    """`kind=person` with `challenge_id` and a selfie `video` (verified in the background; poll the cameo),
    `kind=person` alone (pending, verify later), or `kind=character` with `handle` and reference files."""
    body: Body = await read_body(request)
    kind = body.get("kind") or ("person" if body.get("challenge_id") is not None else "character")
    refs: list[str] = []
    if kind == "person" and body.get("challenge_id") is not None:
        video = body.files.get("video")
        if video is None or not video.data:
            raise BadRequest("Upload the selfie clip as the 'video' file part.", param="video",
                             code="missing_required_parameter")
        with rt.db.session() as s:
            c, queued = verification.submit(s, rt.blobs, user, str(body.get("challenge_id")), video.data,
                                            dict(body.fields))
            out = cameo_out(s, c)
        if queued:
            verification.verifier(rt).submit(out.id)
        return out
    if kind == "character":
        if not body.files:
            raise BadRequest("A character cameo needs a short video or images (file parts).", param="video",
                             code="missing_required_parameter")
        refs = [store_reference(rt, up) for up in body.files.values()]
    with rt.db.session() as s:
        c = svc.create(s, user, kind=str(kind), handle=body.get("handle"), name=str(body.get("name") or ""),
                       reference_blobs=refs, access=str(body.get("access") or "only_me"),
                       preferences=body.get("preferences") or "", restrictions=body.get("restrictions") or "")
        return cameo_out(s, c)


@router.get("/cameos", response_model=ListOut, summary="Your cameos")
def list_cameos(rt: RT, user: CurrentUser) -> ListOut:
    """Your person and character cameos."""
    with rt.db.session() as s:
        return ListOut(data=[cameo_out(s, c) for c in svc.my_cameos(s, user)])


@router.get("/cameos/{cameo_id}", response_model=CameoOut, summary="A cameo")
def get_cameo(cameo_id: str, rt: RT, user: CurrentUser) -> CameoOut:
    """One of your cameos."""
    with rt.db.session() as s:
        return cameo_out(s, svc.get_owned(s, cameo_id, user))


@router.patch("/cameos/{cameo_id}", response_model=CameoOut, summary="Change a cameo's settings")
async def patch_cameo(cameo_id: str, request: Request, rt: RT, user: CurrentUser) -> CameoOut:
    """Set `access`, `preferences`, `restrictions`, `name` or correct `descriptors`; applies to every later request."""
    body = await read_body(request)
    with rt.db.session() as s:
        c = svc.get_owned(s, cameo_id, user)
        svc.update_settings(s, c, access=body.get("access"), preferences=body.get("preferences"),
                            restrictions=body.get("restrictions"), name=body.get("name"))
        if "descriptors" in body.objects:
            v = s.get(CameoVerification, c.id)
            if v is None or v.face_embedding is None:
                raise BadRequest("Only a verified person cameo has appearance descriptors.", param="descriptors",
                                 code="invalid_value")
            try:
                changes = validate_descriptors(body.objects["descriptors"])
            except ValueError as exc:
                raise BadRequest(f"Invalid descriptors: {exc}.", param="descriptors", code="invalid_value") from exc
            v.descriptors = {**(v.descriptors or {}), **changes}
        s.flush()
        return cameo_out(s, c)


@router.delete("/cameos/{cameo_id}", summary="Delete a cameo")
def delete_cameo(cameo_id: str, rt: RT, user: CurrentUser) -> dict[str, Any]:
    """Delete a cameo and its reference assets; queued videos that use it will fail."""
    with rt.db.session() as s:
        c = svc.get_owned(s, cameo_id, user)
        refs = list(c.reference_blobs or []) + verification.private_blobs(s, c.id)
        s.delete(c)
    for key in refs:
        rt.blobs.delete(key)
    return {"id": cameo_id, "object": "cameo.deleted", "deleted": True}


@router.post("/cameos/{cameo_id}/approvals", response_model=CameoOut, summary="Approve a user")
async def approve(cameo_id: str, request: Request, rt: RT, user: CurrentUser) -> CameoOut:
    """Add `handle` to the cameo's approved list."""
    body = await read_body(request)
    raw = body.get("handle")
    if not isinstance(raw, str) or not raw.strip():
        raise BadRequest("Missing required parameter: 'handle'.", param="handle", code="missing_required_parameter")
    handle = raw.strip().lstrip("@").lower()
    with rt.db.session() as s:
        c = svc.get_owned(s, cameo_id, user)
        target = acc.user_by_handle(s, handle)
        if target is None:
            raise not_found("User", handle, "handle")
        svc.approve(s, c, target)
        return cameo_out(s, c)


@router.delete("/cameos/{cameo_id}/approvals/{handle}", response_model=CameoOut, summary="Revoke an approval")
def revoke(cameo_id: str, handle: str, rt: RT, user: CurrentUser) -> CameoOut:
    """Remove `handle` from the approved list; takes effect for every later request."""
    with rt.db.session() as s:
        c = svc.get_owned(s, cameo_id, user)
        target = acc.user_by_handle(s, handle)
        if target is None:
            raise not_found("User", handle, "handle")
        svc.revoke(s, c, target)
        return cameo_out(s, c)


@router.get("/cameos/{cameo_id}/appearances", response_model=ListOut, summary="Videos that use a cameo")
def appearances(cameo_id: str, rt: RT, user: CurrentUser) -> ListOut:
    """Every video that uses your cameo, other people's drafts included."""
    with rt.db.session() as s:
        c = svc.get_owned(s, cameo_id, user)
        out = []
        for app, job, post in svc.appearances(s, c):
            if job.deleted_at is not None and app.taken_down_at is None:
                continue  # its creator deleted it: it no longer exists anywhere
            creator = s.get(User, job.user_id)
            gone = app.taken_down_at is not None or job.deleted_at is not None
            out.append(AppearanceOut(
                cameo_id=c.id, video_id=job.id, creator=creator.handle if creator else None, prompt=job.prompt,
                status=job.status, posted=post is not None, post_id=post.id if post else None,
                taken_down=app.taken_down_at is not None,
                content_url=None if gone else f"/v1/cameos/{c.id}/appearances/{job.id}/content",
                created_at=app.created_at))
        return ListOut(data=out)


@router.get("/cameos/{cameo_id}/appearances/{video_id}/content", summary="Watch an appearance")
def appearance_content(cameo_id: str, video_id: str, rt: RT, user: CurrentUser,
                       variant: str = "video") -> FileResponse:
    """The MP4 (or thumbnail/spritesheet) of a video that uses your cameo, draft or not."""
    from reelcast.api.posts import _asset

    with rt.db.session() as s:
        c = svc.get_owned(s, cameo_id, user)
        job = s.get(VideoJob, video_id)
        if job is None or job.deleted_at is not None or not any(x.id == c.id for x in svc.subjects_of(s, job.id)):
            raise not_found("Appearance", video_id, "video_id")
    if job.status != "completed":
        raise NotFound(f"Video '{video_id}' is {job.status}.", param="video_id", code="video_not_ready")
    return _asset(rt, job, variant)


@router.post("/cameos/{cameo_id}/appearances/{video_id}/takedown", response_model=TakedownOut,
             summary="Take a video down")
async def takedown(cameo_id: str, video_id: str, request: Request, rt: RT, user: CurrentUser) -> TakedownOut:
    """Remove a video that uses your cameo, and its post, for everyone (audited; the creator is notified)."""
    body = await read_body(request)
    reason = rules.check_text(body.get("reason"), "reason", 1000) or "removed by the cameo's subject"
    with rt.db.session() as s:
        c = svc.get_owned(s, cameo_id, user)
        keys = svc.take_down(s, c, video_id, user, reason)
    for key in keys:
        rt.blobs.delete(key)
    return TakedownOut(cameo_id=cameo_id, video_id=video_id, taken_down=True, reason=reason)


@router.get("/moderation/cameos", response_model=ListOut, summary="Cameos waiting for a likeness review (operators)")
def review_queue(rt: RT, user: CurrentUser) -> ListOut:
    """Person cameos whose face is borderline-close to another user's verified cameo, oldest first."""
    if not user.is_admin:
        raise Forbidden("Only operators can see the cameo review queue.", code="operator_only")
    with rt.db.session() as s:
        return ListOut(data=[CameoReviewOut(cameo_id=c.id, handle=c.handle, owner_id=c.owner_id,
                                            nearest_cameo_id=v.nearest_cameo_id, nearest_distance=v.nearest_distance,
                                            finished_at=v.finished_at) for c, v in verification.review_queue(s)])


@router.post("/moderation/cameos/{cameo_id}", response_model=CameoOut, summary="Approve or reject a cameo in review")
async def review_cameo(cameo_id: str, request: Request, rt: RT, user: CurrentUser) -> CameoOut:
    """`decision`: `approve` activates the cameo, `reject` rejects it as `duplicate_identity` (audited)."""
    if not user.is_admin:
        raise Forbidden("Only operators can review cameos.", code="operator_only")
    body = await read_body(request)
    with rt.db.session() as s:
        c = verification.review(s, user, cameo_id, str(body.get("decision") or ""), str(body.get("note") or ""))
        return cameo_out(s, c)
