"""Model specs of the diffusers engine and the pure size/frame mapping rules (documented in README "Using a GPU")."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

WAN_NEGATIVE = (
    "bright tones, overexposed, static, blurred details, subtitles, watermark, text, worst quality, low quality, "
    "JPEG compression artifacts, ugly, deformed, disfigured, extra fingers, poorly drawn hands, poorly drawn face, "
    "fused fingers, still picture, cluttered background, three legs, walking backwards"
)
LTX_NEGATIVE = "worst quality, inconsistent motion, blurry, jittery, distorted, watermark, text"


@dataclass(frozen=True)
class ModelSpec:
    """What one model directory holds and how reelcast drives it."""

    key: str  # directory name under REELCAST_DIFFUSERS_MODELS
    family: str  # wan | ltx
    pipeline: str  # diffusers class the weights load into
    i2v_pipeline: str | None  # class for image-to-video from the same weights (None: the model cannot take images)
    needs_image: bool  # image-to-video only (Wan I2V checkpoints)
    fps: int  # frame rate the model was trained at
    frame_step: int  # frame counts must be frame_step * n + 1
    max_frames: int  # longest single generation; longer shots are generated as chained segments
    multiple: int  # width and height must be multiples of this
    resolutions: tuple[tuple[int, int], ...]  # landscape (w, h) sizes it was trained at; portrait swaps them
    steps: int
    guidance: float
    negative_prompt: str
    max_sequence_length: int = 512


SPECS: dict[str, ModelSpec] = {
    "wan-t2v": ModelSpec("wan-t2v", "wan", "WanPipeline", None, False, 16, 4, 81, 16,
                         ((832, 480), (1280, 720)), 50, 5.0, WAN_NEGATIVE),
    "wan-i2v": ModelSpec("wan-i2v", "wan", "WanImageToVideoPipeline", "WanImageToVideoPipeline", True, 16, 4, 81, 16,
                         ((832, 480), (1280, 720)), 40, 5.0, WAN_NEGATIVE),
    "ltx-video": ModelSpec("ltx-video", "ltx", "LTXPipeline", "LTXImageToVideoPipeline", False, 24, 8, 257, 32,
                           ((768, 512), (1216, 704)), 50, 3.0, LTX_NEGATIVE, 128),
}

ASPECT_TOLERANCE = 0.2  # |log aspect| within this of the nearest counts as the same shape (16:9 ≈ 832x480)
OVERRIDABLE = ("resolutions", "steps", "guidance", "fps", "max_frames", "max_sequence_length", "negative_prompt")


def load_spec(key: str, model_dir: Path | None = None) -> ModelSpec:
    """The spec of a model key, with the operator's overrides from `<model_dir>/reelcast.json` applied."""
    if key not in SPECS:
        raise KeyError(f"unknown diffusers model {key!r}; known: {', '.join(sorted(SPECS))}")
    spec = SPECS[key]
    cfg = model_dir / "reelcast.json" if model_dir is not None else None
    if cfg is None or not cfg.is_file():
        return spec
    data = json.loads(cfg.read_text())
    changes = {k: data[k] for k in OVERRIDABLE if k in data}
    if "resolutions" in changes:
        changes["resolutions"] = tuple((int(w), int(h)) for w, h in changes["resolutions"])
    return replace(spec, **changes)


def model_size(spec: ModelSpec, width: int, height: int, quality: str = "auto") -> tuple[int, int]:
    """The trained resolution to generate a `width`x`height` request at: same orientation, nearest aspect ratio,
    largest for quality "high", smallest otherwise; the result is then scaled and centre-cropped to the request."""
    portrait = height > width
    options = [(h, w) if portrait and w > h else (w, h) for w, h in spec.resolutions]
    want = math.log(width / height)
    best = min(abs(math.log(w / h) - want) for w, h in options)
    fitting = [(w, h) for w, h in options if abs(math.log(w / h) - want) <= best + ASPECT_TOLERANCE]
    pick = max(fitting, key=lambda s: s[0] * s[1]) if quality == "high" else min(fitting, key=lambda s: s[0] * s[1])
    m = spec.multiple
    return max(m, pick[0] // m * m), max(m, pick[1] // m * m)


def frame_count(spec: ModelSpec, seconds: float) -> int:
    """Frames (step*n + 1, at least one step) covering `seconds` at the model's frame rate, capped at max_frames."""
    k = spec.frame_step
    n = max(1, math.ceil(max(seconds, 0.0) * spec.fps / k - 1e-6))
    cap = (spec.max_frames - 1) // k
    return min(n, cap) * k + 1


def segments(spec: ModelSpec, seconds: float) -> list[int]:
    """Frame counts of the generations one shot needs; a shot longer than one generation is chained."""
    per = frame_count(spec, 1e9)
    out: list[int] = []
    remaining = seconds
    while True:
        n = frame_count(spec, remaining)
        out.append(n)
        remaining -= (n - 1) / spec.fps
        if remaining <= 1e-6 or n < per:
            return out


def source_index(t: float, model_fps: int, n_frames: int) -> int:
    """Which generated frame shows time `t` (seconds from the shot's start): nearest-earlier, clamped."""
    return min(max(int(math.floor(t * model_fps + 1e-6)), 0), n_frames - 1)
