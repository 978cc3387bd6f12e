"""The `diffusers` engine: real text/image-to-video models (Wan, LTX-Video) from local weights, on GPU workers.

Importing this package is cheap (torch and diffusers load only when a pipeline is).
"""

from __future__ import annotations

from typing import Any

from reelcast.engines.diffusers.models import SPECS, ModelSpec
from reelcast.engines.diffusers.prompting import CameoCue

__all__ = ["SPECS", "CameoCue", "DiffusersEngine", "ModelSpec", "engine_options"]


def engine_options(settings: Any, model_key: str) -> dict[str, Any]:
    """Constructor keywords of DiffusersEngine from a worker's Settings and the profile's model key."""
    return dict(model=model_key, models_dir=settings.diffusers_models, device=settings.diffusers_device,
                dtype=settings.diffusers_dtype, offload=settings.diffusers_offload,
                vae_tiling=settings.diffusers_vae_tiling, steps=settings.diffusers_steps)


def __getattr__(name: str) -> Any:
    if name == "DiffusersEngine":
        from reelcast.engines.diffusers.engine import DiffusersEngine

        return DiffusersEngine
    raise AttributeError(name)
