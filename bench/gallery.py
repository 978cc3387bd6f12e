"""Render every seed prompt of PRODUCT.md §1 and write a contact sheet (8 frames + caption) and the MP4 for each.

Usage: `python -m bench.gallery [--out docs/gallery] [--size 640x360] [--only slug,...]` (or `make gallery`).
The PNGs are committed; the MP4s are git-ignored.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "prompt"))

import seed_prompts as seeds  # noqa: E402

from reelcast.jobs.pipeline import RenderRequest, render  # noqa: E402
from reelcast.media.probe import decode_frames  # noqa: E402
from reelcast.store.blobs import BlobStore  # noqa: E402


@dataclass(frozen=True)
class Entry:
    """One gallery item: a file slug, the prompt verbatim and its clip length."""

    slug: str
    prompt: str
    seconds: float


ENTRIES: list[Entry] = [
    Entry("skater", seeds.SKATER, 4.0),
    Entry("paddleboard", seeds.PADDLEBOARD, 4.0),
    Entry("horses", seeds.HORSES, 4.0),
    Entry("astronaut_dog", seeds.ASTRONAUT_DOG, 8.0),
    Entry("anime_festival", seeds.ANIME_FESTIVAL, 8.0),
    Entry("dragon", seeds.DRAGON, 5.0),
    Entry("basketball", seeds.BASKETBALL, 4.0),
]
SHEET_FRAMES = 8
SEED = 7


def pick(n_frames: int, k: int = SHEET_FRAMES) -> list[int]:
    """Return k frame indices spread evenly over the clip (first and last included)."""
    if n_frames <= k:
        return list(range(n_frames))
    return [int(round(i * (n_frames - 1) / (k - 1))) for i in range(k)]


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def contact_sheet(frames: list[np.ndarray], indices: list[int], fps: float, caption: str,
                  columns: int = 4, tile_width: int = 400) -> Image.Image:
    """Return a sheet of the chosen frames (time-stamped) under a wrapped caption of the prompt."""
    h0, w0 = frames[0].shape[:2]
    tw, th = tile_width, int(round(tile_width * h0 / w0))
    rows = (len(indices) + columns - 1) // columns
    font, small = _font(15), _font(13)
    chars = max(40, int(columns * tw / 8.2))
    lines = textwrap.wrap(" ".join(caption.split()), chars)
    if len(lines) > 12:
        lines = lines[:11] + [lines[11][: chars - 1] + "…"]
    cap_h = 10 + 19 * len(lines)
    sheet = Image.new("RGB", (columns * tw + (columns + 1) * 6, cap_h + rows * (th + 6) + 6), (18, 18, 20))
    draw = ImageDraw.Draw(sheet)
    for i, line in enumerate(lines):
        draw.text((8, 6 + 19 * i), line, fill=(235, 235, 235), font=font)
    for k, idx in enumerate(indices):
        img = Image.fromarray(frames[idx]).resize((tw, th), Image.LANCZOS)
        x, y = 6 + (k % columns) * (tw + 6), cap_h + 6 + (k // columns) * (th + 6)
        sheet.paste(img, (x, y))
        label = f"{idx / fps:.2f}s"
        draw.rectangle((x, y, x + 8 * len(label) + 6, y + 17), fill=(0, 0, 0))
        draw.text((x + 3, y + 1), label, fill=(255, 255, 255), font=small)
    return sheet


def render_entry(entry: Entry, out_dir: Path, width: int, height: int) -> dict[str, float]:
    """Render one prompt to out_dir/<slug>.mp4 and .png; return timing figures."""
    req = RenderRequest(prompt=entry.prompt, seconds=entry.seconds, width=width, height=height, seed=SEED)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reelcast-gallery-") as tmp:
        out = render(req, BlobStore(Path(tmp)))
        took = time.perf_counter() - started
        mp4 = out_dir / f"{entry.slug}.mp4"
        shutil.move(str(out.video_path), mp4)
    frames, fps = decode_frames(mp4)
    contact_sheet(frames, pick(len(frames)), fps, entry.prompt).save(out_dir / f"{entry.slug}.png", optimize=True)
    return {"seconds": entry.seconds, "wall": took, "rtf": took / entry.seconds}


def main(argv: list[str] | None = None) -> int:
    """Render the gallery (all entries or --only some) and print one line per clip."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery")
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--only", default="", help="comma-separated slugs")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    only = {s for s in args.only.split(",") if s}
    for entry in ENTRIES:
        if only and entry.slug not in only:
            continue
        r = render_entry(entry, args.out, w, h)
        print(f"{entry.slug}: {r['seconds']:.0f}s {w}x{h} in {r['wall']:.1f}s (RTF {r['rtf']:.2f})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
