"""Accounts and the social graph: sign-up, API keys, profiles, invites, follows, blocks, notifications,
export and account deletion."""

from __future__ import annotations

import json
import os
import tempfile
import time
import zipfile
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select
from starlette.background import BackgroundTask

from reelcast.api.deps import current_user, runtime
from reelcast.api.errors import BadRequest, NotFound, Unauthorized
from reelcast.api.forms import read_body
from reelcast.api.schemas import Video
from reelcast.api.social_schemas import ApiKeyOut, InviteOut, ListOut, MeOut, NotificationOut, SignupOut, UserOut
from reelcast.cameo import service as cameo_verification
from reelcast.domain import social_rules as rules
from reelcast.jobs.runtime import Runtime
from reelcast.media.images import ImageError, decode_image
from reelcast.social import accounts as acc
from reelcast.social import cameos, counters, graph
from reelcast.social import notify as notes
from reelcast.social.errors import SocialError, not_found
from reelcast.store import accounts as keys
from reelcast.store.models import ApiKey, User, VideoJob
from reelcast.store.social_models import Comment, Follow, Like, Notification, Post

router = APIRouter(prefix="/v1", tags=["social"])

RT = Annotated[Runtime, Depends(runtime)]
CurrentUser = Annotated[User, Depends(current_user)]


def user_out(s: Any, user: User, viewer: User | None) -> UserOut:
    """A profile as `viewer` sees it."""
    followers, following = graph.counts(s, user.id)
    you_follow = viewer is not None and graph.follows(s, viewer.id, user.id)
    follows_you = viewer is not None and graph.follows(s, user.id, viewer.id)
    return UserOut(id=user.id, handle=user.handle, display_name=user.display_name, bio=user.bio or "",
                   avatar_url=f"/v1/users/{user.handle}/avatar" if user.avatar_blob else None,
                   created_at=user.created_at, follower_count=followers, following_count=following,
                   you_follow=you_follow, follows_you=follows_you, is_mutual=you_follow and follows_you)


def me_out(s: Any, user: User) -> MeOut:
    """The caller's own profile."""
    base = user_out(s, user, None).model_dump()
    return MeOut(**base, birthdate=user.birthdate, is_minor=acc.is_minor(user), is_admin=user.is_admin)


def visible_user(s: Any, viewer: User, handle: str) -> User:
    """The user with this handle unless a block separates them from the viewer (then 404)."""
    user = acc.user_by_handle(s, handle)
    if user is None or (user.id != viewer.id and graph.blocked_either(s, viewer.id, user.id)):
        raise not_found("User", handle, "handle")
    return user


@router.post("/users", status_code=201, response_model=SignupOut, summary="Sign up")
async def sign_up(request: Request, rt: RT) -> SignupOut:
    """Create an account with an invite code (unless registration is open); returns its first API key."""
    body = await read_body(request)
    with rt.db.session() as s:
        user = acc.register(s, handle=body.get("handle"), password=body.get("password"),
                            birthdate=body.get("birthdate"), invite_code=body.get("invite_code"),
                            display_name=body.get("display_name"),
                            open_registration=rt.settings.open_registration)
        key = keys.create_api_key(s, user, name="sign-up")
        return SignupOut(user=me_out(s, user), api_key=key)


def _key_out(row: ApiKey, key: str | None = None) -> ApiKeyOut:
    return ApiKeyOut(id=row.id, name=row.name, prefix=row.prefix, created_at=row.created_at, key=key)


@router.post("/api_keys", status_code=201, response_model=ApiKeyOut, summary="Create an API key")
async def create_api_key(request: Request, rt: RT) -> ApiKeyOut:
    """A new key for the Bearer key's user, or for `{handle, password}` (log in)."""
    body = await read_body(request)
    name = rules.check_text(body.get("name"), "name", 128)
    if request.headers.get("authorization"):
        user = current_user(request)
    else:
        handle, password = body.get("handle"), body.get("password")
        if not isinstance(handle, str) or not isinstance(password, str):
            raise Unauthorized("Send a Bearer API key, or 'handle' and 'password'.", code="missing_credentials")
        with rt.db.session() as s:
            found = acc.user_by_handle(s, handle)
            if found is None or not acc.verify_password(found, password):
                raise Unauthorized("Incorrect handle or password.", code="invalid_credentials")
            user = found
    with rt.db.session() as s:
        key = keys.create_api_key(s, user, name=name)
        row = s.scalar(select(ApiKey).where(ApiKey.key_hash == keys.hash_key(key)))
        assert row is not None
        return _key_out(row, key)


