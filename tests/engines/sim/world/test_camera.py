"""Camera rigs: lenses, tracking and cuts between shots of one world."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.camera import default_camera_for, fov_y_deg, project, shot_cameras
from reelcast.prompt.plan import Camera, Shot

from .plans import basketball_plan, person_plan


def test_focal_length_maps_to_the_expected_vertical_fov() -> None:
    assert math.isclose(fov_y_deg(35.0, 16 / 9), 2 * math.degrees(math.atan(20.25 / 2 / 35.0)), rel_tol=1e-9)
    assert 32.2 < fov_y_deg(35.0, 16 / 9) < 32.3
    assert fov_y_deg(85.0, 16 / 9) < fov_y_deg(24.0, 16 / 9)


def test_shot_camera_uses_the_plans_focal_length() -> None:
    plan = basketball_plan("miss", duration=1.0,
                           shots=[Shot(0, 0.0, 1.0, camera=Camera(focal_length_mm=50.0))])
    cams = simulate(plan, seed=1).timeline.cameras
    assert math.isclose(cams[0].fov_y, fov_y_deg(50.0, 160 / 90), rel_tol=1e-6)


def test_cut_appears_at_the_shot_boundary_and_the_ball_moves_continuously() -> None:
    shots = [Shot(0, 0.0, 1.5, camera=Camera(focal_length_mm=35)),
             Shot(1, 1.5, 3.0, camera=Camera(focal_length_mm=50, move="pan"))]
    res = simulate(basketball_plan("miss", shots=shots), seed=7)
    tl = res.timeline
    assert tl.cuts == [36]
    assert tl.cameras[35].eye != tl.cameras[36].eye
    ball = res.focus["ball"]
    steps = np.linalg.norm(np.diff(ball, axis=0), axis=1)
    assert steps[35] < 0.6 and steps[35] < 3 * max(steps[34], steps[36]) + 0.05


def test_tracking_camera_keeps_a_runner_near_the_image_centre() -> None:
    plan = person_plan("run", duration=2.0)
    plan.shots = [Shot(0, 0.0, 2.0, camera=Camera(focal_length_mm=50, framing="medium", move="track"))]
    res = simulate(plan, seed=0)
    path = res.focus["p"]
    assert path[-1, 0] - path[0, 0] > 3.0  # the runner covers ground
    aspect = 160 / 90
    for i in range(0, len(path), 6):
        x, y, z = project(res.timeline.cameras[i], path[i], aspect)
        assert z > 0 and abs(x) < 0.25 and abs(y) < 0.35


def _path(speed: float, n: int = 48, fps: int = 24, z: float = 1.0, fall_at: int | None = None) -> np.ndarray:
    t = np.arange(n) / fps
    x = speed * t
    if fall_at is not None:  # standing still, then thrown 3 m in the last frames
        x = np.where(np.arange(n) < fall_at, 0.0, 3.0 * (np.arange(n) - fall_at) / max(1, n - fall_at))
    return np.column_stack([x, np.zeros(n), np.full(n, z)])


@pytest.mark.parametrize(("camera", "path", "follows"), [
    (Camera(), _path(4.0), True),  # a skater gliding across the rink: followed in a full shot
    (Camera(), _path(0.0), False),  # standing still: the wide shot stays
    (Camera(), _path(0.0, fall_at=40), False),  # stays put, falls at the end: the wide shot shows it
    (Camera(), _path(4.0, z=20.0), False),  # flying: the aerial pacing handles it
    (Camera(framing="wide", move="static", focal_length_mm=50.0), _path(4.0), False),  # the prompt chose a camera
])
def test_default_camera_follows_a_travelling_subject(camera: Camera, path: np.ndarray, follows: bool) -> None:
    got = default_camera_for(camera, path, 1.7, 24)
    assert ((got.framing, got.move) == ("full", "track")) is follows
    if not follows:
        assert got == camera


def test_full_shot_keeps_a_raised_subject_and_the_ground_in_frame() -> None:
    """A person standing on horses (feet 1.6 m up): the full shot holds head to ground."""
    sub = _path(2.0, z=2.5)
    poses = shot_cameras(Camera(framing="full", move="track"), len(sub), sub, 1.8, np.zeros((0, 3)), 16 / 9, 24, 1,
                         0, np.array([1.0, 0.0, 0.0]))
    for pose, p in zip(poses, sub, strict=True):
        for z in (0.0, p[2] + 0.9):  # the ground under the subject and the top of its head
            _, y, depth = project(pose, np.array([p[0], p[1], z]), 16 / 9)
            assert depth > 0 and -1.0 <= y <= 1.0
