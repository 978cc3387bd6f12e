"""The physics world: contact events, determinism and gravity."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.prompt.plan import Entity, ScenePlan, Setting

from .plans import basketball_plan


def test_events_have_increasing_times_and_positive_impulses() -> None:
    events = simulate(basketball_plan("miss"), seed=7).timeline.events
    assert len(events) >= 2
    times = [e.t for e in events]
    assert times == sorted(times)
    assert all(e.impulse > 0 for e in events)


def test_same_plan_and_seed_give_identical_poses_and_events() -> None:
    a = simulate(basketball_plan("miss", duration=2.5), seed=11).timeline
    b = simulate(basketball_plan("miss", duration=2.5), seed=11).timeline
    assert np.array_equal(a.poses, b.poses)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]


def test_zero_gravity_keeps_a_floating_ball_from_falling() -> None:
    plan = ScenePlan(prompt="a ball floats", duration=2.0, width=160, height=90,
                     entities=[Entity("ball", "ball")], setting=Setting(place="space_station", gravity=0.0))
    res = simulate(plan, seed=1)
    z = res.focus["ball"][:, 2]
    assert z[0] > 0.5
    assert abs(z[-1] - z[0]) < 0.02


def test_dropped_ball_bounce_is_logged_once_with_its_impulse() -> None:
    with PhysicsWorld(9.81) as w:
        w.add_ground("wood", 0.9, 0.7)
        ball = w.add_sphere("ball", 0.12, (0.0, 0.0, 1.0), 0.62, restitution=0.9)
        for _ in range(120):
            w.step()
        events = w.flush()
    assert w.bodies[ball].name == "ball"
    first = events[0]
    assert (first.body_a, first.body_b) == ("ball", "ground")
    # falling 0.88 m: v ≈ 4.2 m/s; impulse ≈ m·v·(1 + e) ≈ 0.62·4.2·1.8
    assert 3.5 < first.impulse < 5.5
    assert abs(first.t - (2 * 0.88 / 9.81) ** 0.5) < 0.02
    assert len(events) == 1
