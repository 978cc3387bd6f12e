"""Camera rigs: lenses, tracking and cuts between shots of one world."""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.camera import fov_y_deg, project
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
