"""Procedural animals built from primitives: a quadruped rig (dog, cat, horse, dragon proxy) and a bird.

They are kinematic: a gait drives legs, head and tail; the body travels along its heading for walk/run verbs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import trimesh

from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, stable_rng
from reelcast.engines.sim.world.archetypes import BuildContext, action_window, register
from reelcast.engines.sim.world.humanoid import color_of
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.quat import rot_y, rot_z, segment, translate
from reelcast.prompt.plan import Entity


@dataclass
class QuadSpec:
    """Proportions, colours and gait of a quadruped (metres)."""

    body_len: float
    body_r: float
    leg_len: float
    leg_r: float
    neck_len: float
    neck_angle: float  # radians above horizontal
    head_r: float
    snout_len: float
    ears: str  # floppy | pointy | small
    tail_len: float
    tail_lift: float  # radians above horizontal at rest
    fur: tuple[float, float, float]
    nose: tuple[float, float, float] = (0.05, 0.04, 0.04)
    walk_speed: float = 1.0
    run_speed: float = 3.0
    stride: float = 0.5
    wings: bool = False
    horns: bool = False


SPECS: dict[str, QuadSpec] = {
    "dog": QuadSpec(0.55, 0.15, 0.4, 0.045, 0.18, 0.9, 0.12, 0.12, "floppy", 0.32, 0.5, (0.85, 0.62, 0.3),
                    walk_speed=1.1, run_speed=3.5, stride=0.55),
    "cat": QuadSpec(0.36, 0.085, 0.22, 0.026, 0.06, 1.0, 0.075, 0.035, "pointy", 0.32, 1.2, (0.55, 0.5, 0.48),
                    nose=(0.85, 0.5, 0.55), walk_speed=0.6, run_speed=2.5, stride=0.3),
    "horse": QuadSpec(1.3, 0.32, 1.0, 0.07, 0.6, 1.0, 0.17, 0.35, "small", 0.6, -0.9, (0.45, 0.28, 0.15),
                      walk_speed=1.6, run_speed=6.0, stride=1.4),
    "dragon": QuadSpec(1.6, 0.35, 0.7, 0.1, 0.9, 0.7, 0.22, 0.35, "small", 1.8, 0.1, (0.2, 0.45, 0.25),
                       nose=(0.1, 0.1, 0.1), walk_speed=1.5, run_speed=4.0, stride=1.2, wings=True, horns=True),
}


def _ellipsoid(radii: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    m = trimesh.creation.icosphere(subdivisions=2, radius=1.0)
    return (np.asarray(m.vertices) * np.asarray(radii)).astype(np.float32), np.asarray(m.faces, np.int32)


class QuadrupedActor(Actor):
    """A kinematic four-legged animal with a walk/trot cycle, head bob and tail wag."""

    def __init__(self, entity: str, spec: QuadSpec, pos: np.ndarray, yaw: float,
                 spans: list[tuple[float, float, float]], fur: tuple[float, float, float], seed: int,
                 flying: list[tuple[float, float]] | None = None) -> None:
        self.entity = entity
        self.s = spec
        self.start = np.array([pos[0], pos[1]], dtype=float)
        self.yaw = yaw
        self.spans = spans  # (start, end, speed)
        self.flying = flying or []
        self.rng_phase = float(stable_rng(seed, "gait", entity).uniform(0, 2 * math.pi))
        s = spec
        self.size = max(s.leg_len + s.body_r * 2 + s.neck_len * math.sin(s.neck_angle), s.body_len)
        self.parts: list[Part] = []
        dark = tuple(c * 0.75 for c in fur)
        light = tuple(min(1.0, c * 1.15 + 0.05) for c in fur)

        def add(name: str, shape: str, size: tuple[float, ...], color: tuple[float, ...], material: str = "fur",
                mesh: tuple[np.ndarray, np.ndarray] | None = None) -> None:
            v, f = mesh if mesh else (None, None)
            self.parts.append(Part(f"{entity}/{name}", entity, shape, size, tuple(color), material, v, f))

        add("body", "mesh", (1.0,), fur, mesh=_ellipsoid((s.body_len / 2 + s.body_r * 0.4, s.body_r, s.body_r * 1.05)))
        add("chest", "sphere", (s.body_r * 1.08,), light)
        add("neck", "capsule", (s.body_r * 0.55, s.neck_len / 2), fur)
        add("head", "sphere", (s.head_r,), fur)
        add("snout", "capsule", (s.head_r * 0.5, s.snout_len / 2), light)
        add("nose", "sphere", (s.head_r * 0.22,), s.nose, "skin")
        add("eye_l", "sphere", (s.head_r * 0.16,), (0.03, 0.03, 0.03), "default")
        add("eye_r", "sphere", (s.head_r * 0.16,), (0.03, 0.03, 0.03), "default")
        if s.ears == "floppy":
            ear = _ellipsoid((s.head_r * 0.45, s.head_r * 0.14, s.head_r * 0.8))
            add("ear_l", "mesh", (1.0,), dark, mesh=ear)
            add("ear_r", "mesh", (1.0,), dark, mesh=ear)
        else:
            k = 0.5 if s.ears == "pointy" else 0.3
            add("ear_l", "cone", (s.head_r * k * 0.7, s.head_r * k), fur)
            add("ear_r", "cone", (s.head_r * k * 0.7, s.head_r * k), fur)
        for leg in ("fl", "fr", "bl", "br"):
            add(f"{leg}_upper", "capsule", (s.leg_r * 1.3, s.leg_len * 0.25), fur)
            add(f"{leg}_lower", "capsule", (s.leg_r, s.leg_len * 0.25), fur)
            add(f"{leg}_paw", "sphere", (s.leg_r * 1.35,), dark)
        for i in range(3):
            add(f"tail{i}", "capsule", (s.body_r * (0.3 - 0.07 * i), s.tail_len / 6), fur if i < 2 else light)
        if s.horns:
            add("horn_l", "cone", (s.head_r * 0.2, s.head_r * 0.6), (0.9, 0.85, 0.7), "bone")
            add("horn_r", "cone", (s.head_r * 0.2, s.head_r * 0.6), (0.9, 0.85, 0.7), "bone")
        if s.wings:
            add("wing_l", "box", (s.body_len * 0.35, s.body_len * 0.7, 0.02), dark, "membrane")
            add("wing_r", "box", (s.body_len * 0.35, s.body_len * 0.7, 0.02), dark, "membrane")

    def _travel(self, t: float) -> tuple[float, float]:
        """Return (distance travelled, current speed) at time t."""
        dist, speed = 0.0, 0.0
        for a, b, v in self.spans:
            if t > a:
                dist += v * (min(t, b) - a)
                if t < b:
                    speed = v
        return dist, speed

    def _altitude(self, t: float) -> float:
        h = 0.0
        for a, b in self.flying:
            if a <= t <= b:
                u = min(1.0, (t - a) / 1.0, (b - t) / 1.0)
                h = max(h, 3.0 * max(0.0, u))
        return h

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the animal's part matrices at time t."""
        s = self.s
        dist, speed = self._travel(t)
        moving = speed > 0
        phase = 2 * math.pi * dist / s.stride + self.rng_phase
        amp = 0.0 if not moving else min(0.6, 0.25 + 0.1 * speed)
        alt = self._altitude(t)
        hip_h = s.leg_len * 0.95 + s.body_r * 0.2
        bob = (0.012 + 0.01 * speed) * math.sin(2 * phase) if moving else 0.006 * math.sin(2 * math.pi * t / 2.5)
        pos = self.start + dist * np.array([math.cos(self.yaw), math.sin(self.yaw)])
        B = translate(pos[0], pos[1], hip_h + bob + alt) @ rot_z(self.yaw)

        def w(p: tuple[float, float, float] | np.ndarray) -> np.ndarray:
            return (B @ np.array([p[0], p[1], p[2], 1.0]))[:3]

        out: list[np.ndarray] = [B.copy()]
        half = s.body_len / 2
        out.append(B @ translate(half * 0.8, 0, s.body_r * 0.1))
        neck0 = np.array([half * 0.9, 0.0, s.body_r * 0.4])
        look = 0.25 * math.sin(2 * math.pi * t / 5.0) if not moving else 0.05 * math.sin(phase)
        nd = np.array([math.cos(s.neck_angle) * math.cos(look), math.sin(look), math.sin(s.neck_angle)])
        neck1 = neck0 + nd * s.neck_len
        out.append(B @ segment(neck0, neck1))
        head = neck1 + np.array([s.head_r * 0.5, 0.0, s.head_r * 0.6])
        H = B @ translate(*head) @ rot_z(look)
        out.append(H.copy())
        out.append(H @ translate(s.head_r * 0.6 + s.snout_len / 2, 0, -s.head_r * 0.3) @ rot_y(math.pi / 2))
        out.append(H @ translate(s.head_r * 0.6 + s.snout_len + s.head_r * 0.35, 0, -s.head_r * 0.15))
        out.append(H @ translate(s.head_r * 0.78, s.head_r * 0.4, s.head_r * 0.3))
        out.append(H @ translate(s.head_r * 0.78, -s.head_r * 0.4, s.head_r * 0.3))
        flap = 0.15 * math.sin(phase * 2) if moving else 0.0
        if s.ears == "floppy":
            out.append(H @ translate(-s.head_r * 0.1, s.head_r * 0.9, -s.head_r * 0.25) @ rot_z(0.0)
                       @ rot_y(flap) @ translate(0, 0, 0))
            out.append(H @ translate(-s.head_r * 0.1, -s.head_r * 0.9, -s.head_r * 0.25) @ rot_y(-flap))
        else:
            out.append(H @ translate(-s.head_r * 0.1, s.head_r * 0.55, s.head_r * 0.85) @ rot_y(-0.15))
            out.append(H @ translate(-s.head_r * 0.1, -s.head_r * 0.55, s.head_r * 0.85) @ rot_y(-0.15))
        # legs: diagonal pairs swing together (a trot/walk), the knee folds while the leg swings forward
        hips = {"fl": (half * 0.75, s.body_r * 0.6), "fr": (half * 0.75, -s.body_r * 0.6),
                "bl": (-half * 0.8, s.body_r * 0.6), "br": (-half * 0.8, -s.body_r * 0.6)}
        offs = {"fl": 0.0, "br": 0.0, "fr": math.pi, "bl": math.pi}
        L = s.leg_len * 0.5
        for leg, (hx, hy) in hips.items():
            ph = phase + offs[leg]
            swing = amp * math.sin(ph)
            lift = max(0.0, math.cos(ph)) * amp * 1.4
            if alt > 0.2:
                swing, lift = -0.6 if leg[0] == "b" else 0.5, 0.9  # tucked in flight
            bend = lift if leg[0] == "f" else -lift
            hip = np.array([hx, hy, 0.0])
            knee = hip + L * np.array([math.sin(swing), 0.0, -math.cos(swing)])
            a2 = swing - bend
            paw = knee + L * np.array([math.sin(a2), 0.0, -math.cos(a2)])
            out.append(B @ segment(hip, knee))
            out.append(B @ segment(knee, paw))
            out.append(B @ translate(*(paw + np.array([s.leg_r * 0.6, 0, 0]))))
        wag = (0.5 if not moving else 0.25) * math.sin(2 * math.pi * t * (2.2 if not moving else 1.5))
        p0 = np.array([-half - s.body_r * 0.2, 0.0, s.body_r * 0.3])
        ang = s.tail_lift
        for _i in range(3):
            d = np.array([-math.cos(ang) * math.cos(wag), math.sin(wag), math.sin(ang)])
            p1 = p0 + d * s.tail_len / 3
            out.append(B @ segment(p0, p1))
            p0 = p1
            ang -= 0.25
            wag *= 1.3
        if s.horns:
            for side in (1, -1):
                out.append(H @ translate(-s.head_r * 0.3, side * s.head_r * 0.4, s.head_r * 0.9) @ rot_y(-0.6))
        if s.wings:
            beat = 0.9 * math.sin(2 * math.pi * t * 1.3) if alt > 0.1 else 0.25
            for side in (1, -1):
                root = np.array([0.1, side * s.body_r * 0.8, s.body_r * 0.8])
                W = B @ translate(*root) @ _rot_x(side * (0.3 + beat)) @ translate(0, side * s.body_len * 0.7, 0)
                out.append(W)
        return np.array(out)

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the body's centre."""
        return poses[0, :3, 3]


