"""Pages: cameo set-up and settings, appearances, notifications, account settings, moderation queue, verify a file."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from reelcast.api import cameos as cameo_api
from reelcast.api import feed as feed_api
from reelcast.api import moderation as moderation_api
from reelcast.api import sessions as session
from reelcast.api import social as social_api
from reelcast.api.errors import BadRequest
from reelcast.api.forms import read_body
from reelcast.domain.cameo_access import ACCESS_LEVELS
from reelcast.feed import controls
from reelcast.social import accounts as acc
from reelcast.store.models import User
from reelcast.web.common import (
    REFUSALS,
    FormViewer,
    Viewer,
    flash,
    redirect,
    refusal_message,
    refusals_flashed,
    render,
    rt_of,
)

router = APIRouter(include_in_schema=False)


ACCESS_LABELS = {"only_me": "Only me", "approved": "People I approve", "mutuals": "Mutuals",
                 "everyone": "Everyone"}


# --- cameos -------------------------------------------------------------------------------------------------------

@router.get("/cameos", response_class=HTMLResponse)
def cameos_page(request: Request, user: Viewer) -> HTMLResponse:
    """Your cameos and the way to set up your own."""
    mine = cameo_api.list_cameos(rt_of(request), user).data
    # a person cameo that is verified or being checked; pending or rejected ones can be set up (again)
    has_person = any(c.kind == "person" and c.status in ("active", "verifying", "in_review") for c in mine)
    return render(request, "cameos.html", cameos=mine, has_person=has_person, labels=ACCESS_LABELS)


@router.get("/cameos/setup", response_class=HTMLResponse)
def cameo_setup(request: Request, user: Viewer) -> HTMLResponse:
    """Record a verification clip with the camera: read the digits aloud and turn your head as shown."""
    return render(request, "cameo_setup.html")


@router.get("/cameos/{cameo_id}", response_class=HTMLResponse)
def cameo_settings(cameo_id: str, request: Request, user: Viewer) -> HTMLResponse:
    """Access level, approvals, preferences and restrictions of one of your cameos."""
    cameo = cameo_api.get_cameo(cameo_id, rt_of(request), user)
    return render(request, "cameo_settings.html", cameo=cameo, levels=ACCESS_LEVELS, labels=ACCESS_LABELS)


@router.post("/cameos/{cameo_id}", response_class=HTMLResponse)
async def save_cameo(cameo_id: str, request: Request, user: FormViewer) -> Response:
    """Save settings (same path as PATCH /v1/cameos/{id}); they apply to every later generation at once."""
    with refusals_flashed(request):
        await cameo_api.patch_cameo(cameo_id, request, rt_of(request), user)
        flash(request, "Cameo settings saved.")
    return redirect(f"/cameos/{cameo_id}")


@router.post("/cameos/{cameo_id}/approvals", response_class=HTMLResponse)
async def add_approval(cameo_id: str, request: Request, user: FormViewer) -> Response:
    """Approve a user for your cameo."""
    with refusals_flashed(request):
        await cameo_api.approve(cameo_id, request, rt_of(request), user)
    return redirect(f"/cameos/{cameo_id}")


@router.post("/cameos/{cameo_id}/approvals/{handle}/revoke", response_class=HTMLResponse)
async def revoke_approval(cameo_id: str, handle: str, request: Request, user: FormViewer) -> Response:
    """Revoke an approval."""
    cameo_api.revoke(cameo_id, handle, rt_of(request), user)
    flash(request, f"@{handle} can no longer use this cameo.")
    return redirect(f"/cameos/{cameo_id}")


@router.get("/cameos/{cameo_id}/appearances", response_class=HTMLResponse)
def appearances(cameo_id: str, request: Request, user: Viewer) -> HTMLResponse:
    """Every video you are in, other people's drafts included, with take-down."""
    rt = rt_of(request)
    cameo = cameo_api.get_cameo(cameo_id, rt, user)
    return render(request, "appearances.html", cameo=cameo, items=cameo_api.appearances(cameo_id, rt, user).data)


@router.get("/media/appearances/{cameo_id}/{video_id}")
def appearance_media(cameo_id: str, video_id: str, request: Request, user: Viewer,
                     variant: str = "video") -> FileResponse:
    """A video you appear in (same checks as the API's appearance content)."""
    return cameo_api.appearance_content(cameo_id, video_id, rt_of(request), user, variant)


