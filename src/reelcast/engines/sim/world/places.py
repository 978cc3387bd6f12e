"""Places: ground, scenery and sky for each place key, plus skies for the time of day and weather."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from reelcast.engines.sim.scene import Environment, Part
from reelcast.engines.sim.world.actors import StaticActor, stable_rng
from reelcast.engines.sim.world.quat import rot_z, translate

Scenery = list[tuple[Part, np.ndarray]]


@dataclass
class Ground:
    """What the ground is made of: colour, material and contact properties."""

    color: tuple[float, float, float]
    material: str
    restitution: float = 0.5
    friction: float = 0.8


@dataclass
class PlaceSpec:
    """A place: its ground, whether it is indoors/in space, and a scenery builder."""

    ground: Ground
    scenery: Callable[[int], Scenery] | None = None
    anchors: dict[str, tuple[float, float]] = field(default_factory=dict)
    space: bool = False
    fog: float = 0.004
    lamplit: bool = False  # lit streets: after dark the key light is warm lamplight, not moonlight


# ----------------------------------------------------------------------------------------------- skies
def sky(time_of_day: str, weather: str = "clear", indoor: bool = False, space: bool = False) -> Environment:
    """Return sky colours and lighting for a time of day (night: dark blue zenith, stars, moonlight)."""
    tod = time_of_day.lower()
    if space:
        env = Environment(sky_zenith=(0.0, 0.0, 0.02), sky_horizon=(0.02, 0.03, 0.08), ground=False,
                          sun_direction=(0.6, -0.3, 0.5), sun_color=(1.0, 0.98, 0.95), sun_intensity=1.2,
                          ambient=0.25, fog_color=(0.0, 0.0, 0.02), fog_density=0.0, stars=True)
    elif tod == "night":
        env = Environment(sky_zenith=(0.01, 0.02, 0.08), sky_horizon=(0.05, 0.07, 0.16),
                          sun_direction=(-0.3, 0.4, 0.6), sun_color=(0.6, 0.7, 1.0), sun_intensity=0.35,
                          ambient=0.12, fog_color=(0.03, 0.04, 0.1), fog_density=0.006, stars=True)
    elif tod in ("golden_hour", "sunset"):
        env = Environment(sky_zenith=(0.3, 0.4, 0.7), sky_horizon=(1.0, 0.7, 0.4),
                          sun_direction=(-0.8, 0.3, 0.18), sun_color=(1.0, 0.75, 0.45), sun_intensity=1.1,
                          ambient=0.3, fog_color=(0.95, 0.75, 0.55), fog_density=0.005)
    elif tod == "dusk":
        env = Environment(sky_zenith=(0.12, 0.14, 0.35), sky_horizon=(0.75, 0.45, 0.45),
                          sun_direction=(-0.9, 0.2, 0.06), sun_color=(0.95, 0.55, 0.4), sun_intensity=0.6,
                          ambient=0.2, fog_color=(0.5, 0.38, 0.42), fog_density=0.006, stars=True)
    elif tod == "dawn":
        env = Environment(sky_zenith=(0.35, 0.45, 0.7), sky_horizon=(0.95, 0.75, 0.65),
                          sun_direction=(0.9, -0.2, 0.15), sun_color=(1.0, 0.82, 0.7), sun_intensity=0.8,
                          ambient=0.28, fog_color=(0.85, 0.78, 0.75), fog_density=0.006)
    else:
        env = Environment()
    if weather in ("overcast", "rain", "snow"):
        grey = (0.55, 0.58, 0.62) if tod not in ("night", "dusk") else (0.05, 0.06, 0.08)
        env = replace(env, sky_zenith=grey, sky_horizon=tuple(min(1.0, c + 0.15) for c in grey),
                      sun_intensity=env.sun_intensity * 0.45, ambient=min(0.6, env.ambient + 0.15), stars=False)
    if weather == "fog":
        env = replace(env, fog_density=0.05, fog_color=env.sky_horizon)
    if indoor and not space:
        # a hall: warm artificial light from above, walls instead of sky
        env = replace(env, sky_zenith=(0.32, 0.3, 0.28), sky_horizon=(0.55, 0.5, 0.45),
                      sun_direction=(0.15, 0.1, 1.0), sun_color=(1.0, 0.95, 0.85), sun_intensity=0.9,
                      ambient=0.45, fog_density=0.002, fog_color=(0.5, 0.47, 0.43), stars=False)
    return env


# ----------------------------------------------------------------------------------------------- scenery
def _box(name: str, half: tuple[float, float, float], pos: tuple[float, float, float],
         color: tuple[float, float, float], material: str = "default", yaw: float = 0.0,
         emissive: float = 0.0) -> tuple[Part, np.ndarray]:
    return (Part(name, "scenery", "box", half, color, material, emissive=emissive),
            translate(*pos) @ rot_z(yaw))


def _line(name: str, a: tuple[float, float], b: tuple[float, float], width: float = 0.05,
          color: tuple[float, float, float] = (0.96, 0.96, 0.94), z: float = 0.002) -> tuple[Part, np.ndarray]:
    L = math.hypot(b[0] - a[0], b[1] - a[1])
    yaw = math.atan2(b[1] - a[1], b[0] - a[0])
    return _box(name, (L / 2, width / 2, 0.002), ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, z), color, "paint", yaw)


def _arc(name: str, c: tuple[float, float], r: float, a0: float, a1: float, n: int = 24) -> Scenery:
    pts = [(c[0] + r * math.cos(a0 + (a1 - a0) * i / n), c[1] + r * math.sin(a0 + (a1 - a0) * i / n))
           for i in range(n + 1)]
    return [_line(f"{name}{i}", pts[i], pts[i + 1]) for i in range(n)]


HOOP_X = 5.2  # rim centre of the court's hoop; the shooter's mark is the origin


def court_scenery(seed: int) -> Scenery:
    """A FIBA half-court and more: wood floor, painted key, lines, three-point arc and a far wall of stands."""
    base = HOOP_X + 1.575
    x0, x1, hw = base - 28.0, base, 7.5
    out: Scenery = [
        _box("court/floor", ((x1 - x0) / 2 + 2, hw + 2, 0.01), ((x0 + x1) / 2, 0, -0.008), (0.78, 0.55, 0.32), "wood"),
        _box("court/key", (2.9, 2.45, 0.0015), (base - 2.9, 0, 0.0015), (0.62, 0.22, 0.15), "paint"),
        _line("court/baseline", (base, -hw), (base, hw)), _line("court/side_l", (x0, hw), (x1, hw)),
        _line("court/side_r", (x0, -hw), (x1, -hw)), _line("court/center", (base - 14, -hw), (base - 14, hw)),
        _line("court/key_l", (base - 5.8, 2.45), (base, 2.45)),
        _line("court/key_r", (base - 5.8, -2.45), (base, -2.45)),
        _line("court/ft", (base - 5.8, -2.45), (base - 5.8, 2.45)),
    ]
    out += _arc("court/ft_circle", (base - 5.8, 0.0), 1.8, math.pi / 2, 3 * math.pi / 2, 16)
    out += _arc("court/three", (HOOP_X, 0.0), 6.75, math.radians(102), math.radians(258), 30)
    out += [_line("court/three_l", (base, 6.6), (HOOP_X - 1.4, 6.6)),
            _line("court/three_r", (base, -6.6), (HOOP_X - 1.4, -6.6))]
    out += _arc("court/center_circle", (base - 14, 0.0), 1.8, 0, 2 * math.pi, 24)
    # stands behind one sideline so wide shots have a backdrop
    rng = stable_rng(seed, "stands")
    for row in range(4):
        out.append(_box(f"court/stand{row}", (14.0, 0.6, 0.25 + 0.25 * row), (base - 12, hw + 4 + row * 1.2,
                        0.25 + 0.25 * row), (0.3, 0.32, 0.38), "concrete"))
        for k in range(18):
            c = tuple(float(v) for v in rng.uniform(0.2, 0.9, 3))
            out.append(_box(f"court/fan{row}_{k}", (0.2, 0.2, 0.3), (base - 25 + k * 1.5 + rng.uniform(-0.3, 0.3),
                            hw + 4 + row * 1.2, 0.5 * row + 0.8), c, "cloth"))
    return out + hall_walls(base, hw)


def hall_walls(base: float, hw: float) -> Scenery:
    """Close the hall: an end wall behind the hoop with padding and a banner, side and far walls."""
    wall, pad, band = (0.62, 0.58, 0.52), (0.12, 0.18, 0.4), (0.7, 0.16, 0.12)
    x_end, x_far, y_l, y_r, h = base + 3.5, base - 32.0, hw + 10.0, -(hw + 10.0), 5.0
    mid_x, half_x, half_y = (x_end + x_far) / 2, (x_end - x_far) / 2, (y_l - y_r) / 2
    return [
        _box("court/wall_end", (0.2, half_y, h), (x_end, 0.0, h), wall, "paint"),
        _box("court/pad_end", (0.05, half_y, 0.9), (x_end - 0.25, 0.0, 0.9), pad, "rubber"),
        _box("court/banner_end", (0.05, 6.0, 0.6), (x_end - 0.25, 0.0, 6.2), band, "cloth"),
        _box("court/wall_far", (0.2, half_y, h), (x_far, 0.0, h), wall, "paint"),
        _box("court/wall_l", (half_x, 0.2, h), (mid_x, y_l, h), wall, "paint"),
        _box("court/wall_r", (half_x, 0.2, h), (mid_x, y_r, h), wall, "paint"),
        _box("court/pad_r", (half_x, 0.05, 0.9), (mid_x, y_r + 0.25, 0.9), pad, "rubber"),
        _box("court/banner_r", (8.0, 0.05, 0.6), (base - 10.0, y_r + 0.25, 6.2), band, "cloth"),
    ]


def rink_scenery(seed: int) -> Scenery:
    """An ice rink: white ice, blue and red lines, low boards around."""
    out: Scenery = [_box("rink/ice", (30, 15, 0.01), (0, 0, -0.008), (0.88, 0.93, 0.97), "ice")]
    out += [_line("rink/red", (0, -15), (0, 15), 0.3, (0.8, 0.1, 0.1)),
            _line("rink/blue_a", (-8, -15), (-8, 15), 0.3, (0.1, 0.2, 0.7)),
            _line("rink/blue_b", (8, -15), (8, 15), 0.3, (0.1, 0.2, 0.7))]
    for name, pos, half in (("n", (0, 15.2, 0.5), (30, 0.1, 0.5)), ("s", (0, -15.2, 0.5), (30, 0.1, 0.5)),
                            ("e", (30.2, 0, 0.5), (0.1, 15, 0.5)), ("w", (-30.2, 0, 0.5), (0.1, 15, 0.5))):
        out.append(_box(f"rink/board_{name}", half, pos, (0.95, 0.95, 0.95), "plastic"))
    return out


def _trees(seed: int, n: int, radius: tuple[float, float], prefix: str) -> Scenery:
    rng = stable_rng(seed, prefix)
    out: Scenery = []
    for i in range(n):
        a = rng.uniform(0, 2 * math.pi)
        r = rng.uniform(*radius)
        x, y, h = r * math.cos(a), r * math.sin(a), rng.uniform(3, 7)
        out.append((Part(f"{prefix}/trunk{i}", "scenery", "cylinder", (0.18, h * 0.2), (0.35, 0.23, 0.12), "wood"),
                    translate(x, y, h * 0.2)))
        out.append((Part(f"{prefix}/crown{i}", "scenery", "cone", (h * 0.28, h * 0.4),
                         (0.12, 0.35 + rng.uniform(0, 0.15), 0.15), "leaves"), translate(x, y, h * 0.4 + h * 0.4)))
    return out


def forest_scenery(seed: int) -> Scenery:
    """Pines around a clearing."""
    return _trees(seed, 40, (7, 30), "forest")


def backyard_scenery(seed: int) -> Scenery:
    """A lawn with a wooden fence and a couple of trees."""
    out: Scenery = []
    for i in range(-10, 11):
        out.append(_box(f"yard/plank{i}", (0.06, 0.5, 0.8), (-8.0, i, 0.8), (0.6, 0.45, 0.3), "wood"))
    out.append(_box("yard/rail", (0.04, 10.5, 0.05), (-7.9, 0, 1.2), (0.55, 0.4, 0.28), "wood"))
    return out + _trees(seed, 4, (10, 14), "yard")


def town_scenery(seed: int) -> Scenery:
    """Rows of houses with lit windows along a square."""
    rng = stable_rng(seed, "town")
    out: Scenery = []
    for side in (-1, 1):
        for k in range(8):
            x = -14 + k * 4
            h = rng.uniform(3, 6)
            col = tuple(float(v) for v in rng.uniform(0.45, 0.85, 3))
            out.append(_box(f"town/house{side}_{k}", (1.8, 2.5, h / 2), (x, side * 9, h / 2), col, "plaster"))
            out.append((Part(f"town/roof{side}_{k}", "scenery", "cone", (2.6, 1.0), (0.5, 0.2, 0.15), "tile"),
                        translate(x, side * 9, h + 1.0) @ rot_z(math.pi / 4)))
            out.append(_box(f"town/window{side}_{k}", (0.4, 0.02, 0.5), (x, side * 6.47, h * 0.6),
                            (1.0, 0.8, 0.45), "glass", emissive=0.8))
    return out


def street_scenery(seed: int) -> Scenery:
    """Asphalt with lane markings, sidewalks and building blocks."""
    rng = stable_rng(seed, "street")
    out: Scenery = [_box("street/road", (40, 4, 0.01), (0, 0, -0.005), (0.18, 0.18, 0.2), "asphalt")]
    out += [_line(f"street/dash{i}", (i * 4.0, 0), (i * 4.0 + 2, 0), 0.15, (0.95, 0.85, 0.2)) for i in range(-10, 10)]
    for side in (-1, 1):
        out.append(_box(f"street/walk{side}", (40, 2, 0.08), (0, side * 6, 0.08), (0.6, 0.6, 0.58), "concrete"))
        for k in range(10):
            h = rng.uniform(8, 25)
            out.append(_box(f"street/bldg{side}_{k}", (3.5, 4, h / 2), (-36 + k * 8, side * 12, h / 2),
                            tuple(float(v) for v in rng.uniform(0.3, 0.7, 3)), "concrete"))
    return out


def stadium_scenery(seed: int) -> Scenery:
    """A grass pitch with white lines and tiers of stands."""
    out: Scenery = [_line("stadium/half", (0, -34), (0, 34), 0.12), _line("stadium/side_a", (-52, 34), (52, 34), 0.12),
                    _line("stadium/side_b", (-52, -34), (52, -34), 0.12)]
    out += _arc("stadium/circle", (0, 0), 9.15, 0, 2 * math.pi, 32)
    for side in (-1, 1):
        for row in range(5):
            out.append(_box(f"stadium/tier{side}_{row}", (55, 1.5, 1 + row), (0, side * (40 + row * 3), 1 + row),
                            (0.35, 0.35, 0.42), "concrete"))
    return out


def fjord_scenery(seed: int) -> Scenery:
    """Steep mountains rising from the water on both sides."""
    rng = stable_rng(seed, "fjord")
    out: Scenery = []
    for i in range(14):
        side = 1 if i % 2 else -1
        x = -120 + i * 18 + rng.uniform(-5, 5)
        h = rng.uniform(60, 140)
        out.append((Part(f"fjord/mountain{i}", "scenery", "cone", (h * 0.7, h / 2), (0.3, 0.35, 0.32), "rock"),
                    translate(x, side * (70 + rng.uniform(0, 30)), h / 2)))
        out.append((Part(f"fjord/snow{i}", "scenery", "cone", (h * 0.17, h * 0.125), (0.95, 0.96, 0.98), "snow"),
                    translate(x, side * (70 + rng.uniform(0, 30)), h * 0.875)))
    return out


def beach_scenery(seed: int) -> Scenery:
    """Sand with the sea beyond."""
    return [_box("beach/sea", (200, 100, 0.01), (0, 115, -0.05), (0.1, 0.35, 0.55), "water")]


def station_scenery(seed: int) -> Scenery:
    """A space-station module: metal deck, curved-looking wall panels and lit strips."""
    out: Scenery = [_box("station/deck", (8, 3, 0.05), (0, 0, -0.05), (0.55, 0.57, 0.6), "metal")]
    for side in (-1, 1):
        out.append(_box(f"station/wall{side}", (8, 0.05, 1.6), (0, side * 3, 1.6), (0.75, 0.77, 0.8), "metal"))
        for k in range(6):
            out.append(_box(f"station/light{side}_{k}", (0.5, 0.02, 0.05), (-6 + k * 2.4, side * 2.94, 2.6),
                            (0.9, 0.95, 1.0), "plastic", emissive=1.0))
    out.append(_box("station/ceiling", (8, 3, 0.05), (0, 0, 3.25), (0.7, 0.72, 0.75), "metal"))
    # a viewport in the side wall (the −x end is the docking door: nothing may block the doorway)
    out.append(_box("station/window", (1.4, 0.05, 0.7), (-1.0, 2.93, 1.7), (0.02, 0.03, 0.08), "glass"))
    return out


def studio_scenery(seed: int) -> Scenery:
    """A seamless grey cyclorama."""
    return [_box("studio/cyc", (12, 0.1, 6), (0, 10, 6), (0.62, 0.62, 0.64), "paint"),
            _box("studio/floor", (12, 10, 0.01), (0, 0, -0.008), (0.6, 0.6, 0.62), "paint")]


def glacier_fjord_scenery(seed: int) -> Scenery:
    """The glacier, its corridor of ice spires and the far ridgelines of the fjord (landscapes.py)."""
    from reelcast.engines.sim.world.landscapes import glacier_scenery

    return glacier_scenery(seed)


def station_world_scenery(seed: int) -> Scenery:
    """The station module's interior plus its exterior hull, door frame, rings and the planet (landscapes.py)."""
    from reelcast.engines.sim.world.landscapes import station_exterior

    # the hull does not shadow the module: inside, the strip lights (not the sun) are what lights the cabin
    return [(replace(p, casts_shadow=False) if p.name.startswith("station/") and p.name != "station/deck" else p, m)
            for p, m in station_scenery(seed) + station_exterior(seed)]


