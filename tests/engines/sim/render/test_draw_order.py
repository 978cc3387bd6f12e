"""The order parts are drawn in: nearest first where that hides more, never changing who wins a depth tie."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.render import Renderer
from reelcast.engines.sim.render.demo import pose
from reelcast.engines.sim.render.draw_order import DrawSets, TiedOrder, coplanar_pairs
from reelcast.engines.sim.render.meshes import merge_parts
from reelcast.engines.sim.scene import CameraPose, Environment, Part, SimTimeline
from reelcast.prompt.plan import Style


def _box(name: str, half: tuple[float, float, float]) -> Part:
    return Part(name, name, "box", half, (0.6, 0.6, 0.6), "plastic")


def _poses(*at: tuple[float, float, float]) -> np.ndarray:
    return np.stack([pose(*p) for p in at]).astype(np.float64)


def test_without_ties_the_nearest_is_first() -> None:
    assert TiedOrder(3, np.zeros((0, 2), np.int64)).order(np.array([5.0, 1.0, 3.0])).tolist() == [1, 2, 0]


def test_a_tied_pair_keeps_its_listed_order_however_near_the_later_one_is() -> None:
    order = TiedOrder(3, np.array([[0, 2]])).order(np.array([5.0, 3.0, 1.0])).tolist()
    assert order.index(0) < order.index(2)
    assert order[0] == 1  # the free part still goes first


def test_boxes_flush_on_a_face_are_tied_and_apart_or_round_ones_are_not() -> None:
    parts = [_box("wall", (2.0, 0.1, 1.0)), _box("panel", (0.5, 0.1, 0.5)), _box("far", (0.5, 0.1, 0.5)),
             Part("ball", "ball", "sphere", (0.3,), (1.0, 0.0, 0.0))]
    # the panel's front face lies in the wall's (y = -0.1); "far" is 5 m off; the ball touches the wall
    poses = _poses((0.0, 0.0, 1.0), (0.5, 0.0, 1.2), (0.0, 5.0, 1.0), (1.0, -0.4, 1.0))
    geo = merge_parts(parts)
    pairs = coplanar_pairs(geo, np.arange(4), poses, geo.radii.astype(np.float64))
    assert pairs.tolist() == [[0, 1]]


def test_planes_two_millimetres_apart_count_as_one_and_three_do_not() -> None:
    parts = [_box("floor", (2.0, 2.0, 0.001)), _box("line", (0.05, 1.0, 0.001)), _box("mark", (0.05, 1.0, 0.001))]
    poses = _poses((0.0, 0.0, 0.001), (0.5, 0.0, 0.003), (-0.5, 0.0, 0.004))  # tops at 2, 4 and 5 mm
    geo = merge_parts(parts)
    pairs = coplanar_pairs(geo, np.arange(3), poses, geo.radii.astype(np.float64))
    assert [0, 1] in pairs.tolist() and [0, 2] not in pairs.tolist()


def test_the_static_set_comes_first_then_moving_entities_nearest_first() -> None:
    poses = np.repeat(_poses((0, 0, 0), (0, 9, 0), (0, 3, 0), (0, 3, 0))[None], 2, axis=0)
    poses[1, 1:, 0, 3] = 1.0  # parts 1-3 move
    sets = DrawSets.of(["set", "far", "near", "near"], poses)
    assert sets.order(poses[0], np.zeros(3), np.array([0.0, 1.0, 0.0])).tolist() == [0, 2, 3, 1]
    assert sets.order(poses[0], np.zeros(3), np.array([0.0, -1.0, 0.0])).tolist() == [0, 1, 2, 3]


def test_with_one_moving_part_every_part_goes_as_listed() -> None:
    poses = np.repeat(_poses((0, 9, 0), (0, 3, 0), (0, 1, 0))[None], 2, axis=0)
    poses[1, 0, 0, 3] = 1.0  # part 0 moves
    sets = DrawSets.of(["ship", "a", "b"], poses)
    assert sets.order(poses[0], np.zeros(3), np.array([0.0, 1.0, 0.0])).tolist() == [0, 1, 2]


def _behind_a_wall() -> SimTimeline:
    """Ten balls listed before the wall that hides most of them from the camera (two of them drift)."""
    parts = [Part(f"b{i}", f"b{i}", "sphere", (0.4,), (0.9, 0.1, 0.1), "rubber") for i in range(10)]
    parts.append(_box("wall", (3.0, 0.1, 2.0)))
    at = [(-2.0 + 0.45 * i, 2.0, 1.0) for i in range(10)] + [(0.0, 0.0, 1.0)]
    poses = np.repeat(_poses(*at)[None], 2, axis=0).astype(np.float32)
    poses[1, :2, 2, 3] += 0.05
    cam = CameraPose(eye=(0.0, -6.0, 1.2), target=(0.0, 0.0, 1.0))
    return SimTimeline(fps=24, n_frames=2, parts=parts, poses=poses, cameras=[cam] * 2, env=Environment())


def test_a_wall_listed_after_what_it_hides_is_drawn_first_with_the_same_pixels(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tl = _behind_a_wall()
    chosen: list[object] = []

    def render() -> list[np.ndarray]:
        r = Renderer(320, 180, Style(), quality="fast")
        choose = r._choose_static_order

        def spy(*args: object) -> object:
            chosen.append(choose(*args))  # type: ignore[arg-type]
            return chosen[-1]

        r._choose_static_order = spy  # type: ignore[method-assign]
        try:
            return list(r.render_frames(tl))
        finally:
            r.close()

    nearest = render()
    assert chosen[-1] is not None
    monkeypatch.setattr(Renderer, "_choose_static_order", lambda self, *a: None)
    listed = render()
    assert all(a.tobytes() == b.tobytes() for a, b in zip(nearest, listed, strict=True))