@router.post("/cameos/{cameo_id}/appearances/{video_id}/takedown", response_class=HTMLResponse)
async def takedown(cameo_id: str, video_id: str, request: Request, user: FormViewer) -> Response:
    """Take a video you are in down for everyone (audited; the creator is notified)."""
    with refusals_flashed(request):
        await cameo_api.takedown(cameo_id, video_id, request, rt_of(request), user)
        flash(request, "Taken down. The video and its post are gone for everyone.")
    return redirect(f"/cameos/{cameo_id}/appearances")


# --- notifications ------------------------------------------------------------------------------------------------

NOTE_TEXT = {"follow": "followed you", "like": "liked your post", "comment": "commented on your post",
             "remix": "remixed your post", "cameo_used": "used your cameo", "takedown": "took a video down"}


def _note_link(kind: str, payload: dict[str, Any]) -> str | None:
    if kind == "remix" and payload.get("video_id"):
        return f"/p/{payload['post_id']}"
    if payload.get("post_id"):
        return f"/p/{payload['post_id']}"
    if payload.get("by"):
        return f"/u/{payload['by']}"
    return None


@router.get("/notifications", response_class=HTMLResponse)
def notifications(request: Request, user: Viewer) -> HTMLResponse:
    """Newest first."""
    rows = social_api.notifications(rt_of(request), user, unread=False, limit=100, after=None).data
    items = [{"n": n, "text": NOTE_TEXT.get(n.kind, n.kind.replace("_", " ")), "link": _note_link(n.kind, n.payload)}
             for n in rows]
    return render(request, "notifications.html", items=items)


@router.post("/notifications/read")
async def read_all(request: Request, user: FormViewer) -> Response:
    """Mark every notification read."""
    await social_api.read_notifications(request, rt_of(request), user)
    return redirect("/notifications")


# --- settings -----------------------------------------------------------------------------------------------------

@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, user: Viewer) -> HTMLResponse:
    """API keys, feed and parental controls, data export and account deletion."""
    rt = rt_of(request)
    keys = social_api.list_api_keys(rt, user).data
    sess = request.scope.get("session") or {}
    new_key = sess.pop("new_key", None)
    guardian_code = sess.pop("guardian_code", None)
    with rt.db.session() as s:
        mine = controls.settings_of(s, user.id)
        links = controls.links_of(s, user)
        teens = [feed_api.get_parental_controls(t.handle, rt, user) for _, g, t in links if g.id == user.id]
        guardians = [g.handle for _, g, t in links if t.id == user.id]
    return render(request, "settings.html", keys=keys, new_key=new_key, personalized=bool(mine.personalized),
                  minor=acc.is_minor(user), guardian_code=guardian_code, teens=teens, guardians=guardians)


@router.post("/settings/feed", response_class=HTMLResponse)
async def save_feed_settings(request: Request, user: FormViewer) -> Response:
    """Personalisation on or off (same as PATCH /v1/me/feed_settings)."""
    form = await request.form()
    with rt_of(request).db.session() as s:
        controls.set_personalized(s, user, form.get("personalization") == "on")
    flash(request, "Feed settings saved.")
    return redirect("/settings#feed")


@router.post("/settings/guardian_code", response_class=HTMLResponse)
async def make_guardian_code(request: Request, user: FormViewer) -> Response:
    """A consent code an under-18 user gives to a parent (same as POST /v1/me/guardian_code)."""
    code = feed_api.guardian_code(rt_of(request), user)
    sess = request.scope.get("session")
    if sess is not None:
        sess["guardian_code"] = {"code": code.code, "expires_at": code.expires_at}
    return redirect("/settings#family")


@router.post("/settings/guardians", response_class=HTMLResponse)
async def link_teen(request: Request, user: FormViewer) -> Response:
    """Become a teen's guardian with their consent code (same as POST /v1/me/guardians)."""
    with refusals_flashed(request):
        link = await feed_api.add_guardian(request, rt_of(request), user)
        flash(request, f"You are now @{link.teen}'s guardian.")
    return redirect("/settings#family")


@router.post("/settings/teens/{handle}", response_class=HTMLResponse)
async def save_parental_controls(handle: str, request: Request, user: FormViewer) -> Response:
    """A guardian's controls for a teen (same rules as PATCH /v1/users/{handle}/parental_controls)."""
    form = await request.form()
    changes: dict[str, object] = {"personalization": form.get("personalization") == "on",
                                  "continuous_feed": form.get("continuous_feed") == "on"}
    for key in ("session_cap", "daily_cap"):
        raw = str(form.get(key) or "").strip()
        changes[key] = int(raw) if raw.isdigit() else raw or None
    with refusals_flashed(request):
        with rt_of(request).db.session() as s:
            teen = feed_api.teen_for(s, user, handle, write=True)
            controls.set_parental(s, teen, {k: v for k, v in changes.items() if v is not None})
        flash(request, f"Parental controls for @{handle} saved.")
    return redirect("/settings#family")