GRASS = Ground((0.33, 0.52, 0.25), "grass", 0.45, 0.9)
PLACES: dict[str, PlaceSpec] = {
    "basketball_court": PlaceSpec(Ground((0.78, 0.55, 0.32), "wood", 0.92, 0.7), court_scenery,
                                  {"hoop": (HOOP_X, 0.0), "shooter": (0.0, 0.0)}),
    "ice_rink": PlaceSpec(Ground((0.88, 0.93, 0.97), "ice", 0.3, 0.03), rink_scenery),
    "lake": PlaceSpec(Ground((0.12, 0.3, 0.4), "water", 0.1, 0.3), forest_scenery),
    "sea": PlaceSpec(Ground((0.08, 0.28, 0.45), "water", 0.1, 0.3)),
    "fjord": PlaceSpec(Ground((0.03, 0.16, 0.48), "water", 0.1, 0.3), glacier_fjord_scenery, fog=0.002),
    "space_station": PlaceSpec(Ground((0.5, 0.52, 0.55), "metal", 0.5, 0.5), station_world_scenery, space=True,
                                fog=0.0, anchors={"inside_lo": (-7.6, -2.6), "inside_hi": (7.6, 2.6),
                                                 "inside_z": (0.4, 2.9)}),
    "festival_town": PlaceSpec(Ground((0.45, 0.42, 0.4), "stone", 0.4, 0.8), town_scenery, lamplit=True),
    "city_street": PlaceSpec(Ground((0.5, 0.5, 0.5), "concrete", 0.5, 0.8), street_scenery),
    "stadium": PlaceSpec(GRASS, stadium_scenery),
    "backyard": PlaceSpec(GRASS, backyard_scenery),
    "beach": PlaceSpec(Ground((0.9, 0.82, 0.6), "sand", 0.2, 0.9), beach_scenery),
    "forest": PlaceSpec(Ground((0.3, 0.42, 0.22), "grass", 0.4, 0.9), forest_scenery),
    "studio": PlaceSpec(Ground((0.6, 0.6, 0.62), "paint", 0.5, 0.7), studio_scenery),
}


