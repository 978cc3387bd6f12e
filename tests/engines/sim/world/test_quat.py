"""Small rotation helpers of the world builder."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.physics import quat_to_matrix
from reelcast.engines.sim.world.quat import align_z, cross3, eye4, qnorm, rot, rot_x, rot_z, translate


def test_cross3_gives_the_same_bits_as_numpy_cross() -> None:
    rng = np.random.default_rng(3)
    for a, b in rng.normal(size=(200, 2, 3)) * rng.uniform(1e-3, 1e3, size=(200, 1, 1)):
        assert cross3(a, b).tobytes() == np.cross(a, b).tobytes()


def test_align_z_takes_local_z_onto_the_direction() -> None:
    d = np.array([0.3, -2.0, 0.5])
    m = align_z(d)
    np.testing.assert_allclose(m @ np.array([0.0, 0.0, 1.0]), d / np.linalg.norm(d), atol=1e-12)
    np.testing.assert_allclose(m.T @ m, np.eye(3), atol=1e-12)


def _eye_translate(x: float, y: float, z: float) -> np.ndarray:
    m = np.eye(4)
    m[:3, 3] = (x, y, z)
    return m


def test_matrix_builders_give_the_same_bits_as_the_np_eye_forms() -> None:
    rng = np.random.default_rng(5)
    for x, y, z, a in rng.normal(size=(100, 4)) * 3:
        assert translate(x, y, z).tobytes() == _eye_translate(x, y, z).tobytes()
        c, s = np.cos(a), np.sin(a)
        ref = np.eye(4)
        ref[1, 1], ref[1, 2], ref[2, 1], ref[2, 2] = c, -s, s, c
        assert rot_x(float(a)).tobytes() == ref.tobytes()
        ref = np.eye(4)
        ref[:2, :2] = ((c, -s), (s, c))
        assert rot_z(float(a)).tobytes() == ref.tobytes()
    m = eye4()
    m[0, 0] = 5.0  # a fresh, writable copy: the shared identity is untouched
    assert eye4().tobytes() == np.eye(4).tobytes()


def test_qnorm_and_align_z_give_the_same_bits_as_linalg_norm() -> None:
    rng = np.random.default_rng(6)
    for q in rng.normal(size=(200, 4)) * rng.uniform(1e-3, 1e3, size=(200, 1)):
        assert qnorm(q).tobytes() == (q / np.linalg.norm(q)).tobytes()
    for d in rng.normal(size=(200, 3)):
        z = d / np.linalg.norm(d)
        x = cross3(np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 1.0, 0.0]), z)
        x /= np.linalg.norm(x)
        assert align_z(d).tobytes() == np.stack([x, cross3(z, x), z], axis=1).tobytes()


def test_quat_to_matrix_matches_the_rotation_of_the_quaternion() -> None:
    rng = np.random.default_rng(7)
    for q, p in zip(rng.normal(size=(100, 4)), rng.normal(size=(100, 3)), strict=True):
        q = q / np.linalg.norm(q)
        ref = np.eye(4)
        ref[:3, :3] = rot(q)
        ref[:3, 3] = p
        assert quat_to_matrix(tuple(p), tuple(q)).tobytes() == ref.tobytes()
