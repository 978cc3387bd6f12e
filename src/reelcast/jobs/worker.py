"""Workers that claim jobs with a lease and render them; the inline worker runs as threads in the server."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from reelcast.domain.ids import new_id
from reelcast.domain.video_rules import parse_size
from reelcast.jobs import metrics, webhooks
from reelcast.jobs.pipeline import JobCancelled, JobFailed, RenderRequest, load_reference, render
from reelcast.jobs.runtime import Runtime
from reelcast.media.probe import MediaError, decode_frames, probe
from reelcast.safety.service import check_output
from reelcast.social import cameos as cameo_service
from reelcast.social.errors import SocialError
from reelcast.store import outbox
from reelcast.store import videos as repo
from reelcast.store.models import User, VideoJob

log = logging.getLogger("reelcast.worker")

TEST_FAIL_MARKER = "reelcast-test-fail"


def format_seconds(value: float) -> str:
    """Seconds as the API shows them: "8", or "6.5" for a stitched odd length."""
    return str(int(round(value))) if abs(value - round(value)) < 1e-6 else f"{value:.2f}".rstrip("0").rstrip(".")


def _source_path(rt: Runtime, job: VideoJob) -> Path | None:
    if job.source_blob:
        return rt.blobs.path(job.source_blob)
    if job.source_video_id:
        with rt.db.session() as s:
            src = repo.get_video(s, job.source_video_id)
            if src is None or not src.video_blob:
                raise JobFailed("source_unavailable", f"Source video {job.source_video_id} is gone.")
            return rt.blobs.path(src.video_blob)
    return None


def build_request(rt: Runtime, job: VideoJob) -> RenderRequest:
    """Turn a job row (create, remix, edit or extend) into a render request."""
    if rt.settings.test_hooks and TEST_FAIL_MARKER in job.prompt:
        raise JobFailed("test_failure", "Failure requested by the test hook in the prompt.")
    _, w, h = parse_size(job.size, rt.settings.extra_size_list + (job.size,))
    req = RenderRequest(prompt=job.prompt, seconds=float(job.seconds), width=w, height=h, seed=job.seed,
                        engine=job.engine, quality=job.quality, reference=load_reference(rt.blobs, job.reference_blob))
    with rt.db.session() as s:  # cameo permissions are checked again right before rendering
        try:
            req.cameo_preferences = cameo_service.recheck(s, job)
            from reelcast.cameo.looks import looks_for  # verified people render with their own look

            req.cameo_looks = looks_for(s, req.cameo_preferences)
        except SocialError as exc:
            raise JobFailed(exc.code or "cameo_permission_revoked", exc.message) from exc
        if cameo_service.shows_someone_else(s, job):
            creator = s.get(User, job.user_id)
            req.visible_handle = creator.handle if creator is not None else "reelcast"
    if job.kind in ("remix", "edit") and job.source_video_id:
        with rt.db.session() as s:
            src = repo.get_video(s, job.source_video_id)
            if src is None:
                raise JobFailed("source_unavailable", f"Source video {job.source_video_id} is gone.")
            req.base_prompt = src.prompt
    elif job.kind == "edit" and job.source_blob:
        try:
            frames, _ = decode_frames(rt.blobs.path(job.source_blob), w, h)
        except MediaError as exc:
            raise JobFailed("invalid_source_video", str(exc)) from exc
        if frames:
            req.reference = frames[0]
    if job.kind == "extend":
        path = _source_path(rt, job)
        assert path is not None
        info = probe(path)
        req.prefix_video = path
        req.width, req.height = info.width - info.width % 2, info.height - info.height % 2
        with rt.db.session() as s:
            src = repo.get_video(s, job.source_video_id) if job.source_video_id else None
            if src is not None:
                req.base_prompt = src.prompt
    from reelcast.engines import engine_options_for  # the diffusers engine needs its model key and weights dir

    req.engine_options = engine_options_for(rt.settings, job.model, job.engine, req.reference)
    if job.engine == "diffusers" and req.cameo_preferences:
        req.engine_options["cameos"] = cameo_cues(rt, req.cameo_preferences)
    return req


def cameo_cues(rt: Runtime, preferences: dict[str, str]) -> list[object]:
    """The cameos of a job as the diffusers engine takes them: handle, preferences and a reference image."""
    from reelcast.engines.diffusers import CameoCue

    cues: list[object] = []
    with rt.db.session() as s:
        for handle, prefs in preferences.items():
            cameo = cameo_service.by_handle(s, handle)
            keys = list(cameo.reference_blobs or []) if cameo is not None else []
            cues.append(CameoCue(handle=handle, preferences=prefs, image=_first_image(rt, keys)))
    return cues


def _first_image(rt: Runtime, keys: list[str]) -> object | None:
    """The first reference that decodes: an image, or a video's first frame."""
    from reelcast.media.images import ImageError, decode_image

    for key in keys:
        try:
            return decode_image(rt.blobs.read_bytes(key))
        except (ImageError, OSError, ValueError):
            pass
        try:
            frames, _ = decode_frames(rt.blobs.path(key))
        except (MediaError, OSError, ValueError):
            continue
        if frames:
            return frames[0]
    return None


