"""The feed, its explanation, feed settings, guardians and parental controls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from reelcast.api.deps import current_user, runtime
from reelcast.api.errors import Forbidden
from reelcast.api.forms import read_body
from reelcast.api.social import visible_user
from reelcast.feed import controls, service
from reelcast.jobs.runtime import Runtime
from reelcast.social.accounts import is_minor
from reelcast.store.feed_models import FeedSettings
from reelcast.store.models import User

router = APIRouter(prefix="/v1", tags=["feed"])

RT = Annotated[Runtime, Depends(runtime)]
CurrentUser = Annotated[User, Depends(current_user)]


class FeedSettingsOut(BaseModel):
    """The caller's feed switches."""

    object: str = "feed.settings"
    personalization: bool
    personalization_by_guardian: bool
    continuous_feed: bool
    session_cap: int | None
    daily_cap: int | None


class ParentalControlsOut(BaseModel):
    """What a guardian set for a teen."""

    object: str = "parental_controls"
    user: str
    personalization: bool
    continuous_feed: bool
    session_cap: int
    daily_cap: int


class GuardianCodeOut(BaseModel):
    """A consent code a teen gives to a guardian."""

    object: str = "guardian_code"
    code: str
    expires_at: int


class GuardianLinkOut(BaseModel):
    """A guardian linked to a teen."""

    object: str = "guardian_link"
    guardian: str
    teen: str
    created_at: int


def _settings_out(st: FeedSettings) -> FeedSettingsOut:
    return FeedSettingsOut(personalization=bool(st.personalized),
                           personalization_by_guardian=bool(st.guardian_personalized),
                           continuous_feed=bool(st.continuous_feed), session_cap=st.session_cap,
                           daily_cap=st.daily_cap)


@router.get("/feed", summary="Your feed")
def get_feed(rt: RT, user: CurrentUser, cursor: str | None = None,
             limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 10, mood: str | None = None) -> JSONResponse:
    """Posts (friends & family first, then discovery), `break` items for teens at a cap, `nudge` items for adults."""
    # the page is already plain JSON values: returned as is, FastAPI does not validate and re-serialise it against
    # a response model (~1 ms and one more thread hop per request)
    return JSONResponse(service.feed_page(rt, user.id, cursor=cursor, limit=limit, mood=mood))


@router.get("/feed/explain", summary="How the feed is ranked")
def explain_feed(rt: RT, user: CurrentUser) -> dict[str, Any]:
    """The ranking inputs and weights in use, the wellbeing rules, and your own switches."""
    return service.explain(rt, user.id)


@router.get("/me/feed_settings", response_model=FeedSettingsOut, summary="Your feed settings")
def get_feed_settings(rt: RT, user: CurrentUser) -> FeedSettingsOut:
    """Personalisation and (for teens) what a guardian set."""
    with rt.db.session() as s:
        return _settings_out(controls.settings_of(s, user.id))


@router.patch("/me/feed_settings", response_model=FeedSettingsOut, summary="Change your feed settings")
async def patch_feed_settings(request: Request, rt: RT, user: CurrentUser) -> FeedSettingsOut:
    """`personalization: false` makes your feed following-first by time (no engagement or taste ranking)."""
    body = await read_body(request)
    with rt.db.session() as s:
        if "personalization" in body.fields:
            controls.set_personalized(s, user, body.get("personalization"))
        return _settings_out(controls.settings_of(s, user.id))


@router.post("/me/guardian_code", status_code=201, response_model=GuardianCodeOut, summary="A consent code")
def guardian_code(rt: RT, user: CurrentUser) -> GuardianCodeOut:
    """A single-use code (valid a day) an under-18 user gives to a parent so they can link to the account."""
    with rt.db.session() as s:
        row = controls.new_code(s, user)
        return GuardianCodeOut(code=row.code, expires_at=row.expires_at)


@router.post("/me/guardians", status_code=201, response_model=GuardianLinkOut, summary="Link to a teen")
async def add_guardian(request: Request, rt: RT, user: CurrentUser) -> GuardianLinkOut:
    """Become the guardian of the teen whose consent `code` you send."""
    body = await read_body(request)
    with rt.db.session() as s:
        row, teen = controls.link(s, user, body.get("code"))
        return GuardianLinkOut(guardian=user.handle, teen=teen.handle, created_at=row.created_at)


@router.get("/me/guardians", summary="Your guardian links")
def list_guardians(rt: RT, user: CurrentUser) -> dict[str, Any]:
    """Links where you are the guardian or the teen."""
    with rt.db.session() as s:
        return {"object": "list", "data": [
            GuardianLinkOut(guardian=g.handle, teen=t.handle, created_at=r.created_at).model_dump()
            for r, g, t in controls.links_of(s, user)]}


def _controls_out(s: Any, teen: User) -> ParentalControlsOut:
    st = controls.settings_of(s, teen.id)
    policy = controls.policy_of(s, teen)
    return ParentalControlsOut(user=teen.handle, personalization=bool(st.guardian_personalized),
                               continuous_feed=policy.continuous, session_cap=policy.session_cap,
                               daily_cap=policy.daily_cap)


def teen_for(s: Any, user: User, handle: str, *, write: bool) -> User:
    """The under-18 account `handle` if `user` may read (the teen or a guardian) or change (a guardian) its controls."""
    teen = visible_user(s, user, handle)
    if not is_minor(teen):
        raise Forbidden(f"'{handle}' is not an account of someone under 18.", param="handle", code="not_a_minor")
    guardian = controls.is_guardian(s, user.id, teen.id)
    if not guardian and (write or teen.id != user.id):
        raise Forbidden(f"You are not a linked guardian of '{handle}'.", param="handle", code="not_guardian")
    return teen


@router.get("/users/{handle}/parental_controls", response_model=ParentalControlsOut, summary="Parental controls")
def get_parental_controls(handle: str, rt: RT, user: CurrentUser) -> ParentalControlsOut:
    """What the teen's guardians set (the teen and their guardians may read it)."""
    with rt.db.session() as s:
        return _controls_out(s, teen_for(s, user, handle, write=False))


@router.patch("/users/{handle}/parental_controls", response_model=ParentalControlsOut,
              summary="Change parental controls")
async def patch_parental_controls(handle: str, request: Request, rt: RT, user: CurrentUser) -> ParentalControlsOut:
    """A guardian turns personalisation or continuous feed off (or on) and lowers the session and daily caps."""
    body = await read_body(request)
    with rt.db.session() as s:
        teen = teen_for(s, user, handle, write=True)
        controls.set_parental(s, teen, {k: body.get(k) for k in
                                        ("personalization", "continuous_feed", "session_cap", "daily_cap")
                                        if k in body.fields})
        return _controls_out(s, teen)
