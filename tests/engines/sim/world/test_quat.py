"""Small rotation helpers of the world builder."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.quat import align_z, cross3


def test_cross3_gives_the_same_bits_as_numpy_cross() -> None:
    rng = np.random.default_rng(3)
    for a, b in rng.normal(size=(200, 2, 3)) * rng.uniform(1e-3, 1e3, size=(200, 1, 1)):
        assert cross3(a, b).tobytes() == np.cross(a, b).tobytes()


def test_align_z_takes_local_z_onto_the_direction() -> None:
    d = np.array([0.3, -2.0, 0.5])
    m = align_z(d)
    np.testing.assert_allclose(m @ np.array([0.0, 0.0, 1.0]), d / np.linalg.norm(d), atol=1e-12)
    np.testing.assert_allclose(m.T @ m, np.eye(3), atol=1e-12)
