"""Real-time factor of the sim engine: end-to-end render wall time / clip duration, vs encode-only time.

Run with `make bench`; `--write docs/benchmarks.md` replaces the figures there. Ratios are measured in one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reelcast import embeddings
from reelcast.jobs.pipeline import RenderRequest, render
from reelcast.media.encode import encode_mp4
from reelcast.media.probe import decode_audio, decode_frames
from reelcast.prompt import semantic  # noqa: F401  (registers the prompt vocabulary's table for the warm-up)
from reelcast.store.blobs import BlobStore

try:
    from bench.report import write_section
except ImportError:  # run as a script from bench/
    from report import write_section  # type: ignore[no-redef]

PROMPT = "a basketball player shoots and misses, the ball bounces off the backboard"
CASES = [("1280x720", 1.0), ("854x480", 0.5)]


@dataclass
class Row:
    """One measured configuration."""

    prompt: str
    size: str
    seconds: float
    wall: float
    cpu: float
    encode_only: float
    target: float | None
    watermark: bool = False

    @property
    def rtf(self) -> float:
        """Render wall time / clip duration."""
        return self.wall / self.seconds


def measure(prompt: str, size: str, seconds: float, quality: str, target: float | None, watermark: bool) -> Row:
    """Render once end to end (optionally with the invisible watermark the server adds), then encode alone."""
    w, h = (int(x) for x in size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        store = BlobStore(Path(tmp))
        req = RenderRequest(prompt=prompt, seconds=seconds, width=w, height=h, seed=7, quality=quality,
                            watermark_id="video_bench" if watermark else None)
        c0, t0 = time.process_time(), time.perf_counter()
        out = render(req, store)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        frames, fps = decode_frames(out.video_path)
        audio = decode_audio(out.video_path)
        t1 = time.perf_counter()
        encode_mp4(iter(frames), audio, Path(tmp) / "enc.mp4", width=w, height=h, fps=int(round(fps)),
                   n_frames=len(frames))
        enc = time.perf_counter() - t1
    return Row(prompt, size, seconds, wall, cpu, enc, target, watermark)


def warm_up(quality: str) -> None:
    """One tiny render so imports, model loads and GL start-up are not counted (a server pays them once).

    The embedding model and the prompt vocabulary's table are computed explicitly, as servers and workers do at
    start-up (`embeddings.warm_in_background`): the warm-up prompt compiles without them, so otherwise the first
    prompt with an unknown word paid ~5 s for them."""
    embeddings.warm()
    with tempfile.TemporaryDirectory() as tmp:
        render(RenderRequest(prompt=PROMPT, seconds=1.0, width=160, height=90, seed=1, quality=quality),
               BlobStore(Path(tmp)))


def main() -> None:
    """Measure and print (optionally write) the benchmark table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--quality", default="auto")
    ap.add_argument("--write", type=Path, help="markdown file to (re)write with the figures")
    args = ap.parse_args()
    warm_up(args.quality)
    rows = []
    for (size, target), watermark in [(c, wm) for c in CASES for wm in (False, True)]:
        row = measure(PROMPT, size, args.seconds, args.quality, target, watermark)
        rows.append(row)
        label = size + (" +watermark" if watermark else "")
        print(f"{label}: {row.seconds:g}s clip rendered in {row.wall:.2f}s wall ({row.cpu:.2f}s CPU) → RTF "
              f"{row.rtf:.2f} (target ≤ {target}); encode-only {row.encode_only:.2f}s → render/encode "
              f"{row.wall / row.encode_only:.2f}x", flush=True)
    if args.write:
        write_section(args.write, "render", render_markdown(rows, args))
        print(f"wrote {args.write}")


def render_markdown(rows: list[Row], args: argparse.Namespace) -> str:
    """The benchmarks page."""
    load = os.getloadavg()[0]
    lines = [
        "## Render speed (sim engine)",
        "",
        "Written by `make bench` (`bench/render.py`). Real-time factor (RTF) = end-to-end wall time to produce the",
        "MP4 (simulate, render, audio, encode, pipelined) / clip duration; the encode-only column re-encodes the same",
        "frames and audio alone, as the ratio's denominator. All figures come from one run on one machine.",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load:.1f} at the end; quality tier `{args.quality}`; prompt: \"{PROMPT}\".",
        "",
        "`+watermark` rows include the invisible provenance watermark every server-rendered file carries.",
        "",
        "| size | clip | wall | CPU | RTF | target RTF | encode-only | render ÷ encode |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        label = r.size + (" +watermark" if r.watermark else "")
        lines.append(f"| {label} | {r.seconds:g} s @ 24 fps | {r.wall:.2f} s | {r.cpu:.2f} s | **{r.rtf:.2f}** | "
                     f"≤ {r.target} | {r.encode_only:.2f} s | {r.wall / r.encode_only:.2f}x |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
