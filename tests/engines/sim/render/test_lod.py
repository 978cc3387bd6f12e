"""Level of detail for round parts: fewer triangles where a part is small on screen, the same picture."""

from __future__ import annotations

import numpy as np
import pytest

import reelcast.engines.sim.render.renderer as renderer_mod
from reelcast.engines.sim.render import Renderer
from reelcast.engines.sim.render.demo import pose
from reelcast.engines.sim.render.lod import (
    LEVELS,
    choose_segments,
    max_screen_radius,
    segment_timeline,
    segments_for,
)
from reelcast.engines.sim.render.meshes import merge_parts
from reelcast.engines.sim.scene import CameraPose, Environment, Part, SimTimeline
from reelcast.prompt.plan import Style

CAM = CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0))


def _timeline(parts: list[Part], at: list[tuple[float, float, float]], n_frames: int = 2) -> SimTimeline:
    """Parts posed at fixed points in front of a camera looking along +Y."""
    poses = np.repeat(np.stack([pose(*p) for p in at])[None], n_frames, axis=0).astype(np.float32)
    return SimTimeline(fps=24, n_frames=n_frames, parts=parts, poses=poses, cameras=[CAM] * n_frames, env=Environment())


def _ball(name: str = "ball", r: float = 0.5, casts: bool = True) -> Part:
    return Part(name, name, "sphere", (r,), (0.9, 0.05, 0.05), "rubber", casts_shadow=casts)


def test_segments_for_grows_with_radius_and_caps_at_full_detail() -> None:
    counts = [segments_for(r) for r in (0.5, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0, 1e6, float("inf"))]
    assert counts == sorted(counts)
    assert counts[0] == LEVELS[-1] and counts[-1] == LEVELS[0] == 28
    for r in (1.0, 3.0, 7.0, 15.0, 30.0):
        n = segments_for(r)
        assert n == LEVELS[0] or r * (1.0 - np.cos(np.pi / n)) <= 0.5


def test_small_distant_sphere_gets_fewer_triangles_than_a_near_one() -> None:
    tl = _timeline([_ball("far", 0.05, casts=False), _ball("near")], [(0.0, 30.0, 1.0), (0.0, 0.0, 1.0)])
    seg = choose_segments(tl, 320, 180, None)
    assert seg[0] < seg[1]
    full, lod = merge_parts(tl.parts), merge_parts(tl.parts, seg)
    assert len(lod.indices) < len(full.indices)
    assert np.allclose(lod.radii, full.radii)  # the bounding radius the shadow window uses is unchanged


def test_choice_is_deterministic_and_ignores_parts_out_of_view() -> None:
    tl = _timeline([_ball("behind"), _ball("aside"), _ball("front")], [(0.0, -9.0, 1.0), (40.0, 0.0, 1.0), (0, 0, 1)])
    px = max_screen_radius(tl, 320, 180)
    assert px[0] == 0.0 and px[1] == 0.0 and px[2] > 10.0
    assert np.array_equal(choose_segments(tl, 320, 180, None), choose_segments(tl, 320, 180, None))


def test_a_caster_keeps_enough_detail_for_the_shadow_map() -> None:
    tl = _timeline([_ball("behind", 1.0)], [(0.0, -9.0, 1.0)])
    assert choose_segments(tl, 320, 180, None)[0] == LEVELS[-1]
    assert choose_segments(tl, 320, 180, 0.01)[0] == LEVELS[0]  # 100 texels wide in the shadow map


def test_camera_inside_a_part_keeps_full_detail() -> None:
    tl = _timeline([_ball("dome", 10.0)], [(0.0, -4.0, 1.0)])
    assert choose_segments(tl, 320, 180, None)[0] == LEVELS[0]


def test_shadow_pass_indexes_only_shadow_casters() -> None:
    tl = _timeline([_ball("spark", casts=False), _ball("ball")], [(0, 0, 1), (0, 0, 1)])
    geo = merge_parts(tl.parts)
    parts_in_shadow = set(geo.vertices[geo.shadow_indices, 6].astype(int).tolist())
    assert parts_in_shadow == {1}
    assert geo.shadow_closed_count == len(geo.shadow_indices)


