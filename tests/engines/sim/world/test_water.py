"""Backflip on a paddleboard: the board floats, sinks under the take-off and landing, splashes; waves travel."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.audio.impacts import classify
from reelcast.engines.sim.world.builder import SimResult, simulate
from reelcast.engines.sim.world.water import (
    MEAN_LEVEL,
    TILE,
    drift_velocity,
    grid_lines,
    surface_mesh,
    water_height,
)
from reelcast.prompt.compiler import compile_prompt
from tests.prompt.seed_prompts import PADDLEBOARD


@pytest.fixture(scope="module")
def flip() -> SimResult:
    return simulate(compile_prompt(PADDLEBOARD, 3.0, 160, 90), 7)


def _part(res: SimResult, name: str) -> np.ndarray:
    names = [p.name for p in res.timeline.parts]
    return res.timeline.poses[:, names.index(name)]


def _splashes(res: SimResult) -> list:
    return [e for e in res.timeline.events if e.body_a == "paddleboard" and e.body_b == "water"]


def test_board_floats_at_the_waterline(flip: SimResult) -> None:
    z = _part(flip, "paddleboard")[:, 2, 3]
    assert np.all(np.abs(z - MEAN_LEVEL) < 0.15)


def test_board_rises_while_the_rider_is_in_the_air_and_sinks_on_landing(flip: SimResult) -> None:
    take, land = (e.t for e in _splashes(flip))
    fps = flip.timeline.fps
    z = _part(flip, "paddleboard")[:, 2, 3]
    air = z[int(take * fps) + 2:int(land * fps)]
    after = z[int(land * fps):int(land * fps) + 8]
    assert air.max() - after.min() > 0.05


def test_takeoff_and_landing_splash_with_a_splash_sound(flip: SimResult) -> None:
    s = _splashes(flip)
    assert len(s) == 2 and s[0].t < s[1].t
    assert all(classify(e.material_a, e.material_b) == "splash" for e in s)
    assert s[1].impulse > s[0].impulse


def test_splash_droplets_fly_only_after_the_board_slaps_the_water(flip: SimResult) -> None:
    land = _splashes(flip)[1].t
    fps = flip.timeline.fps
    drops = _part(flip, "man/splash0")[:, 2, 3]
    before = drops[: int(_splashes(flip)[0].t * fps)]
    assert np.all(before < 0)
    assert drops[int(land * fps) + 2] > MEAN_LEVEL


def test_feet_are_on_the_deck_before_and_after_the_flip(flip: SimResult) -> None:
    take, land = (e.t for e in _splashes(flip))
    fps = flip.timeline.fps
    shoe = _part(flip, "man/shoe_r")[:, 2, 3]
    deck = _part(flip, "paddleboard")[:, 2, 3] + 0.06
    for k in (int(take * fps) - 6, int(land * fps) + 10):
        assert abs(shoe[k] - deck[k]) < 0.12


def test_waves_travel_and_the_surface_tiles() -> None:
    x, y = 1.3, -0.7
    assert water_height(x, y, 0.0) == pytest.approx(water_height(x + TILE, y - TILE, 0.0))
    assert water_height(x, y, 0.0) != pytest.approx(water_height(x, y, 0.5))
    v = drift_velocity()
    assert water_height(x + v[0] * 0.5, y + v[1] * 0.5, 0.5) == pytest.approx(water_height(x, y, 0.0))


def test_surface_cells_are_fine_in_the_middle_and_grow_outward_up_to_the_widest() -> None:
    xs = grid_lines(48.0, 0.4, 28.0, 1.25, 1.0)
    gaps = np.diff(xs)
    assert xs[0] == -24.0 and xs[-1] == 24.0 and np.allclose(xs, -xs[::-1])
    middle = np.abs(xs[:-1] + gaps / 2) < 14.0
    assert np.allclose(gaps[middle], 0.4)
    outer = gaps[~middle & (xs[:-1] > 0)]
    assert np.all(np.diff(outer[:-1]) >= -1e-9) and outer.max() <= 1.0 + 1e-9  # growing, never past the widest


def test_surface_mesh_follows_the_waves_at_every_vertex_with_fewer_far_triangles() -> None:
    v, f = surface_mesh()
    assert np.allclose(v[:, 2], water_height(v[:, 0].astype(float), v[:, 1].astype(float), 0.0), atol=1e-6)
    assert len(f) < 0.7 * 2 * 120 * 120  # the uniform 0.4 m grid had 28,800 triangles
    assert f.max() == len(v) - 1
