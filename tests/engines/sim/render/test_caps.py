"""Caps that close open meshes where they join the next one (the dog's skin bands)."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.render import caps, meshes
from reelcast.engines.sim.scene import Part

SEGMENTS = 12


def tube(z0: float, z1: float, radius: float = 0.1, rings: int = 4, inward: bool = False) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """An open tube along z (no ends), wound outwards (or inwards), with radial normals."""
    a = np.linspace(0.0, 2 * np.pi, SEGMENTS, endpoint=False)
    zs = np.linspace(z0, z1, rings)
    pos = np.array([[radius * np.cos(t), radius * np.sin(t), z] for z in zs for t in a])
    nrm = np.array([[np.cos(t), np.sin(t), 0.0] for _ in zs for t in a])
    faces = []
    for r in range(rings - 1):
        for k in range(SEGMENTS):
            i, j = r * SEGMENTS + k, r * SEGMENTS + (k + 1) % SEGMENTS
            faces += [[i, j, j + SEGMENTS], [i, j + SEGMENTS, i + SEGMENTS]]
    f = np.array(faces, np.int64)
    return pos, nrm, (f[:, ::-1] if inward else f)


def edge_uses(pos: np.ndarray, faces: np.ndarray) -> dict[tuple[int, int], int]:
    """How often each directed edge between points (rounded positions) is run."""
    _, point = np.unique(np.round(pos, 6), axis=0, return_inverse=True)
    pf = point.reshape(-1)[faces]
    uses: dict[tuple[int, int], int] = {}
    for a, b in np.concatenate([pf[:, [0, 1]], pf[:, [1, 2]], pf[:, [2, 0]]]).tolist():
        uses[(a, b)] = uses.get((a, b), 0) + 1
    return uses


def test_a_capped_tube_is_closed_and_wound_outwards() -> None:
    pos, nrm, faces = tube(0.0, 1.0)
    out = caps.capped(pos, nrm, faces)
    assert out is not None
    (out_pos, _, out_faces), culled = out
    uses = edge_uses(out_pos, out_faces)
    assert all(uses.get((b, a)) == 1 for (a, b) in uses)  # every edge run once each way: closed, consistent
    v0, v1, v2 = (out_pos[out_faces[:, k]] for k in range(3))
    assert float(np.einsum("ij,ij->", v0, np.cross(v1, v2))) > 0.0
    assert culled == len(out_faces)


def test_capping_keeps_the_original_vertices_and_triangles() -> None:
    pos, nrm, faces = tube(0.0, 1.0)
    out = caps.capped(pos, nrm, faces)
    assert out is not None
    (out_pos, out_nrm, out_faces), _ = out
    assert np.array_equal(out_pos[: len(pos)], pos) and np.array_equal(out_nrm[: len(nrm)], nrm)
    assert np.array_equal(out_faces[: len(faces)], faces)
    assert len(out_faces) == len(faces) + 2 * SEGMENTS  # a fan of one triangle per border edge at each end


def test_a_cap_rim_shades_as_the_skin_it_closes() -> None:
    pos, nrm, faces = tube(0.0, 1.0)
    out = caps.capped(pos, nrm, faces)
    assert out is not None
    rim = out[0][0][len(pos):]
    rim_nrm = out[0][1][len(pos):]
    on_skin = np.linalg.norm(rim[:, :2], axis=1) > 0.05  # (the two centres are on the axis)
    assert np.allclose(rim_nrm[on_skin][:, 2], 0.0) and np.allclose(np.linalg.norm(rim_nrm[on_skin], axis=1), 1.0)
    assert np.allclose(np.abs(rim_nrm[~on_skin][:, 2]), 1.0)  # a centre faces along the axis


def test_a_tube_wound_inwards_is_not_capped() -> None:
    pos, nrm, faces = tube(0.0, 1.0, inward=True)
    assert caps.capped(pos, nrm, faces) is None


def test_a_border_that_joins_nothing_is_not_capped() -> None:
    pos, nrm, faces = tube(0.0, 1.0)
    one_end = caps.point_codes(pos[:SEGMENTS])  # the ring at z = 0 only
    assert caps.capped(pos, nrm, faces, joins=one_end) is None
    both_ends = caps.point_codes(np.vstack([pos[:SEGMENTS], pos[-SEGMENTS:]]))
    assert caps.capped(pos, nrm, faces, joins=both_ends) is not None


def test_openings_large_next_to_the_skin_are_not_capped() -> None:
    pos, nrm, faces = tube(0.0, 0.05, rings=2)  # a thin ring: its two caps would outweigh its skin
    assert caps.capped(pos, nrm, faces) is None  # (and nothing of it lies far from its openings)


def test_a_band_too_open_to_cap_culls_only_what_lies_far_from_its_openings() -> None:
    pos, nrm, faces = tube(0.0, 0.3, rings=13)  # caps 0.063 m² over 0.19 m² of skin: too large a share
    out = caps.capped(pos, nrm, faces)
    assert out is not None
    (out_pos, _, out_faces), culled = out
    assert len(out_pos) == len(pos) and len(out_faces) == len(faces)  # no caps: the same triangles, reordered
    assert {tuple(t) for t in out_faces.tolist()} == {tuple(t) for t in faces.tolist()}
    z = out_pos[out_faces][:, :, 2]
    assert 0 < culled < len(faces)
    assert np.all((z[:culled] >= 0.05) & (z[:culled] <= 0.25))  # half the opening's radius (0.1 m) from each end
    assert np.all(np.any((z[culled:] < 0.05 + 1e-9) | (z[culled:] > 0.25 - 1e-9), axis=1))


def test_an_inconsistently_wound_mesh_is_not_capped() -> None:
    pos, nrm, faces = tube(0.0, 1.0)
    faces = faces.copy()
    faces[3] = faces[3, ::-1]
    assert caps.capped(pos, nrm, faces) is None


def test_shared_points_are_where_two_meshes_meet() -> None:
    a, b = tube(0.0, 1.0)[0], tube(1.0, 2.0)[0]
    shared = caps.shared_points([a, b])
    assert len(shared) == SEGMENTS and np.allclose(shared[:, 2], 1.0)


def band(name: str, z0: float, z1: float) -> Part:
    pos, _, faces = tube(z0, z1)
    return Part(name, "dog", "mesh", (1.0,), (0.8, 0.6, 0.3), mesh_vertices=pos, mesh_faces=faces)


def test_merged_bands_are_culled_where_caps_close_them_and_cast_shadows_as_they_are() -> None:
    parts = [band("a", 0.0, 1.0), band("b", 1.0, 2.0), band("c", 2.0, 3.0)]
    geo = meshes.merge_parts(parts)
    # the middle band joins both neighbours: capped and culled; the outer two each have an end onto nothing
    assert [int(c) == len(i) > 0 for c, i in zip(geo.part_culled, geo.part_indices, strict=True)] == [
        False, True, False]
    assert geo.part_culled[0] == geo.part_culled[2] == 0
    assert geo.closed_count == len(geo.part_indices[1])
    # the shadow pass draws every band's own triangles, unculled
    assert geo.shadow_closed_count == 0
    assert len(geo.shadow_indices) == sum(3 * len(tube(0.0, 1.0)[2]) for _ in parts)
