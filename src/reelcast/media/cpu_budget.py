"""A per-process CPU thread budget for the native libraries a render uses.

One render keeps several thread pools busy: Mesa llvmpipe's rasterizer (`LP_NUM_THREADS`), x264's frame threads,
BLAS/OpenMP and torch (prompt embeddings). With one worker per core on a shared host, each worker should use one
core's worth of threads, or the workers spend their time preempting each other. `REELCAST_WORKER_CPU_THREADS`
sets the budget for `reelcast worker`; 0 (the default) leaves every library to use all cores.
"""

from __future__ import annotations

import os
import sys

_ENV_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_budget = 0


def rasterizer_threads(cores: int) -> int:
    """llvmpipe rasterizer threads per GL screen (`LP_NUM_THREADS`) for a process that may use `cores` cores.

    From two cores up a clip renders on two screens at once (`split_render`), each driven by a thread of its own
    that also rasterizes when its screen has no rasterizer threads (0). Each screen gets half the cores, counting
    that thread: 0 rasterizer threads on 2 cores (measured on 2 cores: 5-8 % less wall time on the richest seeds
    than 2 threads per screen, docs/decisions.md), 1 on 4, 7 on 16. One core: 1 thread, as before."""
    return 1 if cores <= 1 else max(0, cores // 2 - 1)


def apply_thread_budget(threads: int) -> None:
    """Limit this process's native thread pools to `threads` (0: no limit). Call before the first render."""
    global _budget
    _budget = max(0, int(threads))
    if _budget == 0:
        return
    for name in _ENV_VARS:
        os.environ[name] = str(_budget)
    os.environ["LP_NUM_THREADS"] = str(rasterizer_threads(_budget))
    torch = sys.modules.get("torch")  # only adjust torch if it is already loaded; importing it costs seconds
    if torch is not None:
        torch.set_num_threads(_budget)


def lower_priority(nice: int) -> int:
    """Raise this process's niceness to at least `nice` (0: leave it); returns the niceness now in effect.

    A render worker calls this before it starts any thread: on Linux the nice value belongs to each thread and new
    threads inherit their creator's, so the rasterizer, encoder and audio threads all run at the lower priority and
    an API server or database sharing the cores is scheduled first. Never lowers an existing niceness.
    """
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice > current:
        os.setpriority(os.PRIO_PROCESS, 0, min(nice, 19))
    return os.getpriority(os.PRIO_PROCESS, 0)


def thread_budget() -> int:
    """Threads each native pool of this process may use (0: no limit)."""
    return _budget


def encoder_threads() -> int:
    """x264 threads under the budget (0: let x264 choose)."""
    return _budget
