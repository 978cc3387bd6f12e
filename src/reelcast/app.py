"""`create_app(settings)`: the FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from reelcast import __version__
from reelcast.api import cameos as cameo_api
from reelcast.api import limits, models_api, ops, videos, webhook_endpoints
from reelcast.api import posts as post_api
from reelcast.api import social as social_api
from reelcast.api.errors import install_error_handlers
from reelcast.api.ops import install_upload_limit, readiness
from reelcast.config import Settings
from reelcast.jobs.runtime import Runtime
from reelcast.jobs.webhooks import OutboxDispatcher
from reelcast.jobs.worker import InlineWorker
from reelcast.store import accounts

log = logging.getLogger("reelcast")

ADMIN_KEY_FILE = "admin_api_key"


def ensure_admin(rt: Runtime) -> str | None:
    """Create the local admin on first run; return its new API key (also saved under data_dir) or None."""
    st = rt.settings
    with rt.db.session() as s:
        admin = accounts.get_or_create_user(s, st.admin_handle, is_admin=True)
        if accounts.count_keys(s, admin) > 0:
            return None
        key = accounts.create_api_key(s, admin, name="first-run")
    path: Path = st.data_dir / ADMIN_KEY_FILE
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; the runtime (DB, blobs) and inline worker start with the app's lifespan."""
    st = settings or (runtime.settings if runtime else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or Runtime.open(st)
        app.state.runtime = rt
        new_key = ensure_admin(rt)
        if new_key:
            log.warning("created local admin '%s' with API key %s (saved in %s)", st.admin_handle, new_key,
                        st.data_dir / ADMIN_KEY_FILE)
        worker = None
        if rt.settings.job_backend == "inline":
            worker = InlineWorker(rt, threads=rt.settings.worker_threads)
            worker.start()
        hooks = OutboxDispatcher(rt)  # webhook deliveries; safe to run in every server and worker
        hooks.start()
        # Prompt understanding and the safety policy need the embedding model; load it before the first request.
        from reelcast.embeddings import warm_in_background

        warm_in_background()
        from reelcast.cameo import service as cameo_verification  # resume cameo verifications a crash left

        cameo_verification.resume_orphans(rt)
        try:
            yield
        finally:
            hooks.stop()
            if "cameo_verifier" in rt.extras:
                rt.extras.pop("cameo_verifier").shutdown()
            if worker is not None:
                worker.stop()
            if runtime is None:
                rt.close()

    app = FastAPI(
        title="reelcast",
        version=__version__,
        description="Self-hostable AI video studio. `/v1/videos` is wire-compatible with OpenAI's Videos API.",
        lifespan=lifespan,
    )
    install_error_handlers(app)

    app.add_middleware(ops.RequestContext)
    install_upload_limit(app, st)

    @app.get("/healthz", tags=["ops"], summary="Liveness")
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], summary="Readiness")
    def readyz(request: Request) -> JSONResponse:
        """The database answers, the blob store is writable and (with Celery) the broker answers."""
        rt: Runtime = request.app.state.runtime
        checks = readiness(rt)
        ok = all(c == "ok" for c in checks.values())
        return JSONResponse({"status": "ready" if ok else "unavailable", "checks": checks},
                            status_code=200 if ok else 503)

    app.include_router(ops.router)
    app.include_router(limits.router)
    app.include_router(webhook_endpoints.router)
    app.include_router(videos.router)
    app.include_router(models_api.router)
    app.include_router(social_api.router)
    app.include_router(post_api.router)
    app.include_router(cameo_api.router)
    from reelcast.api import moderation as moderation_api  # reports and the moderation queue

    app.include_router(moderation_api.router)
    from reelcast.api import provenance as provenance_api  # provenance routes (trace, verify)

    app.include_router(provenance_api.router)
    from reelcast.api import feed as feed_api  # feed, wellbeing and parental controls

    app.include_router(feed_api.router)
    from reelcast.web.install import install_web  # the web app: pages at /, sessions, static files

    install_web(app, st)
    return app
