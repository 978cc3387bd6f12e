"""Pages: sign-up/in, feed, create (with live progress and the plan), library, posts, profiles, media.

Pages call the same functions the JSON API runs (services, or the endpoint functions themselves with the page's
request), so moderation, quotas and cameo permissions apply exactly as they do for `/v1`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import func, select

from reelcast.api import posts as post_api
from reelcast.api import sessions as session
from reelcast.api import social as social_api
from reelcast.api import videos as video_api
from reelcast.api.limits import quota_state
from reelcast.api.schemas import RemixBody
from reelcast.domain import video_rules
from reelcast.feed.service import feed_page
from reelcast.social import accounts as acc
from reelcast.social import cameos as cameo_svc
from reelcast.social import posts as post_svc
from reelcast.store import videos as video_repo
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Cameo
from reelcast.web.common import (
    REFUSALS,
    FormViewer,
    Viewer,
    flash,
    is_htmx,
    maybe_viewer,
    redirect,
    refusal_message,
    refusals_flashed,
    render,
    rt_of,
    viewer,
)
from reelcast.web.prompt_templates import STYLES, TEMPLATES

router = APIRouter(include_in_schema=False)


FEED_PAGE = 5


def _safe_next(url: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    return url if url and url.startswith("/") and not url.startswith("//") else "/"


# --- accounts -----------------------------------------------------------------------------------------------------

@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, invite: str = "") -> HTMLResponse:
    """Sign-up form (invite code, handle, password, birthdate)."""
    maybe_viewer(request)
    return render(request, "signup.html", form={"invite_code": invite}, error=None)


@router.post("/signup", response_class=HTMLResponse)
async def signup(request: Request) -> Response:
    """Create the account with an invite and sign in."""
    await session.check_csrf(request)
    form = await request.form()
    fields = {k: str(form.get(k) or "") for k in ("invite_code", "handle", "password", "birthdate", "display_name")}
    rt = rt_of(request)
    try:
        with rt.db.session() as s:
            user = acc.register(s, handle=fields["handle"], password=fields["password"],
                                birthdate=fields["birthdate"], invite_code=fields["invite_code"],
                                display_name=fields["display_name"] or None,
                                open_registration=rt.settings.open_registration)
    except REFUSALS as exc:
        fields["password"] = ""
        return render(request, "signup.html", status=400, form=fields, error=refusal_message(exc))
    session.sign_in(request, user)
    flash(request, f"Welcome to reelcast, @{user.handle}!")
    return redirect("/")


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 - the query parameter's name
    """Sign-in form."""
    maybe_viewer(request)
    return render(request, "signin.html", next=_safe_next(next), error=None, handle="")


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    """Check handle and password; start a session."""
    await session.check_csrf(request)
    form = await request.form()
    handle, password = str(form.get("handle") or ""), str(form.get("password") or "")
    nxt = _safe_next(str(form.get("next") or "/"))
    with rt_of(request).db.session() as s:
        user = acc.user_by_handle(s, handle) if handle else None
        ok = user is not None and acc.verify_password(user, password)
    if not ok or user is None:
        return render(request, "signin.html", status=401, next=nxt, handle=handle,
                      error="Incorrect handle or password.")
    session.sign_in(request, user)
    return redirect(nxt)


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End the session."""
    await session.check_csrf(request)
    session.sign_out(request)
    return redirect("/signin")


# --- feed ---------------------------------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def feed(request: Request, mood: str = "") -> Response:
    """The vertical feed (signed out: the sign-in page)."""
    user = maybe_viewer(request)
    if user is None:
        return render(request, "signin.html", next="/", error=None, handle="")
    viewer(request)
    page = feed_page(rt_of(request), user.id, cursor=None, limit=FEED_PAGE, mood=mood.strip() or None)
    return render(request, "feed.html", page=page, mood=mood.strip())


@router.get("/feed/more", response_class=HTMLResponse)
def feed_more(request: Request, user: Viewer, cursor: str = "", mood: str = "") -> HTMLResponse:
    """The next page of feed items (htmx appends it)."""
    page = feed_page(rt_of(request), user.id, cursor=cursor or None, limit=FEED_PAGE, mood=mood.strip() or None)
    return render(request, "_feed_items.html", page=page, mood=mood.strip())


# --- create -------------------------------------------------------------------------------------------------------

