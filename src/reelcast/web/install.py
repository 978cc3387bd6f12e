"""Mount the web app (pages, static files, sessions) on the FastAPI app that serves the API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from reelcast.api import sessions as session
from reelcast.config import Settings
from reelcast.web.common import HERE, REFUSALS, LoginRequired, is_htmx, refusal_message, refusal_status, render

API_PREFIXES = ("/v1", "/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json")


def is_page(request: Request) -> bool:
    """Whether a request is for the web app (HTML errors) rather than the API (JSON errors)."""
    return not request.url.path.startswith(API_PREFIXES)


def _error_page(request: Request, status: int, message: str) -> Response:
    if is_htmx(request):
        return HTMLResponse(f'<p class="error" role="alert">{_escape(message)}</p>', status_code=200)
    return render(request, "error.html", status=status, status_code=status, message=message)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def install_web(app: FastAPI, settings: Settings) -> None:
    """Sessions, static assets, the page routers and HTML error pages for non-API paths."""
    from reelcast.web import pages, pages_account

    app.add_middleware(SessionMiddleware, secret_key=session.session_secret(settings),
                       session_cookie=session.COOKIE, max_age=session.MAX_AGE, same_site="lax", https_only=False)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(pages_account.router)

    json_handlers: dict[Any, Any] = {exc: app.exception_handlers.get(exc) for exc in (*REFUSALS,
                                                                                   StarletteHTTPException)}

    async def refused(request: Request, exc: Exception) -> Response:
        if not is_page(request):
            handler = json_handlers.get(type(exc)) or next(
                h for t, h in json_handlers.items() if h is not None and isinstance(exc, t))
            return await handler(request, exc)
        if isinstance(exc, StarletteHTTPException):
            msg = "This page does not exist." if exc.status_code == 404 else str(exc.detail)
            return _error_page(request, exc.status_code, msg)
        return _error_page(request, refusal_status(exc), refusal_message(exc))

    for exc_type in (*REFUSALS, StarletteHTTPException):
        app.add_exception_handler(exc_type, refused)

    async def login_required(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": f"/signin?next={target}"})
        return RedirectResponse(f"/signin?next={target}", status_code=303)

    async def csrf_failed(request: Request, exc: Exception) -> Response:
        return _error_page(request, 403, str(exc))

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(session.CsrfError, csrf_failed)
