"""The dragon prompt's second read: after pacing the dragon through the ice spires, the camera climbs as it banks
towards the fjord, so the cobalt water below the glacier's cliff is in frame (asserted on camera/scene data)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.camera import project
from reelcast.engines.sim.world.places import place_spec
from reelcast.prompt.compiler import compile_prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "prompt"))
import seed_prompts as seeds  # noqa: E402

ASPECT = 16 / 9
CLIFF_Y = 35.0  # the glacier's ice cliff runs at y ≈ 37-42 over the corridor; nearer than this is open water


@pytest.fixture(scope="module")
def dragon():
    """The advanced dragon prompt simulated at 160x90 (5 s)."""
    plan = compile_prompt(seeds.DRAGON, 5.0, 160, 90)
    return plan, simulate(plan, 7)


def _water_share(cam, rows: int = 18, cols: int = 32) -> float:
    """Share of the frame whose view ray meets the sea (z = 0) short of the glacier's cliff (spires ignored)."""
    eye, tgt = np.array(cam.eye), np.array(cam.target)
    f = (tgt - eye) / np.linalg.norm(tgt - eye)
    r = np.cross(f, [0.0, 0.0, 1.0])
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    ty = math.tan(math.radians(cam.fov_y) / 2)
    hits = 0
    for y in np.linspace(-0.95, 0.95, rows):
        for x in np.linspace(-0.95, 0.95, cols):
            d = f + x * ty * ASPECT * r + y * ty * u
            if d[2] >= 0:
                continue
            p = eye + d * (-eye[2] / d[2])
            hits += p[1] < CLIFF_Y and np.linalg.norm(p - eye) < 400
    return hits / (rows * cols)


def test_fjord_water_is_cobalt(dragon) -> None:
    r, g, b = place_spec("fjord").ground.color
    assert b > 2 * g > 2 * r  # a deep blue, not teal


def test_the_fjord_comes_into_frame_as_the_dragon_banks(dragon) -> None:
    plan, res = dragon
    cams = res.timeline.cameras
    n = len(cams)
    early = [_water_share(c) for c in cams[: n // 2]]
    late = [_water_share(c) for c in cams[-int(0.6 * plan.fps):]]
    assert max(early) < 0.1  # pacing level with the dragon: the corridor, not the water
    assert min(late) > 0.25  # the closing frames look down past the dragon onto the fjord


def test_the_spire_corridor_stays_in_the_pacing_part(dragon) -> None:
    _, res = dragon
    tl = res.timeline
    spires = [i for i, p in enumerate(tl.parts) if p.name.startswith("spire_") and p.name.endswith("/main")]
    for f in range(0, tl.n_frames // 2, 6):
        seen = sum(1 for i in spires
                   if all(abs(c) < 1 for c in project(tl.cameras[f], tl.poses[f, i, :3, 3], ASPECT)[:2]))
        assert seen >= 3


def test_dragon_banks_towards_the_fjord_and_stays_in_frame(dragon) -> None:
    _, res = dragon
    path = res.focus["dragon"]
    n = len(path)
    k = int(0.6 * n)
    assert path[-1, 1] < path[k, 1] - 2.0  # turns right, away from the glacier (+y) towards the open fjord
    assert path[-1, 2] < path[k, 2] - 1.0  # and drops towards the water
    for cam, p in zip(res.timeline.cameras, path, strict=True):
        x, y, z = project(cam, p, ASPECT)
        assert z > 0 and abs(x) < 0.8 and abs(y) < 0.8


def test_the_closing_frames_are_clear_of_spires(dragon) -> None:
    """Over the fjord the corridor is behind: in the last half second no ice spire or fin stands in the middle
    three quarters of the frame (the last spire's shards may still show at its left edge)."""
    plan, res = dragon
    tl = res.timeline
    spires = [i for i, p in enumerate(tl.parts) if p.name.startswith("spire_")]
    for f in range(tl.n_frames - plan.fps // 2, tl.n_frames):
        for i in spires:
            x, y, z = project(tl.cameras[f], tl.poses[f, i, :3, 3], ASPECT)
            assert not (abs(x) < 0.75 and abs(y) < 0.75 and z > 0), tl.parts[i].name


def test_far_ridges_are_blue_grey_under_the_low_sun(dragon) -> None:
    """The ridges' rock, lit by the amber golden-hour sun, keeps most of its blue (grey, not brown), and snow
    covers more than half of each ridge's height."""
    _, res = dragon
    sun = np.array(res.timeline.env.sun_color)
    ridges = {p.name: p for p in res.timeline.parts if p.name.startswith("fjord/ridge")}
    for name, p in ridges.items():
        if "snow" in name:
            continue
        r, _, b = np.array(p.color) * sun
        assert b > 0.7 * r
        cap = ridges[name.replace("ridge", "ridge_snow")]
        assert cap.size[1] > 0.5 * p.size[1]  # half-heights of the cones
