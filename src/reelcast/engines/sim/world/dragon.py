"""A flying dragon: segmented neck and tail, horned head, membrane wings that flap, wingtip vortices as particles.

It flies a corridor along +x at altitude (the fjord's ice-spire corridor), banks towards the fjord near the end, and
drives a wind-shear loop plus a wing "thump" on each downstroke.
"""

from __future__ import annotations

import math

import numpy as np
import trimesh

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, stable_rng
from reelcast.engines.sim.world.archetypes import BuildContext, register
from reelcast.engines.sim.world.dragon_shots import fjord_reveal
from reelcast.engines.sim.world.humanoid import color_of
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.quat import rot_x, rot_y, rot_z, scale, segment, translate
from reelcast.prompt.plan import Entity

FLIGHT_ALTITUDE = 24.0  # metres above the water: the middle of the ice-spire corridor
FLIGHT_SPEED = 13.0  # m/s along the corridor
FLAP_HZ = 1.1  # wing beats per second
NECK_SEGMENTS = 5
TAIL_SEGMENTS = 8
VORTEX_PARTICLES = 10  # per wingtip
VORTEX_LIFE = 0.9  # seconds a spindrift puff lives
# a little self-light on every body part (the wings have their own): with the low sun behind the dragon from the
# camera's side of the corridor, its near flank gets only sky light and read as a dark silhouette; this stands in for
# the bounce off the sunlit ice and keeps the slate-teal scales readable
BODY_FILL = 0.14
BANK_TIME = 1.8  # seconds: the closing bank towards the fjord
BANK_SIDESLIP = 1.6  # m/s²: how hard the bank curves the path to the right
BANK_DROP = 1.4  # m/s²: how fast it dives towards the water in the bank