@router.get("/api_keys", response_model=ListOut, summary="List your API keys")
def list_api_keys(rt: RT, user: CurrentUser) -> ListOut:
    """Your active keys (without their secrets)."""
    with rt.db.session() as s:
        rows = s.scalars(select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
                         .order_by(ApiKey.created_at, ApiKey.id))
        return ListOut(data=[_key_out(r) for r in rows])


@router.delete("/api_keys/{key_id}", summary="Revoke an API key")
def delete_api_key(key_id: str, rt: RT, user: CurrentUser) -> dict[str, Any]:
    """Revoke one of your keys; it stops working at once."""
    with rt.db.session() as s:
        row = s.get(ApiKey, key_id)
        if row is None or row.user_id != user.id or row.revoked_at is not None:
            raise NotFound(f"API key '{key_id}' not found.", param="key_id", code="api_key_not_found")
        row.revoked_at = int(time.time())
    return {"id": key_id, "object": "api_key.deleted", "deleted": True}


@router.get("/me", response_model=MeOut, summary="Your profile")
def get_me(rt: RT, user: CurrentUser) -> MeOut:
    """The caller's profile with private fields."""
    with rt.db.session() as s:
        return me_out(s, user)


@router.patch("/me", response_model=MeOut, summary="Update your profile")
async def patch_me(request: Request, rt: RT, user: CurrentUser) -> MeOut:
    """Change display name, bio and (multipart `avatar` file) avatar image."""
    body = await read_body(request)
    avatar_key = None
    if "avatar" in body.files:
        data = body.files["avatar"].data
        try:
            decode_image(data)
        except ImageError as exc:
            raise BadRequest(str(exc), param="avatar", code="invalid_image") from exc
        avatar_key = rt.blobs.put_bytes(data, "img")
    with rt.db.session() as s:
        row = s.get(User, user.id)
        assert row is not None
        if body.get("display_name") is not None:
            row.display_name = rules.check_text(body.get("display_name"), "display_name", rules.MAX_DISPLAY_NAME,
                                                required=True)
        if body.get("bio") is not None:
            row.bio = rules.check_text(body.get("bio"), "bio", rules.MAX_BIO)
        if avatar_key:
            row.avatar_blob = avatar_key
        s.flush()
        return me_out(s, row)


@router.get("/me/invites", response_model=ListOut, summary="Your invite codes")
def my_invites(rt: RT, user: CurrentUser) -> ListOut:
    """Your 4 single-use codes and who used them."""
    with rt.db.session() as s:
        out = []
        for inv in acc.invites_of(s, user.id):
            used_by = s.get(User, inv.used_by_id) if inv.used_by_id else None
            out.append(InviteOut(code=inv.code, used_by=used_by.handle if used_by else None, used_at=inv.used_at,
                                 created_at=inv.created_at))
        return ListOut(data=out)


@router.get("/users/{handle}", response_model=UserOut, summary="A profile")
def get_user(handle: str, rt: RT, user: CurrentUser) -> UserOut:
    """Profile with follower/following counts and how you relate."""
    with rt.db.session() as s:
        return user_out(s, visible_user(s, user, handle), user)


@router.get("/users/{handle}/avatar", summary="A profile's avatar image")
def get_avatar(handle: str, rt: RT, user: CurrentUser) -> FileResponse:
    """The avatar image bytes."""
    with rt.db.session() as s:
        target = visible_user(s, user, handle)
    if not target.avatar_blob or not rt.blobs.exists(target.avatar_blob):
        raise NotFound(f"User '{handle}' has no avatar.", param="handle", code="avatar_not_found")
    return FileResponse(rt.blobs.path(target.avatar_blob))


