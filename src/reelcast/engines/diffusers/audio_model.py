"""Optional text-to-audio model for the ambience bed: AudioLDM 2 or Stable Audio from `<models>/audio`."""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Any

import numpy as np

from reelcast.engines.base import EngineError
from reelcast.engines.diffusers.loader import LoadOptions, resolve_device, resolve_dtype

AUDIO_DIR = "audio"
SUPPORTED = ("StableAudioPipeline", "AudioLDM2Pipeline")
DEFAULT_STEPS = 50
SAMPLE_RATE = 48000

_LOCK = threading.Lock()
_WARM: list[tuple[tuple[object, ...], Any]] = []  # at most one text-to-audio pipeline per process


class TextToAudio:
    """Calls a loaded diffusers text-to-audio pipeline and returns 48 kHz stereo."""

    def __init__(self, pipe: Any, kind: str, steps: int) -> None:
        self.pipe = pipe
        self.kind = kind
        self.steps = steps

    def __call__(self, prompt: str, seconds: float, seed: int) -> np.ndarray:
        """(round(seconds * 48000), 2) float32 audio for the prompt."""
        import torch

        gen = torch.Generator("cpu").manual_seed(seed)
        if self.kind == "StableAudioPipeline":
            out = self.pipe(prompt, audio_end_in_s=seconds, num_inference_steps=self.steps, generator=gen,
                            output_type="np").audios[0]
            rate = int(self.pipe.vae.sampling_rate)
            audio = np.asarray(out, dtype=np.float32).T  # (channels, n) → (n, channels)
        else:
            out = self.pipe(prompt, audio_length_in_s=seconds, num_inference_steps=self.steps, generator=gen,
                            output_type="np").audios[0]
            rate = 16000
            audio = np.asarray(out, dtype=np.float32).reshape(-1, 1)
        return resample(audio, rate, SAMPLE_RATE)


def resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Polyphase resampling of (n, channels) audio between integer rates."""
    from scipy.signal import resample_poly

    if rate == target:
        return audio.astype(np.float32)
    g = math.gcd(rate, target)
    return resample_poly(audio, target // g, rate // g, axis=0).astype(np.float32)


def load_audio_model(models_dir: Path, opts: LoadOptions, steps: int = 0) -> TextToAudio | None:
    """The operator's text-to-audio model (kept warm), or None when `<models>/audio` holds none."""
    model_dir = models_dir / AUDIO_DIR
    index = model_dir / "model_index.json"
    if not index.is_file():
        return None
    kind = json.loads(index.read_text()).get("_class_name")
    if kind not in SUPPORTED:
        raise EngineError("model_weights_invalid", f"{model_dir} holds a {kind} pipeline; the text-to-audio slot "
                                                   f"takes {' or '.join(SUPPORTED)}.")
    cfg = model_dir / "reelcast.json"
    steps = steps or (json.loads(cfg.read_text()).get("steps", DEFAULT_STEPS) if cfg.is_file() else DEFAULT_STEPS)
    device = resolve_device(opts.device)
    key = (str(model_dir.resolve()), index.stat().st_mtime_ns, device, opts.dtype, opts.offload)
    with _LOCK:
        if not _WARM or _WARM[0][0] != key:
            _WARM.clear()
            import diffusers

            pipe = getattr(diffusers, kind).from_pretrained(model_dir, dtype=resolve_dtype(opts.dtype, device),
                                                            local_files_only=True)
            if opts.offload == "none":
                pipe.to(device)
            else:
                pipe.enable_model_cpu_offload(device=device)
            pipe.set_progress_bar_config(disable=True)
            _WARM.append((key, pipe))
        return TextToAudio(_WARM[0][1], kind, int(steps))
