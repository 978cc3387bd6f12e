"""The Actor interface: something in the world that owns drawable parts and poses them every frame."""

from __future__ import annotations

import hashlib

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.physics import PhysicsWorld


class Actor:
    """Base class: parts plus hooks around each physics step; `sample` returns one 4x4 per part."""

    entity: str = ""
    parts: list[Part]
    size: float = 1.0  # rough height/extent in metres, used to frame cameras

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Apply scripted forces or kinematic placement before the step that starts at time t."""

    def after_step(self, world: PhysicsWorld, t: float) -> None:
        """Observe the world after the step that ends at time t."""

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the (n_parts, 4, 4) world matrices of the parts at time t."""
        raise NotImplementedError

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Return the point cameras aim at, given this actor's sampled part matrices."""
        return poses[:, :3, 3].mean(axis=0)

    def sound_events(self) -> list[ContactEvent]:
        """Return contacts this actor made outside pybullet (a kinematic skate landing, a splash), after the run."""
        return []

    def sound_loops(self, fps: int, n_frames: int) -> dict[str, np.ndarray]:
        """Return continuous sources (name → per-frame loudness 0..1) this actor drives, after the run."""
        return {}


class StaticActor(Actor):
    """Parts that never move (court lines, hoop, scenery)."""

    def __init__(self, entity: str, parts: list[tuple[Part, np.ndarray]], size: float = 1.0,
                 focus_point: np.ndarray | None = None) -> None:
        self.entity = entity
        self.parts = [p for p, _ in parts]
        self._poses = np.array([m for _, m in parts], dtype=float).reshape(-1, 4, 4)
        self.size = size
        self._focus = focus_point

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the fixed part matrices."""
        return self._poses

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Return the fixed focus point (or the parts' centre)."""
        return self._focus if self._focus is not None else super().focus(poses)


class BodyActor(Actor):
    """A single pybullet rigid body drawn by one or more parts fixed to it (a ball, a box)."""

    def __init__(self, entity: str, body: int, parts: list[tuple[Part, np.ndarray]], size: float) -> None:
        self.entity = entity
        self.body = body
        self.parts = [p for p, _ in parts]
        self._local = np.array([m for _, m in parts], dtype=float)
        self._inv0 = np.linalg.inv(self._local[0])
        self.size = size

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the parts placed at the body's current pose."""
        return world.pose(self.body) @ self._local

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the body's centre."""
        return (poses[0] @ self._inv0)[:3, 3]


def stable_rng(seed: int, *keys: str) -> np.random.Generator:
    """Return a generator that depends only on the seed and the given keys (not on build order)."""
    h = hashlib.sha256(("|".join([str(seed), *keys])).encode()).digest()
    return np.random.default_rng(int.from_bytes(h[:8], "little"))
