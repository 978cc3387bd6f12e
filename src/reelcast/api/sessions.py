"""Browser sessions of the web app (also accepted by /v1): a signed cookie with the user id and a CSRF token."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from fastapi import Request

from reelcast.config import Settings
from reelcast.store.models import User

COOKIE = "reelcast_session"
SECRET_FILE = "session_secret"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_AGE = 14 * 24 * 3600
MAX_FORM_PART = 200 * 1024 * 1024  # read_body's limit, so a later read of the same form sees the same parse


class CsrfError(Exception):
    """A state-changing browser request without the session's CSRF token."""


def session_secret(settings: Settings) -> str:
    """The key that signs session cookies, created once under data_dir (so sessions survive restarts)."""
    path: Path = settings.data_dir / SECRET_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text().strip()


def _session(request: Request) -> dict | None:
    return request.scope.get("session")


def user_id(request: Request) -> str | None:
    """The signed-in user's id, if the request carries a session."""
    sess = _session(request)
    return sess.get("uid") if sess else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    sess = _session(request)
    if sess is None:
        return ""
    if "csrf" not in sess:
        sess["csrf"] = secrets.token_urlsafe(24)
    return str(sess["csrf"])


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for the user (a new CSRF token, nothing carried over)."""
    sess = _session(request)
    assert sess is not None, "SessionMiddleware is not installed"
    sess.clear()
    sess["uid"] = user.id
    sess["csrf"] = secrets.token_urlsafe(24)


def sign_out(request: Request) -> None:
    """End the session."""
    sess = _session(request)
    if sess is not None:
        sess.clear()


def csrf_ok(request: Request, sent: str | None) -> bool:
    """Whether a sent token matches the session's."""
    sess = _session(request)
    expected = sess.get("csrf") if sess else None
    return bool(expected) and isinstance(sent, str) and hmac.compare_digest(expected, sent)


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token (header or form field) does not match the session."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form(max_part_size=MAX_FORM_PART)  # the API's body reader reuses this parse
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not csrf_ok(request, sent):
        raise CsrfError("This form has expired or did not come from this site; reload the page and try again.")