def _create_context(request: Request, user: User, remix_of: str | None = None, **extra: Any) -> dict[str, Any]:
    st = rt_of(request).settings
    source = None
    if remix_of:
        with rt_of(request).db.session() as s:
            post, job = post_svc.visible(s, user, remix_of)
            source = post_api.post_out(s, post, job, user)
    return dict(quota=quota_state(rt_of(request), user), templates=TEMPLATES, styles=STYLES,
                sizes=list(video_rules.SIZES) + list(st.extra_size_list),
                seconds=list(video_rules.SECONDS) + list(st.extra_seconds_list), source=source,
                form={"size": "720x1280", "seconds": video_rules.DEFAULT_SECONDS, "prompt": ""}, error=None) | extra


@router.get("/create", response_class=HTMLResponse)
def create_page(request: Request, user: Viewer, remix: str = "", prompt: str = "") -> HTMLResponse:
    """The prompt box with templates and pickers (`?remix=post_…` opens it on a post to remix; `?prompt=` fills it)."""
    ctx = _create_context(request, user, remix or None)
    ctx["form"]["prompt"] = prompt[:video_rules.MAX_PROMPT_CHARS]
    return render(request, "create.html", **ctx)


@router.post("/create", response_class=HTMLResponse)
async def create(request: Request, user: FormViewer) -> Response:
    """Start a render through the same path as POST /v1/videos, then watch it."""
    try:
        video = await video_api.create_video(request, Response(), rt_of(request), user)
    except REFUSALS as exc:
        form = await request.form()
        values = {k: str(form.get(k) or "") for k in ("prompt", "size", "seconds")}
        return render(request, "create.html", status=400,
                      **_create_context(request, user, form=values, error=refusal_message(exc)))
    return redirect(f"/videos/{video.id}")


@router.post("/p/{post_id}/remix", response_class=HTMLResponse)
async def remix(post_id: str, request: Request, user: FormViewer) -> Response:
    """Remix a post (same path as POST /v1/posts/{id}/remix)."""
    form = await request.form()
    prompt = str(form.get("prompt") or "")
    try:
        video = post_api.remix_post(post_id, RemixBody(prompt=prompt), Response(), rt_of(request), user)
    except REFUSALS as exc:
        return render(request, "create.html", status=400,
                      **_create_context(request, user, post_id, form={"prompt": prompt},
                                        error=refusal_message(exc)))
    return redirect(f"/videos/{video.id}")


@router.get("/mentions", response_class=HTMLResponse)
def mentions(request: Request, user: Viewer, q: str = "") -> HTMLResponse:
    """Cameos the viewer may use whose handle starts with `q` (the @-mention autocomplete)."""
    prefix = q.lstrip("@").lower()[:32]
    out: list[dict[str, str]] = []
    with rt_of(request).db.session() as s:
        rows = s.scalars(select(Cameo).where(Cameo.status == "active",
                                             func.lower(Cameo.handle).like(f"{prefix}%"))
                         .order_by(Cameo.handle).limit(50))
        for c in rows:
            if cameo_svc.decide_for(s, "generate", user, c):
                out.append({"handle": c.handle, "name": c.name or c.handle, "kind": c.kind})
            if len(out) == 8:
                break
    return render(request, "_mentions.html", cameos=out)


# --- videos (drafts) ----------------------------------------------------------------------------------------------

def _own_job(request: Request, user: User, video_id: str) -> VideoJob:
    return video_api._owned_video(rt_of(request), user, video_id)


def _post_of(request: Request, video_id: str) -> str | None:
    with rt_of(request).db.session() as s:
        p = post_svc.live_post_of_video(s, video_id)
        return p.id if p else None


@router.get("/videos/{video_id}", response_class=HTMLResponse)
def video_page(video_id: str, request: Request, user: Viewer) -> HTMLResponse:
    """A video of yours: live progress while rendering, then the player, the plan and the post form."""
    job = _own_job(request, user, video_id)
    return render(request, "video.html", job=job, plan=job.plan or {}, post_id=_post_of(request, video_id))


@router.get("/videos/{video_id}/progress", response_class=HTMLResponse)
def video_progress(video_id: str, request: Request, user: Viewer) -> HTMLResponse:
    """The status panel htmx polls while the video renders."""
    job = _own_job(request, user, video_id)
    return render(request, "_progress.html", job=job, post_id=_post_of(request, video_id))


@router.post("/videos/{video_id}/post", response_class=HTMLResponse)
async def publish(video_id: str, request: Request, user: FormViewer) -> Response:
    """Post a finished video with a caption (same path as POST /v1/posts)."""
    try:
        post = await post_api.create_post(request, rt_of(request), user)
    except REFUSALS as exc:
        flash(request, refusal_message(exc), "error")
        return redirect(f"/videos/{video_id}")
    return redirect(f"/p/{post.id}")


