"""Mesh building for sim parts."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from reelcast.engines.sim.render import meshes


def test_box_has_the_half_extents_and_axis_normals() -> None:
    pos, nrm, faces = meshes.box(0.5, 2.0, 3.0)
    assert pos.shape == (24, 3) and faces.shape == (12, 3)
    assert np.array_equal(np.abs(pos).max(axis=0), [0.5, 2.0, 3.0])
    assert np.array_equal(np.abs(nrm).sum(axis=1), np.ones(24))
    # every face's normal points away from the centre
    assert np.all((pos * nrm).sum(axis=1) > 0)


def test_box_results_are_independent_copies() -> None:
    a = meshes.box(1.0, 1.0, 1.0)
    a[1][:] = 0.0
    a[2][:] = 0
    b = meshes.box(1.0, 1.0, 1.0)
    assert np.abs(b[1]).sum() == 24 and b[2].max() == 23


def test_a_primitive_mesh_is_built_once_and_shared_read_only() -> None:
    ball = meshes.Part("ball", "ball", "sphere", (0.25,), (1.0, 0.0, 0.0))
    a, b = meshes.part_mesh(ball, 10), meshes.part_mesh(ball, 10)
    assert a[0] is b[0]
    with pytest.raises(ValueError):
        a[0][0, 0] = 1.0
    assert len(meshes.part_mesh(ball, 20)[2]) > len(a[2])


def test_the_same_user_mesh_is_processed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float64) + 0.123  # unique to this test
    f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.int64)
    calls = []
    process = meshes._process_user_mesh

    def counting(vertices: np.ndarray, faces: np.ndarray) -> tuple[meshes.Mesh, bool]:
        calls.append(1)
        return process(vertices, faces)

    monkeypatch.setattr(meshes, "_process_user_mesh", counting)
    first = meshes.user_mesh_closed(v, f)
    second = meshes.user_mesh_closed(v.copy(), f.astype(np.int32))
    other = meshes.user_mesh_closed(v * 2.0, f)
    assert len(calls) == 2
    assert second is first and other is not first
    assert first[1] is True  # a tetrahedron is watertight


def test_closed_index_count_counts_the_closed_parts_of_an_order() -> None:
    from reelcast.engines.sim.scene import Part

    cube = Part("cube", "a", "box", (0.5, 0.5, 0.5), (1.0, 0.0, 0.0))
    sheet = Part("sheet", "b", "mesh", (1.0,), (0.0, 1.0, 0.0), mesh_vertices=np.array(
        [[0, 0, 0], [1, 0, 0], [0, 1, 0]], np.float32), mesh_faces=np.array([[0, 1, 2]], np.int32))
    geo = meshes.merge_parts([cube, sheet])
    assert geo.part_culled.tolist() == [len(geo.part_indices[0]), 0]  # the cube all culled, the open sheet none
    assert geo.closed_index_count(np.array([1, 0])) == len(geo.part_indices[0])
    assert geo.closed_index_count(np.array([1])) == 0


def _tetrahedron(offset: float) -> tuple[np.ndarray, np.ndarray]:
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float64) + offset
    return v, np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.int64)


def _fresh_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meshes, "_USER_MESHES", type(meshes._USER_MESHES)())
    monkeypatch.setattr(meshes, "_DECIMATED", type(meshes._DECIMATED)())


def test_a_processed_mesh_is_read_back_from_disk_byte_for_byte(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REELCAST_CACHE_DIR", str(tmp_path))
    _fresh_memory(monkeypatch)
    v, f = _tetrahedron(0.377)
    (pos, nrm, tri), closed = meshes.user_mesh_closed(v, f)
    assert len(list((tmp_path / "meshes").glob("*.npz"))) == 1
    _fresh_memory(monkeypatch)

    def fail(*_: np.ndarray) -> tuple[meshes.Mesh, bool]:
        raise AssertionError("processed again instead of read from disk")

    monkeypatch.setattr(meshes, "_process_user_mesh", fail)
    (pos2, nrm2, tri2), closed2 = meshes.user_mesh_closed(v, f)
    assert closed2 is closed is True
    for a, b in ((pos, pos2), (nrm, nrm2), (tri, tri2)):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def test_an_unreadable_stored_mesh_is_made_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REELCAST_CACHE_DIR", str(tmp_path))
    _fresh_memory(monkeypatch)
    v, f = _tetrahedron(0.591)
    first = meshes.user_mesh_closed(v, f)
    (stored,) = (tmp_path / "meshes").glob("*.npz")
    stored.write_bytes(b"not an npz")
    _fresh_memory(monkeypatch)
    again = meshes.user_mesh_closed(v, f)
    assert again[0][0].tobytes() == first[0][0].tobytes() and again[1] == first[1]
    with np.load(stored) as z:  # written anew, whole
        assert z["a0"].tobytes() == first[0][0].tobytes()
    assert not list((tmp_path / "meshes").glob("*.tmp"))


def test_an_empty_cache_setting_keeps_nothing_on_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REELCAST_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert meshes.mesh_cache_dir() is None
    _fresh_memory(monkeypatch)
    meshes.user_mesh_closed(*_tetrahedron(0.733))
    assert not list(tmp_path.rglob("*"))


def test_the_disk_cache_defaults_to_the_user_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("REELCAST_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert meshes.mesh_cache_dir() == tmp_path / "reelcast" / "meshes"


def test_the_disk_cache_keeps_the_most_recently_used_entries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REELCAST_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(meshes, "MESH_DISK_ENTRIES", 4)
    _fresh_memory(monkeypatch)
    folder = tmp_path / "meshes"
    paths = []
    for i, off in enumerate((0.11, 0.22, 0.33, 0.44)):
        before = set(folder.glob("*.npz"))
        meshes.user_mesh_closed(*_tetrahedron(off))
        (new,) = set(folder.glob("*.npz")) - before
        os.utime(new, (1000.0 + i, 1000.0 + i))  # written one after another: the first is the oldest
        paths.append(new)
    _fresh_memory(monkeypatch)
    meshes.user_mesh_closed(*_tetrahedron(0.11))  # read back from disk: now the most recently used
    meshes.user_mesh_closed(*_tetrahedron(0.55))  # a fifth entry: over the limit, pruned to 90 % of 4 = 3
    kept = set(folder.glob("*.npz"))
    assert len(kept) == 3
    assert paths[0] in kept and paths[3] in kept and paths[1] not in kept and paths[2] not in kept
