"""Handing jobs to workers: in-process wake-ups (inline) or Celery messages, plus the stranded-job sweeper."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

import redis

from reelcast.config import Settings
from reelcast.store import videos as repo

if TYPE_CHECKING:
    from celery import Celery

    from reelcast.jobs.runtime import Runtime

log = logging.getLogger("reelcast.dispatch")


def engine_queue(base: str, engine: str) -> str:
    """The Celery queue of an engine's jobs: the base queue for `sim`, `<base>.<engine>` for the others."""
    return base if engine == "sim" else f"{base}.{engine}"


def worker_queues(st: Settings) -> list[str]:
    """The queues a worker with REELCAST_WORKER_ENGINES consumes."""
    engines = [e.strip() for e in st.worker_engines.split(",") if e.strip()] or ["sim"]
    return [engine_queue(st.celery_queue, e) for e in engines]


class CeleryDispatcher:
    """Publishes job ids to the Celery queue, at most once per (job, attempt) while the broker keeps its data.

    The marker key lives in the broker's Redis, so when the broker loses its messages (restart without
    persistence) it loses the markers too, and the sweeper publishes those jobs again.
    """

    def __init__(self, st: Settings) -> None:
        from reelcast.jobs.celery_app import make_celery

        self.st = st
        self.celery: Celery = make_celery(st)
        assert st.broker_url
        self.redis = redis.Redis.from_url(st.broker_url, socket_timeout=2, socket_connect_timeout=2)

    def _marker(self, job_id: str, attempts: int) -> str:
        return f"reelcast:{self.st.celery_queue}:dispatched:{job_id}:{attempts}"

    def dispatch(self, job_id: str, attempts: int = 0, engine: str = "sim") -> bool:
        """Publish the job on its engine's queue unless this attempt was already published; False if it was."""
        key = self._marker(job_id, attempts)
        if not self.redis.set(key, b"1", nx=True, ex=self.st.visibility_timeout):
            return False
        try:
            from reelcast.jobs.celery_app import TASK_NAME

            self.celery.send_task(TASK_NAME, args=[job_id], queue=engine_queue(self.st.celery_queue, engine),
                                  retry=False)
        except Exception:
            self.redis.delete(key)
            raise
        return True

    def forget(self, job_id: str, attempts: int) -> None:
        """Drop the publish marker of this attempt, so the job can be published again."""
        self.redis.delete(self._marker(job_id, attempts))

    def queue_length(self) -> int | None:
        """Messages waiting in the broker queue (None if the broker is unreachable)."""
        try:
            return int(self.redis.llen(self.st.celery_queue))
        except redis.RedisError:
            return None

    def ping(self) -> None:
        """Raise if the broker does not answer."""
        self.redis.ping()

    def close(self) -> None:
        """Drop broker connections."""
        self.redis.close()


class Sweeper:
    """Re-publishes jobs whose message was lost or whose worker died, and clears abandoned temp files."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="reelcast-sweeper", daemon=True)

    def start(self) -> None:
        """Start sweeping (the first sweep runs at once)."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop sweeping."""
        self._stop.set()
        self._thread.join(timeout=timeout)

    def sweep(self) -> int:
        """One pass; returns how many jobs were published again."""
        dispatcher = self.rt.dispatcher
        if dispatcher is None:
            return 0
        st = self.rt.settings
        with self.rt.db.session() as s:
            jobs = repo.stranded(s, older_than=int(time.time() - st.sweep_seconds))
        sent = 0
        for job_id, attempts, engine in jobs:
            if dispatcher.dispatch(job_id, attempts, engine):
                sent += 1
                log.info("re-enqueued stranded job %s (attempt %d)", job_id, attempts + 1)
        self.rt.blobs.sweep_temp(max_age=max(60.0, 2.0 * st.lease_seconds))
        return sent

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.sweep()
            except Exception as exc:  # database or broker away for a moment
                log.warning("sweeper: %s", exc)
            self._stop.wait(self.rt.settings.sweep_seconds)
