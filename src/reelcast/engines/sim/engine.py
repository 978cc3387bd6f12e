"""SimEngine: the deterministic CPU world simulator behind the Engine protocol."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from reelcast.engines.base import Clip, ProgressFn
from reelcast.engines.sim.scene import SimTimeline
from reelcast.engines.sim.world.builder import build_timeline
from reelcast.prompt.plan import ScenePlan

SIMULATE_SHARE = 0.1  # fraction of the progress bar spent simulating; rendering/encoding takes the rest


def _noop(fraction: float, stage: str) -> None:
    return None


def _synthesize_soon(plan: ScenePlan, timeline: SimTimeline, seed: int) -> Future[np.ndarray]:
    """Synthesise the soundtrack in a background thread; the result (or its error) arrives through the Future.

    The audio depends only on the plan, the simulated timeline and the seed, so it is the same bytes whichever
    thread makes it; it runs beside the renderer, whose GL work happens mostly outside the GIL."""
    from reelcast.engines.sim.audio import synthesize

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelcast-audio")
    try:
        return pool.submit(lambda: np.asarray(synthesize(plan, timeline, seed), dtype=np.float32))
    finally:
        pool.shutdown(wait=False)  # the thread ends when the audio is done


class SimEngine:
    """Simulates a plan's world once (pybullet), renders it (moderngl) and synthesises its sound."""

    name = "sim"
    version = "1"

    def __init__(self, quality: str = "auto") -> None:
        if quality not in ("fast", "high", "auto"):
            raise ValueError(f"quality must be fast, high or auto, not {quality!r}")
        self.quality = quality

    def simulate(self, plan: ScenePlan, seed: int) -> SimTimeline:
        """Return the simulated timeline of a plan (no rendering)."""
        return build_timeline(plan, seed)

    def generate(self, plan: ScenePlan, seed: int, progress: ProgressFn | None = None) -> Clip:
        """Simulate, then return a Clip whose frames render lazily as they are pulled while its audio is
        synthesised in a background thread (the encoder waits for it only where it muxes the first audio)."""
        report = progress or _noop
        report(0.0, "simulate")
        timeline = build_timeline(plan, seed)
        report(SIMULATE_SHARE, "render")
        return Clip(width=plan.width, height=plan.height, fps=timeline.fps, n_frames=timeline.n_frames,
                    frames=self._frames(plan, timeline, report), audio=_synthesize_soon(plan, timeline, seed),
                    sample_rate=48000, events=list(timeline.events), plan=plan)

    def _frames(self, plan: ScenePlan, timeline: SimTimeline, report: ProgressFn) -> Iterator[np.ndarray]:
        """Yield rendered frames; the GL context is made in the thread that pulls them."""
        from reelcast.engines.sim.render import Renderer

        renderer = Renderer(plan.width, plan.height, plan.style, quality=self.quality)
        try:
            n = timeline.n_frames
            for i, frame in enumerate(renderer.render_frames(timeline)):
                yield frame
                report(SIMULATE_SHARE + (1 - SIMULATE_SHARE) * (i + 1) / n, "render")
        finally:
            renderer.close()
