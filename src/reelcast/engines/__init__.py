"""Engines turn a ScenePlan into a Clip; `get_engine` picks one by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reelcast.engines.base import Engine


def _sim(**kw: Any) -> Engine:
    from reelcast.engines.sim.engine import SimEngine

    return SimEngine(**kw)


ENGINES: dict[str, Callable[..., Engine]] = {"sim": _sim}


def get_engine(name: str, **kw: Any) -> Engine:
    """Return a new engine by name (keyword arguments go to its constructor); unknown names raise ValueError."""
    factory = ENGINES.get(name)
    if factory is None:
        raise ValueError(f"unknown engine {name!r}; known engines: {', '.join(sorted(ENGINES))}")
    return factory(**kw)
