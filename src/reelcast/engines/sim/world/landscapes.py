"""Richer scenery for the seed places: the glacier and ice-spire corridor of the fjord, the festival town at night,
and the space station's exterior (hull, doors, planet) around its interior module.

Each builder returns [(Part, 4x4)] like `places.py`'s scenery functions; `places.py` composes them.
"""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import stable_rng
from reelcast.engines.sim.world.quat import rot_y, rot_z, translate

Scenery = list[tuple[Part, np.ndarray]]
ICE = (0.8, 0.89, 0.97)
ICE_DEEP = (0.45, 0.66, 0.85)
RIDGE_ROCK = (0.42, 0.52, 0.7)  # far ridgelines: blue-grey, so the low amber sun leaves them cool, not brown
RIDGE_SNOW = 0.6  # the top fraction of each ridge's height under snow
CORRIDOR_X = (-60.0, 80.0)  # where the dragon flies (x); spires line both sides of y = 0
CORRIDOR_OPENS_X = 8.0  # past here the tall spires end: the corridor opens onto the glacier's cliff and the fjord


def _part(name: str, shape: str, size: tuple[float, ...], color: tuple[float, float, float], material: str,
          emissive: float = 0.0, shadow: bool = True) -> Part:
    return Part(name, "scenery", shape, size, color, material, emissive=emissive, casts_shadow=shadow)


def _tilt(rng: np.random.Generator, amount: float) -> np.ndarray:
    return rot_z(float(rng.uniform(0, 2 * math.pi))) @ rot_y(float(rng.uniform(-amount, amount)))


def ice_spire(name: str, x: float, y: float, height: float, rng: np.random.Generator) -> Scenery:
    """A serrated ice spire: a tall main cone with two or three leaning shards at its foot."""
    r = height * rng.uniform(0.13, 0.2)
    col = tuple(float(c) for c in np.clip(np.array(ICE) + rng.normal(0, 0.03, 3), 0, 1))
    out: Scenery = [(_part(f"{name}/main", "cone", (r, height / 2), col, "ice"),
                     translate(x, y, height / 2) @ _tilt(rng, 0.06))]
    for k in range(int(rng.integers(2, 4))):
        h = height * rng.uniform(0.35, 0.65)
        a = rng.uniform(0, 2 * math.pi)
        out.append((_part(f"{name}/shard{k}", "cone", (h * 0.2, h / 2), ICE_DEEP if k == 0 else col, "ice"),
                    translate(x + r * 0.8 * math.cos(a), y + r * 0.8 * math.sin(a), h / 2) @ _tilt(rng, 0.25)))
    return out


def glacier_scenery(seed: int) -> Scenery:
    """A glacier sheet breaking off in a blue ice cliff at the fjord, with crevasses and a corridor of spires."""
    rng = stable_rng(seed, "glacier")
    out: Scenery = []
    # the glacier: a sheet on the far side (+y) ending in a fractured ice cliff at the water line
    sheet = rot_z(0.18)
    out.append((_part("glacier/sheet", "box", (160.0, 35.0, 3.5), (0.86, 0.92, 0.98), "snow"),
                translate(10.0, 72.0, 3.0) @ sheet))
    out.append((_part("glacier/cliff", "box", (160.0, 1.5, 4.0), ICE_DEEP, "ice"),
                translate(10.0 + 35 * math.sin(-0.18), 37.5, 2.5) @ sheet))
    for i in range(18):  # crevasses: dark blue slots across the sheet
        x = rng.uniform(-120, 120)
        out.append((_part(f"glacier/crevasse{i}", "box", (rng.uniform(6, 18), 0.5, 0.1), (0.2, 0.35, 0.55), "ice"),
                    translate(x, rng.uniform(42, 100), 6.55) @ rot_z(float(rng.uniform(-0.5, 0.5)))))
    for i in range(8):  # floating ice (calved fragments) in the fjord
        out.append((_part(f"glacier/floe{i}", "box", (rng.uniform(1, 4), rng.uniform(1, 3), 0.6), ICE, "ice"),
                    translate(rng.uniform(-80, 100), rng.uniform(-40, 30), 0.2) @ rot_z(float(rng.uniform(0, 3)))))
    # knife-edged ridgelines far beyond the glacier and across the fjord (clear of the flight corridor)
    for i in range(16):
        side = 1 if i % 2 == 0 else -1
        h = rng.uniform(45, 85)
        x, y = -260 + i * 36 + rng.uniform(-8, 8), side * rng.uniform(190, 240)
        out.append((_part(f"fjord/ridge{i}", "cone", (h * 0.9, h / 2), RIDGE_ROCK, "rock"),
                    translate(x, y, h / 2 - 2)))
        # the snow cap: a cone a little wider than the ridge where it starts, so its rim stands proud of the rock
        cap = h * RIDGE_SNOW
        out.append((_part(f"fjord/ridge_snow{i}", "cone", (0.9 * cap * 1.04, cap / 2), (0.93, 0.96, 1.0), "snow"),
                    translate(x, y, h - cap / 2 - 2)))
    # the corridor: tall spires behind the flight line, short fins in front of it (parallax for the camera)
    x0, x1 = CORRIDOR_X
    n_back = 14
    for i in range(n_back):
        x = x0 + (CORRIDOR_OPENS_X - x0) * (i + rng.uniform(0.1, 0.9)) / n_back
        out += ice_spire(f"spire_b{i}", x, rng.uniform(9, 26), rng.uniform(22, 42), rng)
    for i in range(9):
        x = x0 + (x1 - x0) * (i + rng.uniform(0.1, 0.9)) / 9
        fin = ice_spire(f"spire_f{i}", x, -rng.uniform(9, 16), rng.uniform(8, 16), rng)
        if x < CORRIDOR_OPENS_X:  # past the corridor the fins would stand in the climbing camera's closing view
            out += fin
    return out


