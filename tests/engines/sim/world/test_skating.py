"""Figure skater: a triple axel turns 3.5 times in the air, the cat stays on her head, blades sound on the ice."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reelcast.engines.sim.world.builder import SimResult, simulate
from reelcast.prompt.compiler import compile_prompt
from tests.prompt.seed_prompts import SKATER


@pytest.fixture(scope="module")
def skate() -> SimResult:
    plan = compile_prompt(SKATER, 2.0, 160, 90, fps=60)
    return simulate(plan, 7)


def _part(res: SimResult, name: str) -> np.ndarray:
    names = [p.name for p in res.timeline.parts]
    return res.timeline.poses[:, names.index(name)]


def _airborne(res: SimResult) -> np.ndarray:
    shoes = np.minimum(_part(res, "skater/shoe_r")[:, 2, 3], _part(res, "skater/shoe_l")[:, 2, 3])
    return shoes > shoes.min() + 0.05


def test_triple_axel_turns_at_least_three_and_a_half_times_in_the_air(skate: SimResult) -> None:
    air = np.flatnonzero(_airborne(skate))
    assert len(air) > 10
    a, b = air[0] - 1, air[-1] + 1  # last frame on the ice before, first frame on the ice after
    fwd = _part(skate, "skater/torso")[a:b + 1, :3, 0]  # the chest frame's forward axis
    yaw = np.unwrap(np.arctan2(fwd[:, 1], fwd[:, 0]))
    turns = abs(yaw[-1] - yaw[0]) / (2 * math.pi)
    assert turns >= 3.45


def test_skater_does_not_turn_while_gliding_in(skate: SimResult) -> None:
    air = np.flatnonzero(_airborne(skate))
    fwd = _part(skate, "skater/torso")[: air[0] - 2, :3, 0]
    yaw = np.unwrap(np.arctan2(fwd[:, 1], fwd[:, 0]))
    assert np.ptp(yaw) < 0.5


def test_cat_stays_on_the_skaters_head_through_the_jump(skate: SimResult) -> None:
    head = _part(skate, "skater/head")[:, :3, 3]
    cat = _part(skate, "cat/body")[:, :3, 3]
    gap = cat - head
    assert np.all(np.linalg.norm(gap[:, :2], axis=1) < 0.3)
    assert np.all((gap[:, 2] > 0.05) & (gap[:, 2] < 0.45))


def test_landing_impact_on_the_ice_follows_the_airborne_frames(skate: SimResult) -> None:
    air = np.flatnonzero(_airborne(skate))
    land = [e for e in skate.timeline.events if e.body_b == "ice" and e.impulse > 100]
    assert len(land) == 1
    assert abs(land[0].t - (air[-1] + 1) / 60) < 2 / 60
    assert land[0].material_a == "metal"


def test_blade_scrape_is_silent_in_the_air_and_loud_on_the_ice(skate: SimResult) -> None:
    level = skate.timeline.loops["skater/skate_blade"]
    air = np.flatnonzero(_airborne(skate))
    assert level[air[1:-1]].max() == 0.0
    frames = np.arange(len(level))
    ground = frames[(frames < air[0] - 3) | (frames > air[-1] + 3)]
    assert level[ground].min() > 0.1
