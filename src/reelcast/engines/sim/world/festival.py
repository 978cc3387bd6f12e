"""Festival night: fireworks as particle bursts (a few large emissive parts each, expanding and fading) whose booms
arrive distance / 343 m/s after the flash, and strings of glowing paper lanterns over the square.
"""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, stable_rng
from reelcast.engines.sim.world.archetypes import BuildContext, register
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.quat import translate
from reelcast.prompt.plan import Entity

SPEED_OF_SOUND = 343.0  # m/s
SPARKS = 12  # particles per burst
BURST_LIFE = 1.8  # seconds a burst glows
LISTENER = np.array([0.0, 0.0, 1.6])  # the characters' ears: they stand around the origin
COLORS = [(1.0, 0.45, 0.3), (0.5, 0.8, 1.0), (1.0, 0.85, 0.35), (0.75, 0.5, 1.0), (0.5, 1.0, 0.6)]
LANTERN_STRINGS = 3
LANTERNS_PER_STRING = 9


def _scaled(p: np.ndarray, k: float) -> np.ndarray:
    m = translate(*p)
    m[0, 0] = m[1, 1] = m[2, 2] = k
    return m


class FireworksActor(Actor):
    """Bursts at seeded times and places in the sky; each spark flies out radially, droops and fades."""

    def __init__(self, entity: str, seed: int, duration: float) -> None:
        self.entity = entity
        self.size = 50.0  # sky: cameras do not frame it
        rng = stable_rng(seed, "fireworks", entity)
        n = max(2, int(round(duration / 1.3)))
        self.times = np.sort(rng.uniform(0.1, max(0.2, duration - 0.6), n))
        self.centers = np.stack([rng.uniform(-60, 60, n), rng.uniform(60, 130, n), rng.uniform(35, 70, n)], 1)
        dirs = rng.normal(size=(n, SPARKS, 3))
        self.dirs = dirs / np.linalg.norm(dirs, axis=2, keepdims=True)
        self.speed = rng.uniform(9, 14, n)
        self.parts = []
        for b in range(n):
            col = COLORS[int(rng.integers(len(COLORS)))]
            self.parts += [Part(f"{entity}/burst{b}_{k}", entity, "sphere", (0.9,), col, "spark", emissive=1.0,
                                casts_shadow=False) for k in range(SPARKS)]

    def boom_times(self) -> list[float]:
        """When each burst's boom reaches the listener: flash time + distance / speed of sound."""
        return [float(t + np.linalg.norm(c - LISTENER) / SPEED_OF_SOUND) for t, c in zip(self.times, self.centers,
                                                                                          strict=True)]

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Sparks are hidden (scale 0) before their burst, then expand, droop under gravity and shrink away."""
        out = []
        for b, (tb, c) in enumerate(zip(self.times, self.centers, strict=True)):
            age = t - tb
            alive = 0.0 <= age <= BURST_LIFE
            reach = self.speed[b] * (1 - math.exp(-2.2 * max(age, 0.0))) / 2.2
            k = (1.0 - age / BURST_LIFE) ** 0.7 if alive else 0.0
            for s in range(SPARKS):
                p = c + self.dirs[b, s] * reach + np.array([0.0, 0.0, -1.5 * max(age, 0.0) ** 2])
                out.append(_scaled(p, k))
        return np.array(out)

    def sound_events(self) -> list[ContactEvent]:
        """One boom per burst, delayed by the sound's travel time to the listener."""
        return [ContactEvent(t=tb, body_a=f"{self.entity}/burst{b}_0", body_b="air", impulse=40.0,
                             position=tuple(float(v) for v in self.centers[b]), material_a="firework",
                             material_b="air")
                for b, tb in enumerate(self.boom_times())]


class LanternStrings(Actor):
    """Strings of glowing paper lanterns sagging across the festival street."""

    def __init__(self, seed: int) -> None:
        self.entity = "lanterns"
        self.size = 20.0
        rng = stable_rng(seed, "lantern_strings")
        self.parts, poses = [], []
        for s in range(LANTERN_STRINGS):
            x = -6.0 + 6.0 * s
            for k in range(LANTERNS_PER_STRING):
                u = k / (LANTERNS_PER_STRING - 1)
                y = -6.0 + 12.0 * u
                z = 4.2 - 1.2 * math.sin(math.pi * u)  # the string sags in the middle
                col = (1.0, 0.35, 0.2) if (k + s) % 3 else (1.0, 0.8, 0.4)
                self.parts.append(Part(f"lanterns/{s}_{k}", "lanterns", "capsule", (0.22, 0.12), col, "paper",
                                       emissive=0.9, casts_shadow=False))
                poses.append(translate(x + rng.uniform(-0.2, 0.2), y, z))
        self._poses = np.array(poses)

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Lanterns sway a little in the evening breeze."""
        sway = 0.04 * np.sin(1.3 * t + np.arange(len(self._poses)))
        poses = self._poses.copy()
        poses[:, 0, 3] += sway
        return poses


@register("fireworks", "firework")
def fireworks(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """Fireworks over the scene (plus lantern strings when the place is the festival town)."""
    if ctx.plan.setting.place == "festival_town":
        ctx.extra.append(LanternStrings(ctx.seed))
    return FireworksActor(e.id, ctx.seed, ctx.plan.duration)
