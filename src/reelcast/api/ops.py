"""Operations: Prometheus `/metrics`, readiness checks, request logging and the streaming upload limit."""

from __future__ import annotations

import json
import logging
import secrets
import time

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reelcast.api.errors import PayloadTooLarge
from reelcast.config import Settings
from reelcast.jobs.metrics import HTTP_LATENCY, REGISTRY, StoreCollector
from reelcast.jobs.runtime import Runtime
from reelcast.logs import request_id_var

log = logging.getLogger("reelcast.http")

router = APIRouter(tags=["ops"])


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> Response:
    """Jobs by status, queue depth, render seconds and HTTP latency in the Prometheus text format."""
    rt: Runtime = request.app.state.runtime
    store = rt.shared("metrics_registry", lambda: _store_registry(rt))
    return Response(generate_latest(REGISTRY) + generate_latest(store), media_type=CONTENT_TYPE_LATEST)


def _store_registry(rt: Runtime) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(rt))
    return registry


def readiness(rt: Runtime) -> dict[str, str]:
    """Check the database, the blob store and (with Celery) the broker; each maps to `ok` or the error."""
    checks: dict[str, str] = {}
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, never raises
        checks["database"] = f"error: {exc}"[:300]
    try:
        rt.blobs.check()
        checks["storage"] = "ok"
    except Exception as exc:
        checks["storage"] = f"error: {exc}"[:300]
    if rt.dispatcher is not None:
        try:
            rt.dispatcher.ping()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {exc}"[:300]
    return checks


def observe_request(request: Request, status: int, seconds: float, request_id: str) -> None:
    """Record HTTP latency by route template and log one structured line per request."""
    route = request.scope.get("route")
    template = getattr(route, "path", None) or "unmatched"
    HTTP_LATENCY.labels(request.method, template, str(status)).observe(seconds)
    log.info("%s %s %d %.1fms", request.method, request.url.path, status, seconds * 1000,
             extra={"request_id": request_id, "method": request.method, "path": request.url.path,
                    "route": template, "status": status, "duration_ms": round(seconds * 1000, 2)})


class RequestContext:
    """Gives each request an id (`x-request-id`, in the logs), adds the rate-limit headers a handler left in the
    request state, and records latency and one log line.

    A plain ASGI middleware: Starlette's `@app.middleware("http")` runs the app in a separate task with memory
    streams between them, which cost about as much CPU as a small endpoint itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = "req_" + secrets.token_hex(12)
        state = scope.setdefault("state", {})
        state["request_id"] = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = rid
                for k, v in state.get("ratelimit_headers", {}).items():
                    if k not in headers:
                        headers[k] = v
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)
            observe_request(Request(scope), status, time.perf_counter() - started, rid)


class UploadLimit:
    """Rejects request bodies over the limit while they stream in: at once by Content-Length, else by counting."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return f"Request body is larger than the {self.max_bytes // (1024 * 1024)} MB limit."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse by Content-Length at once; otherwise count bytes and cut the body off at the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._reject(send)
            return
        seen = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # stop reading: the app sees a disconnect, the client gets 413
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app answers to the cut-off body is replaced by the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._reject(send)

    async def _reject(self, send: Send) -> None:
        err = PayloadTooLarge(self._message(), code="request_too_large")
        body = json.dumps(err.body()).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                                (b"content-length", str(len(body)).encode()), (b"x-should-retry", b"false")]})
        await send({"type": "http.response.body", "body": body})


def install_upload_limit(app: FastAPI, st: Settings) -> None:
    """Add the streaming body limit (REELCAST_MAX_UPLOAD_MB)."""
    app.add_middleware(UploadLimit, max_bytes=st.max_upload_mb * 1024 * 1024)