@router.post("/videos/{video_id}/delete")
async def delete_video(video_id: str, request: Request, user: FormViewer) -> Response:
    """Delete one of your videos."""
    video_api.delete_video(video_id, rt_of(request), user)
    flash(request, "Video deleted.")
    return redirect("/library")


@router.get("/library", response_class=HTMLResponse)
def library(request: Request, user: Viewer, after: str = "") -> HTMLResponse:
    """Your videos: drafts (not posted, still rendering or failed) and posted ones."""
    with rt_of(request).db.session() as s:
        page = video_repo.list_videos(s, user.id, after=after or None, limit=48, order="desc")
        items = [(j, (p.id if (p := post_svc.live_post_of_video(s, j.id)) else None)) for j in page.items]
    drafts = [(j, p) for j, p in items if p is None]
    posted = [(j, p) for j, p in items if p is not None]
    last = page.items[-1].id if page.items else None
    return render(request, "library.html", drafts=drafts, posted=posted, has_more=page.has_more, last=last)


# --- posts --------------------------------------------------------------------------------------------------------

@router.get("/p/{post_id}", response_class=HTMLResponse)
def post_page(post_id: str, request: Request, user: Viewer) -> HTMLResponse:
    """A post: player, like, comments, remix and lineage."""
    rt = rt_of(request)
    post = post_api.get_post(post_id, rt, user)
    comments = post_api.comments(post_id, rt, user).data
    lineage = post_api.lineage(post_id, rt, user)
    return render(request, "post.html", post=post, comments=comments, lineage=lineage)


@router.post("/p/{post_id}/like", response_class=HTMLResponse)
async def toggle_like(post_id: str, request: Request, user: FormViewer) -> Response:
    """Like or unlike (htmx swaps the button)."""
    rt = rt_of(request)
    current = post_api.get_post(post_id, rt, user)
    post = post_api.unlike(post_id, rt, user) if current.you_like else post_api.like(post_id, rt, user)
    if is_htmx(request):
        return render(request, "_like.html", post=post)
    return redirect(f"/p/{post_id}")


@router.post("/p/{post_id}/comments", response_class=HTMLResponse)
async def add_comment(post_id: str, request: Request, user: FormViewer) -> Response:
    """Add a comment (same path as POST /v1/posts/{id}/comments)."""
    with refusals_flashed(request):
        await post_api.comment(post_id, request, rt_of(request), user)
    return redirect(f"/p/{post_id}#comments")


@router.post("/p/{post_id}/delete")
async def delete_post(post_id: str, request: Request, user: FormViewer) -> Response:
    """Unpost; the video goes back to your drafts."""
    post_api.delete_post(post_id, rt_of(request), user)
    flash(request, "Post removed; the video is a draft again.")
    return redirect("/library")


# --- profiles -----------------------------------------------------------------------------------------------------

@router.get("/u/{handle}", response_class=HTMLResponse)
def profile(handle: str, request: Request, user: Viewer) -> HTMLResponse:
    """A profile: posts, follow button, and on your own profile your invite codes."""
    rt = rt_of(request)
    person = social_api.get_user(handle, rt, user)
    posts = post_api.user_posts(handle, rt, user).data
    invites = social_api.my_invites(rt, user).data if person.id == user.id else []
    return render(request, "profile.html", person=person, posts=posts, invites=invites,
                  invites_left=sum(1 for i in invites if i.used_by is None))


@router.post("/u/{handle}/follow", response_class=HTMLResponse)
async def toggle_follow(handle: str, request: Request, user: FormViewer) -> Response:
    """Follow or unfollow (htmx swaps the button)."""
    rt = rt_of(request)
    person = social_api.get_user(handle, rt, user)
    person = social_api.unfollow(handle, rt, user) if person.you_follow else social_api.follow(handle, rt, user)
    if is_htmx(request):
        return render(request, "_follow.html", person=person)
    return redirect(f"/u/{handle}")


# --- media (the <video> element fetches these with the session cookie; FileResponse serves ranges) ---------------

@router.get("/media/videos/{video_id}")
def video_media(video_id: str, request: Request, user: Viewer, variant: str = "video") -> FileResponse:
    """Your video's MP4, thumbnail or spritesheet (same checks as /v1/videos/{id}/content)."""
    resp = video_api.download_content(video_id, rt_of(request), user, variant)
    resp.headers["content-disposition"] = "inline"
    return resp


@router.get("/media/posts/{post_id}")
def post_media(post_id: str, request: Request, user: Viewer, variant: str = "video") -> FileResponse:
    """A visible post's MP4, thumbnail or spritesheet (same checks as /v1/posts/{id}/content)."""
    return post_api.post_content(post_id, rt_of(request), user, variant)
