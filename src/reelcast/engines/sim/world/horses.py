"""Horses and a person standing across two of them: a horse that reads as a horse (long legs, long neck, mane,
tail, hooves) walking with a four-beat gait, kinematic collision boxes on their backs, a rider with legs spread
who becomes a ragdoll when the plan's fall begins and lands hard on the ground; plus an open field place.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pybullet as pb
import trimesh

from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, stable_rng
from reelcast.engines.sim.world.archetypes import register
from reelcast.engines.sim.world.humanoid import NATIVE_HEIGHT, HumanoidActor, color_of
from reelcast.engines.sim.world.motions import X_AXIS, Y_TO_Z, Z_AXIS, Pose
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.places import GRASS, PLACES, PlaceSpec, Scenery, _box, _trees
from reelcast.engines.sim.world.quat import qaxis, qmul, qnorm, rot_y, rot_z, segment, translate
from reelcast.prompt.plan import Entity

if TYPE_CHECKING:
    from reelcast.engines.sim.world.archetypes import BuildContext

WITHERS = 1.6  # m, shoulder height of a riding horse
BACK_Z = 1.52  # m, top of the back where a standing rider's feet go
BODY_HALF = (0.78, 0.3, 0.34)  # barrel ellipsoid half-axes (length, width, height)
BODY_Z = 1.2  # barrel centre height
LEG = 1.0  # hip/shoulder joint to hoof
WALK_SPEED = 1.7  # m/s (a brisk walk)
STRIDE = 1.7  # m per full gait cycle
HORSE_GAP = 0.95  # m between the two horses' centre lines under a standing rider
SINGLE_STANCE = 0.35  # m between the feet of a rider standing on one horse's back
COATS = [(0.42, 0.25, 0.13), (0.25, 0.16, 0.1), (0.62, 0.42, 0.24), (0.85, 0.82, 0.78), (0.12, 0.1, 0.09)]


def _ellipsoid(radii: tuple[float, float, float], sub: int = 2) -> tuple[np.ndarray, np.ndarray]:
    m = trimesh.creation.icosphere(subdivisions=sub, radius=1.0)
    return (np.asarray(m.vertices) * np.asarray(radii)).astype(np.float32), np.asarray(m.faces, np.int32)


class HorseActor(Actor):
    """A horse walking straight along its heading with a lateral four-beat walk; its barrel is a kinematic box."""

    LEGS = {"fl": (0.6, 0.17, 0.0), "fr": (0.6, -0.17, 0.5), "bl": (-0.62, 0.17, 0.75), "br": (-0.62, -0.17, 0.25)}

    def __init__(self, entity: str, name: str, pos: np.ndarray, yaw: float, coat: tuple[float, float, float],
                 speed: float, seed: int) -> None:
        self.entity = entity
        self.name = name
        self.start = np.array([pos[0], pos[1]], dtype=float)
        self.yaw = yaw
        self.speed = speed
        self.size = 2.2
        self.phase0 = float(stable_rng(seed, "horse", name).uniform(0, 1))
        self.body: int | None = None
        dark = (0.07, 0.06, 0.05)
        mane = tuple(c * 0.35 for c in coat) if sum(coat) > 1.2 else dark
        self.parts: list[Part] = []

        def add(n: str, shape: str, size: tuple[float, ...], color: tuple[float, ...], material: str = "fur",
                mesh: tuple[np.ndarray, np.ndarray] | None = None) -> None:
            v, f = mesh if mesh else (None, None)
            self.parts.append(Part(f"{name}/{n}", entity, shape, size, tuple(color), material, v, f))

        add("barrel", "mesh", (1.0,), coat, mesh=_ellipsoid(BODY_HALF))
        add("chest", "sphere", (0.3,), coat)
        add("rump", "sphere", (0.31,), coat)
        add("neck", "mesh", (1.0,), coat, mesh=_ellipsoid((0.16, 0.12, 0.45)))
        add("head", "mesh", (1.0,), coat, mesh=_ellipsoid((0.11, 0.1, 0.32)))
        add("muzzle", "sphere", (0.095,), tuple(c * 0.6 for c in coat))
        add("eye_l", "sphere", (0.025,), dark, "default")
        add("eye_r", "sphere", (0.025,), dark, "default")
        add("ear_l", "cone", (0.035, 0.09), coat)
        add("ear_r", "cone", (0.035, 0.09), coat)
        for i in range(5):
            add(f"mane{i}", "box", (0.05, 0.025, 0.1), mane, "hair")
        add("tail", "capsule", (0.07, 0.3), mane, "hair")
        for leg in self.LEGS:
            add(f"{leg}_upper", "capsule", (0.075, 0.22), coat)
            add(f"{leg}_lower", "capsule", (0.045, 0.22), coat)
            add(f"{leg}_hoof", "cylinder", (0.065, 0.05), dark, "hoof")

    def place(self, pos: np.ndarray) -> None:
        """Move the horse's starting spot (before the run)."""
        self.start = np.array([pos[0], pos[1]], dtype=float)

    def add_collider(self, world: PhysicsWorld) -> None:
        """A static-mass box for the barrel that follows the walk, so a falling rider bumps off the horse."""
        self.body = world.add_box(f"{self.name}", BODY_HALF, (*self.where(0.0), BODY_Z), mass=0.0, material="fur",
                                  restitution=0.1, friction=0.8)

    def where(self, t: float) -> tuple[float, float]:
        """Ground position of the barrel centre at time t."""
        d = self.speed * t
        return (float(self.start[0] + d * math.cos(self.yaw)), float(self.start[1] + d * math.sin(self.yaw)))

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Keep the kinematic barrel box on the walking horse."""
        if self.body is not None:
            x, y = self.where(t)
            q = pb.getQuaternionFromEuler((0.0, 0.0, self.yaw))
            pb.resetBasePositionAndOrientation(self.body, (x, y, BODY_Z), q, physicsClientId=world.client)

    def back_point(self, t: float, side: float = 0.0) -> np.ndarray:
        """World point on top of the back (side: metres to the horse's left), with the walk's bob."""
        x, y = self.where(t)
        b = self._bob(t)
        return np.array([x - side * math.sin(self.yaw), y + side * math.cos(self.yaw), BACK_Z + b])

    def _bob(self, t: float) -> float:
        return 0.025 * math.sin(4 * math.pi * (self.speed * t / STRIDE + self.phase0))

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the horse's part matrices at time t."""
        x, y = self.where(t)
        cyc = self.speed * t / STRIDE + self.phase0
        B = translate(x, y, BODY_Z + self._bob(t)) @ rot_z(self.yaw)
        nod = 0.06 * math.sin(4 * math.pi * cyc)
        out = [B, B @ translate(0.62, 0, 0.05), B @ translate(-0.58, 0, 0.04)]
        neck_base = np.array([0.72, 0.0, 0.18])
        neck_dir = np.array([math.cos(0.95 + nod), 0.0, math.sin(0.95 + nod)])
        neck_top = neck_base + neck_dir * 0.75
        N = B @ segment(neck_base, neck_top)
        out.append(N)
        head_dir = np.array([math.cos(-0.85 + nod), 0.0, math.sin(-0.85 + nod)])
        head_c = neck_top + head_dir * 0.22 + np.array([0.04, 0, 0.02])
        H = B @ segment(head_c - head_dir * 0.3, head_c + head_dir * 0.3)
        out.append(H)
        out.append(B @ translate(*(head_c + head_dir * 0.3)))
        for s in (1, -1):
            out.append(B @ translate(*(head_c - head_dir * 0.12 + np.array([0.02, s * 0.095, 0.06]))))
        for s in (1, -1):
            out.append(B @ translate(*(neck_top + np.array([-0.06, s * 0.05, 0.12]))) @ rot_y(-0.2))
        for i in range(5):
            p = neck_base + neck_dir * (0.12 + 0.15 * i) + np.array([-0.1, 0.0, 0.05])
            out.append(B @ translate(*p) @ rot_y(-(math.pi / 2 - 0.95)))
        swish = 0.15 * math.sin(2 * math.pi * t * 0.8 + self.phase0 * 6)
        tail0 = np.array([-0.86, 0.0, 0.22])
        tail1 = tail0 + np.array([-0.22, math.sin(swish) * 0.25, -0.55])
        out.append(B @ segment(tail0, tail1))
        for _leg, (lx, ly, off) in self.LEGS.items():
            ph = 2 * math.pi * (cyc + off)
            swing = 0.32 * math.sin(ph)
            lift = max(0.0, math.cos(ph)) * 0.5 if self.speed > 0 else 0.0
            bend = lift if lx < 0 else -lift
            hip = np.array([lx, ly, -0.12])
            L = (BODY_Z - 0.12 - 0.05) / 2
            knee = hip + L * np.array([math.sin(swing), 0.0, -math.cos(swing)])
            a2 = swing + bend
            hoof = knee + L * np.array([math.sin(a2), 0.0, -math.cos(a2)])
            out.append(B @ segment(hip, knee))
            out.append(B @ segment(knee, hoof))
            out.append(B @ translate(*(hoof + np.array([0.0, 0.0, 0.0]))))
        return np.array(out)

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the barrel."""
        return poses[0, :3, 3]


class StandingRiderTrack:
    """A person standing with one foot on each of two walking horses, legs spread, arms out for balance."""

    def __init__(self, horses: tuple[HorseActor, HorseActor], scale: float, seed: int,
                 stance: float = HORSE_GAP) -> None:
        self.horses = horses
        self.scale = scale
        self.phase = float(stable_rng(seed, "balance").uniform(0, 2 * math.pi))
        self.spread = math.asin(min(0.9, stance / 2 / (0.85 * scale)))  # hip abduction to reach both backs

    def pose(self, t: float) -> Pose:
        """Return the rider's world pose: pelvis above the middle of the two backs, swaying for balance."""
        a, b = (h.back_point(t) for h in self.horses)
        mid = (a + b) / 2
        yaw = self.horses[0].yaw
        sway = 0.08 * math.sin(2 * math.pi * t / 1.3 + self.phase)
        leg = (0.4215 + 0.41 + 0.05) * self.scale * math.cos(self.spread)
        joints = {
            "chest": qaxis(X_AXIS, 0.4 * sway), "neck": qaxis(X_AXIS, -0.3 * sway),
            "right_hip": qaxis(X_AXIS, self.spread), "left_hip": qaxis(X_AXIS, -self.spread),
            "right_knee": np.array(-0.08), "left_knee": np.array(-0.08),
            "right_ankle": qaxis(X_AXIS, -self.spread), "left_ankle": qaxis(X_AXIS, self.spread),
            "right_shoulder": qmul(qaxis(Z_AXIS, 0.2), qaxis(X_AXIS, 1.3 + sway)),
            "left_shoulder": qmul(qaxis(Z_AXIS, 0.2), qaxis(X_AXIS, -1.3 + sway)),
            "right_elbow": np.array(0.25), "left_elbow": np.array(0.25),
        }
        to_world = qmul(qaxis((0.0, 0.0, 1.0), yaw), Y_TO_Z)
        side = np.array([-math.sin(yaw), math.cos(yaw), 0.0])
        pos = mid + np.array([0.0, 0.0, leg]) + side * sway * 0.3
        root = qmul(to_world, qaxis(X_AXIS, -sway))
        return Pose(pos, qnorm(root), joints)


def _fall(ctx: BuildContext, e: Entity) -> tuple[float | None, str]:
    for idx, a in ctx.actions_of(e.id):
        if a.verb == "fall":
            start = a.start if a.start is not None else 0.7 * ctx.plan.duration
            ctx.timings[idx] = (start, ctx.plan.duration)
            return start, str(a.attributes.get("intensity", ""))
    return None, ""


def stands_on_horses(ctx: BuildContext, e: Entity) -> Entity | None:
    """The horse entity this person stands on (a stand_on/ride action whose target is a horse), if any."""
    for _, a in ctx.actions_of(e.id):
        tgt = ctx.plan.entity(a.target or "")
        if a.verb in ("stand_on", "ride") and tgt is not None and tgt.archetype == "horse":
            return tgt
    return None


def build_standing_rider(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float,
                         colors: dict[str, tuple[float, ...]], height: float, horse: Entity) -> HumanoidActor:
    """The person standing across two horses that walk side by side (the horses are built here too)."""
    coat = color_of(horse.attributes.get("color"), COATS[int(stable_rng(ctx.seed, "coat").integers(len(COATS)))])
    base = np.array([pos[0], pos[1], 0.0])
    side = np.array([-math.sin(yaw), math.cos(yaw), 0.0])
    pair = []
    two = horse.count >= 2
    for k, s in enumerate((1, -1) if two else (0,)):
        name = horse.id if k == 0 else f"{horse.id}#1"
        h = HorseActor(horse.id, name, base + side * s * HORSE_GAP / 2, yaw, coat, WALK_SPEED, ctx.seed)
        h.add_collider(ctx.world)
        pair.append(h)
    # horses built before the rider (the plan named them first) are replaced by the ones under the rider
    ctx.extra[:] = [a for a in ctx.extra if a.entity != horse.id]
    ctx.actors[horse.id] = pair[0]
    ctx.extra.extend(pair[1:])
    track = StandingRiderTrack((pair[0], pair[-1]), height / NATIVE_HEIGHT, ctx.seed,
                               HORSE_GAP if two else SINGLE_STANCE)
    fall_at, intensity = _fall(ctx, e)
    rng = stable_rng(ctx.seed, "fall_side", e.id)
    s = 1.0 if rng.random() < 0.5 else -1.0
    hard = 1.3 if intensity == "hard" else 1.0
    push = tuple(float(v) for v in (side * s * 1.6 * hard + np.array([-0.6 * math.cos(yaw), -0.6 * math.sin(yaw),
                                                                       0.6])))
    where = "across two walking horses" if two else "on a walking horse"
    ctx.note(f"sim: {e.id} stands {where}" + (f"; falls at {fall_at:.1f}s" if fall_at else ""))
    return HumanoidActor(e.id, track, ctx.kin, colors, height, fall_at, push)  # type: ignore[arg-type]


@register("horse")
def horse(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A horse: walks for walk/run/ride verbs, else stands; a solid barrel others can bump into."""
    coat = color_of(e.attributes.get("color"), COATS[int(stable_rng(ctx.seed, "coat", e.id).integers(len(COATS)))])
    moving = any(a.verb in ("walk", "run", "ride") for _, a in ctx.actions_of(e.id))
    speed = WALK_SPEED * (2.5 if any(a.verb == "run" for _, a in ctx.actions_of(e.id)) else 1.0) if moving else 0.0
    name = e.id if e.id not in ctx.actors and all(a.entity != e.id for a in ctx.extra) else f"{e.id}#{len(ctx.extra)}"
    h = HorseActor(e.id, name, pos, yaw, coat, speed, ctx.seed)
    h.add_collider(ctx.world)
    return h


def fall_facts(events: list, entity: str, fall_at: float) -> tuple[float, list]:
    """Return (largest body–ground impulse, the ground impacts) of a ragdoll after its fall began."""
    hits = [ev for ev in events if ev.t >= fall_at and ev.body_a.startswith(f"{entity}/")
            and ev.body_b == "ground"]
    return max((ev.impulse for ev in hits), default=0.0), hits


def field_scenery(seed: int) -> Scenery:
    """An open pasture: a post-and-rail fence on the far side, a few trees and distant hills."""
    out: Scenery = []
    for i in range(-14, 15):
        out.append(_box(f"field/post{i}", (0.06, 0.06, 0.6), (i * 2.5, 12.0, 0.6), (0.45, 0.33, 0.2), "wood"))
    for z in (0.55, 1.0):
        out.append(_box(f"field/rail{z}", (36.0, 0.04, 0.05), (0.0, 11.95, z), (0.5, 0.37, 0.22), "wood"))
    for k in range(5):
        m = translate(-40 + 20 * k, 60 + 8 * (k % 2), -6.0) @ rot_z(0.3 * k)
        out.append((Part(f"field/hill{k}", "scenery", "sphere", (22.0,), (0.3, 0.45, 0.25), "grass",
                         casts_shadow=False), m))
    return out + _trees(seed, 8, (16, 30), "field")


PLACES.setdefault("field", PlaceSpec(GRASS, field_scenery))
PLACES.setdefault("park", PlaceSpec(GRASS, field_scenery))
