"""Space: an astronaut dog that flies on a jet pack from outside the station through its doors, a helmet that opens,
station doors that slide open, comets with glowing tails, and tennis balls that float and collide in zero-g.

The station interior and exterior are one world (places.station_scenery + landscapes.station_exterior): the
interior module spans x −8..8, y −3..3, z 0..3.3 with its door at x = −8.45; the dog's path crosses the door
between shot 1 (outside) and shot 2 (inside), so nothing teleports across the cut.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable

import numpy as np

from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, BodyActor, StaticActor, stable_rng
from reelcast.engines.sim.world.archetypes import ARCHETYPES, BuildContext, register
from reelcast.engines.sim.world.camera import fov_y_deg, smoothstep
from reelcast.engines.sim.world.dogskin import JointAngles, anchors, head_matrix, piece_matrices, skin_pieces
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.quat import rot_x, rot_y, rot_z, scale, segment, translate
from reelcast.engines.sim.world.space_shots import (
    DOOR_X,
    DOOR_Z,
    INTERIOR_HI,
    INTERIOR_LO,
    ball_view_point,
    station_director,
)
from reelcast.prompt.plan import STATION_ENTRY_SHARE, Entity

PADDLE_HZ = 1.7  # zero-g dog paddle
WAG_HZ = 2.3
BALL_SPEED = (0.12, 0.35)  # m/s: tennis balls drift about (slowly enough to stay in view) and hit each other


def cut_time(ctx: BuildContext) -> float:
    """When the plan's first indoor shot starts (the dog is through the door by then); else STATION_ENTRY_SHARE of
    the clip."""
    inside = [s.start for s in ctx.plan.shots if s.indoor]
    return inside[0] if inside and inside[0] > 0.5 else STATION_ENTRY_SHARE * ctx.plan.duration


def in_station(ctx: BuildContext) -> bool:
    """Whether this plan takes place at the space station."""
    return ctx.plan.setting.place == "space_station"


class FlyingDogActor(Actor):
    """The dog on a jet pack (the realistic dm_control dog mesh, golden): outside → through the door → floating
    inside, facing along its path, with a slow zero-g bob; his legs paddle, his tail wags and his head turns (the
    skin's bands, dogskin.skin_pieces); accessories attach to its anchors."""

    def __init__(self, entity: str, fur: tuple[float, float, float], seed: int, t_in: float, duration: float) -> None:
        self.entity = entity
        self.t_in = t_in
        self.duration = duration
        self.size = 0.9
        self.outside = np.array([DOOR_X - 6.0, -3.2, 2.4])
        self.approach = np.array([DOOR_X - 2.5, 0.0, DOOR_Z + 0.25])  # lines him up with the doorway
        self.door = np.array([DOOR_X + 0.8, 0.0, DOOR_Z])  # just through the doorway when the shot changes
        self.inside = np.array([-2.6, 0.3, 1.4])
        self.rest_yaw: float | None = None
        # frame/head_frame by (t, rest_yaw): the ball in his mouth, the jet pack, the helmet and the sampler all ask
        # for the same instants (up to 4 head frames per physics step); the matrices are read, never written
        self._memo: dict[tuple[str, float, float | None], np.ndarray] = {}
        self.phase = float(stable_rng(seed, "bob", entity).uniform(0, 2 * math.pi))
        self.anchor = {k: a - anchors()["body"] for k, a in anchors().items()}
        eye = self.anchor["head"] + np.array([0.02, 0.045, 0.055])
        self.pieces = skin_pieces()
        self._mesh_to_body = translate(*(-anchors()["body"]))  # mesh coordinates → the body-centred frame
        self._body_to_mesh = translate(*anchors()["body"])
        self._head_local = np.array([translate(*self.anchor["nose"]), translate(*eye), translate(*(eye * [1, -1, 1])),
                                     translate(*(eye + [0.012, 0.006, 0.008])),
                                     translate(*(eye * [1, -1, 1] + [0.012, -0.006, 0.008]))])
        self.parts = [Part(f"{entity}/body" + (f"/{pc.region}{pc.level1}{pc.level2}" if pc.region else ""), entity,
                           "mesh", (1.0,), fur, "fur", pc.vertices, pc.faces) for pc in self.pieces]
        self.parts += [
            Part(f"{entity}/nose", entity, "sphere", (0.022,), (0.05, 0.04, 0.04), "skin"),
            Part(f"{entity}/eye_l", entity, "sphere", (0.016,), (0.05, 0.03, 0.02), "glass"),
            Part(f"{entity}/eye_r", entity, "sphere", (0.016,), (0.05, 0.03, 0.02), "glass"),
            # light glimmers off the dog's eyes
            Part(f"{entity}/glint_l", entity, "sphere", (0.005,), (1.0, 1.0, 1.0), "glass", emissive=1.0,
                 casts_shadow=False),
            Part(f"{entity}/glint_r", entity, "sphere", (0.005,), (1.0, 1.0, 1.0), "glass", emissive=1.0,
                 casts_shadow=False),
        ]

    def path(self, t: float) -> np.ndarray:
        """Body centre at time t: an arc to the door (arriving just before the cut), then a drift inside."""
        arrive = self.t_in - 0.05
        if t <= arrive:
            u = smoothstep(t / arrive) * 0.6 + 0.4 * (t / arrive)
            return (1 - u) ** 2 * self.outside + 2 * (1 - u) * u * self.approach + u * u * self.door
        u = smoothstep((t - arrive) / 1.6)
        p = self.door + (self.inside - self.door) * u
        k = t - arrive
        return p + np.array([0.0, 0.15 * math.sin(0.9 * k), 0.12 * math.sin(1.3 * k)])

    def heading(self, t: float) -> float:
        """Yaw along the direction of travel; once inside he turns smoothly to `rest_yaw` (e.g. towards a ball)."""
        arrive = self.t_in - 0.05
        if t < arrive:
            d = self.path(t + 0.05) - self.path(t)
            return math.atan2(d[1], d[0])
        base = math.atan2(self.inside[1] - self.door[1], self.inside[0] - self.door[0])
        if self.rest_yaw is None:
            return base
        turn = math.atan2(math.sin(self.rest_yaw - base), math.cos(self.rest_yaw - base))
        return base + turn * smoothstep((t - arrive - 0.5) / 1.5)

    def time_at_door(self) -> float:
        """When his body centre crosses the door plane (x = DOOR_X) on the way in."""
        ts = np.linspace(0.0, self.t_in, 400)
        return float(next((t for t in ts if self.path(t)[0] >= DOOR_X), self.t_in))

    def thrust(self, t: float) -> float:
        """Jet pack throttle 0..1: full while propelling towards the station, a trickle once inside."""
        if t < self.t_in - 0.4:
            return 1.0
        return max(0.15, 1.0 - (t - (self.t_in - 0.4)) / 0.8)

    def _memoised(self, kind: str, t: float, make: Callable[[float], np.ndarray]) -> np.ndarray:
        key = (kind, t, self.rest_yaw)
        m = self._memo.get(key)
        if m is None:
            if len(self._memo) >= 16:  # only the current step's instants come back
                self._memo.clear()
            m = self._memo[key] = make(t)
        return m

    def frame(self, t: float) -> np.ndarray:
        """The body frame at time t (origin at the body centre, x towards the nose), nose slightly up in thrust."""
        return self._memoised("body", t, self._frame)

    def _frame(self, t: float) -> np.ndarray:
        pitch = -0.12 * self.thrust(t) + 0.05 * math.sin(0.8 * t + self.phase)
        roll = 0.06 * math.sin(0.6 * t + self.phase)
        return translate(*self.path(t)) @ rot_z(self.heading(t)) @ rot_y(pitch) @ rot_x(roll)

    def joints(self, t: float) -> dict[str, JointAngles]:
        """Joint angles at time t: under full thrust he flies Superman-style (forelegs reaching ahead, hind legs
        streaming back) with a small paddle; as the thrust fades he paddles at 1.7 Hz, forelegs alternating,
        folding at the wrist and swinging out sideways on the way forward (so the stroke reads from the front too),
        hind legs kicking a quarter-cycle behind; the raised tail wags at 2.3 Hz and the head looks slowly about."""
        fly = (self.thrust(t) - 0.15) / 0.85
        ph = 2 * math.pi * PADDLE_HZ * t + self.phase
        out: dict[str, JointAngles] = {}
        paddle = 1.0 - 0.5 * fly
        for side, shift, out_sign in (("l", 0.0, 1.0), ("r", math.pi, -1.0)):  # +roll swings a left leg out
            a = ph + shift
            recover = max(0.0, -math.cos(a)) * paddle  # 0..1 while the paw comes forward
            out[f"fore_{side}"] = (0.0, -0.4 * fly + (0.35 * math.sin(a) - 0.1) * paddle, out_sign * 0.3 * recover,
                                   0.0, 0.8 * recover, 0.0)
            b = a + math.pi / 2
            kick = max(0.0, math.cos(b)) * paddle
            out[f"hind_{side}"] = (0.0, 0.3 * fly + 0.25 * math.sin(b) * paddle, out_sign * 0.15 * kick,
                                   0.0, -0.5 * kick, 0.0)
        w = 2 * math.pi * WAG_HZ * t
        out["tail"] = (0.35 * math.sin(w), 0.3, 0.0, 0.45 * math.sin(w - 0.9), 0.1, 0.0)
        out["head"] = (0.12 * math.sin(0.7 * t + self.phase), 0.08 * math.sin(1.1 * t), 0.0, 0.0, 0.0, 0.0)
        return out

    def head_frame(self, t: float) -> np.ndarray:
        """The body frame carried through the head's turn (what the eyes, nose and mouth ride on)."""
        return self._memoised("head", t, self._head_frame)

    def _head_frame(self, t: float) -> np.ndarray:
        return self.frame(t) @ self._mesh_to_body @ head_matrix(self.joints(t)) @ self._body_to_mesh

    def point(self, t: float, name: str) -> np.ndarray:
        """World position of an anchor (nose, head, neck, back, body) at time t; nose and head turn with the head."""
        F = self.head_frame(t) if name in ("nose", "head") else self.frame(t)
        return (F @ np.array([*self.anchor[name], 1.0]))[:3]

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """The skin's bands posed by the joints, then the nose, eyes and glints on the head."""
        F = self.frame(t)
        angles = self.joints(t)
        skin = (F @ self._mesh_to_body) @ piece_matrices(self.pieces, angles)
        H = F @ self._mesh_to_body @ head_matrix(angles) @ self._body_to_mesh
        return np.concatenate([skin, H @ self._head_local])

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the body centre."""
        return (poses[0] @ np.array([*anchors()["body"], 1.0]))[:3]


class JetPackActor(Actor):
    """A tiny jet pack strapped to the dog's back: tank, two nozzles and emissive flames sized by the throttle."""

    def __init__(self, entity: str, dog: FlyingDogActor) -> None:
        self.entity = entity
        self.dog = dog
        self.size = 0.4
        metal, accent = (0.78, 0.8, 0.85), (0.95, 0.5, 0.15)
        self.parts = [
            Part(f"{entity}/tank", entity, "capsule", (0.09, 0.12), metal, "metal"),
            Part(f"{entity}/strap", entity, "box", (0.05, 0.17, 0.16), accent, "cloth"),
            Part(f"{entity}/nozzle_l", entity, "cone", (0.05, 0.06), (0.3, 0.3, 0.32), "metal"),
            Part(f"{entity}/nozzle_r", entity, "cone", (0.05, 0.06), (0.3, 0.3, 0.32), "metal"),
            Part(f"{entity}/flame_l", entity, "cone", (0.06, 0.2), (1.0, 0.62, 0.2), "fire", emissive=1.0,
                 casts_shadow=False),
            Part(f"{entity}/flame_r", entity, "cone", (0.06, 0.2), (1.0, 0.62, 0.2), "fire", emissive=1.0,
                 casts_shadow=False),
        ]

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Ride on the dog's body; flames point backwards and scale with thrust."""
        back = self.dog.frame(t) @ translate(*(self.dog.anchor["back"] + [0.0, 0.0, 0.07]))
        k = max(0.05, self.dog.thrust(t) * (0.85 + 0.15 * math.sin(47 * t)))
        out = [back @ rot_y(math.pi / 2), back @ translate(0, 0, -0.05)]
        for side in (1, -1):
            n = back @ translate(-0.2, side * 0.07, -0.02) @ rot_y(math.pi / 2)
            out.append(n)
            # cones point +z; flip so the flame widens at the nozzle and tapers away behind
            out.append(back @ translate(-0.26 - 0.2 * k, side * 0.07, -0.02) @ rot_y(-math.pi / 2) @ scale(k))
        return np.array(out)

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the tank."""
        return poses[0, :3, 3]

    def sound_loops(self, fps: int, n_frames: int) -> dict[str, np.ndarray]:
        """The thrust loop follows the throttle."""
        return {"jet": np.array([self.dog.thrust(i / fps) for i in range(n_frames)], np.float32)}


HELMET_CENTER = np.array([0.07, 0.0, 0.02])  # the bubble's centre in the head frame (over the snout too)
HELMET_RADIUS = 0.21
RIM_LATITUDE = -0.6  # radians: the bubble's white rim sits below its centre…
RIM_TILT = 0.45  # …tilted nose-down, so it passes under his chin and behind his ears
RIM_SEGMENTS = 14


def helmet_rim() -> list[tuple[np.ndarray, np.ndarray]]:
    """(start, end) of each short segment of the bubble's rim ring, in the head frame."""
    r, z = HELMET_RADIUS * math.cos(RIM_LATITUDE), HELMET_RADIUS * math.sin(RIM_LATITUDE)
    tilt = rot_y(RIM_TILT)[:3, :3]
    pts = [HELMET_CENTER + tilt @ np.array([r * math.cos(a), r * math.sin(a), z])
           for a in np.linspace(0.0, 2 * math.pi, RIM_SEGMENTS + 1)]
    return list(zip(pts[:-1], pts[1:], strict=True))


class HelmetActor(Actor):
    """An astronaut helmet: a collar, and a clear glass bubble (translucent: a fresnel rim and a sun glint, the
    face visible inside) on a white rim ring; bubble and rim hinge back (open) at `open_at`."""

    def __init__(self, entity: str, dog: FlyingDogActor, open_at: float) -> None:
        self.entity = entity
        self.dog = dog
        self.open_at = open_at
        self.size = 0.4
        white, glass = (0.93, 0.93, 0.95), (0.6, 0.8, 1.0)
        self.parts = [Part(f"{entity}/collar", entity, "cylinder", (0.12, 0.03), white, "plastic"),
                      Part(f"{entity}/dome", entity, "sphere", (HELMET_RADIUS,), glass, "glass",
                           casts_shadow=False, translucent=True)]
        self.rim = helmet_rim()
        self._rim_local = [segment(p, q) for p, q in self.rim]  # fixed in the dome's frame: built once
        for k, (p, q) in enumerate(self.rim):
            half = float(np.linalg.norm(q - p)) / 2
            self.parts.append(Part(f"{entity}/rim{k}", entity, "capsule", (0.014, half), white, "plastic"))
        self.parts.append(Part(f"{entity}/visor_glint", entity, "sphere", (0.02,), (1.0, 1.0, 1.0), "glass",
                               emissive=1.0, casts_shadow=False))

    def openness(self, t: float) -> float:
        """0 = bubble closed over the head, 1 = hinged fully back."""
        return smoothstep((t - self.open_at) / 0.8)

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Collar round the neck; the bubble and its rim swing back about a hinge behind the head. The helmet sits
        on the collar (the body frame): the head turns inside it."""
        F = self.dog.frame(t)
        H = F @ translate(*self.dog.anchor["head"])
        collar = F @ translate(*self.dog.anchor["neck"]) @ rot_y(-0.9)
        hinge = H @ translate(-0.16, 0.0, -0.05) @ rot_y(-1.9 * self.openness(t))
        dome = hinge @ translate(0.16, 0.0, 0.05)  # back at the head's centre, in the swung frame
        out = [collar, dome @ translate(*HELMET_CENTER)]
        out += [dome @ m for m in self._rim_local]
        out.append(dome @ translate(*(HELMET_CENTER + HELMET_RADIUS * np.array([0.55, 0.3, 0.75]))))
        return np.array(out)

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the collar."""
        return poses[0, :3, 3]


class DoorsActor(Actor):
    """The station's two door leaves at x = DOOR_X: they slide apart as the dog approaches and close behind him."""

    def __init__(self, open_from: float, open_to: float) -> None:
        self.entity = "station_doors"
        self.size = 6.0  # part of the station: not framed as a subject
        self.open_from, self.open_to = open_from, open_to
        col = (0.88, 0.6, 0.25)
        self.parts = [Part("station/door_l", "station_doors", "box", (0.08, 0.5, 1.2), col, "metal"),
                      Part("station/door_r", "station_doors", "box", (0.08, 0.5, 1.2), col, "metal")]

    def openness(self, t: float) -> float:
        """0 closed … 1 open."""
        return smoothstep((t - self.open_from) / 0.9) * (1 - smoothstep((t - self.open_to) / 0.9))

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Each leaf slides sideways into the wall."""
        k = self.openness(t)
        return np.array([translate(DOOR_X - 0.1, side * (0.5 + 1.0 * k), 1.2) for side in (1, -1)])


class CometActor(Actor):
    """A comet streaking across the black sky: a glowing head and a tail of fading puffs behind it."""

    def __init__(self, entity: str, seed: int, duration: float) -> None:
        self.entity = entity
        rng = stable_rng(seed, "comet", entity)
        self.size = 50.0  # far away: cameras do not try to frame it
        az = rng.uniform(0.3, 2.8)
        dist = rng.uniform(120, 220)
        # near the station's level (within ~6 degrees): where the cameras framing the dog can see them
        self.p0 = np.array([dist * math.cos(az) - 60, dist * math.sin(az), rng.uniform(-12, 14)])
        heading = rng.uniform(0, 2 * math.pi)
        self.v = rng.uniform(12, 25) * np.array([math.cos(heading), math.sin(heading), rng.uniform(-0.3, 0.3)])
        self.t0 = rng.uniform(-1.0, duration * 0.5)
        col = (0.75, 0.9, 1.0) if rng.random() < 0.5 else (1.0, 0.85, 0.6)
        self.parts = [Part(f"{entity}/head", entity, "sphere", (1.6,), col, "ice", emissive=1.0, casts_shadow=False)]
        self.parts += [Part(f"{entity}/tail{k}", entity, "sphere", (1.3 * (1 - k / 8),), col, "ice",
                            emissive=0.9 - 0.08 * k, casts_shadow=False) for k in range(7)]

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Head at p0 + v·(t − t0); tail puffs trail back along −v."""
        head = self.p0 + self.v * (t - self.t0)
        back = -self.v / np.linalg.norm(self.v)
        return np.array([translate(*head)] + [translate(*(head + back * 2.2 * (k + 1))) for k in range(7)])


# ------------------------------------------------------------------------------------------- builders
def _dog_of(ctx: BuildContext, e: Entity) -> FlyingDogActor | None:
    owner = e.attributes.get("worn_by") or next(
        (eid for eid, a in ctx.actors.items() if isinstance(a, FlyingDogActor)), None)
    actor = ctx.actors.get(owner or "")
    return actor if isinstance(actor, FlyingDogActor) else None


def astro_dog(ctx: BuildContext, e: Entity, fur: tuple[float, float, float]) -> Actor:
    """The dog in space: flies on its jet pack into the station (used by creatures.dog when in the station)."""
    t_in = cut_time(ctx)
    dog = FlyingDogActor(e.id, fur, ctx.seed, t_in, ctx.plan.duration)
    t_door = dog.time_at_door()
    ctx.extra.append(DoorsActor(t_door - 1.3, t_in + 0.9))  # in the chase's view; open 0.4 s before he arrives
    ctx.directors.append(station_director(dog))
    ctx.note("sim: the dog flies on its jet pack from outside the station through the opening doors")
    return dog


@register("jet_pack", "jetpack")
def jet_pack(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A tiny jet pack on its wearer's back (a standalone prop if nobody wears it)."""
    dog = _dog_of(ctx, e)
    if dog is None:
        ctx.note(f"sim: {e.id} has no wearer; drawn as a prop")
        m = translate(pos[0], pos[1], 0.3)
        return StaticActor(e.id, [(Part(f"{e.id}/tank", e.id, "capsule", (0.09, 0.12), (0.78, 0.8, 0.85), "metal"),
                                   m)], size=0.5)
    return JetPackActor(e.id, dog)


@register("helmet", "space_helmet")
def helmet(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """An astronaut helmet on its wearer; an "open" action hinges the dome back."""
    dog = _dog_of(ctx, e)
    if dog is None:
        ctx.note(f"sim: {e.id} has no wearer; drawn as a prop")
        m = translate(pos[0], pos[1], 0.2)
        return StaticActor(e.id, [(Part(f"{e.id}/collar", e.id, "sphere", (0.2,), (0.9, 0.9, 0.95), "plastic"),
                                   m)], size=0.5)
    opens = [a for _, a in ctx.actions_of(e.id) if a.verb == "open"]
    t_in = dog.t_in
    open_at = (opens[0].start if opens and opens[0].start is not None else t_in) + 0.9 if opens else 1e9
    return HelmetActor(e.id, dog, open_at)


@register("comet", "meteor", "shooting_star")
def comet(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A comet far off in the sky."""
    return CometActor(e.id, ctx.seed, ctx.plan.duration)


class FloatingBall(BodyActor):
    """A tennis ball inside the station: starts at a random point in the module with a random drift velocity."""

    def __init__(self, entity: str, body: int, parts: list, size: float, velocity: np.ndarray) -> None:
        super().__init__(entity, body, parts, size)
        self.v0 = velocity
        self._started = False

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Give the ball its drift on the first step (after the builder's generic zero-g nudge)."""
        if not self._started:
            world.set_state(self.body, world.position(self.body), self.v0)
            self._started = True


class HeldBall(FloatingBall):
    """The ball the dog grabs: it drifts towards where the dog's mouth will be and is held there once it arrives
    (within GRAB_REACH of the mouth at or after the grab time); if a collision knocks it off course it is not."""

    def __init__(self, entity: str, body: int, parts: list, size: float, velocity: np.ndarray,
                 dog: FlyingDogActor, grab_at: float) -> None:
        super().__init__(entity, body, parts, size, velocity)
        self.dog = dog
        self.grab_at = grab_at
        self.held_from: float | None = None

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Drift freely until the mouth is close after the grab time; then ride in the mouth."""
        super().before_step(world, t)
        if t < self.grab_at - 0.2:
            return
        m = mouth_point(self.dog, world, t)
        if self.held_from is None and np.linalg.norm(world.position(self.body) - m) < GRAB_REACH:
            self.held_from = t
        if self.held_from is not None:
            v = (mouth_point(self.dog, world, t + 0.02) - m) / 0.02
            world.set_state(self.body, m, v)


GRAB_REACH = 0.45  # metres from the mouth within which the dog catches the ball


def mouth_point(dog: FlyingDogActor, world: PhysicsWorld, t: float) -> np.ndarray:
    """Where a ball held in the dog's mouth sits: just in front of the nose."""
    nose, head = dog.point(t, "nose"), dog.point(t, "head")
    d = nose - head
    return nose + 0.05 * d / (np.linalg.norm(d) + 1e-9)


_WALLED: weakref.WeakSet[PhysicsWorld] = weakref.WeakSet()  # worlds that already have the cabin's walls


def _station_colliders(ctx: BuildContext) -> None:
    """Walls, floor and ceiling of the interior module as static bodies (once per world)."""
    if ctx.world in _WALLED:
        return
    lo, hi = INTERIOR_LO - 0.25, INTERIOR_HI + 0.25
    c = (lo + hi) / 2
    for name, half, pos in (("floor", (8, 3, 0.1), (c[0], c[1], lo[2] - 0.1)),
                            ("ceiling", (8, 3, 0.1), (c[0], c[1], hi[2] + 0.1)),
                            ("wall_l", (8, 0.1, 1.8), (c[0], hi[1] + 0.1, c[2])),
                            ("wall_r", (8, 0.1, 1.8), (c[0], lo[1] - 0.1, c[2])),
                            ("wall_back", (0.1, 3, 1.8), (hi[0] + 0.1, c[1], c[2])),
                            ("wall_front", (0.1, 3, 1.8), (lo[0] - 0.1, c[1], c[2]))):
        ctx.world.add_box(f"station/{name}", half, pos, material="metal", restitution=0.7, friction=0.3)
    _WALLED.add(ctx.world)


_plain_tennis_ball = ARCHETYPES["tennis_ball"]


@register("tennis_ball")
def tennis_ball_in_station(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """Tennis balls in a zero-g station float at random points of the module and drift, hitting walls and each other."""
    if not (in_station(ctx) and ctx.gravity <= 1e-6):
        return _plain_tennis_ball(ctx, e, pos, yaw)
    _station_colliders(ctx)
    rng = stable_rng(ctx.seed, "float", e.id)
    part = Part(e.id, e.id, "sphere", (0.033,), (0.8, 0.9, 0.2), "rubber")
    seam = Part(f"{e.id}/seam", e.id, "cylinder", (0.0335, 0.004), (0.95, 0.95, 0.9), "rubber")
    parts = [(part, np.eye(4)), (seam, rot_x(0.4))]
    dog = next((a for a in ctx.actors.values() if isinstance(a, FlyingDogActor)), None)
    grab = next((a for _, a in ctx.actions_of(dog.entity) if a.verb in ("grab", "catch", "fetch")), None) if dog \
        else None
    if dog is not None and grab is not None and e.id == grab.target and "#" not in e.id:
        # the grabbed ball: released so that it drifts into the mouth at the grab time
        t_grab = grab_time(ctx, dog)
        ahead = np.array([-0.5, -0.85, 0.0]) / np.linalg.norm([0.5, 0.85])
        dog.rest_yaw = math.atan2(ahead[1], ahead[0])  # he turns to face the ball coming at him
        m = mouth_point(dog, ctx.world, t_grab)
        v = -0.2 * (ahead + np.array([0.0, 0.0, 0.25]))
        p = np.clip(m - v * t_grab, INTERIOR_LO + 0.1, INTERIOR_HI - 0.1)
        v = (m - p) / t_grab
        body = ctx.world.add_sphere(e.id, 0.033, tuple(p), 0.058, "rubber", 0.85, 0.7, 0.002)
        ctx.note(f"sim: {dog.entity} catches {e.id} in its mouth when it drifts within reach")
        return HeldBall(e.id, body, parts, 6.0, v, dog, t_grab)
    if dog is not None:  # released so that it floats through the inside camera's view during the shot
        q, v, t_view = drift_plan(ctx, dog, e.id)
        p = np.clip(q - v * t_view, INTERIOR_LO + 0.1, INTERIOR_HI - 0.1)
    else:
        d = rng.normal(size=3)
        v = rng.uniform(*BALL_SPEED) * d / np.linalg.norm(d)
        p = rng.uniform(INTERIOR_LO + [4.0, 0.4, 0.3], INTERIOR_HI - [1.0, 0.4, 0.3])
    body = ctx.world.add_sphere(e.id, 0.033, tuple(p), 0.058, "rubber", 0.85, 0.7, 0.002)
    # size > 5: a cloud of small balls is not something the camera tries to fit in frame (the dog is)
    return FloatingBall(e.id, body, parts, 6.0, v)


def drift_plan(ctx: BuildContext, dog: FlyingDogActor, eid: str) -> tuple[np.ndarray, np.ndarray, float]:
    """(a point in the inside camera's view, the ball's drift velocity, when it passes that point), seeded per ball.

    Every second twin ("#2", "#4", …) is sent at the one before it so that they meet there: the balls really
    collide in view (pybullet resolves the bounce), instead of only drifting past each other.
    """
    rng = stable_rng(ctx.seed, "float", eid)
    d = rng.normal(size=3)
    speed = rng.uniform(*BALL_SPEED)
    t_view = rng.uniform(dog.t_in + 0.1, max(dog.t_in + 0.2, ctx.plan.duration - 0.5))
    aspect = ctx.plan.width / ctx.plan.height
    lens = next((s.camera.focal_length_mm for s in ctx.plan.shots if s.indoor), 35.0)
    q = ball_view_point(dog, rng, t_view, aspect, fov_y_deg(lens, aspect))
    base, _, k = eid.partition("#")
    if k.isdigit() and int(k) % 2 == 0:
        q, w, t_view = drift_plan(ctx, dog, f"{base}#{int(k) - 1}")
        d = -w / (np.linalg.norm(w) + 1e-9) + 0.5 * d / np.linalg.norm(d)  # head-on-ish, at an angle
    return q, speed * d / np.linalg.norm(d), t_view


def grab_time(ctx: BuildContext, dog: FlyingDogActor) -> float:
    """When the dog takes the ball: a second after its helmet has opened (or 75 % into the clip)."""
    return min(dog.t_in + 2.0, ctx.plan.duration - 0.5) if dog.t_in < ctx.plan.duration else 0.75 * ctx.plan.duration
