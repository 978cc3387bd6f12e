"""Render speed of every seed prompt (the gallery's scenes) at a draft size: wall and CPU real-time factors.

Run with `make bench` (or `python -m bench.seeds --write docs/benchmarks.md`). CPU time per clip second is reported
beside wall time because a shared machine inflates wall time; the targets are the foundation's (854x480 RTF ≤ 0.5).
"""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench.gallery import ENTRIES
from bench.render import Row, measure, warm_up
from bench.report import write_section

SIZE = "854x480"
TARGET = 0.5


def main(argv: list[str] | None = None) -> int:
    """Measure each seed prompt once and print (optionally write) the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", default=SIZE)
    ap.add_argument("--seconds", type=float, default=0.0, help="clip length (0 = the gallery's length per prompt)")
    ap.add_argument("--only", default="", help="comma-separated slugs")
    ap.add_argument("--repeat", type=int, default=3, help="renders after the first; the figure is their median")
    ap.add_argument("--write", type=Path, help="markdown file whose `seeds` section is (re)written")
    args = ap.parse_args(argv)
    only = {s for s in args.only.split(",") if s}
    rows: list[tuple[str, Row, Row]] = []
    warm_up("auto")  # imports, the embedding model and GL start-up: a server pays them once, not per clip
    for e in ENTRIES:
        if only and e.slug not in only:
            continue
        # The first render of a prompt pays what a worker pays once per process for its kind (the Japanese
        # reading dictionary, the dog's meshes from the disk cache, ...); the figure is the median of the next ones.
        runs = [measure(e.prompt, args.size, args.seconds or e.seconds, "auto", TARGET, watermark=False)
                for _ in range(1 + args.repeat)]
        row = sorted(runs[1:], key=lambda r: r.wall)[len(runs[1:]) // 2] if len(runs) > 1 else runs[0]
        rows.append((e.slug, row, runs[0]))
        print(f"{e.slug}: {row.seconds:g}s {args.size} in {row.wall:.1f}s wall ({row.cpu:.1f}s CPU) → RTF "
              f"{row.rtf:.2f}, CPU/clip-s {row.cpu / row.seconds:.2f}; first in process: RTF {runs[0].rtf:.2f}",
              flush=True)
    if args.write:
        write_section(args.write, "seeds", markdown(rows, args.size))
    return 0


def markdown(rows: list[tuple[str, Row, Row]], size: str) -> str:
    """The seed-prompt section of the benchmarks page."""
    lines = [
        "## Seed prompts (sim engine)",
        "",
        "Written by `bench/seeds.py`: each seed prompt of PRODUCT.md §1 (verbatim, seed 7) rendered end to end at",
        f"{size}, in one process after a warm-up clip. RTF = wall / clip length, the median of the renders after a",
        "prompt's first (which pays once per process what its kind needs: the Japanese reading dictionary, a",
        "character's meshes from the disk cache; shown apart); CPU/clip-s = process CPU seconds per clip second",
        "(÷ 2 cores ≈ the RTF floor). The foundation target at this size is RTF ≤ 0.5.",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| prompt | clip | wall | CPU | RTF | CPU/clip-s | first in process: RTF |",
        "|---|---|---|---|---|---|---|",
    ]
    for slug, r, first in rows:
        lines.append(f"| {slug} | {r.seconds:g} s | {r.wall:.1f} s | {r.cpu:.1f} s | **{r.rtf:.2f}** | "
                     f"{r.cpu / r.seconds:.2f} | {first.rtf:.2f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
