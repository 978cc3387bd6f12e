"""How the astronaut-dog prompt is staged for the camera: a large dog outside who reaches doors that slide open in
view, a camera that never enters the hull, and tennis balls that read as tennis balls inside (camera/scene data)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.camera import project
from reelcast.engines.sim.world.space_shots import DOOR_X, EXTERIOR_MAX_X
from reelcast.prompt.compiler import compile_prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "prompt"))
import seed_prompts as seeds  # noqa: E402

ASPECT = 16 / 9


@pytest.fixture(scope="module")
def space():
    """The astronaut-dog seed prompt simulated at 160x90 for 8 s."""
    plan = compile_prompt(seeds.ASTRONAUT_DOG, 8.0, 160, 90)
    return plan, simulate(plan, 7)


def _index(res, name: str) -> int:
    return next(i for i, p in enumerate(res.timeline.parts) if p.name == name)


def _cut(plan) -> int:
    return int(round(plan.shots[1].start * plan.fps))


def _dog_extent(res, f: int) -> tuple[float, float, float]:
    """(width fraction of the frame, centre x, centre y) of the dog's skin (all its bands) as projected on frame f."""
    tl = res.timeline
    pts = []
    for k, part in enumerate(tl.parts):
        if part.name == "dog/body" or part.name.startswith("dog/body/"):
            v = np.asarray(part.mesh_vertices)[::10]
            m = tl.poses[f, k]
            pts.append(v @ m[:3, :3].T + m[:3, 3])
    xy = np.array([project(tl.cameras[f], p, ASPECT)[:2] for p in np.concatenate(pts)])
    return float(np.ptp(xy[:, 0]) / 2), float(xy[:, 0].mean()), float(xy[:, 1].mean())


def test_dog_is_a_large_subject_of_the_outside_shot(space) -> None:
    plan, res = space
    ext = [_dog_extent(res, f) for f in range(_cut(plan))]
    widths = [w for w, _, _ in ext]
    assert np.median(widths) > 0.2  # a fifth of the frame wide or more, not a speck
    assert max(widths[: len(widths) // 2]) > 0.35  # and big while the camera is on his face
    assert all(abs(x) < 0.8 and abs(y) < 0.8 for _, x, y in ext)  # always in frame


def test_dog_reaches_the_doors_which_slide_open_in_view(space) -> None:
    plan, res = space
    tl = res.timeline
    a = _cut(plan)
    dog = res.focus["dog"]
    assert abs(dog[a - 1, 0] - DOOR_X) < 1.2 and abs(dog[a - 1, 1]) < 0.5  # in the doorway as the shot ends
    leaf = tl.poses[:, _index(res, "station/door_l"), :3, 3]
    assert abs(leaf[0, 1]) < 0.6  # closed when the shot starts
    crossing = int(np.argmax(dog[:, 0] >= DOOR_X))
    assert 0 < crossing < a and abs(leaf[crossing, 1]) > 1.4  # open by the time he passes
    moving = [f for f in range(a) if 0.6 < abs(leaf[f, 1]) < 1.4]
    assert moving, "the leaves slide during the outside shot"
    seen = [f for f in moving if all(abs(c) < 1 for c in project(tl.cameras[f], leaf[f], ASPECT)[:2])]
    assert len(seen) >= len(moving) // 2  # and the camera sees them sliding


def test_outside_camera_never_enters_the_station(space) -> None:
    plan, res = space
    eyes = np.array([c.eye for c in res.timeline.cameras[: _cut(plan)]])
    assert eyes[:, 0].max() <= EXTERIOR_MAX_X < DOOR_X - 0.25  # the hull's end wall is at DOOR_X ± 0.25


def test_tennis_balls_read_as_tennis_balls_inside(space) -> None:
    plan, res = space
    tl = res.timeline
    balls = [i for i, p in enumerate(tl.parts) if p.name.startswith("tennis_ball") and "/" not in p.name]
    r, g, b = tl.parts[balls[0]].color
    assert g >= r > 2 * b  # yellow-green felt
    counts, radii = [], []
    for f in range(_cut(plan), tl.n_frames):
        cam = tl.cameras[f]
        half_h = np.tan(np.radians(cam.fov_y) / 2)
        seen = []
        for i in balls:
            x, y, z = project(cam, tl.poses[f, i, :3, 3], ASPECT)
            if z > 0.2 and abs(x) < 1 and abs(y) < 1:
                seen.append(tl.parts[i].size[0] / z / half_h)  # radius as a fraction of the half frame height
        counts.append(len(seen))
        radii += seen
    assert np.median(counts) >= 5  # many balls in frame through the inside shot
    assert np.median(radii) > 0.06  # each about 6 % of the frame height across or more, not a speck


def test_comets_fly_through_the_outside_shot(space) -> None:
    plan, res = space
    tl = res.timeline
    heads = [i for i, p in enumerate(tl.parts) if p.name.startswith("comet") and p.name.endswith("/head")]
    a = _cut(plan)

    def in_frame(f: int, i: int) -> bool:
        x, y, z = project(tl.cameras[f], tl.poses[f, i, :3, 3], ASPECT)
        return z > 0 and abs(x) < 1 and abs(y) < 1

    frames = [f for f in range(a) if any(in_frame(f, i) for i in heads)]
    assert len(frames) > a // 4  # a comet streaks across the sky behind the dog for a good part of the shot
