"""The dog skin cut at hand-placed joints (dogskin.skin_pieces) and the paddling, wagging dog it animates."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.dogskin import LEVELS, dog_mesh, piece_matrices, piece_matrix, skin_pieces
from reelcast.engines.sim.world.space import PADDLE_HZ, WAG_HZ, FlyingDogActor


def _dog() -> FlyingDogActor:
    return FlyingDogActor("dog", (0.85, 0.62, 0.3), 7, t_in=4.4, duration=8.0)


def _piece(region: str, level1: int, level2: int) -> int:
    return next(i for i, p in enumerate(skin_pieces())
                if (p.region, p.level1, p.level2) == (region, level1, level2))


def test_bands_cover_every_triangle_of_the_skin() -> None:
    v, f = dog_mesh()
    tris = {tuple(sorted(map(tuple, np.round(v[t], 5)))) for t in f}
    covered = {tuple(sorted(map(tuple, np.round(p.vertices[t], 5)))) for p in skin_pieces() for t in p.faces}
    assert tris <= covered


def test_unturned_joints_give_the_bind_pose() -> None:
    still = {r: (0.0,) * 6 for r in ("head", "fore_l", "fore_r", "hind_l", "hind_r", "tail")}
    assert all(np.allclose(piece_matrix(p, still), np.eye(4)) for p in skin_pieces())


def _local_paw(dog: FlyingDogActor, t: float, region: str) -> np.ndarray:
    """A paw's centre in the dog's body frame at time t (the legs' motion, not his flight)."""
    k = _piece(region, LEVELS, LEVELS)
    poses = dog.sample(None, t)  # type: ignore[arg-type]  # the dog is kinematic: no physics world needed
    paw = dog.pieces[k].vertices.astype(np.float64)
    paw = paw[paw[:, 2] < 0.05].mean(0)
    return (np.linalg.inv(dog.frame(t)) @ poses[k] @ np.append(paw, 1.0))[:3]


def test_forelegs_paddle_alternately_inside_the_station() -> None:
    dog = _dog()
    ts = 6.0 + np.arange(24) / 24 / PADDLE_HZ  # one paddle cycle once the jet pack idles
    left = np.array([_local_paw(dog, t, "fore_l") for t in ts])
    right = np.array([_local_paw(dog, t, "fore_r") for t in ts])
    assert np.ptp(left[:, 0]) > 0.12  # the paw sweeps over 12 cm fore and aft
    assert np.corrcoef(left[:, 0], right[:, 0])[0, 1] < -0.8  # the other paw strokes in opposition


def test_forepaws_swing_out_sideways_so_the_stroke_shows_from_the_front() -> None:
    dog = _dog()
    ts = 6.0 + np.arange(24) / 24 / PADDLE_HZ
    left = np.array([_local_paw(dog, t, "fore_l") for t in ts])
    right = np.array([_local_paw(dog, t, "fore_r") for t in ts])
    assert np.ptp(left[:, 1]) > 0.04 and np.ptp(right[:, 1]) > 0.04  # 4 cm or more out and back in
    assert left[:, 1].max() > 0.1 and right[:, 1].min() < -0.1  # outwards: the left paw to +y, the right to −y


def test_tail_wags_side_to_side() -> None:
    dog = _dog()
    k = _piece("tail", LEVELS, LEVELS)
    tip = dog.pieces[k].vertices[np.argmin(dog.pieces[k].vertices[:, 0])].astype(np.float64)
    ys = [(np.linalg.inv(dog.frame(t)) @ dog.sample(None, t)[k] @ np.append(tip, 1.0))[1]  # type: ignore[arg-type]
          for t in 1.0 + np.arange(12) / 12 / WAG_HZ]
    assert max(ys) > 0.05 and min(ys) < -0.05


def test_eyes_and_nose_turn_with_the_head() -> None:
    dog = _dog()
    n = len(dog.pieces)
    head = _piece("head", LEVELS, 0)
    for t in (0.5, 2.0, 3.1, 6.7):
        poses = dog.sample(None, t)  # type: ignore[arg-type]
        # the nose rides on the head band: their relative placement never changes
        rel = np.linalg.inv(poses[head]) @ poses[n]
        ref = np.linalg.inv(dog.sample(None, 0.0)[head]) @ dog.sample(None, 0.0)[n]  # type: ignore[arg-type]
        assert np.allclose(rel, ref, atol=1e-9)


def test_batch_band_transforms_match_one_by_one() -> None:
    angles = {"head": (0.1, -0.05, 0.02, 0.0, 0.0, 0.0), "fore_l": (0.0, -0.4, 0.2, 0.0, 0.7, 0.0),
              "hind_r": (0.05, 0.3, -0.1, 0.0, -0.5, 0.1), "tail": (0.35, 0.3, 0.0, -0.4, 0.1, 0.0)}
    batch = piece_matrices(skin_pieces(), angles)
    assert np.allclose(batch, [piece_matrix(p, angles) for p in skin_pieces()])