@router.post("/users/{handle}/follow", response_model=UserOut, summary="Follow")
def follow(handle: str, rt: RT, user: CurrentUser) -> UserOut:
    """Follow a user (idempotent); they are notified."""
    with rt.db.session() as s:
        target = visible_user(s, user, handle)
        if target.id == user.id:
            raise BadRequest("You cannot follow yourself.", param="handle", code="invalid_value")
        if graph.follow(s, user.id, target.id):
            notes.notify(s, target.id, "follow", {"by": user.handle})
        return user_out(s, target, user)


@router.delete("/users/{handle}/follow", response_model=UserOut, summary="Unfollow")
def unfollow(handle: str, rt: RT, user: CurrentUser) -> UserOut:
    """Stop following a user (idempotent)."""
    with rt.db.session() as s:
        target = visible_user(s, user, handle)
        graph.unfollow(s, user.id, target.id)
        return user_out(s, target, user)


def _people(s: Any, viewer: User, ids: list[str]) -> ListOut:
    hidden = graph.blocked_ids(s, viewer.id)
    return ListOut(data=[user_out(s, u, viewer) for i in ids if i not in hidden and (u := s.get(User, i))])


@router.get("/users/{handle}/followers", response_model=ListOut, summary="Followers")
def followers(handle: str, rt: RT, user: CurrentUser) -> ListOut:
    """Who follows this user."""
    with rt.db.session() as s:
        return _people(s, user, graph.follower_ids(s, visible_user(s, user, handle).id))


@router.get("/users/{handle}/following", response_model=ListOut, summary="Following")
def following(handle: str, rt: RT, user: CurrentUser) -> ListOut:
    """Whom this user follows."""
    with rt.db.session() as s:
        return _people(s, user, graph.following_ids(s, visible_user(s, user, handle).id))


@router.post("/users/{handle}/block", summary="Block")
def block(handle: str, rt: RT, user: CurrentUser) -> dict[str, Any]:
    """Block a user: follows both ways are removed and each is hidden from the other."""
    with rt.db.session() as s:
        target = acc.user_by_handle(s, handle)
        if target is None or (graph.has_blocked(s, target.id, user.id) and not graph.has_blocked(s, user.id,
                                                                                                  target.id)):
            raise not_found("User", handle, "handle")
        if target.id == user.id:
            raise BadRequest("You cannot block yourself.", param="handle", code="invalid_value")
        graph.block(s, user.id, target.id)
    return {"object": "block", "handle": target.handle, "blocked": True}


@router.delete("/users/{handle}/block", summary="Unblock")
def unblock(handle: str, rt: RT, user: CurrentUser) -> dict[str, Any]:
    """Remove your block of a user."""
    with rt.db.session() as s:
        target = acc.user_by_handle(s, handle)
        if target is None:
            raise not_found("User", handle, "handle")
        graph.unblock(s, user.id, target.id)
    return {"object": "block", "handle": target.handle, "blocked": False}


@router.get("/notifications", response_model=ListOut, summary="Your notifications")
def notifications(rt: RT, user: CurrentUser, unread: bool = False,
                  limit: Annotated[int, Query(ge=1, le=100)] = 50, after: str | None = None) -> ListOut:
    """Newest first: follow, like, comment, remix, cameo_used, takedown."""
    with rt.db.session() as s:
        rows = notes.list_notifications(s, user.id, unread_only=unread, limit=limit, after=after)
        return ListOut(data=[NotificationOut(id=n.id, kind=n.kind, payload=n.payload or {}, created_at=n.created_at,
                                             read=n.read_at is not None) for n in rows])