def _rot_x(a: float) -> np.ndarray:
    c, sn = math.cos(a), math.sin(a)
    m = np.eye(4)
    m[1, 1], m[1, 2], m[2, 1], m[2, 2] = c, -sn, sn, c
    return m


def _spans(ctx: BuildContext, e: Entity, spec: QuadSpec) -> tuple[list, list]:
    spans, flying = [], []
    t = 0.0
    for idx, a in ctx.actions_of(e.id):
        natural = max(1.0, ctx.plan.duration - max(t, 0.3))
        start, end = action_window(ctx, idx, a, natural, t)
        if a.verb in ("walk", "run", "fly", "jump"):
            v = spec.run_speed if a.verb == "run" else spec.walk_speed
            spans.append((start, end, v))
            if a.verb == "fly":
                flying.append((start, end))
        elif a.verb not in ("stand", "idle", "sit", "float", "talk"):
            ctx.note(f"sim: {e.archetype} verb {a.verb!r} is not animated yet; it idles")
        t = end
    return spans, flying


def _quadruped(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float, kind: str) -> Actor:
    spec = SPECS[kind]
    a = {k.lower(): v for k, v in e.attributes.items()}
    words = " ".join([a.get("color", ""), a.get("fur", ""), a.get("breed", ""), e.source])
    fur = spec.fur
    if "golden" in words.lower() or "retriever" in words.lower():
        fur = (0.9, 0.68, 0.36)
    fur = color_of(a.get("color") or a.get("fur"), fur)
    if kind == "dog" and ctx.plan.setting.place == "space_station" and ctx.gravity <= 1e-6:
        from reelcast.engines.sim.world.space import astro_dog

        return astro_dog(ctx, e, fur)
    spans, flying = _spans(ctx, e, spec)
    if kind in ("horse", "dragon"):
        ctx.note(f"sim: {kind} is a simple primitive proxy in this version")
    return QuadrupedActor(e.id, spec, pos, yaw, spans, fur, ctx.seed, flying)