class JobRunner:
    """Claims and renders jobs; one instance per worker thread or process."""

    def __init__(self, rt: Runtime, worker_id: str | None = None) -> None:
        self.rt = rt
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{new_id('w')[-8:]}"

    def run_once(self) -> bool:
        """Claim one job and process it; False if nothing was ready."""
        with self.rt.db.session() as s:
            job = repo.claim_next(s, self.worker_id, self.rt.settings.lease_seconds)
        if job is None:
            return False
        self.process(job)
        return True

    def run_job(self, job_id: str) -> bool:
        """Claim this job (queued, or its lease expired) and process it; False if it is done, gone or leased."""
        with self.rt.db.session() as s:
            job = repo.claim(s, job_id, self.worker_id, self.rt.settings.lease_seconds)
        if job is None:
            return False
        self.process(job)
        return True

    def process(self, job: VideoJob) -> None:
        """Render a claimed job and record completion or failure."""
        rt, wid = self.rt, self.worker_id
        lease = rt.settings.lease_seconds
        started = time.monotonic()
        last_beat = [0.0, -1]

        def on_progress(frac: float) -> None:
            pct = max(0, min(99, int(frac * 100)))
            now = time.monotonic()
            if pct != last_beat[1] and (now - last_beat[0] > 0.5 or pct - last_beat[1] >= 5):
                try:
                    with rt.db.session() as s:
                        if not repo.heartbeat(s, job.id, wid, lease, pct):
                            raise JobCancelled(job.id)
                except DBAPIError as exc:  # a dropped connection: keep rendering, beat again next time
                    log.warning("job %s heartbeat failed (database unavailable): %s", job.id, exc)
                    return
                last_beat[0], last_beat[1] = now, pct

        def on_plan(plan: object) -> None:
            with rt.db.session() as s:
                repo.save_plan(s, job.id, plan.to_dict())  # type: ignore[attr-defined]

        try:
            req = build_request(rt, job)
            req.watermark_id = job.id
            out = render(req, rt.blobs, on_plan=on_plan, on_progress=on_progress)
            verdict = check_output(rt.db, rt.settings, job.id, job.user_id, out.video_path,
                                   granted_handles=req.cameo_preferences)
            if not verdict.passed:  # nothing of a failing output is kept or served
                out.video_path.unlink(missing_ok=True)
                raise JobFailed("output_moderation", verdict.message)
            try:
                from reelcast.jobs.provenance import finish_job_outputs  # c2pa/faiss load only in workers

                out.thumbnail, out.spritesheet = finish_job_outputs(rt, job, out)  # signs: keep it last
                video_key = rt.blobs.put_file(out.video_path, "mp4")
                thumb_key = rt.blobs.put_bytes(out.thumbnail, "webp")
                sprite_key = rt.blobs.put_bytes(out.spritesheet, "jpg")
            finally:
                out.video_path.unlink(missing_ok=True)
            ttl = rt.settings.asset_ttl_days
            fields: dict[str, object] = dict(
                video_blob=video_key, thumbnail_blob=thumb_key, spritesheet_blob=sprite_key,
                events=out.events, plan=out.plan.to_dict(),
                expires_at=int(time.time()) + ttl * 86400 if ttl > 0 else None,
            )
            if job.kind == "extend":
                fields["seconds"] = format_seconds(out.seconds)
            done = _retry_db(lambda: self._finish(job, "video.completed", fields), deadline=lease)
            if done:
                log.info("job %s completed", job.id)
                metrics.JOBS_FINISHED.labels("completed").inc()
                metrics.RENDER_SECONDS.observe(time.monotonic() - started)
            else:
                log.warning("job %s was completed or taken over elsewhere; result discarded", job.id)
        except DBAPIError as exc:  # the database went away for longer than we retry: the lease expires, it re-runs
            log.error("job %s abandoned, database unavailable: %s", job.id, exc)
        except JobCancelled:
            log.info("job %s cancelled while rendering", job.id)
        except JobFailed as exc:
            self._fail(job, exc.code, exc.message)
        except Exception as exc:  # a render bug must fail the job, not kill the worker
            log.error("job %s crashed: %s\n%s", job.id, exc, traceback.format_exc())
            self._fail(job, "render_failed", f"Rendering failed: {type(exc).__name__}: {exc}")

    def _finish(self, job: VideoJob, event: str, fields: dict[str, object], error: tuple[str, str] | None = None
                ) -> bool:
        """Complete or fail the job and write its webhook deliveries in one transaction (so exactly once)."""
        st = self.rt.settings
        default = outbox.DefaultEndpoint(st.webhook_url, st.webhook_secret) if (
            st.webhook_url and st.webhook_secret) else None
        with self.rt.db.session() as s:
            if error is None:
                done = repo.complete(s, job.id, self.worker_id, commit=False, **fields)
            else:
                done = repo.fail(s, job.id, self.worker_id, error[0], error[1], commit=False)
            recorded = outbox.record_event(s, event, job.id, job.user_id, default) if done else None
        if recorded is not None:  # committed: deliver now, not at the next poll
            webhooks.wake()
        return done

    def _fail(self, job: VideoJob, code: str, message: str) -> None:
        try:
            if _retry_db(lambda: self._finish(job, "video.failed", {}, (code, message)),
                         deadline=self.rt.settings.lease_seconds):
                metrics.JOBS_FINISHED.labels("failed").inc()
        except DBAPIError as exc:
            log.error("job %s: could not record failure, database unavailable: %s", job.id, exc)


