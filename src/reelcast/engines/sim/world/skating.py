"""Figure skating: a skater who glides, takes off, turns `rotations` times in the air and lands (a triple axel
is 3.5 turns), with blade-scrape sound and a landing impact; plus riders attached to a person's head.

The skater is kinematic (procedural poses on the DeepMimic humanoid); the jump follows ballistic timing:
the airtime T gives the rise h = g·T²/8, and the turns happen only while both blades are off the ice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, stable_rng
from reelcast.engines.sim.world.humanoid import NATIVE_HEIGHT, HumanoidActor, Kinematics, link_frames
from reelcast.engines.sim.world.motions import Y_TO_Z, Pose, _body_pose, _smooth
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.quat import qaxis, qmul, qnorm, qrotate, rot_x, translate
from reelcast.prompt.plan import Entity

if TYPE_CHECKING:
    from reelcast.engines.sim.world.archetypes import BuildContext

SPIN_RATE = 5.2  # turns per second at full tuck (elite skaters reach 5-6)
GLIDE_SPEED = 2.0  # m/s entering the jump
EXIT_SPEED = 1.8  # m/s gliding out backwards
SKATER_MASS = 55.0  # kg, for the landing impulse
Y_UP = (0.0, 1.0, 0.0)  # the mocap frame's vertical axis
BLADE = (0.82, 0.84, 0.88)
DRESSES = [(0.1, 0.15, 0.55), (0.45, 0.1, 0.5), (0.7, 0.08, 0.2), (0.05, 0.42, 0.45), (0.08, 0.08, 0.1)]


@dataclass
class JumpSpec:
    """Timing of one spin jump."""

    takeoff: float  # s
    rotations: float  # turns in the air
    gravity: float = 9.81

    @property
    def airtime(self) -> float:
        """Seconds between takeoff and landing: long enough for the turns at SPIN_RATE plus tuck in/out."""
        return self.rotations / SPIN_RATE + 0.1

    @property
    def landing(self) -> float:
        """Landing time (s)."""
        return self.takeoff + self.airtime

    @property
    def rise(self) -> float:
        """Apex height of the jump (m): h = g·T²/8."""
        return self.gravity * self.airtime**2 / 8


class SkaterTrack:
    """Poses of a skater: stroke and glide, crouch, airborne spin, landing on a deep knee, backward glide-out."""

    def __init__(self, origin: tuple[float, float], heading: float, scale: float, jump: JumpSpec | None,
                 duration: float) -> None:
        self.origin = np.asarray(origin, dtype=float)
        self.heading = heading
        self.scale = scale
        self.jump = jump
        self.duration = duration

    def speed(self, t: float) -> float:
        """Speed along the heading (m/s)."""
        if self.jump is None or t < self.jump.landing:
            return GLIDE_SPEED
        return EXIT_SPEED * math.exp(-0.4 * (t - self.jump.landing))

    def travel(self, t: float) -> float:
        """Distance along the heading at time t (integral of speed)."""
        if self.jump is None or t < self.jump.landing:
            return GLIDE_SPEED * t
        land = self.jump.landing
        d = t - land
        return GLIDE_SPEED * land + EXIT_SPEED * (1 - math.exp(-0.4 * d)) / 0.4

    def spin(self, t: float) -> float:
        """Turn angle about the vertical (radians): zero before takeoff, 2π·rotations from the landing on."""
        j = self.jump
        if j is None or t <= j.takeoff:
            return 0.0
        u = min(1.0, (t - j.takeoff) / j.airtime)
        return 2 * math.pi * j.rotations * u

    def lift(self, t: float) -> float:
        """Height of the blades above the ice (m, world)."""
        j = self.jump
        if j is None or not j.takeoff < t < j.landing:
            return 0.0
        u = (t - j.takeoff) / j.airtime
        return 4 * j.rise * u * (1 - u)

    def airborne(self, t: float) -> bool:
        """Whether both blades are off the ice."""
        return self.lift(t) > 0.0

    def _joints(self, t: float) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        j = self.jump
        if j is None:
            stroke = 0.12 * math.sin(2 * math.pi * t / 1.4)
            return _body_pose(0.35, -0.45, 0.1, 0.5, 0.3, 0.0, chest=-0.1, adduct=-1.2, arm_sway=stroke)
        a, b = j.takeoff, j.landing
        keys = [(0.0, 0), (a - 0.55, 0), (a - 0.12, 1), (a + 0.08, 2), (b - 0.08, 2), (b + 0.12, 3),
                (b + 0.8, 4)]
        # pose table: glide, crouch for the take-off, tight air position, deep landing knee, glide-out
        table = {
            "hip": (0.35, 0.9, 0.0, 0.8, 0.45), "knee": (-0.45, -1.2, 0.0, -1.1, -0.5),
            "pitch": (0.1, -0.25, 0.0, -0.2, 0.05), "shoulder": (0.5, -0.3, 0.9, 0.6, 0.5),
            "elbow": (0.3, 0.4, 2.2, 0.3, 0.2), "adduct": (-1.2, -0.5, 0.35, -1.35, -1.3),
        }
        stroke = 0.12 * math.sin(2 * math.pi * t / 1.4) if t < a - 0.55 else 0.0
        v = {k: _smooth([(kt, vals[ki]) for kt, ki in keys], t) for k, vals in table.items()}
        return _body_pose(v["hip"], v["knee"], v["pitch"], v["shoulder"], v["elbow"], 0.0,
                          chest=-0.4 * v["pitch"], adduct=v["adduct"], arm_sway=stroke)

    def pose(self, t: float) -> Pose:
        """Return the skater's world pose at time t."""
        pos_m, rot_m, joints = self._joints(t)
        phi = self.spin(t)
        q_spin = qaxis(Y_UP, phi)
        pos_m = qrotate(q_spin, pos_m * np.array([1.0, 0.0, 1.0])) + np.array([0.0, pos_m[1], 0.0])
        to_world = qmul(qaxis((0.0, 0.0, 1.0), self.heading), Y_TO_Z)
        pos = qrotate(to_world, pos_m * self.scale)
        d = self.travel(t)
        pos[0] += self.origin[0] + d * math.cos(self.heading)
        pos[1] += self.origin[1] + d * math.sin(self.heading)
        pos[2] += self.lift(t)
        return Pose(pos, qnorm(qmul(to_world, qmul(q_spin, rot_m))), joints)