def place_spec(place: str) -> PlaceSpec:
    """Return the spec of a place key (unknown keys get the studio)."""
    return PLACES.get(place, PLACES["studio"])


def interior_bounds(place: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the (lo, hi) box a camera must stay in for indoor shots of this place, if it has an interior."""
    a = place_spec(place).anchors
    if "inside_lo" not in a or "inside_hi" not in a:
        return None
    z = a.get("inside_z", (0.3, 3.0))
    return np.array([*a["inside_lo"], z[0]]), np.array([*a["inside_hi"], z[1]])


def build_environment(place: str, time_of_day: str, weather: str, indoor: bool, gravity: float) -> Environment:
    """Return the Environment for a place, time of day, weather and gravity."""
    spec = place_spec(place)
    env = sky(time_of_day, weather, indoor, spec.space)
    env = replace(env, ground_color=spec.ground.color, ground_material=spec.ground.material, gravity=gravity)
    if not spec.space and spec.fog != 0.004 and weather != "fog":
        env = replace(env, fog_density=spec.fog)
    if spec.lamplit and time_of_day.lower() in ("night", "dusk") and not indoor:
        # lanterns and windows light faces and walls warmly from above; the sky stays night
        env = replace(env, sun_direction=(0.1, 0.55, 0.83), sun_color=(1.0, 0.74, 0.48), sun_intensity=0.75,
                      ambient=max(env.ambient, 0.28))
    return env


def scenery_actor(place: str, seed: int) -> StaticActor | None:
    """Return the place's static scenery as one actor, or None for bare places."""
    spec = place_spec(place)
    if spec.scenery is None:
        return None
    parts = spec.scenery(seed)
    return StaticActor("scenery", parts, size=10.0, focus_point=np.zeros(3))
