"""One small exception hierarchy mapped to OpenAI-style error bodies."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelcast.domain.video_rules import RuleError
from reelcast.social.errors import SocialError

log = logging.getLogger("reelcast.api")


class APIError(Exception):
    """An error that becomes `{"error": {...}}` with an HTTP status."""

    status = 400
    type = "invalid_request_error"

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, object]:
        """The JSON body."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


class BadRequest(APIError):
    """400."""


class Unauthorized(APIError):
    """401."""

    status = 401
    type = "authentication_error"


class Forbidden(APIError):
    """403."""

    status = 403
    type = "permission_error"


class NotFound(APIError):
    """404."""

    status = 404


class Conflict(APIError):
    """409."""

    status = 409


class PayloadTooLarge(APIError):
    """413."""

    status = 413


class RateLimited(APIError):
    """429."""

    status = 429
    type = "rate_limit_error"


def _response(err: APIError, request: Request) -> JSONResponse:
    headers = dict(err.headers)
    rid = getattr(request.state, "request_id", None)
    if rid:
        headers["x-request-id"] = rid
    if err.status < 500 and err.status not in (408, 409, 429):
        headers.setdefault("x-should-retry", "false")
    return JSONResponse(err.body(), status_code=err.status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception to an OpenAI-style body; never leak tracebacks."""

    @app.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError) -> JSONResponse:
        return _response(exc, request)

    @app.exception_handler(RuleError)
    async def _rule_error(request: Request, exc: RuleError) -> JSONResponse:
        return _response(BadRequest(exc.message, param=exc.param, code=exc.code), request)

    @app.exception_handler(SocialError)
    async def _social_error(request: Request, exc: SocialError) -> JSONResponse:
        err = {401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict}.get(exc.status, BadRequest)(
            exc.message, param=exc.param, code=exc.code)
        err.status = exc.status
        return _response(err, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(x) for x in first.get("loc", []) if x not in ("body", "query", "path")]
        param = ".".join(loc) or None
        msg = first.get("msg", "Invalid request")
        return _response(BadRequest(f"Invalid value for '{param}': {msg}", param=param, code="invalid_value"), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            err: APIError = NotFound(f"Not found: {request.method} {request.url.path}", code="not_found")
        elif exc.status_code == 405:
            err = APIError(f"Method {request.method} not allowed on {request.url.path}", code="method_not_allowed")
            err.status = 405
        else:
            err = APIError(str(exc.detail), code="http_error")
            err.status = exc.status_code
        return _response(err, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        err = APIError("The server had an error while processing your request.", code="server_error")
        err.status = 500
        err.type = "server_error"
        return _response(err, request)
