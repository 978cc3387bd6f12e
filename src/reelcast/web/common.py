"""What every web page shares: templates, the signed-in viewer, CSRF, flash messages and error pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from reelcast.api import sessions as session
from reelcast.api.errors import APIError
from reelcast.domain.video_rules import RuleError
from reelcast.jobs.runtime import Runtime
from reelcast.social.errors import SocialError
from reelcast.store.models import User

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

# Every refusal the service layer raises; pages show its message instead of a JSON body.
REFUSALS = (APIError, SocialError, RuleError)


def _ago(ts: int | None) -> str:
    if not ts:
        return ""
    secs = int(datetime.now(UTC).timestamp()) - int(ts)
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= n:
            return f"{secs // n}{unit} ago"
    return "just now"


def _date(ts: int | None) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d %H:%M UTC") if ts else ""


templates.env.filters["ago"] = _ago
templates.env.filters["date"] = _date


class LoginRequired(Exception):
    """A page that needs a signed-in user was opened without a session."""


def rt_of(request: Request) -> Runtime:
    """The process runtime."""
    return request.app.state.runtime


def refusal_message(exc: Exception) -> str:
    """The human-readable message of a refusal."""
    return str(getattr(exc, "message", None) or exc)


def refusal_status(exc: Exception) -> int:
    """The HTTP status a refusal maps to."""
    return int(getattr(exc, "status", 400))


def maybe_viewer(request: Request) -> User | None:
    """The signed-in user, or None (a session whose account is gone counts as signed out)."""
    uid = session.user_id(request)
    if uid is None:
        return None
    with rt_of(request).db.session() as s:
        user = s.get(User, uid)
    if user is None:
        session.sign_out(request)
    request.state.web_user = user
    return user


def viewer(request: Request) -> User:
    """The signed-in user (suspended accounts are refused), or LoginRequired."""
    from reelcast.safety.moderation import ensure_not_suspended

    user = maybe_viewer(request)
    if user is None:
        raise LoginRequired()
    with rt_of(request).db.session() as s:
        ensure_not_suspended(s, user)
    return user


async def form_viewer(request: Request) -> User:
    """The signed-in user of a state-changing request whose CSRF token matches."""
    user = viewer(request)
    await session.check_csrf(request)
    return user


Viewer = Annotated[User, Depends(viewer)]  # a signed-in page (redirects to sign-in otherwise)
FormViewer = Annotated[User, Depends(form_viewer)]  # a signed-in form post with a valid CSRF token


@contextmanager
def refusals_flashed(request: Request) -> Iterator[None]:
    """Run a form's action; a refusal (an OpenAI-style API error, a social or rule error) becomes an error message
    on the next page instead of an error page."""
    try:
        yield
    except REFUSALS as exc:
        flash(request, refusal_message(exc), "error")


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message shown once on the next page."""
    sess = request.scope.get("session")
    if sess is not None:
        sess.setdefault("flash", []).append([kind, message])


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """A page from its template with the viewer, CSRF token and pending flash messages."""
    sess = request.scope.get("session")
    messages = sess.pop("flash", []) if sess is not None else []
    base = {"me": getattr(request.state, "web_user", None), "csrf": session.csrf_token(request),
            "messages": messages, "path": request.url.path}
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """See-other redirect after a form post."""
    return RedirectResponse(url, status_code=303)


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request (it swaps the answer into the page)."""
    return request.headers.get("hx-request") == "true"
