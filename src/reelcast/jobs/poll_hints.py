"""The `openai-poll-after-ms` a pending video is answered with (rule: `domain.polling`)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from reelcast.domain import polling
from reelcast.jobs.runtime import Runtime
from reelcast.store import videos as repo
from reelcast.store.models import VideoJob

#: Seconds a measured render time is reused before it is read again (one 20-row query by primary key).
TTL_S = 5.0
#: Before any job completed there is no render time: look again this soon.
NONE_TTL_S = 1.0


@dataclass
class RenderTimes:
    """The recent median render time, read from the database at most every `TTL_S` seconds."""

    value: float | None = None
    read_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)

    def median(self, rt: Runtime) -> float | None:
        with self.lock:
            now = time.monotonic()
            if now - self.read_at >= (TTL_S if self.value is not None else NONE_TTL_S):
                with rt.db.session() as s:
                    self.value = repo.recent_render_seconds(s)
                self.read_at = now
            return self.value


def poll_after_ms(rt: Runtime, job: VideoJob) -> int:
    """How long the client should wait before asking about `job` again (pending jobs only)."""
    floor, cap = rt.settings.poll_after_ms, rt.settings.poll_after_max_ms
    if cap <= floor:
        return floor
    elapsed = max(time.time() - job.started_at, 0.0) if job.started_at else 0.0
    if polling.from_progress(job.status, job.progress, elapsed):
        view = polling.QueueView(ahead=0, running=1, typical_s=None)  # no history needed: skip the queries
    else:
        typical = rt.shared("render_times", RenderTimes).median(rt)
        if typical is None:
            return floor
        ahead, running = (0, 1)
        if job.status == "queued":
            with rt.db.session() as s:
                ahead, running = repo.queue_position(s, job.id)
        view = polling.QueueView(ahead=ahead, running=running, typical_s=typical)
    return polling.poll_after_ms(job.status, job.progress, elapsed, view, floor, cap)
