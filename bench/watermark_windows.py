"""The invisible watermark from 8-frame windows: how many windows of a transformed clip name their video.

Clips are rendered at product sizes by the sim engine with the watermark on, transformed for real (PyAV/libx264:
re-encode at crf 28, downscale to 50 %, crop 10 %, trim the first second) and cut into consecutive 8-frame windows.
Each window is decoded on its own the way `POST /v1/provenance/trace` does: the Reed–Solomon payload, else list
decoding against the registered payloads (the clips' own plus 1,000 others) at a false-pick rate of 1e-6 per query.
"Exact" counts windows whose Reed–Solomon decode alone gives the payload; "wrong" counts windows that named another
video (any would be a false match).
Run: `python -m bench.watermark_windows --write docs/benchmarks.md`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from reelcast.jobs.pipeline import RenderRequest, render
from reelcast.provenance import watermark as wm
from reelcast.store.blobs import BlobStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.provenance.transforms import read_frames, transform, write_video  # noqa: E402  (the tests' transforms)

from bench.report import write_section  # noqa: E402
from bench.trace import PROMPTS  # noqa: E402

TRANSFORMS = ("reencode_crf28", "resize_50", "crop_10", "trim_1s")
WINDOW = 8
OTHERS = 1000


def measure(size: tuple[int, int], clips: int, seconds: float) -> dict[str, list[int]]:
    """Per transform: [windows named right by RS alone, named right in all, wrong, windows]."""
    ids = [f"video_wmw_{size[0]}x{size[1]}_{i}" for i in range(clips)]
    registry = wm.codewords([wm.payload_for_id(v) for v in ids] +
                            [wm.payload_for_id(f"video_other_{i}") for i in range(OTHERS)])
    out = {t: [0, 0, 0, 0] for t in TRANSFORMS}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        blobs = BlobStore(tmp / "blobs")
        for i, vid in enumerate(ids):
            o = render(RenderRequest(prompt=PROMPTS[i * 7 % len(PROMPTS)], seconds=seconds, width=size[0],
                                     height=size[1], seed=i, watermark_id=vid), blobs)
            src = tmp / f"{vid}.mp4"
            shutil.move(o.video_path, src)
            for name in TRANSFORMS:
                if name == "reencode_crf28":
                    frames, fps = read_frames(src)
                    copy = write_video(frames, tmp / f"{vid}-crf28.mp4", fps, crf=28)
                else:
                    copy = transform(src, name, tmp)
                frames, _ = read_frames(copy)
                row = out[name]
                for start in range(0, len(frames) - WINDOW + 1, WINDOW):
                    det = wm.detect(frames[start:start + WINDOW])
                    row[3] += 1
                    if det.payload == wm.payload_for_id(vid):
                        row[0] += 1
                        row[1] += 1
                        continue
                    picked = wm.list_decode(det, registry)
                    if picked is not None:
                        row[1 if picked[0] == i else 2] += 1
    return out


def main() -> None:
    """Measure each size and print (or write) the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="854x480,1280x720,480x854,720x1280")
    ap.add_argument("--clips", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--write", type=Path, default=None)
    args = ap.parse_args()
    started = time.perf_counter()
    lines = ["## Invisible watermark from 8-frame windows (`bench/watermark_windows.py`)", "",
             f"{args.clips} sim clips per size, {args.seconds:g} s each, transformed for real; every consecutive "
             f"8-frame window decoded alone (Reed–Solomon, else list decoding against the clips' payloads + "
             f"{OTHERS:,} others at a 1e-6 false-pick rate, as the trace service does). Measured "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.", "",
             "| size | transform | windows named right | by Reed–Solomon alone | named wrong |",
             "|---|---|---|---|---|"]
    for size in args.sizes.split(","):
        w, h = (int(x) for x in size.split("x"))
        for name, (exact, right, wrong, total) in measure((w, h), args.clips, args.seconds).items():
            lines.append(f"| {size} | {name} | {right}/{total} | {exact}/{total} | {wrong} |")
    lines += ["", f"Run time {time.perf_counter() - started:.0f} s."]
    md = "\n".join(lines)
    print(md)
    if args.write:
        write_section(args.write, "watermark_windows", md)


if __name__ == "__main__":
    main()