class SkaterActor(HumanoidActor):
    """A figure skater on the ice: blade scrape follows the speed, silent in the air, a hard landing impact."""

    def __init__(self, entity: str, track: SkaterTrack, kin: Kinematics, colors: dict[str, tuple[float, ...]],
                 height: float) -> None:
        super().__init__(entity, track, kin, colors, height)  # type: ignore[arg-type]
        self.skater = track
        k = self.scale
        dress = tuple(colors["shirt"])
        extra = [  # (link, part, shape, size, local matrix, colour, material) at BASE_SCALE
            ("root", "skirt", "cone", (0.2, 0.16), translate(0.0, -0.06, 0.0) @ rot_x(-math.pi / 2), dress, "cloth"),
            ("neck", "bun", "sphere", (0.05,), translate(-0.1, 0.2, 0.0), tuple(colors["hair"]), "hair"),
            ("right_ankle", "blade_r", "box", (0.13, 0.008, 0.006), translate(0.045, -0.068, 0.0), BLADE, "metal"),
            ("left_ankle", "blade_l", "box", (0.13, 0.008, 0.006), translate(0.045, -0.068, 0.0), BLADE, "metal"),
        ]
        local = list(self._local)
        for link, name, shape, size, m, color, material in extra:
            m = m.copy()
            m[:3, 3] *= k
            self.parts.append(Part(f"{entity}/{name}", entity, shape, tuple(x * k for x in size), color, material))
            self._links.append(link)
            local.append(m)
        self._local = np.array(local)

    def sound_events(self) -> list[ContactEvent]:
        """The blades biting the ice at take-off and the landing impact (impulse = m·v at touchdown)."""
        j = self.skater.jump
        if j is None:
            return []
        p_take = self.skater.pose(j.takeoff).root_pos
        p_land = self.skater.pose(j.landing).root_pos
        v_down = j.gravity * j.airtime / 2
        return [
            ContactEvent(j.takeoff, f"{self.entity}/blade", "ice", SKATER_MASS * 0.4, (float(p_take[0]),
                         float(p_take[1]), 0.0), "metal", "ice"),
            ContactEvent(j.landing, f"{self.entity}/blade", "ice", SKATER_MASS * v_down, (float(p_land[0]),
                         float(p_land[1]), 0.0), "metal", "ice"),
        ]

    def sound_loops(self, fps: int, n_frames: int) -> dict[str, np.ndarray]:
        """Blade scrape on the ice: loudness follows speed, zero while airborne, a burst on the landing."""
        t = np.arange(n_frames) / fps
        level = np.array([0.0 if self.skater.airborne(x) else 0.55 * self.skater.speed(x) / GLIDE_SPEED
                          for x in t])
        j = self.skater.jump
        if j is not None:
            after = t - j.landing
            level += np.where(after >= 0, 0.45 * np.exp(-np.clip(after, 0, None) / 0.25), 0.0)
        return {f"{self.entity}/skate_blade": np.clip(level, 0.0, 1.0)}