@router.post("/settings/keys", response_class=HTMLResponse)
async def create_key(request: Request, user: FormViewer) -> Response:
    """Create an API key; its secret is shown once."""
    from reelcast.store import accounts as keys

    body = await read_body(request)
    name = str(body.get("name") or "web")[:128]
    with rt_of(request).db.session() as s:
        row = s.get(User, user.id)
        assert row is not None
        secret = keys.create_api_key(s, row, name=name)
    sess = request.scope.get("session")
    if sess is not None:
        sess["new_key"] = secret  # shown once on the next page, then dropped from the cookie
    return redirect("/settings#keys")


@router.post("/settings/keys/{key_id}/revoke", response_class=HTMLResponse)
async def revoke_key(key_id: str, request: Request, user: FormViewer) -> Response:
    """Revoke an API key."""
    social_api.delete_api_key(key_id, rt_of(request), user)
    flash(request, "Key revoked.")
    return redirect("/settings#keys")


@router.get("/settings/export")
def export(request: Request, user: Viewer) -> FileResponse:
    """Download everything about you as a zip (same as GET /v1/me/export)."""
    return social_api.export_me(rt_of(request), user)


@router.post("/settings/delete", response_class=HTMLResponse)
async def delete_account(request: Request, user: FormViewer) -> Response:
    """Delete the account after the handle is typed to confirm (same as DELETE /v1/me)."""
    form = await request.form()
    if str(form.get("confirm") or "").strip().lstrip("@").lower() != user.handle.lower():
        flash(request, "Type your handle to confirm the deletion.", "error")
        return redirect("/settings#danger")
    social_api.delete_me(rt_of(request), user)
    session.sign_out(request)
    return redirect("/signin")


# --- operators ----------------------------------------------------------------------------------------------------

@router.get("/moderation", response_class=HTMLResponse)
def moderation_page(request: Request, user: Viewer, status: str = "open") -> HTMLResponse:
    """The reports waiting for an operator."""
    if status not in ("open", "actioned", "dismissed", "all"):
        status = "open"
    queue = moderation_api.get_queue(rt_of(request), user, status=status, limit=200).data
    return render(request, "moderation.html", queue=queue, shown=status)


@router.post("/moderation/act", response_class=HTMLResponse)
async def moderation_act(request: Request, user: FormViewer) -> Response:
    """Take down, restore, suspend or dismiss (same as POST /v1/moderation/actions)."""
    form = await request.form()
    body = moderation_api.ActionBody(action=str(form.get("action") or ""),
                                     report_id=str(form.get("report_id") or "") or None,
                                     reason=str(form.get("reason") or "") or None)
    with refusals_flashed(request):
        out = moderation_api.post_action(body, rt_of(request), user)
        flash(request, f"{out.action.replace('_', ' ').capitalize()}: {out.target} {out.id}.")
    return redirect("/moderation")


# --- verify a file (public) ---------------------------------------------------------------------------------------

@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request) -> HTMLResponse:
    """Upload a file to check its provenance."""
    from reelcast.web.common import maybe_viewer

    maybe_viewer(request)
    return render(request, "verify.html", report=None, trace=None, filename=None, error=None)


@router.post("/verify", response_class=HTMLResponse)
async def verify(request: Request) -> HTMLResponse:
    """The C2PA validation report and the trace result of an uploaded file."""
    from pathlib import Path

    from reelcast.api.provenance import _limit, _upload
    from reelcast.jobs import provenance
    from reelcast.web.common import maybe_viewer

    maybe_viewer(request)
    await session.check_csrf(request)
    rt = rt_of(request)
    form = await request.form()
    upload = form.get("file")
    filename = getattr(upload, "filename", None)
    try:
        _limit(request)
        data = await _upload(request)

        def run() -> tuple[dict[str, Any], dict[str, Any]]:
            report = provenance.verify_file(rt, data)
            tmp = rt.blobs.temp_path(".upload")
            try:
                Path(tmp).write_bytes(data)
                return report, provenance.trace_file(rt, data, Path(tmp))
            except ValueError as exc:
                raise BadRequest(str(exc), param="file", code="unreadable_file") from exc
            finally:
                Path(tmp).unlink(missing_ok=True)

        report, trace = await asyncio.to_thread(run)
    except REFUSALS as exc:
        return render(request, "verify.html", status=400, report=None, trace=None, filename=filename,
                      error=refusal_message(exc))
    return render(request, "verify.html", report=report, trace=trace, filename=filename, error=None)