def _retry_db(fn: Callable[[], bool], deadline: float, first_delay: float = 0.2) -> bool:
    """Run a database write, retrying dropped connections with backoff for up to `deadline` seconds."""
    end = time.monotonic() + max(1.0, deadline)
    delay = first_delay
    while True:
        try:
            return fn()
        except DBAPIError as exc:
            if time.monotonic() + delay > end:
                raise
            log.warning("database unavailable, retrying in %.1fs: %s", delay, exc)
            time.sleep(delay)
            delay = min(5.0, delay * 2)


class InlineWorker:
    """Background threads inside the server process that drain the job table."""

    def __init__(self, rt: Runtime, threads: int = 1, idle_sleep: float = 1.0) -> None:
        self.rt = rt
        self.idle_sleep = idle_sleep
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, name=f"reelcast-worker-{i}", daemon=True) for i in range(threads)
        ]

    def start(self) -> None:
        """Start the worker threads."""
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to stop after their current job and wait briefly."""
        self._stop.set()
        self.rt.wakeup.set()
        for t in self._threads:
            t.join(timeout=timeout)

    def _loop(self) -> None:
        runner = JobRunner(self.rt)
        while not self._stop.is_set():
            try:
                worked = runner.run_once()
            except Exception:
                log.exception("worker loop error")
                worked = False
            if not worked:
                self.rt.wakeup.wait(self.idle_sleep)
                self.rt.wakeup.clear()
