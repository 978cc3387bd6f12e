"""Engines turn a ScenePlan into a Clip; `get_engine` picks one by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reelcast.engines.base import Engine


def _sim(**kw: Any) -> Engine:
    from reelcast.engines.sim.engine import SimEngine

    return SimEngine(**kw)


def _diffusers(**kw: Any) -> Engine:
    from reelcast.engines.diffusers.engine import DiffusersEngine

    return DiffusersEngine(**kw)


ENGINES: dict[str, Callable[..., Engine]] = {"sim": _sim, "diffusers": _diffusers}


def get_engine(name: str, **kw: Any) -> Engine:
    """Return a new engine by name (keyword arguments go to its constructor); unknown names raise ValueError."""
    factory = ENGINES.get(name)
    if factory is None:
        raise ValueError(f"unknown engine {name!r}; known engines: {', '.join(sorted(ENGINES))}")
    return factory(**kw)


def engine_options_for(settings: Any, model: str, engine: str, reference: Any = None) -> dict[str, Any]:
    """Extra get_engine keywords a job needs beyond quality (the diffusers engine: model key, weights, memory)."""
    if engine != "diffusers":
        return {}
    from reelcast.domain.video_rules import MODEL_ALIASES, PROFILES
    from reelcast.engines.diffusers import engine_options

    profile = PROFILES.get(MODEL_ALIASES.get(model, model))
    key = profile.model_key if profile is not None and profile.model_key else model
    return {**engine_options(settings, key), "reference": reference}
