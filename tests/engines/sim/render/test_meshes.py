"""Mesh building for sim parts."""

from __future__ import annotations

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
    assert geo.part_open.tolist() == [False, True]
    assert geo.closed_index_count(np.array([1, 0])) == len(geo.part_indices[0])
    assert geo.closed_index_count(np.array([1])) == 0