@router.post("/notifications/read", summary="Mark notifications read")
async def read_notifications(request: Request, rt: RT, user: CurrentUser) -> dict[str, Any]:
    """Mark `ids` (or every notification when no ids are sent) read."""
    body = await read_body(request)
    ids = body.get("ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise BadRequest("'ids' must be a list of notification ids.", param="ids", code="invalid_value")
    with rt.db.session() as s:
        n = notes.mark_read(s, user.id, ids)
    return {"object": "notifications.read", "marked": n}


def _rows(s: Any, model: Any, *conds: Any) -> list[dict[str, Any]]:
    return [{c.name: getattr(r, c.key) for c in model.__table__.columns}
            for r in s.scalars(select(model).where(*conds))]


@router.get("/me/export", summary="Export your data")
def export_me(rt: RT, user: CurrentUser) -> FileResponse:
    """A zip of your profile, graph, posts, comments, likes, cameos, notifications, videos and their media."""
    fd, name = tempfile.mkstemp(suffix=".zip", dir=rt.settings.data_dir)
    os.close(fd)
    with rt.db.session() as s, zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as zf:
        me = me_out(s, s.get(User, user.id)).model_dump()
        zf.writestr("profile.json", json.dumps(me, indent=2))
        zf.writestr("following.json", json.dumps(_rows(s, Follow, Follow.follower_id == user.id), indent=2))
        zf.writestr("followers.json", json.dumps(_rows(s, Follow, Follow.followee_id == user.id), indent=2))
        zf.writestr("posts.json", json.dumps(_rows(s, Post, Post.user_id == user.id), indent=2))
        zf.writestr("comments.json", json.dumps(_rows(s, Comment, Comment.user_id == user.id), indent=2))
        zf.writestr("likes.json", json.dumps(_rows(s, Like, Like.user_id == user.id), indent=2))
        zf.writestr("notifications.json", json.dumps(_rows(s, Notification, Notification.user_id == user.id),
                                                     indent=2))
        cams = []
        for c in cameos.my_cameos(s, user):
            cams.append({"id": c.id, "kind": c.kind, "handle": c.handle, "name": c.name, "status": c.status,
                         "access": c.access, "preferences": c.preferences, "restrictions": c.restrictions,
                         "approved": cameos.approved_handles(s, c), "created_at": c.created_at,
                         "verification": cameo_verification.export(s, c.id)})
            for i, key in enumerate(c.reference_blobs or []):
                if rt.blobs.exists(key):
                    zf.write(rt.blobs.path(key), f"cameos/{c.id}/reference_{i}{os.path.splitext(key)[1]}")
        zf.writestr("cameos.json", json.dumps(cams, indent=2))
        jobs = list(s.scalars(select(VideoJob).where(VideoJob.user_id == user.id, VideoJob.deleted_at.is_(None))
                              .order_by(VideoJob.id)))
        zf.writestr("videos.json", json.dumps([Video.from_job(j).model_dump() for j in jobs], indent=2))
        for j in jobs:
            if j.video_blob and rt.blobs.exists(j.video_blob):
                zf.write(rt.blobs.path(j.video_blob), f"videos/{j.id}.mp4")
        if user.avatar_blob and rt.blobs.exists(user.avatar_blob):
            zf.write(rt.blobs.path(user.avatar_blob), "avatar")
    return FileResponse(name, media_type="application/zip", filename=f"reelcast-{user.handle}.zip",
                        background=BackgroundTask(os.unlink, name))


@router.delete("/me", summary="Delete your account")
def delete_me(rt: RT, user: CurrentUser) -> JSONResponse:
    """Delete the account, its cameos and reference assets, and take down every video that shows its cameos."""
    if user.is_admin and user.handle == rt.settings.admin_handle:
        raise BadRequest("The operator's admin account cannot be deleted over the API.", code="admin_account")
    now = int(time.time())
    doomed: list[str] = []
    with rt.db.session() as s:
        for c in cameos.my_cameos(s, user):
            for app, job, _ in cameos.appearances(s, c):
                if app.taken_down_at is None and job.deleted_at is None and job.user_id != user.id:
                    doomed += cameos.take_down(s, c, job.id, user, "account_deleted")
            doomed += list(c.reference_blobs or []) + cameo_verification.private_blobs(s, c.id)
        for job in s.scalars(select(VideoJob).where(VideoJob.user_id == user.id, VideoJob.deleted_at.is_(None))):
            doomed += cameos.remove_video(s, job, now)
        row = s.get(User, user.id)
        if row is not None and row.avatar_blob:
            doomed.append(row.avatar_blob)
        notes.audit(s, user.id, "account.delete", "user", user.id, "requested by the user",
                    {"handle": user.handle})
        s.flush()
        if row is not None:
            counters.user_leaving(s, user.id)  # its likes and comments go with the row
            s.delete(row)
    for key in set(doomed):
        rt.blobs.delete(key)
    return JSONResponse({"id": user.id, "object": "user.deleted", "deleted": True})


__all__ = ["router", "user_out", "visible_user", "SocialError"]
