"""Pydantic shapes of the social endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from reelcast.api.schemas import Video


class UserOut(BaseModel):
    """A public profile as the viewer sees it."""

    id: str
    object: Literal["user"] = "user"
    handle: str
    display_name: str
    bio: str
    avatar_url: str | None
    created_at: int
    follower_count: int
    following_count: int
    you_follow: bool
    follows_you: bool
    is_mutual: bool


class MeOut(UserOut):
    """The caller's own profile, with private fields."""

    birthdate: str | None
    is_minor: bool
    is_admin: bool


class SignupOut(BaseModel):
    """Response of POST /v1/users."""

    user: MeOut
    api_key: str


class ApiKeyOut(BaseModel):
    """An API key; `key` only in the response that created it."""

    id: str
    object: Literal["api_key"] = "api_key"
    name: str
    prefix: str
    created_at: int
    key: str | None = None


class InviteOut(BaseModel):
    """One of the caller's invite codes and who used it."""

    code: str
    object: Literal["invite"] = "invite"
    used_by: str | None
    used_at: int | None
    created_at: int


class ListOut(BaseModel):
    """A plain list."""

    object: Literal["list"] = "list"
    data: list[Any]


class PostOut(BaseModel):
    """A published video."""

    id: str
    object: Literal["post"] = "post"
    author: str
    caption: str
    video: Video
    cameos: list[str]
    like_count: int
    comment_count: int
    you_like: bool
    remixed_from_post_id: str | None
    content_url: str
    created_at: int


class CommentOut(BaseModel):
    """A comment."""

    id: str
    object: Literal["comment"] = "comment"
    post_id: str
    author: str
    text: str
    created_at: int


class LineageOut(BaseModel):
    """Posts a post was remixed from (nearest first) and posts remixed from it."""

    object: Literal["post.lineage"] = "post.lineage"
    post_id: str
    ancestors: list[PostOut]
    remixes: list[PostOut]


class NotificationOut(BaseModel):
    """Something that happened to the caller."""

    id: str
    object: Literal["notification"] = "notification"
    kind: str
    payload: dict[str, Any]
    created_at: int
    read: bool


class CameoOut(BaseModel):
    """A cameo as its owner sees it."""

    id: str
    object: Literal["cameo"] = "cameo"
    kind: str
    handle: str
    name: str
    owner: str
    status: str
    access: str
    approved: list[str]
    preferences: str
    restrictions: str
    created_at: int
    rejection: RejectionOut | None = None  # why verification failed (person cameos)
    descriptors: dict[str, Any] | None = None  # appearance the engines render (estimated, owner-correctable)
    voice: dict[str, Any] | None = None  # voice parameters for the TTS voice (pitch range)
    turns_seen: list[str] | None = None  # head turns the verification saw


class RejectionOut(BaseModel):
    """A machine-readable verification failure."""

    code: str
    message: str


class ChallengeOut(BaseModel):
    """A single-use cameo verification challenge: read the digits, turn your head as listed, within 2 minutes."""

    id: str
    object: Literal["cameo.challenge"] = "cameo.challenge"
    digits: str
    words: str
    turns: list[str]
    expires_at: int


class CameoReviewOut(BaseModel):
    """A cameo whose face is borderline-close to another user's verified cameo (operators decide)."""

    object: Literal["cameo.review"] = "cameo.review"
    cameo_id: str
    handle: str
    owner_id: str
    nearest_cameo_id: str | None
    nearest_distance: float | None
    finished_at: int | None


class AppearanceOut(BaseModel):
    """A video that uses a cameo (drafts included)."""

    object: Literal["cameo.appearance"] = "cameo.appearance"
    cameo_id: str
    video_id: str
    creator: str | None
    prompt: str
    status: str
    posted: bool
    post_id: str | None
    taken_down: bool
    content_url: str | None
    created_at: int


class TakedownOut(BaseModel):
    """Result of a takedown."""

    object: Literal["cameo.takedown"] = "cameo.takedown"
    cameo_id: str
    video_id: str
    taken_down: bool
    reason: str
