"""When a client should ask again about a pending video: the `openai-poll-after-ms` rule.

A fixed interval makes every queued job cost one request per interval for as long as it waits — with eight clients
behind one worker that is ~30 requests per job, most of them answered "still queued". Instead the server estimates
how long the job still has to go and spreads that over about `POLLS` polls. The official SDK's `poll()` reads the
header from its first response only and keeps that interval for the whole wait, so the interval must suit the
whole remaining time: a job then costs about `POLLS` requests and its completion is seen within about 1/`POLLS` of
its wait. Clients that re-read the header each time get shorter intervals as the job nears its end. Estimates only
ever move the interval between `floor_ms` and `cap_ms`, so a bad one costs at most `cap_ms` of extra latency.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The estimated remaining time is spread over about this many polls.
POLLS = 10
#: Below this progress (percent) the progress-based estimate is too noisy to use.
MIN_PROGRESS = 5


@dataclass(frozen=True)
class QueueView:
    """What the server knows about a pending job's place in line."""

    ahead: int  # queued jobs that will be claimed before this one
    running: int  # jobs being rendered now (≈ busy workers)
    typical_s: float | None  # recent median render time of a job (claim to completion), None when unknown


def from_progress(status: str, progress: int, elapsed_s: float) -> bool:
    """Whether the job's own progress rate gives the estimate (no queue or render history needed)."""
    return status == "in_progress" and progress >= MIN_PROGRESS and elapsed_s > 0


def remaining_seconds(status: str, progress: int, elapsed_s: float, view: QueueView) -> float | None:
    """Estimated seconds until a pending job completes, or None when there is nothing to go on."""
    if from_progress(status, progress, elapsed_s):
        return elapsed_s * (100 - progress) / progress
    if view.typical_s is None or status not in ("queued", "in_progress"):
        return None
    if status == "in_progress":
        return max(view.typical_s - elapsed_s, 0.0)
    # Jobs ahead are shared among the running workers; on average the ones running are half done.
    workers = max(view.running, 1)
    return (view.ahead / workers + 0.5) * view.typical_s + view.typical_s


def poll_after_ms(status: str, progress: int, elapsed_s: float, view: QueueView, floor_ms: int, cap_ms: int) -> int:
    """Milliseconds the client should wait before polling again: the estimated remaining time / `POLLS`, clamped."""
    cap_ms = max(cap_ms, floor_ms)
    remaining = remaining_seconds(status, progress, elapsed_s, view)
    if remaining is None:
        return floor_ms
    return int(min(max(remaining * 1000 / POLLS, floor_ms), cap_ms))
