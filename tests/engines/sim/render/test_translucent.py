"""Translucent (clear glass) parts: drawn last and blended, so what is behind them shows through."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.render import Renderer
from reelcast.engines.sim.render.demo import pose
from reelcast.engines.sim.render.meshes import merge_parts, split_translucent
from reelcast.engines.sim.scene import CameraPose, Environment, Part, SimTimeline
from reelcast.prompt.plan import Style

W, H = 160, 90
RED = Part("ball", "ball", "sphere", (0.3,), (0.9, 0.05, 0.05), "rubber")


def _frame(glass: Part) -> np.ndarray:
    """A red ball 1 m above the ground with a big sphere round it, seen from 4 m."""
    parts = [RED, glass]
    poses = np.stack([pose(0.0, 0.0, 1.0)] * 2)[None].astype(np.float32)
    tl = SimTimeline(fps=24, n_frames=1, parts=parts, poses=poses,
                     cameras=[CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0))], env=Environment())
    r = Renderer(W, H, Style(), quality="fast")
    try:
        return next(iter(r.render_frames(tl)))
    finally:
        r.close()


def _bubble(translucent: bool) -> Part:
    return Part("dome", "dome", "sphere", (0.8,), (0.6, 0.8, 1.0), "glass", casts_shadow=False,
                translucent=translucent)


def test_ball_shows_through_a_translucent_bubble() -> None:
    px = _frame(_bubble(True))[H // 2, W // 2].astype(int)
    assert px[0] > 70 and px[0] > 2 * px[1]  # the red ball inside is seen


def test_opaque_bubble_hides_the_ball() -> None:
    px = _frame(_bubble(False))[H // 2, W // 2].astype(int)
    assert not (px[0] > 70 and px[0] > 2 * px[1])


def test_bubble_edge_is_brighter_than_its_centre_over_the_sky() -> None:
    glass, plain = _frame(_bubble(True)).astype(int), _frame(Part("x", "x", "sphere", (0.01,), (0, 0, 0))).astype(int)
    # scanning down from the top: the first change is the fresnel rim at the bubble's silhouette, far above the ball
    y, x = H // 2, W // 2
    rim = next(r for r in range(H // 2, 0, -1) if np.abs(glass[y - r, x] - plain[y - r, x]).sum() > 20)
    assert rim >= 20  # the silhouette of the 0.8 m bubble is ~26 px from the centre


def test_translucent_parts_leave_the_opaque_draw() -> None:
    geo = merge_parts([RED, _bubble(True)])
    opaque, glass = split_translucent(geo, np.array([False, True]))
    assert len(glass) == len(geo.part_indices[1])
    assert len(opaque.indices) == len(geo.part_indices[0]) == opaque.closed_count
    assert set(opaque.ordered_indices(np.array([1, 0]))) == set(geo.part_indices[0])
