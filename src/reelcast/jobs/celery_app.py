"""The Celery application for scale-out: the broker carries job ids, the database stays the source of truth.

A task claims *that* job with a lease (`store.videos.claim`) and runs the same `JobRunner.process` path as the
inline worker, so a duplicate delivery, a completed or a deleted job is a no-op. Tasks are acknowledged late with
prefetch 1 and a visibility timeout longer than any job; a sweeper thread in every worker re-enqueues jobs whose
message was lost (broker restart) or whose worker died (lease expired).

Run with `reelcast worker` (REELCAST_WORKERS=celery) or `celery -A reelcast.jobs.celery_app worker --pool solo`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from celery import Celery, signals
from sqlalchemy.exc import DBAPIError

from reelcast.config import Settings

log = logging.getLogger("reelcast.celery")

TASK_NAME = "reelcast.render"


def make_celery(st: Settings) -> Celery:
    """A Celery app configured for exactly-once jobs on this deployment's broker and queue."""
    if not st.broker_url:
        raise ValueError("REELCAST_WORKERS=celery needs REELCAST_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    capp = Celery("reelcast", broker=st.broker_url, set_as_current=False)
    capp.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=st.celery_queue,
        task_ignore_result=True,
        broker_transport_options={"visibility_timeout": st.visibility_timeout},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        task_serializer="json",
        accept_content=["json"],
    )
    capp.task(name=TASK_NAME, bind=True, acks_late=True, autoretry_for=(DBAPIError,), retry_backoff=True,
              retry_backoff_max=30, max_retries=20)(_render_task)
    return capp


_state: dict[str, Any] = {}
_lock = threading.Lock()


def worker_runtime() -> Any:
    """The process's Runtime (opened from the environment on first use)."""
    with _lock:
        if "rt" not in _state:
            from reelcast.jobs.runtime import Runtime

            _state["rt"] = Runtime.open(Settings())
        return _state["rt"]


def set_worker_runtime(rt: Any) -> None:
    """Use this Runtime for tasks run in this process."""
    with _lock:
        _state["rt"] = rt


def _render_task(self: Any, job_id: str) -> str:
    """Claim and render one job; a job that is done, gone or leased elsewhere is skipped."""
    from reelcast.jobs.worker import JobRunner

    rt = worker_runtime()
    runner = _state.get("runner")
    if runner is None:
        runner = _state["runner"] = JobRunner(rt, worker_id=f"celery:{socket.gethostname()}:{os.getpid()}")
    if runner.run_job(job_id):
        return "processed"
    # Not claimable now (done, deleted, or leased by a live worker). Forget this attempt's publish marker so the
    # sweeper can publish the job again if that lease later expires without a completion.
    if rt.dispatcher is not None:
        from reelcast.store import videos as repo

        with rt.db.session() as s:
            job = repo.get_video(s, job_id)
            attempts = job.attempts if job is not None and job.status in repo.PENDING else None
        if attempts is not None:
            rt.dispatcher.forget(job_id, attempts)
    return "skipped"


@signals.worker_ready.connect
def _start_background(**_: object) -> None:
    """Start the stranded-job sweeper and the webhook outbox dispatcher next to the Celery consumer."""
    from reelcast.jobs.dispatch import Sweeper
    from reelcast.jobs.webhooks import OutboxDispatcher

    rt = worker_runtime()
    if "sweeper" not in _state:
        _state["sweeper"] = Sweeper(rt)
        _state["sweeper"].start()
        _state["outbox"] = OutboxDispatcher(rt)
        _state["outbox"].start()


@signals.worker_shutdown.connect
def _stop_background(**_: object) -> None:
    for name in ("sweeper", "outbox"):
        if name in _state:
            _state.pop(name).stop()


def _app_from_env() -> Celery | None:
    st = Settings()
    return make_celery(st) if st.broker_url else None


app = _app_from_env()