@register("dog", "puppy")
def dog(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A cartoon dog (golden by default): body, head, snout with black nose, floppy ears, legs, wagging tail."""
    return _quadruped(ctx, e, pos, yaw, "dog")


@register("cat", "kitten")
def cat(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A cartoon cat: slim body, pointy ears, pink nose, tall curved tail."""
    return _quadruped(ctx, e, pos, yaw, "cat")


@register("horse")
def horse(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A horse proxy: long legs and neck on the quadruped rig."""
    return _quadruped(ctx, e, pos, yaw, "horse")


class BirdActor(Actor):
    """A small bird: body, head, beak, flapping wings; flies in a wide circle for fly verbs, else perches."""

    def __init__(self, entity: str, pos: np.ndarray, color: tuple[float, float, float],
                 flying: list[tuple[float, float]]) -> None:
        self.entity = entity
        self.center = np.array([pos[0], pos[1]], dtype=float)
        self.flying = flying
        self.size = 0.4
        self.parts = [
            Part(f"{entity}/body", entity, "mesh", (1.0,), color, "feathers", *_ellipsoid((0.1, 0.055, 0.055))),
            Part(f"{entity}/head", entity, "sphere", (0.04,), color, "feathers"),
            Part(f"{entity}/beak", entity, "cone", (0.015, 0.025), (0.95, 0.65, 0.1), "bone"),
            Part(f"{entity}/wing_l", entity, "box", (0.06, 0.1, 0.006), tuple(c * 0.8 for c in color), "feathers"),
            Part(f"{entity}/wing_r", entity, "box", (0.06, 0.1, 0.006), tuple(c * 0.8 for c in color), "feathers"),
            Part(f"{entity}/tail", entity, "box", (0.05, 0.03, 0.004), tuple(c * 0.7 for c in color), "feathers"),
        ]

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the bird's part matrices at time t."""
        fly = any(a <= t <= b for a, b in self.flying)
        if fly:
            a = 0.6 * t
            p = np.array([self.center[0] + 3 * math.cos(a), self.center[1] + 3 * math.sin(a),
                          2.5 + 0.3 * math.sin(3 * t)])
            yaw, beat = a + math.pi / 2, 0.8 * math.sin(2 * math.pi * 6 * t)
        else:
            p = np.array([self.center[0], self.center[1], 0.06])
            yaw, beat = 0.0, -1.2
        B = translate(*p) @ rot_z(yaw)
        return np.array([
            B, B @ translate(0.1, 0, 0.04), B @ translate(0.155, 0, 0.035) @ rot_y(math.pi / 2),
            B @ _rot_x(beat) @ translate(0, 0.1, 0), B @ _rot_x(-beat) @ translate(0, -0.1, 0),
            B @ translate(-0.13, 0, 0.01),
        ])


@register("bird")
def bird(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A small bird (proxy)."""
    _, flying = _spans(ctx, e, SPECS["cat"])
    ctx.note("sim: bird is a simple primitive proxy in this version")
    return BirdActor(e.id, pos, color_of(e.attributes.get("color"), (0.3, 0.35, 0.6)), flying)


# richer creatures live in their own modules and register themselves (the flying dragon overrides nothing here)
from reelcast.engines.sim.world import dragon as _dragon  # noqa: E402,F401
from reelcast.engines.sim.world import festival as _festival  # noqa: E402,F401
from reelcast.engines.sim.world import space as _space  # noqa: E402,F401
