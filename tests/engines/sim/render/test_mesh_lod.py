"""Level of detail for big user meshes: quadric decimation picked from the size on screen and in the shadow map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reelcast.engines.sim.render import meshes
from reelcast.engines.sim.render.demo import pose
from reelcast.engines.sim.render.lod import choose_mesh_divisors, divisor_for, max_pixels_per_unit
from reelcast.engines.sim.scene import CameraPose, Environment, Part, SimTimeline

CAM = CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0))


def _blob(subdivisions: int = 4, radius: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A bumpy closed sphere (5120 triangles at 4 subdivisions): curvature everywhere, so decimation costs error."""
    import trimesh

    s = trimesh.creation.icosphere(subdivisions=subdivisions, radius=radius)
    v = np.asarray(s.vertices, np.float64)
    v = v * (1.0 + 0.08 * np.sin(7.0 * v[:, :1]) * np.cos(5.0 * v[:, 1:2]))
    return v, np.asarray(s.faces, np.int64)


def _sheet(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """An open, gently curved n x n grid (2·n² triangles) with a border, like one band of the dog's skin."""
    x, y = np.meshgrid(np.linspace(-0.5, 0.5, n + 1), np.linspace(-0.5, 0.5, n + 1), indexing="ij")
    v = np.stack([x, y, 0.2 * np.sin(3.0 * x) * np.cos(2.0 * y)], axis=-1).reshape(-1, 3)
    a = (np.arange(n)[:, None] * (n + 1) + np.arange(n)[None, :]).ravel()
    f = np.concatenate([np.stack([a, a + n + 1, a + 1], 1), np.stack([a + 1, a + n + 1, a + n + 2], 1)])
    return v, f.astype(np.int64)


def _mesh_part(name: str, mesh: tuple[np.ndarray, np.ndarray], casts: bool = True) -> Part:
    return Part(name, name, "mesh", (1.0,), (0.6, 0.5, 0.4), "fur", mesh[0], mesh[1], casts_shadow=casts)


def _timeline(parts: list[Part], at: list[tuple[float, float, float]], n_frames: int = 2) -> SimTimeline:
    poses = np.repeat(np.stack([pose(*p) for p in at])[None], n_frames, axis=0).astype(np.float32)
    return SimTimeline(fps=24, n_frames=n_frames, parts=parts, poses=poses, cameras=[CAM] * n_frames, env=Environment())


def _border_vertices(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Positions of the vertices on an open mesh's border (edges used by one triangle)."""
    e = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    u, c = np.unique(e, axis=0, return_counts=True)
    return v[np.unique(u[c == 1])]


def test_decimation_is_deterministic_and_fewer_triangles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELCAST_CACHE_DIR", "")  # decimated afresh each time, not read back from disk
    v, f = _blob()
    first = meshes._simplified(v, f, 8)
    meshes._DECIMATED.clear()  # a fresh decimation, not the cached arrays
    again = meshes._simplified(v.copy(), f.copy(), 8)
    assert again is not first
    for a, b in zip(first[:2], again[:2], strict=True):
        assert a.tobytes() == b.tobytes()
    assert first[2] == again[2] > 0.0
    (pos, nrm, tri), closed = meshes.decimated_mesh_closed(v, f, 8)
    meshes._DECIMATED.clear()
    (pos2, nrm2, tri2), _ = meshes.decimated_mesh_closed(v, f, 8)
    assert pos.tobytes() == pos2.tobytes() and nrm.tobytes() == nrm2.tobytes() and tri.tobytes() == tri2.tobytes()
    assert len(tri) <= len(f) // 8 + 8 and closed  # the closed blob stays closed (back faces still culled)
    assert np.allclose(np.linalg.norm(nrm, axis=1), 1.0, atol=1e-5)


def test_decimation_is_cached_by_input_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    v, f = _blob(radius=0.4321)  # unique to this test
    calls = []
    original = meshes._surface_distance

    def counting(*a: np.ndarray) -> float:
        calls.append(1)
        return original(*a)

    monkeypatch.setattr(meshes, "_surface_distance", counting)
    meshes.decimation_error(v, f, 4)
    meshes.decimation_error(v.copy(), f.astype(np.int32), 4)
    assert len(calls) == 2  # one decimation, measured both ways, once
    meshes.decimation_error(v, f, 8)
    assert len(calls) == 4


def test_error_grows_with_the_divisor_and_small_meshes_stay_whole() -> None:
    v, f = _blob()
    errs = [meshes.decimation_error(v, f, d) for d in meshes.MESH_DIVISORS]
    assert errs[0] == 0.0 and 0.0 < errs[1] < errs[-1]
    small_v, small_f = _blob(subdivisions=2)  # 320 triangles: under MIN_DECIMATE_FACES
    assert len(small_f) < meshes.MIN_DECIMATE_FACES
    assert meshes.decimation_error(small_v, small_f, 32) == 0.0
    full = meshes.user_mesh_closed(small_v, small_f)
    assert meshes.decimated_mesh_closed(small_v, small_f, 32) is full


def test_decimation_keeps_an_open_border_exactly() -> None:
    """Bands of one mesh (the dog's skin) meet at their borders: a decimated band keeps every border vertex."""
    v, f = _sheet()
    (pos, _, tri), closed = meshes.decimated_mesh_closed(v, f, 8)
    assert not closed and len(tri) < len(f) // 4
    border = _border_vertices(v, f)
    kept = {tuple(p) for p in pos.tolist()}
    assert all(tuple(p) in kept for p in border.tolist())


def test_dog_bands_keep_their_borders() -> None:
    import trimesh

    from reelcast.engines.sim.world.dogskin import skin_pieces

    for piece in skin_pieces():
        if len(piece.faces) < meshes.MIN_DECIMATE_FACES:
            continue
        merged = trimesh.Trimesh(piece.vertices, piece.faces, process=True)
        border = _border_vertices(np.asarray(merged.vertices), np.asarray(merged.faces))
        (pos, _, _), _ = meshes.decimated_mesh_closed(piece.vertices, piece.faces, 32)
        kept = {tuple(p) for p in pos.tolist()}
        assert all(tuple(p) in kept for p in border.tolist()), piece.region


def test_divisor_follows_the_size_in_pixels() -> None:
    part = _mesh_part("blob", _blob())
    picks = [divisor_for(part, px) for px in (0.0, 10.0, 100.0, 1000.0, 1e5, float("inf"))]
    assert picks[0] == meshes.MESH_DIVISORS[-1]  # never seen
    assert picks == sorted(picks, reverse=True)
    assert picks[-1] == picks[-2] == 1 and picks[1] > 1
    for px, d in zip((10.0, 100.0, 1000.0), picks[1:4], strict=True):
        assert meshes.decimation_error(part.mesh_vertices, part.mesh_faces, d) * px <= 0.5


def test_far_mesh_is_decimated_near_one_keeps_full_detail() -> None:
    blob = _blob()
    parts = [_mesh_part("far", blob), _mesh_part("near", blob), _mesh_part("small", _blob(2))]
    tl = _timeline(parts, [(0.0, 60.0, 1.0), (0.0, -3.2, 1.0), (0.0, 60.0, 1.0)])
    px = max_pixels_per_unit(tl, 320, 180, np.array([True, True, False]))
    assert 0.0 < px[0] < px[1] and px[2] == 0.0
    main, shadow = choose_mesh_divisors(tl, 320, 180, None)
    assert main[0] > 1 and main[1] == 1 and main[2] == 1
    assert np.array_equal(shadow, main)
    again = choose_mesh_divisors(tl, 320, 180, None)
    assert np.array_equal(again[0], main) and np.array_equal(again[1], shadow)


def test_shadow_detail_follows_the_shadow_texels() -> None:
    blob = _blob()
    tl = _timeline([_mesh_part("near", blob), _mesh_part("glow", blob, casts=False)], [(0, 0, 1), (0, 0, 1)])
    main, coarse = choose_mesh_divisors(tl, 320, 180, 0.1)  # 10 cm texels
    assert main[0] == 1 and coarse[0] > 1 and coarse[1] == main[1] == 1
    _, fine = choose_mesh_divisors(tl, 320, 180, 1e-5)
    assert fine[0] == 1
    close = _timeline([_mesh_part("close", blob)], [(0, -3.2, 1)])  # big in the picture: its shadow's edge too
    assert choose_mesh_divisors(close, 320, 180, 0.1)[1][0] == 1
    geo = meshes.merge_parts(tl.parts, None, main, coarse)
    full = meshes.merge_parts(tl.parts)
    assert np.array_equal(geo.vertices[geo.indices], full.vertices[full.indices])  # the picture: same triangles
    assert len(geo.shadow_indices) < len(full.shadow_indices) // 2
    assert set(geo.vertices[geo.shadow_indices, 6].astype(int).tolist()) == {0}
    assert not set(geo.shadow_indices.tolist()) & set(geo.indices.tolist())  # its own, coarser vertices
    assert np.allclose(geo.radii, full.radii)


def test_a_decimation_is_read_back_from_disk_byte_for_byte(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REELCAST_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(meshes, "_DECIMATED", type(meshes._DECIMATED)())
    v, f = _blob(radius=0.8765)
    made = meshes._simplified(v, f, 4)
    (pos, nrm, tri), closed = meshes.decimated_mesh_closed(v, f, 4)
    monkeypatch.setattr(meshes, "_DECIMATED", type(meshes._DECIMATED)())

    def fail(*_: np.ndarray) -> float:
        raise AssertionError("measured again instead of read from disk")

    monkeypatch.setattr(meshes, "_surface_distance", fail)
    read = meshes._simplified(v, f, 4)
    assert read[0].tobytes() == made[0].tobytes() and read[1].tobytes() == made[1].tobytes()
    assert read[2] == made[2] and isinstance(read[2], float)
    (pos2, nrm2, tri2), closed2 = meshes.decimated_mesh_closed(v, f, 4)
    assert (pos2.tobytes(), nrm2.tobytes(), tri2.tobytes(), closed2) == (pos.tobytes(), nrm.tobytes(), tri.tobytes(),
                                                                          closed)
