"""DiffusersEngine: Wan / LTX-Video text- and image-to-video behind the Engine protocol, one generation per shot."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reelcast.engines.base import Clip, EngineError, ProgressFn
from reelcast.engines.diffusers.audio_model import load_audio_model
from reelcast.engines.diffusers.loader import Loaded, LoadOptions, load
from reelcast.engines.diffusers.models import ModelSpec, load_spec, model_size, segments, source_index
from reelcast.engines.diffusers.prompting import CameoCue, shot_handles, shot_prompt
from reelcast.engines.diffusers.sound import soundtrack
from reelcast.media.images import fit_cover
from reelcast.prompt.plan import ScenePlan, Shot


def _noop(fraction: float, stage: str) -> None:
    return None


@dataclass
class ShotCall:
    """The exact inputs of one pipeline call (kept so the benchmark can replay them on the raw pipeline)."""

    shot: int
    prompt: str
    width: int
    height: int
    num_frames: int
    seed: int
    image: np.ndarray | None = None
    seconds: float = 0.0  # wall time of the call


@dataclass
class GenerationLog:
    """What the last `generate` did: its pipeline calls and timings."""

    calls: list[ShotCall] = field(default_factory=list)
    load_seconds: float = 0.0
    total_seconds: float = 0.0


class DiffusersEngine:
    """Generates each shot of a plan with a local diffusers video pipeline and scores it with the sim audio stack."""

    name = "diffusers"
    version = "1"
    progress_share = 0.9  # generation dominates; the job pipeline gives the encoder the rest of the bar

    def __init__(self, model: str = "wan-t2v", models_dir: str | Path | None = None, quality: str = "auto",
                 device: str = "auto", dtype: str = "auto", offload: str = "none", vae_tiling: bool = False,
                 steps: int = 0, reference: np.ndarray | None = None, cameos: list[CameoCue] | None = None) -> None:
        if models_dir is None or str(models_dir) == "":
            raise EngineError("engine_unavailable", "The diffusers engine is not configured on this worker: set "
                                                    "REELCAST_DIFFUSERS_MODELS to the directory holding the weights.")
        if model not in _known():
            raise EngineError("engine_unavailable", f"unknown diffusers model {model!r}")
        self.model = model
        self.models_dir = Path(models_dir)
        self.quality = quality
        self.load_options = LoadOptions(device=device, dtype=dtype, offload=offload, vae_tiling=vae_tiling)
        self.steps = steps
        self.reference = reference
        self.cameos = list(cameos or [])
        self.log = GenerationLog()

    @property
    def model_dir(self) -> Path:
        """Where this model's weights must be."""
        return self.models_dir / self.model

    def spec(self) -> ModelSpec:
        """The model's spec with the operator's reelcast.json overrides."""
        return load_spec(self.model, self.model_dir)

    def load(self) -> Loaded:
        """Load (or reuse) the warm pipeline."""
        started = time.perf_counter()
        loaded = load(self.spec(), self.model_dir, self.load_options)
        self.log.load_seconds = time.perf_counter() - started
        return loaded

    def plan_calls(self, plan: ScenePlan, seed: int) -> list[ShotCall]:
        """The pipeline calls a plan needs: one per shot (chained segments for shots longer than the model allows)."""
        spec = self.spec()
        w, h = model_size(spec, plan.width, plan.height, self.quality)
        calls = []
        for shot in _shots(plan):
            prompt = shot_prompt(plan, shot, self.cameos)
            for j, n in enumerate(segments(spec, shot.end - shot.start)):
                calls.append(ShotCall(shot=shot.index, prompt=prompt, width=w, height=h, num_frames=n,
                                      seed=(seed + 1_000_003 * shot.index + 7919 * j) % 2**63,
                                      image=self._condition(plan, shot) if j == 0 else None))
        return calls

    def _condition(self, plan: ScenePlan, shot: Shot) -> np.ndarray | None:
        """The image a shot starts from: a cameo's reference in shots that show it, else the request's reference."""
        for cue in self.cameos:
            if cue.image is not None and cue.handle in shot_handles(plan, shot):
                return np.asarray(cue.image)
        return self.reference if shot.index == 0 else None

    def pipeline_kwargs(self, spec: ModelSpec, call: ShotCall, device: str) -> dict[str, Any]:
        """Keyword arguments of the diffusers call for one ShotCall (without image and callback)."""
        import torch

        kw: dict[str, Any] = dict(
            prompt=call.prompt, negative_prompt=spec.negative_prompt, height=call.height, width=call.width,
            num_frames=call.num_frames, num_inference_steps=self.steps or spec.steps, guidance_scale=spec.guidance,
            generator=torch.Generator("cpu").manual_seed(call.seed), output_type="np",
            max_sequence_length=spec.max_sequence_length,
        )
        if spec.family == "ltx":
            kw["frame_rate"] = spec.fps
        return kw

    def generate(self, plan: ScenePlan, seed: int, progress: ProgressFn | None = None) -> Clip:
        """Generate every shot (eagerly, reporting each denoising step), then return frames at the plan's size/fps."""
        report = progress or _noop
        started = time.perf_counter()
        self.log = GenerationLog()
        report(0.0, "load")
        spec = self.spec()
        loaded = self.load()
        calls = self.plan_calls(plan, seed)
        if spec.needs_image and calls[0].image is None:
            raise EngineError("reference_required", f"Model '{self.model}' is image-to-video only: send an "
                                                    f"input_reference image (or use a cameo with a reference).")
        steps = self.steps or spec.steps
        total = max(1, len(calls) * steps)
        done = [0]

        def on_step(pipe: Any, i: int, t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            done[0] += 1
            report(min(1.0, done[0] / total), "generate")
            return kwargs

        by_shot: dict[int, list[np.ndarray]] = {}
        previous: np.ndarray | None = None  # last frame generated so far
        with loaded.lock:
            for call in calls:
                frames = by_shot.setdefault(call.shot, [])
                image = call.image if call.image is not None else (frames[-1] if frames else None)
                if image is None and spec.needs_image:
                    image = previous  # an image-only model opens each later shot from the cut's last frame
                if frames and loaded.i2v is None:
                    image = None  # a text-only model cannot continue from the last frame; segments are cut
                t0 = time.perf_counter()
                out = self._call(spec, loaded, call, image, on_step)
                call.seconds = time.perf_counter() - t0
                frames.extend(out[1:] if frames and image is not None else out)
                previous = frames[-1]
                self.log.calls.append(call)
        self._note(plan, spec, calls)
        n_out = max(1, int(round(plan.duration * plan.fps)))
        audio_model = load_audio_model(self.models_dir, self.load_options, self.steps)
        if audio_model is not None:
            plan.notes.append(f"diffusers/audio: ambience bed generated by {audio_model.kind}")
        audio, events = soundtrack(plan, n_out, plan.fps, seed, audio_model)
        self.log.total_seconds = time.perf_counter() - started
        return Clip(width=plan.width, height=plan.height, fps=plan.fps, n_frames=n_out,
                    frames=self._frames(plan, spec, by_shot, n_out), audio=audio, sample_rate=48000,
                    events=events, plan=plan)

    def _call(self, spec: ModelSpec, loaded: Loaded, call: ShotCall, image: np.ndarray | None,
              on_step: Any) -> list[np.ndarray]:
        """Run the pipeline once; frames as (h, w, 3) uint8."""
        from PIL import Image

        kw = self.pipeline_kwargs(spec, call, loaded.device)
        pipe = loaded.pipe
        if image is not None and loaded.i2v is not None:
            pipe = loaded.i2v
            kw["image"] = Image.fromarray(fit_cover(np.asarray(image, dtype=np.uint8), call.width, call.height))
        try:
            video = pipe(**kw, callback_on_step_end=on_step).frames[0]
        except (RuntimeError, ValueError) as exc:
            if "out of memory" in str(exc).lower():
                raise EngineError("gpu_out_of_memory", f"The GPU ran out of memory generating {call.width}x"
                                  f"{call.height}x{call.num_frames}: enable REELCAST_DIFFUSERS_OFFLOAD=model "
                                  f"or REELCAST_DIFFUSERS_VAE_TILING=1, or lower the resolution.") from exc
            raise
        arr = np.asarray(video, dtype=np.float32)
        return list((np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8))

    def _note(self, plan: ScenePlan, spec: ModelSpec, calls: list[ShotCall]) -> None:
        c = calls[0]
        plan.notes.append(
            f"diffusers/{self.model}: {len(calls)} generation(s) at {c.width}x{c.height}, {spec.fps} fps "
            f"({', '.join(str(x.num_frames) for x in calls)} frames), resampled to {plan.width}x{plan.height} "
            f"at {plan.fps} fps; sounds placed on the plan's action beats"
        )
        if self.reference is not None and spec.i2v_pipeline is None:
            plan.notes.append(f"diffusers/{self.model}: text-to-video only; the reference image is shown as the "
                              f"first frame instead of conditioning the model")

    def _frames(self, plan: ScenePlan, spec: ModelSpec, by_shot: dict[int, list[np.ndarray]],
                n_out: int) -> Iterator[np.ndarray]:
        """Output frames: each shot's generated frames resampled to the plan's fps and fitted to its size."""
        shots = _shots(plan)
        last: tuple[int, int] | None = None
        frame: np.ndarray | None = None
        for j in range(n_out):
            t = j / plan.fps
            shot = next((s for s in shots if s.start <= t < s.end), shots[-1])
            frames = by_shot[shot.index]
            idx = source_index(t - shot.start, spec.fps, len(frames))
            if (shot.index, idx) != last:
                frame = fit_cover(frames[idx], plan.width, plan.height)
                last = (shot.index, idx)
            assert frame is not None
            yield frame


def _shots(plan: ScenePlan) -> list[Shot]:
    return plan.shots or [Shot(index=0, start=0.0, end=plan.duration, description=plan.prompt)]


def _known() -> tuple[str, ...]:
    from reelcast.engines.diffusers.models import SPECS

    return tuple(SPECS)
