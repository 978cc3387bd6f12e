"""Balls bounce off people: collision spheres follow the animated limbs."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.humanoid import NATIVE_HEIGHT, HumanoidActor, Kinematics
from reelcast.engines.sim.world.motions import MotionTrack
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.prompt.plan import Action, Entity, ScenePlan, Setting

COLORS = {k: (0.5, 0.5, 0.5) for k in ("skin", "hair", "shirt", "shorts", "shoes", "sock", "eye")}


def _throw_at_person(collide: bool) -> tuple[np.ndarray, list]:
    world, kin = PhysicsWorld(9.81), Kinematics()
    try:
        world.add_ground("wood", 0.8, 0.6)
        person = HumanoidActor("p", MotionTrack([], 2.0, (0.0, 0.0), 0.0), kin, COLORS, NATIVE_HEIGHT)
        if collide:
            person.add_colliders(world)
        ball = world.add_sphere("ball", 0.12, (2.0, 0.0, 1.2), 0.6, "rubber", 0.8)
        world.set_state(ball, np.array([2.0, 0.0, 1.2]), np.array([-6.0, 0.0, 0.5]))
        for _ in range(240):
            person.before_step(world, world.t)
            world.step()
        return world.position(ball), world.flush()
    finally:
        world.close()
        kin.close()


def test_ball_thrown_at_a_person_bounces_back() -> None:
    pos, events = _throw_at_person(True)
    assert pos[0] > 0.3  # came back towards the thrower's side
    assert any(e.body_a == "ball" and e.body_b.startswith("p/") for e in events)


def test_without_colliders_the_ball_passes_through() -> None:
    pos, _ = _throw_at_person(False)
    assert pos[0] < -1.0


def test_shot_with_a_bystander_still_misses_and_never_touches_the_shooter() -> None:
    plan = ScenePlan(prompt="", duration=3.0, width=160, height=90,
                     entities=[Entity("player", "person"), Entity("fan", "person"), Entity("ball", "basketball"),
                               Entity("hoop", "hoop")],
                     actions=[Action("player", "shoot", target="hoop", outcome="miss")],
                     setting=Setting(place="basketball_court"), primary_target="player")
    res = simulate(plan, 2)
    assert res.outcomes[0] == "miss"
    assert not any(e.body_b.startswith("player/") for e in res.timeline.events)
