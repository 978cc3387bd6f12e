"""Small ScenePlans for the world-builder tests, and reading a simulated part's path back."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.builder import SimResult
from reelcast.prompt.plan import Action, Camera, Entity, ScenePlan, Setting, Shot


def basketball_plan(outcome: str | None = "miss", duration: float = 3.0, shots: list[Shot] | None = None,
                    width: int = 160, height: int = 90) -> ScenePlan:
    """Return a plan: a player shoots a basketball at a hoop on a court."""
    return ScenePlan(
        prompt="a basketball player shoots", duration=duration, width=width, height=height, fps=24,
        entities=[Entity("player", "person"), Entity("ball", "basketball"), Entity("hoop", "hoop")],
        actions=[Action("player", "shoot", target="hoop", outcome=outcome)],
        shots=shots or [Shot(0, 0.0, duration, camera=Camera(focal_length_mm=35))],
        setting=Setting(place="basketball_court"), primary_target="player",
    )


def person_plan(verb: str, duration: float = 2.0, start: float | None = 0.0, **setting: object) -> ScenePlan:
    """Return a plan with one person doing one verb in the studio."""
    return ScenePlan(
        prompt=f"a person does a {verb}", duration=duration, width=160, height=90, fps=24,
        entities=[Entity("p", "person")], actions=[Action("p", verb, start=start)],
        setting=Setting(place="studio", **setting), primary_target="p",
    )


def part_positions(res: SimResult, name: str) -> np.ndarray:
    """The world position of the named part in every frame, shape (frames, 3)."""
    k = next(i for i, p in enumerate(res.timeline.parts) if p.name == name)
    return res.timeline.poses[:, k, :3, 3].astype(float)