class HeadRider(Actor):
    """Another actor (a cat) carried on a person's head: its parts follow the head frame rigidly."""

    def __init__(self, rider: Actor, carrier: HumanoidActor, sink: float = 0.06) -> None:
        self.entity = rider.entity
        self.rider = rider
        self.carrier = carrier
        self.parts = rider.parts
        self.size = max(carrier.size, rider.size)
        self.sink = sink

    def head_top(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the 4x4 frame on top of the carrier's head, local z pointing out of the crown."""
        c = self.carrier
        frames = link_frames(world.client, c.ragdoll, c._rag_index) if c.ragdoll is not None else c.frames_at(t)
        k = c.scale
        return frames["neck"] @ translate(0.0, (0.17 + 0.1) * k - self.sink, 0.0) @ rot_x(-math.pi / 2)

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the rider's own pose (built around the origin) carried by the head frame."""
        return self.head_top(world, t) @ self.rider.sample(world, t)

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the rider's body."""
        return poses[0, :3, 3]


def build_skater(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float,
                 colors: dict[str, tuple[float, ...]], height: float) -> SkaterActor:
    """A skater whose first spin_jump action sets the jump (rotations from the plan); the jump happens at `pos`."""
    jump = None
    for idx, a in ctx.actions_of(e.id):
        if a.verb == "spin_jump":
            rotations = float(a.attributes.get("rotations", 2.0))
            dur = ctx.plan.duration
            takeoff = a.start if a.start is not None else min(max(0.35 * dur, 0.15), 1.6)
            jump = JumpSpec(takeoff, rotations, ctx.gravity if ctx.gravity > 0 else 9.81)
            ctx.timings[idx] = (takeoff, jump.landing)
            break
    t_take = jump.takeoff if jump else 0.0
    origin = (float(pos[0] - GLIDE_SPEED * t_take * math.cos(yaw)), float(pos[1] - GLIDE_SPEED * t_take
                                                                            * math.sin(yaw)))
    track = SkaterTrack(origin, yaw, height / NATIVE_HEIGHT, jump, ctx.plan.duration)
    # a skating dress (the shirt colour when the prompt names one), skin-tone tights, white boots
    named = e.attributes.get("color") or e.attributes.get("dress") or e.attributes.get("clothing")
    dress = colors["shirt"] if named else DRESSES[int(stable_rng(ctx.seed, "dress", e.id).integers(len(DRESSES)))]
    colors = {**colors, "shirt": dress, "shorts": dress, "shoes": (0.95, 0.95, 0.93), "sock": (0.95, 0.95, 0.93)}
    return SkaterActor(e.id, track, ctx.kin, colors, height)


def attach_riders(ctx: BuildContext) -> None:
    """Put entities the plan places on a person's head ("a cat on her head") onto that head."""
    for e in ctx.plan.entities:
        carrier = ctx.actors.get(str(e.attributes.get("on", "")))
        if not isinstance(carrier, HumanoidActor):
            continue
        if e.attributes.get("position") != "head":
            if e.attributes.get("position"):  # said, but not carried: tell the user rather than drop it silently
                ctx.note(f"sim: only a head carries a rider; {e.id} stays beside {carrier.entity} instead of on "
                         f"their {e.attributes['position']}")
            continue
        own = ctx.actors.get(e.id)
        if own is None or isinstance(own, HumanoidActor):
            continue
        from reelcast.engines.sim.world.archetypes import build_entity

        rider = build_entity(ctx, e, np.zeros(3), 0.0)
        ctx.actors[e.id] = HeadRider(rider, carrier)
        ctx.note(f"sim: {e.id} rides on {carrier.entity}'s head (attached)")