def _torus(major: float, minor: float, width: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return (vertices, faces) of a ring around local z (a flat band of the given width when width is set)."""
    import trimesh

    m = trimesh.creation.torus(major_radius=major, minor_radius=minor, major_sections=48, minor_sections=8)
    v = np.asarray(m.vertices, np.float32)
    if width is not None:
        v[:, 2] *= width / minor
    return v, np.asarray(m.faces, np.int32)


def station_exterior(seed: int) -> Scenery:
    """The station seen from outside: a ringed hull around the interior module, a door frame, a planet, beacons.

    The interior module (places.station_scenery) spans x −8..8, y −3..3, z 0..3.3; the hull wraps it with the
    docking door at its −x end, where the dog flies in. The door leaves are a separate actor (they open).
    """
    rng = stable_rng(seed, "station")
    hull = (0.82, 0.84, 0.88)
    accent = (0.95, 0.55, 0.2)  # the pup theme: orange trim and paw-print beacons
    out: Scenery = []
    for name, half, pos in (("top", (8.6, 3.6, 0.25), (0, 0, 3.55)), ("bottom", (8.6, 3.6, 0.25), (0, 0, -0.3)),
                            ("side_l", (8.6, 0.25, 1.9), (0, 3.35, 1.6)), ("side_r", (8.6, 0.25, 1.9), (0, -3.35, 1.6)),
                            ("back", (0.25, 3.6, 1.9), (8.45, 0, 1.6))):
        out.append((_part(f"station/hull_{name}", "box", half, hull, "metal"), translate(*pos)))
    # the −x end: a wall with a door opening (y −1..1, z 0..2.4) framed in orange
    for name, half, pos in (("wall_l", (0.25, 1.3, 1.9), (-8.45, 2.3, 1.6)),
                            ("wall_r", (0.25, 1.3, 1.9), (-8.45, -2.3, 1.6)),
                            ("lintel", (0.25, 1.0, 0.5), (-8.45, 0, 3.0))):
        out.append((_part(f"station/end_{name}", "box", half, hull, "metal"), translate(*pos)))
    out.append((_part("station/door_frame", "box", (0.3, 1.1, 0.06), accent, "paint", emissive=0.4),
                translate(-8.5, 0, 2.46)))
    # rings and solar wings make it read as a station, not a box
    ring, glow = _torus(4.1, 0.38), _torus(4.1, 0.42, 0.02)
    for k, x in enumerate((-5.0, 0.0, 5.0)):  # hollow rings: the interior module stays visible through them
        out.append((Part(f"station/ring{k}", "scenery", "mesh", (1.0,), (0.6, 0.62, 0.68), "metal", *ring),
                    translate(x, 0, 1.6) @ rot_y(math.pi / 2)))
        out.append((Part(f"station/ringlight{k}", "scenery", "mesh", (1.0,), accent, "paint", *glow, emissive=0.8,
                         casts_shadow=False), translate(x, 0, 1.6) @ rot_y(math.pi / 2)))
    for side in (1, -1):
        out.append((_part(f"station/mast{side}", "cylinder", (0.12, 4.0), (0.5, 0.5, 0.55), "metal"),
                    translate(2.5, side * 7.5, 1.6) @ rot_y(math.pi / 2) @ rot_y(0) @ rot_z(0)))
        out.append((_part(f"station/mast_arm{side}", "box", (0.1, 4.0, 0.1), (0.5, 0.5, 0.55), "metal"),
                    translate(2.5, side * 5.5, 1.6)))
        out.append((_part(f"station/solar{side}", "box", (4.0, 3.0, 0.04), (0.1, 0.15, 0.45), "glass"),
                    translate(2.5, side * 10.5, 1.6)))
    for k in range(6):  # paw-print beacons along the hull: a pad and three toes
        x = -6.0 + k * 2.4
        base = translate(x, -3.62, 2.4) @ rot_y(0)
        out.append((_part(f"station/paw{k}", "sphere", (0.32,), accent, "paint", emissive=0.9, shadow=False), base))
        for j, dz in enumerate((-0.45, 0.0, 0.45)):
            out.append((_part(f"station/paw{k}_toe{j}", "sphere", (0.13,), accent, "paint", emissive=0.9,
                              shadow=False), translate(x + 0.42, -3.62, 2.4 + dz)))
    # a big planet and its moon far away in the black sky
    out.append((_part("space/planet", "sphere", (90.0,), (0.25, 0.45, 0.85), "rock", emissive=0.15, shadow=False),
                translate(-260.0, 330.0, 60.0)))
    out.append((_part("space/planet_band", "cylinder", (91.0, 6.0), (0.85, 0.7, 0.55), "rock", emissive=0.1,
                      shadow=False), translate(-260.0, 330.0, 60.0) @ rot_y(0.35)))
    out.append((_part("space/moon", "sphere", (14.0,), (0.75, 0.74, 0.72), "rock", emissive=0.1, shadow=False),
                translate(160.0, 260.0, 90.0)))
    _ = rng
    return out
