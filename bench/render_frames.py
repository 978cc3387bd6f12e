"""Micro-benchmark of the sim renderer: ms per frame (process CPU and wall) for a synthetic ~40-part scene.

Usage: .venv/bin/python bench/render_frames.py [--frames 24] [--quality fast|high|auto] [--look cinematic]
                                               [--sizes 1280x720,854x480]
"""

from __future__ import annotations

import argparse
import time

from reelcast.engines.sim.render import Renderer
from reelcast.engines.sim.render.demo import demo_timeline
from reelcast.prompt.plan import Style


def bench(width: int, height: int, frames: int, quality: str, look: str, warmup: int = 2) -> tuple[float, float, str]:
    """Render `frames` frames after a warm-up; return (CPU ms/frame, wall ms/frame, GL renderer)."""
    tl = demo_timeline(n_frames=frames + warmup)
    r = Renderer(width, height, Style(look=look, grain=0.1, vignette=0.25), quality=quality)
    try:
        it = r.render_frames(tl)
        for _ in range(warmup):
            next(it)
        c0, w0 = time.process_time(), time.perf_counter()
        n = sum(1 for _ in it)
        cpu = (time.process_time() - c0) * 1000.0 / n
        wall = (time.perf_counter() - w0) * 1000.0 / n
        return cpu, wall, r.gl_renderer
    finally:
        r.close()


def main() -> None:
    """Parse arguments and print one line per size."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--frames", type=int, default=24)
    ap.add_argument("--quality", default="fast", choices=["fast", "high", "auto"])
    ap.add_argument("--look", default="cinematic")
    ap.add_argument("--sizes", default="1280x720,854x480")
    args = ap.parse_args()
    n_parts = len(demo_timeline(n_frames=1).parts)
    for size in args.sizes.split(","):
        w, h = (int(x) for x in size.lower().split("x"))
        cpu, wall, gl = bench(w, h, args.frames, args.quality, args.look)
        print(
            f"{w}x{h} quality={args.quality} look={args.look} parts={n_parts}: "
            f"{cpu:.1f} ms CPU/frame, {wall:.1f} ms wall/frame  [{gl}]"
        )


if __name__ == "__main__":
    main()
