"""The render pipeline of one job: plan → engine → encode → blobs."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reelcast.engines.base import Clip, EngineError
from reelcast.media.encode import encode_mp4
from reelcast.media.images import decode_image, fit_cover, spritesheet_jpeg, thumbnail_webp
from reelcast.media.probe import MediaError, decode_audio, decode_frames
from reelcast.prompt.cameos import apply_cameo_preferences
from reelcast.prompt.compiler import compile_prompt
from reelcast.prompt.plan import ScenePlan
from reelcast.provenance.visible import overlay_frames
from reelcast.provenance.watermark import embed_frames, payload_for_id
from reelcast.store.blobs import BlobStore

log = logging.getLogger("reelcast.jobs")

REFERENCE_FADE_SECONDS = 0.75


class JobFailed(Exception):
    """A job cannot be rendered; `code` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class JobCancelled(Exception):
    """The job was deleted or taken over while rendering."""


@dataclass
class RenderRequest:
    """What to render, independent of where it is stored."""

    prompt: str
    seconds: float
    width: int
    height: int
    seed: int
    engine: str = "sim"
    quality: str = "auto"
    watermark_id: str | None = None  # invisible watermark payload source (the video id); None = unmarked
    reference: np.ndarray | None = None  # RGB image shown as the first frame
    prefix_video: Path | None = None  # extend: this clip plays first, the render continues it
    base_prompt: str | None = None  # remix/edit: the source prompt the change applies to
    cameo_preferences: dict[str, str] = field(default_factory=dict)  # "@handle" → its owner's preferences
    visible_handle: str | None = None  # creator's @handle for the moving visible mark (someone else's cameo shown)
    cameo_looks: dict[str, dict[str, str]] = field(default_factory=dict)  # "@handle" → verified look and voice
    engine_options: dict[str, object] = field(default_factory=dict)  # extra get_engine keywords (diffusers model…)


@dataclass
class RenderOutput:
    """Files a finished render produced."""

    video_path: Path
    thumbnail: bytes
    spritesheet: bytes
    plan: ScenePlan
    events: list[dict[str, object]]
    seconds: float


def new_seed() -> int:
    """A random seed for requests that give none."""
    return random.SystemRandom().randrange(0, 2**31)


def build_plan(req: RenderRequest) -> ScenePlan:
    """Compile the prompt (with a remix/edit's source prompt first) into a plan."""
    text = req.prompt if not req.base_prompt else f"{req.base_prompt}\n\n{req.prompt}"
    plan = compile_prompt(text, req.seconds, req.width, req.height)
    apply_cameo_preferences(plan, req.cameo_preferences)
    if req.cameo_looks:
        from reelcast.cameo.looks import apply_cameo_looks

        apply_cameo_looks(plan, req.cameo_looks)
    if req.base_prompt:
        plan.notes.append("remix/edit: the source prompt was compiled first and the new instruction applied on top")
    if req.reference is not None:
        plan.notes.append(f"input_reference: shown as the first frame, dissolving into the scene over "
                          f"{REFERENCE_FADE_SECONDS} s")
    return plan


def _with_reference(frames: Iterator[np.ndarray], ref: np.ndarray, fps: int) -> Iterator[np.ndarray]:
    """Start on the reference image and cross-dissolve into the rendered frames."""
    n_fade = max(1, int(round(REFERENCE_FADE_SECONDS * fps)))
    refi = ref.astype(np.float32)
    for i, f in enumerate(frames):
        if i < n_fade:
            a = i / n_fade
            yield (refi * (1 - a) + f.astype(np.float32) * a).round().astype(np.uint8)
        else:
            yield f


def render(
    req: RenderRequest,
    blobs: BlobStore,
    *,
    on_plan: Callable[[ScenePlan], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> RenderOutput:
    """Render a request into a temp MP4 inside the blob store plus thumbnail and spritesheet bytes."""
    plan = build_plan(req)
    if on_plan is not None:
        on_plan(plan)
    from reelcast.engines import get_engine  # engines import heavy GL/physics modules; load them lazily

    try:
        engine = get_engine(req.engine, quality=req.quality, **req.engine_options)
    except EngineError as exc:
        raise JobFailed(exc.code, exc.message) from exc
    except ValueError as exc:
        raise JobFailed("engine_unavailable", str(exc)) from exc
    share = float(getattr(engine, "progress_share", 0.1))  # part of the bar the engine's own work takes

    prefix_frames: list[np.ndarray] = []
    prefix_audio = np.zeros((0, 2), np.float32)
    if req.prefix_video is not None:
        try:
            prefix_frames, _ = decode_frames(req.prefix_video, req.width, req.height)
            prefix_audio = decode_audio(req.prefix_video)
        except MediaError as exc:
            raise JobFailed("invalid_source_video", str(exc)) from exc

    def engine_progress(frac: float, stage: str) -> None:
        if on_progress is not None and stage != "render":
            on_progress(min(share, frac * share))

    try:
        clip: Clip = engine.generate(plan, req.seed, engine_progress)
    except EngineError as exc:
        raise JobFailed(exc.code, exc.message) from exc
    frames: Iterator[np.ndarray] = iter(clip.frames)
    if req.reference is not None:
        frames = _with_reference(frames, fit_cover(req.reference, req.width, req.height), clip.fps)
    audio = clip.audio  # may still be synthesised while frames render; the encoder waits for it
    n_frames = clip.n_frames
    if prefix_frames:
        audio = clip.audio_samples()
        n_prefix = len(prefix_frames)
        frames = _chain(prefix_frames, frames)
        pad = max(0, round(n_prefix / clip.fps * clip.sample_rate) - len(prefix_audio))
        prefix_audio = np.concatenate([prefix_audio, np.zeros((pad, 2), np.float32)])
        prefix_audio = prefix_audio[: round(n_prefix / clip.fps * clip.sample_rate)]
        audio = np.concatenate([prefix_audio, audio])
        n_frames += n_prefix
    if req.visible_handle:
        frames = overlay_frames(frames, req.visible_handle, req.width, req.height, clip.fps,
                                seed=req.watermark_id or "")
    if req.watermark_id:
        frames = embed_frames(frames, payload_for_id(req.watermark_id), req.width, req.height)

    total = n_frames

    def on_frame(i: int) -> None:
        if on_progress is not None:
            on_progress(share + (0.98 - share) * i / total)

    out = blobs.temp_path(".mp4")
    started = time.perf_counter()
    try:
        result = encode_mp4(frames, audio, out, width=req.width, height=req.height, fps=clip.fps,
                            n_frames=n_frames, sample_rate=clip.sample_rate, on_frame=on_frame)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    log.info("rendered %d frames in %.1fs", n_frames, time.perf_counter() - started)
    assert result.thumbnail is not None
    return RenderOutput(
        video_path=out,
        thumbnail=thumbnail_webp(result.thumbnail),
        spritesheet=spritesheet_jpeg(result.keyframes),
        plan=plan,
        events=[e.to_dict() for e in clip.events],
        seconds=n_frames / clip.fps,
    )


def _chain(first: list[np.ndarray], rest: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    yield from first
    yield from rest


def load_reference(blobs: BlobStore, key: str | None) -> np.ndarray | None:
    """Decode a stored reference image."""
    return decode_image(blobs.read_bytes(key)) if key else None