def ellipsoid(radii: tuple[float, float, float], subdivisions: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Return (vertices, faces) of an ellipsoid centred at the origin."""
    m = trimesh.creation.icosphere(subdivisions=subdivisions, radius=1.0)
    return (np.asarray(m.vertices) * np.asarray(radii)).astype(np.float32), np.asarray(m.faces, np.int32)


def membrane(outline: list[tuple[float, float]], thickness: float = 0.04) -> tuple[np.ndarray, np.ndarray]:
    """Return a thin extruded polygon (x forward, y outward) centred on z = 0: a wing membrane panel.

    The outline must be star-shaped around its centroid (it is fanned from there); sides are closed with quads.
    """
    pts = np.asarray(outline, dtype=np.float64)
    c = pts.mean(axis=0)
    n = len(pts)
    h = thickness / 2
    ring = np.concatenate([np.column_stack([pts, np.full(n, h)]), np.column_stack([pts, np.full(n, -h)])])
    verts = np.concatenate([ring, [[c[0], c[1], h], [c[0], c[1], -h]]]).astype(np.float32)
    top, bot = 2 * n, 2 * n + 1
    faces = []
    for i in range(n):
        j = (i + 1) % n
        faces += [(top, i, j), (bot, n + j, n + i), (i, n + i, n + j), (i, n + j, j)]
    f = np.asarray(faces, np.int32)
    # orient the fan upwards whatever the outline's winding
    area = float(np.sum(pts[:, 0] * np.roll(pts[:, 1], -1) - np.roll(pts[:, 0], -1) * pts[:, 1]))
    return verts, (f if area > 0 else f[:, ::-1].copy())


# wing panels in the wing's local frame: x forward along the body, y outward from the shoulder (metres)
INNER_WING = [(0.9, 0.0), (0.5, 3.2), (-0.2, 3.3), (-1.2, 2.2), (-1.8, 0.6), (-1.4, 0.0)]
OUTER_WING = [(0.5, 0.0), (0.2, 2.8), (-0.1, 3.6), (-0.7, 2.4), (-1.2, 1.3), (-0.2, 0.0)]
INNER_SPAN, OUTER_TIP = 3.2, np.array([-0.1, 3.6, 0.0])


def _leg_segment(x: float, y: float) -> np.ndarray:
    a = np.array([x, y, -0.4])
    return segment(a, a + np.array([-0.65, 0.0, -0.25]))


# the legs and the wing arms are fixed in their frames: their segment matrices are built once, not per frame
_LEGS = [_leg_segment(x, y) for x, y in ((0.9, 0.45), (0.9, -0.45), (-0.9, 0.5), (-0.9, -0.5))]
_ARMS = [segment(np.array([0.5, 0.0, 0.0]), np.array([0.5, side * INNER_SPAN, 0.0])) for side in (1, -1)]


class DragonActor(Actor):
    """A kinematic dragon flying the corridor; `flap(t)` is the wing angle, `downstrokes` the beat times."""

    def __init__(self, entity: str, start: np.ndarray, yaw: float, duration: float, seed: int,
                 scales: tuple[float, float, float], belly: tuple[float, float, float]) -> None:
        self.entity = entity
        self.start = np.array([start[0], start[1], FLIGHT_ALTITUDE], dtype=float)
        self.yaw0 = yaw
        self.duration = duration
        self.phase = float(stable_rng(seed, "flap", entity).uniform(0, 0.4))
        self.size = 4.0
        self.parts: list[Part] = []
        horn = (0.78, 0.72, 0.6)
        wing = tuple(min(1.0, 0.55 * c + 0.5 * a) for c, a in zip(scales, (0.55, 0.38, 0.3), strict=True))

        def add(name: str, shape: str, size: tuple[float, ...], color: tuple[float, ...], material: str = "scales",
                mesh: tuple[np.ndarray, np.ndarray] | None = None, emissive: float = BODY_FILL,
                shadow: bool = True) -> None:
            """Append one drawable part of the dragon."""
            v, f = mesh if mesh else (None, None)
            self.parts.append(Part(f"{entity}/{name}", entity, shape, size, tuple(color), material, v, f,
                                   emissive=emissive, casts_shadow=shadow))

        add("body", "mesh", (1.0,), scales, mesh=ellipsoid((1.7, 0.75, 0.7)))
        add("belly", "mesh", (1.0,), belly, mesh=ellipsoid((1.5, 0.6, 0.5)))
        for i in range(NECK_SEGMENTS):
            add(f"neck{i}", "capsule", (0.42 - 0.05 * i, 0.28), scales)
        add("head", "mesh", (1.0,), scales, mesh=ellipsoid((0.55, 0.32, 0.3)))
        add("jaw", "mesh", (1.0,), belly, mesh=ellipsoid((0.45, 0.22, 0.12)))
        add("eye_l", "sphere", (0.06,), (1.0, 0.7, 0.15), "glass", emissive=0.6, shadow=False)
        add("eye_r", "sphere", (0.06,), (1.0, 0.7, 0.15), "glass", emissive=0.6, shadow=False)
        for i, (r, h) in enumerate([(0.09, 0.45), (0.09, 0.45), (0.05, 0.22), (0.05, 0.22)]):
            add(f"horn{i}", "cone", (r, h), horn, "bone")
        for i in range(TAIL_SEGMENTS):
            add(f"tail{i}", "capsule", (0.34 * (1 - i / (TAIL_SEGMENTS + 1)), 0.32), scales)
        add("tail_spade", "cone", (0.25, 0.3), wing, "bone")
        for i in range(6):
            add(f"spike{i}", "cone", (0.1, 0.2), horn, "bone")
        for leg in ("fl", "fr", "bl", "br"):
            add(f"{leg}_leg", "capsule", (0.16, 0.35), scales)
        for side in ("l", "r"):
            add(f"arm_{side}", "capsule", (0.1, INNER_SPAN / 2), wing, "bone")
            k = 1.0 if side == "l" else -1.0  # the right wing is the mirrored outline (not a mirrored matrix)
            add(f"wing_{side}_inner", "mesh", (1.0,), wing, "membrane",
                mesh=membrane([(x, k * y) for x, y in INNER_WING]), emissive=0.12)
            add(f"wing_{side}_outer", "mesh", (1.0,), wing, "membrane",
                mesh=membrane([(x, k * y) for x, y in OUTER_WING]), emissive=0.12)
        self.n_body = len(self.parts)

    @property
    def bank_start(self) -> float:
        """When the dragon starts banking towards the fjord (BANK_TIME before the end)."""
        return max(0.0, self.duration - BANK_TIME)

    # ------------------------------------------------------------------ motion
    def flap(self, t: float) -> float:
        """Shoulder angle of the wings (radians, + = up) at time t."""
        return 0.75 * math.sin(2 * math.pi * FLAP_HZ * t + self.phase) + 0.15

    def downstrokes(self) -> list[float]:
        """Times at which a downstroke is strongest (flap velocity most negative)."""
        out = []
        k = 0
        while True:
            # d/dt sin(wt + p) is most negative where wt + p = pi (mod 2 pi)
            t = (math.pi * (2 * k + 1) - self.phase) / (2 * math.pi * FLAP_HZ)
            if t > self.duration:
                return out
            if t >= 0:
                out.append(t)
            k += 1

    def body_matrix(self, t: float) -> np.ndarray:
        """World matrix of the body: along the corridor, weaving gently, banking towards the fjord at the end."""
        u = max(0.0, t - self.bank_start)
        # turning right (−y), away from the glacier towards the open fjord, and dropping towards the water
        yaw = self.yaw0 - math.atan2(2 * BANK_SIDESLIP * u, FLIGHT_SPEED)  # nose along the curving path
        dist = FLIGHT_SPEED * t
        lateral = 0.6 * math.sin(0.9 * t) - BANK_SIDESLIP * u * u
        c, s = math.cos(self.yaw0), math.sin(self.yaw0)
        p = self.start + np.array([dist * c - lateral * s, dist * s + lateral * c, -BANK_DROP * u * u])
        p[2] += 0.5 * math.sin(2 * math.pi * FLAP_HZ * t + self.phase + 1.3)  # lift bob with each beat
        roll = -0.12 * math.sin(0.9 * t) + 0.7 * min(1.0, u / 1.2)  # right wing down into the turn
        pitch = 0.05 * math.sin(2 * math.pi * FLAP_HZ * t + self.phase)
        return translate(*p) @ rot_z(yaw) @ rot_x(roll) @ rot_y(pitch)

    def wingtips(self, t: float) -> list[np.ndarray]:
        """World positions of both wingtips at time t."""
        B = self.body_matrix(t)
        out = []
        for side in (1, -1):
            _, elbow = self._wing(B, side, t)
            tip = elbow @ translate(-0.5, 0, 0) @ np.array([OUTER_TIP[0], side * OUTER_TIP[1], 0.0, 1.0])
            out.append(tip[:3])
        return out

    def _wing(self, B: np.ndarray, side: int, t: float) -> tuple[np.ndarray, np.ndarray]:
        a = self.flap(t)
        fold = 0.45 * math.sin(2 * math.pi * FLAP_HZ * t + self.phase - 0.8)  # outer panel lags the stroke
        shoulder = B @ translate(0.5, side * 0.55, 0.45) @ rot_x(side * a)
        elbow = shoulder @ translate(0.5, side * INNER_SPAN, 0.0) @ rot_x(side * fold)
        return shoulder, elbow

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the dragon's part matrices at time t."""
        B = self.body_matrix(t)
        out: list[np.ndarray] = [B, B @ translate(0.1, 0.0, -0.25)]
        # neck: an S-curve rising forward, swaying a little against the wingbeat
        sway = 0.12 * math.sin(2 * math.pi * FLAP_HZ * t + self.phase + 2.0)
        p0 = np.array([1.4, 0.0, 0.25])
        pts = [p0]
        for i in range(NECK_SEGMENTS):
            ang = 0.55 - 0.18 * i
            d = np.array([math.cos(ang), sway * (i + 1) / NECK_SEGMENTS, math.sin(ang)])
            pts.append(pts[-1] + 0.5 * d / np.linalg.norm(d))
        for i in range(NECK_SEGMENTS):
            out.append(B @ segment(pts[i], pts[i + 1]))
        head = pts[-1] + np.array([0.4, 0.0, 0.0])
        H = B @ translate(*head) @ rot_y(0.12)
        jaw_open = 0.12 + 0.1 * max(0.0, math.sin(2 * math.pi * 0.7 * t))
        out.append(H)
        out.append(H @ translate(0.12, 0, -0.18) @ rot_y(jaw_open))
        out.append(H @ translate(0.18, 0.2, 0.1))
        out.append(H @ translate(0.18, -0.2, 0.1))
        for side in (1, -1):  # two long swept-back horns and two short ones
            out.append(H @ translate(-0.35, side * 0.15, 0.22) @ rot_y(-2.0) @ translate(0, 0, 0.35))
        for side in (1, -1):
            out.append(H @ translate(-0.1, side * 0.25, 0.15) @ rot_y(-1.8) @ rot_x(side * 0.5) @ translate(0, 0, 0.18))
        # tail: a chain that scissors side to side with a travelling wave
        p = np.array([-1.6, 0.0, 0.05])
        for i in range(TAIL_SEGMENTS):
            wave = 0.22 * math.sin(2 * math.pi * 0.8 * t - 0.6 * i)
            d = np.array([-math.cos(wave), math.sin(wave), -0.05])
            q = p + 0.62 * d / np.linalg.norm(d)
            out.append(B @ segment(p, q))
            p = q
        out.append(B @ translate(*(p + np.array([-0.25, 0.0, 0.0]))) @ rot_y(-math.pi / 2))
        for i in range(6):  # dorsal spikes along the back and neck base
            out.append(B @ translate(1.2 - 0.55 * i, 0.0, 0.7 - 0.03 * i) @ rot_y(-0.5))
        for leg in _LEGS:
            out.append(B @ leg)  # tucked back in flight
        for side, arm in zip((1, -1), _ARMS, strict=True):
            S, E = self._wing(B, side, t)
            out.append(S @ arm)
            out.append(S)
            out.append(E @ translate(-0.5, 0, 0))
        return np.array(out)

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the body's centre."""
        return poses[0, :3, 3]

    def sound_events(self) -> list[ContactEvent]:
        """A wing-membrane thump on each downstroke (the prompt's "wing membrane thunder")."""
        out = []
        for t in self.downstrokes():
            p = self.body_matrix(t)[:3, 3]
            out.append(ContactEvent(t=t, body_a=f"{self.entity}/wing_l_inner", body_b="air", impulse=60.0,
                                    position=(float(p[0]), float(p[1]), float(p[2])), material_a="membrane",
                                    material_b="air"))
        return out

    def sound_loops(self, fps: int, n_frames: int) -> dict[str, np.ndarray]:
        """High-air wind shear, loudest on the downstrokes."""
        t = np.arange(n_frames) / fps
        beat = 0.5 + 0.5 * np.maximum(0.0, -np.sin(2 * np.pi * FLAP_HZ * t + self.phase + np.pi / 2))
        return {"wind": (0.55 + 0.35 * beat).astype(np.float32)}


class VortexActor(Actor):
    """Spindrift puffs peeling off the dragon's wingtips: a few pale particles that drift, grow and fade."""

    def __init__(self, dragon: DragonActor, seed: int) -> None:
        self.entity = f"{dragon.entity}_vortices"
        self.dragon = dragon
        self.size = 1.0
        rng = stable_rng(seed, "vortex", dragon.entity)
        self.drift = rng.normal(0, 0.6, (2, VORTEX_PARTICLES, 3))
        self.parts = [Part(f"{self.entity}/{s}{k}", self.entity, "sphere", (0.35,), (0.93, 0.96, 1.0), "snow",
                           emissive=0.25, casts_shadow=False)
                      for s in ("l", "r") for k in range(VORTEX_PARTICLES)]

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Each puff was shed `age` seconds ago at the wingtip; it curls (a vortex), sinks and shrinks away."""
        out = []
        ages = [(k + (t * VORTEX_PARTICLES / VORTEX_LIFE) % 1.0) * VORTEX_LIFE / VORTEX_PARTICLES
                for k in range(VORTEX_PARTICLES)]
        # both sides' puffs of rank k were shed at the same instant: one wingtips() call serves the pair
        tips = [self.dragon.wingtips(max(t - age, 0.0)) for age in ages]
        for si in range(2):
            for k in range(VORTEX_PARTICLES):
                age = ages[k]
                born = t - age
                tip = tips[k][si]
                swirl = 0.8 * age * np.array([0.0, math.cos(6 * age + k), math.sin(6 * age + k)])
                p = tip + swirl + self.drift[si, k] * age + np.array([0.0, 0.0, -1.2 * age])
                life = 1.0 - age / VORTEX_LIFE
                k_scale = max(0.02, (0.4 + 1.6 * age) * life) if born >= 0 else 0.0
                out.append(translate(*p) @ scale(k_scale))
        return np.array(out)


@register("dragon", "wyvern", "drake")
def dragon(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A flying dragon (scales coloured from the prompt, slate-teal by default) with wingtip vortices."""
    a = {k.lower(): v for k, v in e.attributes.items()}
    scales = color_of(a.get("color") or a.get("scales"), (0.32, 0.42, 0.44))
    belly = tuple(min(1.0, c * 1.5 + 0.12) for c in scales)
    start = np.array([pos[0] - FLIGHT_SPEED * ctx.plan.duration * 0.5, pos[1], 0.0])
    actor = DragonActor(e.id, start, 0.0, ctx.plan.duration, ctx.seed, scales, belly)
    ctx.extra.append(VortexActor(actor, ctx.seed))
    ctx.directors.append(fjord_reveal(actor, ctx.seed))
    return actor
