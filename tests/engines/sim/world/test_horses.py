"""A person standing on two walking horses falls off hard: ragdoll from the backs to the ground, in real time."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.world.builder import SimResult, simulate
from reelcast.engines.sim.world.horses import BACK_Z, HorseActor, fall_facts
from reelcast.prompt.compiler import compile_prompt
from tests.engines.sim.world.plans import part_positions
from tests.prompt.seed_prompts import HORSES


@pytest.fixture(scope="module")
def ride() -> tuple[SimResult, float]:
    plan = compile_prompt(HORSES, 3.0, 160, 90)
    fall = next(a for a in plan.actions if a.verb == "fall")
    return simulate(plan, 7), float(fall.start or 0.0)




def test_two_horses_walk_side_by_side(ride: tuple[SimResult, float]) -> None:
    res, _ = ride
    a, b = part_positions(res, "horse/barrel"), part_positions(res, "horse#1/barrel")
    gap = np.linalg.norm((a - b)[:, :2], axis=1)
    assert np.allclose(gap, gap[0], atol=1e-6) and 0.7 < gap[0] < 1.3
    assert np.linalg.norm(a[-1, :2] - a[0, :2]) > 2.0  # they walk


def test_rider_stands_with_a_foot_on_each_back_before_the_fall(ride: tuple[SimResult, float]) -> None:
    res, fall_at = ride
    k = int(fall_at * res.timeline.fps) - 2
    feet = [part_positions(res, "person/shoe_r")[k], part_positions(res, "person/shoe_l")[k]]
    backs = [part_positions(res, "horse/barrel")[k], part_positions(res, "horse#1/barrel")[k]]
    for foot in feet:
        assert min(np.linalg.norm((foot - b)[:2]) for b in backs) < 0.25
        assert abs(foot[2] - BACK_Z) < 0.15


def test_rider_falls_more_than_a_metre_and_hits_the_ground_hard(ride: tuple[SimResult, float]) -> None:
    res, fall_at = ride
    pelvis = part_positions(res, "person/pelvis")[:, 2]
    k = int(fall_at * res.timeline.fps)
    assert pelvis[k] - pelvis[k:].min() > 1.0
    strongest, hits = fall_facts(res.timeline.events, "person", fall_at)
    assert hits and strongest > 20.0


def test_fall_happens_in_real_time_not_slow_motion(ride: tuple[SimResult, float]) -> None:
    res, fall_at = ride
    _, hits = fall_facts(res.timeline.events, "person", fall_at)
    # from about 2.3 m up, free fall takes ~0.7 s; slow motion would stretch it
    assert 0.3 < hits[0].t - fall_at < 1.0


def test_standing_horse_has_long_legs_neck_mane_and_tail() -> None:
    h = HorseActor("horse", "horse", np.zeros(3), 0.0, (0.4, 0.25, 0.1), 0.0, 1)
    names = {p.name.split("/")[1] for p in h.parts}
    assert {"neck", "head", "tail", "mane0", "fl_hoof", "br_upper"} <= names