@pytest.mark.parametrize("distance", [6.0, 14.0])
def test_lod_sphere_covers_the_same_pixels(monkeypatch: pytest.MonkeyPatch, distance: float) -> None:
    """A LOD'd sphere's picture matches the full-detail one within a few edge pixels."""
    w, h = 320, 180
    tl = _timeline([_ball()], [(0.0, distance, 1.0)])
    assert choose_segments(tl, w, h, None)[0] < LEVELS[0]

    def render() -> np.ndarray:
        r = Renderer(w, h, Style(), quality="fast")
        try:
            return list(r.render_frames(tl))[0]
        finally:
            r.close()

    lod = render()
    monkeypatch.setattr(renderer_mod, "choose_segments", lambda tl, *a: np.full(len(tl.parts), LEVELS[0]))
    full = render()
    red = [(f[..., 0].astype(int) > 2 * f[..., 1].astype(int) + 40) for f in (lod, full)]
    area = int(red[1].sum())
    assert area > 30
    assert int((red[0] ^ red[1]).sum()) <= max(3, area // 50)
    assert float(np.abs(lod.astype(int) - full.astype(int)).mean()) < 0.5


def test_ordered_indices_keep_every_triangle_and_closed_parts_first() -> None:
    cube_v = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], np.float64) * 0.3
    cube_f = np.array(
        [[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
         [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]], np.int64,
    )  # fmt: skip
    sheet = Part("sheet", "sheet", "mesh", (1.0,), (0.5, 0.5, 0.5), mesh_vertices=cube_v[:4], mesh_faces=cube_f[:2])
    cube = Part("cube", "cube", "mesh", (1.0,), (0.5, 0.5, 0.5), mesh_vertices=cube_v, mesh_faces=cube_f)
    geo = merge_parts([sheet, _ball(), cube])
    culled = [int(c) == len(i) > 0 for c, i in zip(geo.part_culled, geo.part_indices, strict=True)]
    assert culled == [False, True, True]  # a watertight mesh is culled like a primitive
    order = np.array([2, 0, 1])
    idx = geo.ordered_indices(order)
    assert sorted(idx.tolist()) == sorted(geo.indices.tolist())
    assert set(geo.vertices[idx[geo.closed_count :], 6].astype(int).tolist()) == {0}
    assert geo.vertices[idx[0], 6] == 2  # the first part in `order` is drawn first


def _two_shots() -> SimTimeline:
    """A ball seen from 40 m for two frames, then (after a cut) from 1.5 m for two."""
    tl = _timeline([_ball(casts=False)], [(0.0, 0.0, 1.0)], n_frames=4)
    tl.cameras = [CameraPose(eye=(0.0, -40.0, 1.0), target=(0.0, 0.0, 1.0))] * 2 + \
        [CameraPose(eye=(0.0, -1.5, 1.0), target=(0.0, 0.0, 1.0))] * 2
    tl.cuts = [2]
    tl.visible = np.ones((4, 1), bool)
    return tl


def test_a_segment_timeline_holds_only_its_frames() -> None:
    tl = _two_shots()
    tail = segment_timeline(tl, range(1, 4))
    assert tail.n_frames == 3 and len(tail.cameras) == 3 and tail.poses.shape[0] == 3
    assert tail.visible is not None and tail.visible.shape == (3, 1)
    assert tail.cuts == [1] and tail.cameras[0] == tl.cameras[1]
    assert segment_timeline(tl, range(4)) is tl


def test_each_shot_gets_the_detail_its_own_frames_need() -> None:
    tl = _two_shots()
    far, near = (choose_segments(segment_timeline(tl, r), 320, 180, None)[0] for r in (range(2), range(2, 4)))
    assert far < near == LEVELS[0]
    loaded: list[tuple[range, int]] = []
    r = Renderer(320, 180, Style(), quality="fast")
    load = r._load_geometry

    def spy(prep: object, timeline: SimTimeline, f: int) -> object:
        geo = load(prep, timeline, f)  # type: ignore[arg-type]
        if not loaded or loaded[-1][0] != geo.frames:
            loaded.append((geo.frames, geo.total_count))
        return geo

    r._load_geometry = spy  # type: ignore[method-assign]
    try:
        list(r.render_frames(tl))
    finally:
        r.close()
    assert [frames for frames, _ in loaded] == [range(2), range(2, 4)]
    assert loaded[0][1] < loaded[1][1]
