"""Render a clip's two halves at once, each on its own llvmpipe screen, and yield its frames in order.

One llvmpipe renderer keeps about 1.4 of 2 cores busy: within a frame the draw calls' vertex work (one thread, in
the caller) and the rasterizer's threads take turns, because each pass that reads the one before waits for it. A
second renderer on a second screen (`screens.py`) fills those gaps: measured end to end on 2 cores (encoder and
audio running), the seed clips at 854x480 took 6-16 % less time, ~1.8 cores busy (docs/benchmarks.md). The first
half renders in the caller's thread as frames are pulled; the second half renders in a thread of its own into a
bounded buffer, which is drained once the first half is out. The frames are the bytes of a single renderer's pass
(`segments.py`). With the two screens there, each renderer's own thread rasterizes on 2 cores (no rasterizer threads:
`cpu_budget.rasterizer_threads`), which took another 5-8 % off the richest seeds: no hand-offs between a caller and
its rasterizer threads, and no more threads than cores.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from reelcast.engines.sim.render.renderer import Renderer
from reelcast.engines.sim.render.segments import split_frame
from reelcast.engines.sim.scene import SimTimeline
from reelcast.media.cpu_budget import thread_budget

# The second half waits (stops rendering) while this much of it is rendered but not yet taken.
BUFFER_BYTES = 256 * 1024 * 1024
_POLL_S = 0.1


@dataclass
class _Failed:
    error: BaseException


_UNAVAILABLE = object()  # the second renderer could not be made: the first renders the rest itself
_DONE = object()


def split_worthwhile(renderer: Renderer) -> bool:
    """Whether a second software screen can help: llvmpipe, and at least two cores in this process's budget (where
    each screen then rasterizes with half of them: `cpu_budget.rasterizer_threads`)."""
    cores = thread_budget() or os.cpu_count() or 1
    return renderer.software and cores >= 2


def split_render(
    first: Renderer,
    make_second: Callable[[], Renderer | None],
    timeline: SimTimeline,
    buffer_bytes: int = BUFFER_BYTES,
) -> Iterator[np.ndarray]:
    """Yield every frame of `timeline` in order: the part before `split_frame` from `first` (in the caller's
    thread), the rest from the renderer `make_second` builds in a thread of its own (or from `first` after all,
    when it returns None). An error of the second renderer is raised where its frames are due; closing this
    generator early stops the second renderer."""
    tl = timeline
    split = split_frame(tl.n_frames, tl.cuts)
    if split is None:
        yield from first.render_frames(tl)
        return
    frame_bytes = max(1, first.width * first.height * 3)
    buffer: queue.Queue[object] = queue.Queue(maxsize=max(1, buffer_bytes // frame_bytes))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def second_half() -> None:
        try:
            renderer = make_second()
            if renderer is None:
                put(_UNAVAILABLE)
                return
            try:
                for frame in renderer.render_frames(tl, range(split, tl.n_frames)):
                    if not put(frame):
                        return
            finally:
                renderer.close()
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised where these frames are due
            put(_Failed(exc))

    # Both renderers prepare the timeline at once: the first's set-up (mostly one thread of Python) leaves a core
    # to the second's. The mesh caches they share are locked.
    worker = threading.Thread(target=second_half, name="reelcast-render-2", daemon=True)
    worker.start()
    try:
        yield from first.render_frames(tl, range(split))
        taken = 0
        while taken < tl.n_frames - split:
            try:
                item = buffer.get(timeout=_POLL_S)
            except queue.Empty:
                if not worker.is_alive() and buffer.empty():
                    raise RuntimeError("the second renderer stopped without its frames") from None
                continue
            if item is _UNAVAILABLE:
                yield from first.render_frames(tl, range(split, tl.n_frames))  # (said before any frame)
                return
            if isinstance(item, _Failed):
                raise item.error
            if item is _DONE:
                raise RuntimeError(f"the second renderer ended after {taken} of {tl.n_frames - split} frames")
            assert isinstance(item, np.ndarray)
            taken += 1
            yield item
    finally:
        stop.set()
        worker.join()
