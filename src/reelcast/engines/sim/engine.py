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
        from reelcast.engines.sim.render.screens import second_screen_context
        from reelcast.engines.sim.render.split_render import split_render, split_worthwhile

        renderer = Renderer(plan.width, plan.height, plan.style, quality=self.quality)

        def second_renderer() -> Renderer | None:
            context = second_screen_context()
            if context is None:
                return None
            try:
                return Renderer(plan.width, plan.height, plan.style, quality=renderer.quality, context=context)
            except BaseException:
                context.release()
                raise

        # On a software renderer with two cores to use, the clip's second half renders on a second screen meanwhile.
        frames = split_render(renderer, second_renderer, timeline) if split_worthwhile(renderer) \
            else renderer.render_frames(timeline)
        try:
            n = timeline.n_frames
            for i, frame in enumerate(frames):
                yield frame
                report(SIMULATE_SHARE + (1 - SIMULATE_SHARE) * (i + 1) / n, "render")
        finally:
            frames.close()  # (stops the second renderer first, if any)
            renderer.close()
