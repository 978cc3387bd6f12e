"""Camera bases: many poses at once equal one at a time."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.render.camera import camera_bases, camera_basis
from reelcast.engines.sim.scene import CameraPose

POSES = [
    CameraPose(eye=(1.0, 2.0, 3.0), target=(0.5, 0.1, 1.0)),
    CameraPose(eye=(0.0, -5.0, 1.6), target=(0.0, 0.0, 1.0), up=(0.0, 0.0, 1.0)),
    CameraPose(eye=(0.0, 0.0, 10.0), target=(0.0, 0.0, 0.0)),  # straight down along `up`
    CameraPose(eye=(0.0, 3.0, 10.0), target=(0.0, 3.0, 20.0)),  # straight up along `up`
    CameraPose(eye=(2.0, 2.0, 2.0), target=(2.0, 2.0, 2.0)),  # no direction at all
    CameraPose(eye=(0.0, 0.0, 0.0), target=(0.0, 5.0, 0.0), up=(0.0, 1.0, 0.0)),  # along a sideways `up`
]


def test_many_camera_bases_at_once_equal_each_pose_on_its_own() -> None:
    many = camera_bases(POSES)
    for i, pose in enumerate(POSES):
        for got, want in zip((m[i] for m in many), camera_basis(pose), strict=True):
            np.testing.assert_allclose(got, want, atol=1e-12)


def test_no_poses_give_empty_bases() -> None:
    assert all(m.shape == (0, 3) for m in camera_bases([]))
