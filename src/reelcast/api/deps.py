"""Request-scoped dependencies: runtime, authenticated user."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from reelcast.api.errors import Forbidden, Unauthorized
from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts
from reelcast.store.models import User


async def runtime(request: Request) -> Runtime:
    """The process runtime attached to the app (async: a plain dependency would cost a threadpool hop)."""
    return request.app.state.runtime


def current_user(request: Request) -> User:
    """The user of the Bearer API key (or the web session cookie, or the local admin when auth is off), rate-limited."""
    from reelcast.api.limits import check_request
    from reelcast.safety.moderation import ensure_not_suspended  # operators can suspend accounts

    rt: Runtime = request.app.state.runtime
    with rt.db.session() as s:  # one session (one pooled connection checkout) for both
        user = _authenticate(request, rt, s)
        ensure_not_suspended(s, user)
    check_request(rt, user, request)
    return user


def _authenticate(request: Request, rt: Runtime, s: Session) -> User:
    if not rt.settings.auth:
        return accounts.get_or_create_user(s, rt.settings.admin_handle, is_admin=True)
    header = request.headers.get("authorization", "")
    if not header:
        cookie_user = _session_user(request, s)
        if cookie_user is not None:
            return cookie_user
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' "
            "(create one with `reelcast apikey create --user admin`).",
            code="missing_api_key",
        )
    user = accounts.user_for_key(s, token.strip())
    if user is None:
        raise Unauthorized("Incorrect API key provided.", code="invalid_api_key")
    return user


def _session_user(request: Request, s: object) -> User | None:
    """The web app's signed-in user; state-changing calls must also send the session's CSRF token header."""
    from reelcast.api import sessions as session

    uid = session.user_id(request)
    if uid is None:
        return None
    user = s.get(User, uid)  # type: ignore[attr-defined]
    if user is None:
        return None
    if request.method not in session.SAFE_METHODS and not session.csrf_ok(request,
                                                                        request.headers.get(session.CSRF_HEADER)):
        raise Forbidden("Missing or wrong CSRF token: send the page's token as the 'X-CSRF-Token' header.",
                        code="csrf_failed")
    return user
