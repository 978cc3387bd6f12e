"""Load diffusers pipelines from the operator's local model directory; one pipeline is kept warm per worker process."""

from __future__ import annotations

import gc
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelcast.engines.base import EngineError
from reelcast.engines.diffusers.models import ModelSpec

DTYPES = ("auto", "bfloat16", "float16", "float32")
OFFLOADS = ("none", "model", "sequential")


@dataclass(frozen=True)
class LoadOptions:
    """How a pipeline is placed in memory."""

    device: str = "auto"  # auto | cuda | cuda:N | cpu
    dtype: str = "auto"  # auto (bf16 on a GPU, fp32 on CPU) | bfloat16 | float16 | float32
    offload: str = "none"  # none | model (whole models to the GPU in turn) | sequential (layer by layer, least memory)
    vae_tiling: bool = False  # decode the VAE in tiles (less memory at high resolutions)


@dataclass
class Loaded:
    """A warm pipeline, its image-to-video twin (if any) and the lock that serialises generations on it."""

    key: tuple[object, ...]
    pipe: Any
    i2v: Any | None
    device: str
    lock: threading.Lock


_LOCK = threading.Lock()
_WARM: list[Loaded] = []  # at most one


def weights_missing(model_dir: Path, spec: ModelSpec) -> EngineError:
    """The error a job fails with when a model directory holds no diffusers weights."""
    return EngineError(
        "model_weights_missing",
        f"Model '{spec.key}' has no weights: expected a diffusers pipeline ({spec.pipeline}, with model_index.json) "
        f"in {model_dir}. reelcast never downloads weights at run time; the operator must place them there "
        f"(e.g. with `huggingface-cli download <repo> --local-dir {model_dir}`) and set REELCAST_DIFFUSERS_MODELS.",
    )


def resolve_device(device: str) -> str:
    """'auto' becomes cuda when a GPU is visible, else cpu."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def resolve_dtype(dtype: str, device: str) -> Any:
    """The torch dtype for an option value: 'auto' is bfloat16 on a GPU and float32 on CPU."""
    import torch

    if dtype not in DTYPES:
        raise EngineError("engine_misconfigured", f"diffusers dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
    if dtype == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, dtype)


def load(spec: ModelSpec, model_dir: Path, opts: LoadOptions) -> Loaded:
    """The warm pipeline for this model and options, loading it (and dropping the previous one) when needed."""
    if opts.offload not in OFFLOADS:
        raise EngineError("engine_misconfigured", f"diffusers offload must be one of {', '.join(OFFLOADS)}")
    index = model_dir / "model_index.json"
    if not index.is_file():
        raise weights_missing(model_dir, spec)
    device = resolve_device(opts.device)
    key = (str(model_dir.resolve()), index.stat().st_mtime_ns, spec.pipeline, device, opts.dtype, opts.offload,
           opts.vae_tiling)
    with _LOCK:
        if _WARM and _WARM[0].key == key:
            return _WARM[0]
        unload()
        found = json.loads(index.read_text()).get("_class_name")
        if found != spec.pipeline:
            raise EngineError("model_weights_invalid", f"{model_dir} holds a {found} pipeline; model '{spec.key}' "
                                                       f"needs {spec.pipeline} weights.")
        import diffusers

        cls = getattr(diffusers, spec.pipeline)
        try:
            pipe = cls.from_pretrained(model_dir, dtype=resolve_dtype(opts.dtype, device), local_files_only=True)
        except (OSError, ValueError) as exc:
            msg = f"Could not load {spec.pipeline} from {model_dir}: {exc}"
            raise EngineError("model_weights_invalid", msg) from exc
        if opts.offload == "model":
            pipe.enable_model_cpu_offload(device=device)
        elif opts.offload == "sequential":
            pipe.enable_sequential_cpu_offload(device=device)
        else:
            pipe.to(device)
        if opts.vae_tiling:
            pipe.vae.enable_tiling()
        pipe.set_progress_bar_config(disable=True)
        i2v = None
        if spec.i2v_pipeline == spec.pipeline:
            i2v = pipe
        elif spec.i2v_pipeline:
            i2v = getattr(diffusers, spec.i2v_pipeline).from_pipe(pipe)
            i2v.set_progress_bar_config(disable=True)
        loaded = Loaded(key=key, pipe=pipe, i2v=i2v, device=device, lock=threading.Lock())
        _WARM.append(loaded)
        return loaded


def unload() -> None:
    """Drop the warm pipeline and give its memory back."""
    if not _WARM:
        return
    _WARM.clear()
    gc.collect()
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def warm_key() -> tuple[object, ...] | None:
    """Identity of the pipeline kept warm in this process (None when none is)."""
    return _WARM[0].key if _WARM else None
