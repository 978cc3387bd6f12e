"""Basketball: hoop geometry (colliders + drawables), the release-velocity search, and the shot controller.

A shot's outcome is decided by real physics: candidate release velocities are simulated against the hoop in a
scratch world that holds exactly the bodies the ball can touch (ground, hoop, ball), and the first candidate whose
trajectory gives the requested outcome is played in the main world from the same release state.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import trimesh

from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, BodyActor, StaticActor
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.quat import align_z, mat_to_quat, rot_y, rot_z, segment, translate

RIM_HEIGHT = 3.05
RIM_RADIUS = 0.2345  # centre line of the tube; inner diameter 45 cm
RIM_TUBE = 0.0095
BOARD_OFFSET = 0.381  # rim centre to the backboard's front face
BOARD_HALF = (0.025, 0.915, 0.535)
BOARD_BOTTOM = 2.90
BALL_RADIUS = 0.12
BALL_MASS = 0.62
BALL_RESTITUTION = 0.9
RIM_SEGMENTS = 16
NET_DEPTH = 0.42
NET_DRAG = 30.0  # 1/s; how strongly the net brakes a ball falling through it

SURFACES = {  # restitution, friction (pybullet multiplies the two bodies' restitutions)
    "rim": (0.68, 0.5), "backboard": (0.78, 0.4), "pole": (0.5, 0.5), "ball": (BALL_RESTITUTION, 0.7),
}


@dataclass
class Hoop:
    """Where a hoop is: rim centre, facing direction (from the board towards the court) and its body ids."""

    rim_center: np.ndarray
    facing: np.ndarray  # unit vector in the ground plane
    bodies: dict[str, int] = field(default_factory=dict)

    @property
    def board_center(self) -> np.ndarray:
        """Centre of the backboard's front face."""
        return self.rim_center - self.facing * BOARD_OFFSET + np.array(
            [0.0, 0.0, BOARD_BOTTOM + BOARD_HALF[2] - RIM_HEIGHT])


def add_hoop_colliders(world: PhysicsWorld, rim_center: np.ndarray, facing: np.ndarray) -> dict[str, int]:
    """Add the static rim (a ring of capsules), backboard, arm and pole; returns their body ids."""
    back = -facing
    yaw = math.atan2(back[1], back[0])
    q_yaw = mat_to_quat(rot_z(yaw)[:3, :3])
    shapes = []
    chord = 2 * RIM_RADIUS * math.sin(math.pi / RIM_SEGMENTS)
    for i in range(RIM_SEGMENTS):
        th = 2 * math.pi * (i + 0.5) / RIM_SEGMENTS
        c = np.array([RIM_RADIUS * math.cos(th), RIM_RADIUS * math.sin(th), 0.0])
        tangent = np.array([-math.sin(th), math.cos(th), 0.0])
        shapes.append({"type": "capsule", "radius": RIM_TUBE, "length": chord, "pos": c,
                       "orn": mat_to_quat(align_z(tangent))})
    # the bracket joining the rim's back to the board
    bracket_len = BOARD_OFFSET - RIM_RADIUS
    shapes.append({"type": "box", "half": (bracket_len / 2, 0.06, 0.012),
                   "pos": back * (RIM_RADIUS + bracket_len / 2) + np.array([0.0, 0.0, -0.01]), "orn": q_yaw})
    r, f = SURFACES["rim"]
    rim = world.add_compound("rim", shapes, tuple(rim_center), material="metal", restitution=r, friction=f)
    board_c = rim_center + back * (BOARD_OFFSET + BOARD_HALF[0])
    board_c[2] = BOARD_BOTTOM + BOARD_HALF[2]
    r, f = SURFACES["backboard"]
    board = world.add_box("backboard", BOARD_HALF, tuple(board_c), tuple(q_yaw), material="glass",
                          restitution=r, friction=f)
    r, f = SURFACES["pole"]
    pole_c = rim_center + back * (BOARD_OFFSET + 1.2)
    pole = world.add_box("pole", (0.09, 0.09, 1.75), (pole_c[0], pole_c[1], 1.75), tuple(q_yaw), material="metal",
                         restitution=r, friction=f)
    return {"rim": rim, "backboard": board, "pole": pole}


def _torus(major: float, minor: float) -> tuple[np.ndarray, np.ndarray]:
    m = trimesh.creation.torus(major_radius=major, minor_radius=minor, major_sections=40, minor_sections=8)
    return np.asarray(m.vertices, np.float32), np.asarray(m.faces, np.int32)


def hoop_parts(entity: str, rim_center: np.ndarray, facing: np.ndarray) -> list[tuple[Part, np.ndarray]]:
    """Return the hoop's drawables: rim, net cords, glass board with markings, arm and padded pole."""
    back = -facing
    yaw = math.atan2(back[1], back[0])
    R = rot_z(yaw)
    out: list[tuple[Part, np.ndarray]] = []
    v, f = _torus(RIM_RADIUS, RIM_TUBE)
    out.append((Part(f"{entity}/rim", entity, "mesh", (1.0,), (0.95, 0.35, 0.05), "metal", v, f),
                translate(*rim_center)))
    # net: cords from the rim down to a narrower ring, crossing diagonally like a real net
    n, depth, low_r = 12, NET_DEPTH, 0.14
    top = [rim_center + np.array([RIM_RADIUS * math.cos(2 * math.pi * i / n),
                                  RIM_RADIUS * math.sin(2 * math.pi * i / n), -0.01]) for i in range(n)]
    mid = [rim_center + np.array([0.19 * math.cos(2 * math.pi * (i + 0.5) / n),
                                  0.19 * math.sin(2 * math.pi * (i + 0.5) / n), -depth * 0.5]) for i in range(n)]
    bot = [rim_center + np.array([low_r * math.cos(2 * math.pi * i / n),
                                  low_r * math.sin(2 * math.pi * i / n), -depth]) for i in range(n)]
    k = 0
    for i in range(n):
        for a, b in ((top[i], mid[i]), (top[(i + 1) % n], mid[i]), (mid[i], bot[i]), (mid[i], bot[(i + 1) % n])):
            L = float(np.linalg.norm(b - a))
            out.append((Part(f"{entity}/net{k}", entity, "cylinder", (0.0045, L / 2), (0.95, 0.95, 0.95), "cloth",
                             casts_shadow=False), segment(a, b)))
            k += 1
    board_c = rim_center + back * (BOARD_OFFSET + BOARD_HALF[0])
    board_c[2] = BOARD_BOTTOM + BOARD_HALF[2]
    out.append((Part(f"{entity}/backboard", entity, "box", BOARD_HALF, (0.82, 0.9, 0.95), "glass"),
                translate(*board_c) @ R))
    face = board_c - back * (BOARD_HALF[0] + 0.003)
    hx, hy, hz = BOARD_HALF
    w = 0.025
    # white border and the red shooter's square above the rim
    for name, dy, dz, sy, sz, col in (
        ("edge_top", 0.0, hz - w, hy, w, (0.95, 0.95, 0.95)), ("edge_bottom", 0.0, -hz + w, hy, w, (0.95, 0.95, 0.95)),
        ("edge_left", hy - w, 0.0, w, hz, (0.95, 0.95, 0.95)), ("edge_right", -hy + w, 0.0, w, hz, (0.95, 0.95, 0.95)),
    ):
        c = face + R[:3, :3] @ np.array([0.0, dy, dz])
        out.append((Part(f"{entity}/{name}", entity, "box", (0.004, sy, sz), col, "paint"), translate(*c) @ R))
    sq_c = face + np.array([0.0, 0.0, RIM_HEIGHT + 0.225 - board_c[2]]) + np.array([0, 0, rim_center[2] - RIM_HEIGHT])
    for name, dy, dz, sy, sz in (("square_top", 0.0, 0.225, 0.295, 0.025), ("square_bottom", 0.0, -0.225, 0.295, 0.025),
                                 ("square_left", 0.27, 0.0, 0.025, 0.225), ("square_right", -0.27, 0.0, 0.025, 0.225)):
        c = sq_c + R[:3, :3] @ np.array([0.0, dy, dz])
        out.append((Part(f"{entity}/{name}", entity, "box", (0.004, sy, sz), (0.85, 0.12, 0.08), "paint"),
                    translate(*c) @ R))
    arm_a = board_c + back * BOARD_HALF[0]
    pole_c = rim_center + back * (BOARD_OFFSET + 1.2)
    arm_b = np.array([pole_c[0], pole_c[1], board_c[2]])
    out.append((Part(f"{entity}/arm", entity, "box", (float(np.linalg.norm(arm_b - arm_a)) / 2, 0.06, 0.06),
                     (0.2, 0.22, 0.25), "metal"), translate(*((arm_a + arm_b) / 2)) @ R))
    out.append((Part(f"{entity}/pole", entity, "box", (0.09, 0.09, 1.78), (0.2, 0.22, 0.25), "metal"),
                translate(pole_c[0], pole_c[1], 1.78) @ R))
    out.append((Part(f"{entity}/pad", entity, "box", (0.13, 0.13, 0.9), (0.1, 0.2, 0.55), "foam"),
                translate(pole_c[0], pole_c[1], 0.9) @ R))
    out.append((Part(f"{entity}/base", entity, "box", (0.45, 0.5, 0.12), (0.15, 0.15, 0.17), "metal"),
                translate(*(pole_c + back * 0.25 + np.array([0, 0, 0.12]))) @ R))
    return out


class HoopActor(StaticActor):
    """A basketball hoop standing on the ground; cameras aim at the rim."""

    def __init__(self, entity: str, world: PhysicsWorld, rim_center: np.ndarray, facing: np.ndarray) -> None:
        super().__init__(entity, hoop_parts(entity, rim_center, facing), size=1.2, focus_point=rim_center.copy())
        self.hoop = Hoop(rim_center, facing, add_hoop_colliders(world, rim_center, facing))


def basketball_parts(entity: str, color: tuple[float, float, float] = (0.85, 0.38, 0.1)
                     ) -> list[tuple[Part, np.ndarray]]:
    """Return an orange ball with three black seams (so its spin shows)."""
    out = [(Part(entity, entity, "sphere", (BALL_RADIUS,), color, "rubber"), np.eye(4))]
    v, f = _torus(BALL_RADIUS * 0.985, 0.0045)
    for i, m in enumerate((np.eye(4), rot_y(math.pi / 2), rot_y(math.pi / 2) @ np.array(
            [[0, -1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], float))):
        out.append((Part(f"{entity}/seam{i}", entity, "mesh", (1.0,), (0.05, 0.04, 0.04), "rubber", v, f,
                         casts_shadow=False), m))
    return out


def add_ball_body(world: PhysicsWorld, name: str, pos: np.ndarray) -> int:
    """Add a basketball rigid body (0.62 kg, r 0.12 m, lively bounce, a little rolling friction)."""
    r, f = SURFACES["ball"]
    return world.add_sphere(name, BALL_RADIUS, tuple(pos), BALL_MASS, material="rubber", restitution=r, friction=f,
                            rolling_friction=0.0015)


# ------------------------------------------------------------------------------------------- shot search
@dataclass
class Flight:
    """What a ball did after release: touched bodies, whether it dropped through the ring, where it ended."""

    touched: list[str]
    through: bool
    end_distance: float  # horizontal distance from the rim centre at the end
    steps: int

    def outcome(self) -> str:
        """Return "make", "miss" (touched rim/backboard, never through) or "airball"."""
        if self.through:
            return "make"
        if any(b in ("rim", "backboard") for b in self.touched):
            return "miss"
        return "airball"


def through_ring(prev: np.ndarray, cur: np.ndarray, rim_center: np.ndarray) -> bool:
    """Return True when the ball centre crossed the rim plane downwards inside the ring."""
    z = rim_center[2]
    if not (prev[2] >= z > cur[2]):
        return False
    u = (prev[2] - z) / (prev[2] - cur[2])
    p = prev + u * (cur - prev)
    return float(np.hypot(p[0] - rim_center[0], p[1] - rim_center[1])) < RIM_RADIUS - RIM_TUBE


def ballistic_velocity(p0: np.ndarray, target: np.ndarray, angle: float, g: float) -> np.ndarray:
    """Return the launch velocity from p0 through target at an elevation angle (straight line when g = 0)."""
    d = target - p0
    horiz = float(np.hypot(d[0], d[1]))
    u = np.array([d[0] / horiz, d[1] / horiz, 0.0])
    if g <= 1e-6:
        return d / np.linalg.norm(d) * 7.0
    denom = 2 * math.cos(angle) ** 2 * (horiz * math.tan(angle) - d[2])
    if denom <= 0:
        angle = math.atan2(d[2], horiz) + 0.3
        denom = 2 * math.cos(angle) ** 2 * (horiz * math.tan(angle) - d[2])
    v = math.sqrt(g * horiz * horiz / denom)
    return u * v * math.cos(angle) + np.array([0.0, 0.0, v * math.sin(angle)])


def backspin(v: np.ndarray, rev_per_s: float = 2.5) -> np.ndarray:
    """Return the angular velocity of a shooter's backspin for a ball moving with velocity v."""
    h = np.array([v[0], v[1], 0.0])
    n = np.linalg.norm(h)
    if n < 1e-9:
        return np.zeros(3)
    lateral = np.cross([0.0, 0.0, 1.0], h / n)
    return -lateral * rev_per_s * 2 * math.pi


def fly(p0: np.ndarray, v0: np.ndarray, hoop_center: np.ndarray, facing: np.ndarray, gravity: float,
        ground: tuple[float, float], max_time: float = 3.0) -> Flight:
    """Simulate a released ball against a hoop in a scratch world; returns what happened."""
    with PhysicsWorld(gravity) as w:
        w.add_ground(restitution=ground[0], friction=ground[1])
        bodies = add_hoop_colliders(w, hoop_center, facing)
        ball = add_ball_body(w, "ball", p0)
        w.set_state(ball, p0, v0, ang_vel=tuple(backspin(v0)))
        names = {v: k for k, v in bodies.items()}
        touched: list[str] = []
        through = False
        prev = p0.copy()
        first_hit = None
        import pybullet as pb

        n = int(max_time / w.dt)
        for i in range(n):
            w.step()
            cur = w.position(ball)
            if through_ring(prev, cur, hoop_center):
                through = True
            for c in pb.getContactPoints(bodyA=ball, physicsClientId=w.client):
                other = names.get(c[2], "floor")
                if not touched or touched[-1] != other:
                    touched.append(other)
                if other != "floor" and first_hit is None:
                    first_hit = i
            prev = cur
            if "floor" in touched or through or (first_hit is not None and i - first_hit > 240 * 1.2):
                break
        end = float(np.hypot(prev[0] - hoop_center[0], prev[1] - hoop_center[1]))
        return Flight(touched, through, end, i + 1)


def shot_candidates(p0: np.ndarray, hoop: Hoop, want: str, rng: np.random.Generator, gravity: float
                    ) -> list[tuple[np.ndarray, str]]:
    """Return up to 40 (release velocity, kind) candidates, most promising kinds first, order shuffled by rng."""
    rc, fwd = hoop.rim_center, -hoop.facing  # fwd points from the court towards the board
    lat = np.cross([0.0, 0.0, 1.0], fwd)
    out: list[tuple[np.ndarray, str]] = []
    if want == "make":
        for _ in range(40):
            tgt = rc + fwd * rng.uniform(-0.04, 0.06) + lat * rng.uniform(-0.03, 0.03)
            out.append((ballistic_velocity(p0, tgt, math.radians(rng.uniform(48, 58)), gravity), "make"))
        return out
    board: list[tuple[np.ndarray, str]] = []
    for _ in range(24):
        # long shots that strike the glass above the rim, so the ball bounces off the backboard
        tgt = rc + fwd * rng.uniform(0.38, 0.42) + lat * rng.uniform(-0.3, 0.3) + np.array(
            [0.0, 0.0, rng.uniform(0.2, 0.55)])
        board.append((ballistic_velocity(p0, tgt, math.radians(rng.uniform(40, 52)), gravity), "board"))
    rim: list[tuple[np.ndarray, str]] = []
    for _ in range(16):
        side = rng.choice([-1.0, 1.0])
        tgt = rc + fwd * side * rng.uniform(0.16, 0.26) + lat * rng.uniform(-0.1, 0.1)
        rim.append((ballistic_velocity(p0, tgt, math.radians(rng.uniform(45, 55)), gravity), "rim"))
    return board + rim


def search_release(p0: np.ndarray, hoop: Hoop, want: str, rng: np.random.Generator, gravity: float,
                   ground: tuple[float, float], skip: int = 0) -> tuple[np.ndarray, Flight]:
    """Return the first candidate release velocity whose simulated flight gives the wanted outcome."""
    best: tuple[np.ndarray, Flight] | None = None
    found = 0
    for v, _kind in shot_candidates(p0, hoop, want, rng, gravity):
        f = fly(p0, v, hoop.rim_center, hoop.facing, gravity, ground)
        ok = f.outcome() == want
        if want == "miss":
            # a readable miss hits the hoop and comes away from it
            ok = ok and f.end_distance > 0.5
        if ok:
            if found == skip:
                return v, f
            found += 1
        if best is None:
            best = (v, f)
    assert best is not None
    return best


class ShotController(Actor):
    """Holds the ball in the shooter's hands until release, then lets it go with the searched velocity."""

    def __init__(self, shooter: Actor, ball: BodyActor, release_t: float, velocity: np.ndarray,
                 hands_point: Callable[[float], np.ndarray], rim_center: np.ndarray | None = None) -> None:
        self.entity = ""
        self.parts = []
        self.shooter = shooter
        self.ball = ball
        self.release_t = release_t
        self.velocity = velocity
        self.hands_point = hands_point  # callable t -> np.ndarray
        self.released = False
        self.rim_center = rim_center
        self._ahead: tuple[float, np.ndarray] | None = None  # (t, hands point) computed one step ahead

    def _hands(self, t: float) -> np.ndarray:
        """The hands point at t, reusing the one computed a step ahead (each costs a forward-kinematics pass)."""
        if self._ahead is not None and abs(self._ahead[0] - t) < 1e-9:
            return self._ahead[1]
        return self.hands_point(t)

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Carry the ball with the hands, or release it at the release time."""
        if self.released:
            return
        if t >= self.release_t - 1e-9:
            p = self.hands_point(self.release_t)
            world.set_state(self.ball.body, p, self.velocity, ang_vel=tuple(backspin(self.velocity)))
            self.released = True
            return
        p = self._hands(t)
        p_next = self.hands_point(t + world.dt)
        self._ahead = (t + world.dt, p_next)
        world.set_state(self.ball.body, p, (p_next - p) / world.dt)

    def after_step(self, world: PhysicsWorld, t: float) -> None:
        """The net: a ball inside it is slowed by drag, so a make drops under the rim instead of flying on."""
        if not self.released or self.rim_center is None:
            return
        p = world.position(self.ball.body)
        rc = self.rim_center
        if float(np.hypot(p[0] - rc[0], p[1] - rc[1])) < RIM_RADIUS and rc[2] - NET_DEPTH < p[2] < rc[2] - 0.02:
            v = world.velocity(self.ball.body)
            drag = -BALL_MASS * np.array([NET_DRAG * v[0], NET_DRAG * v[1], 0.35 * NET_DRAG * v[2]])
            world.apply_force(self.ball.body, drag)

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """No parts of its own."""
        return np.zeros((0, 4, 4))


# ------------------------------------------------------------------------------------------- crowd and camera
REACTION_DELAY = 0.35  # s from the outcome to the crowd's audible reaction
CROWD_AMBIENCES = ("gym", "crowd")  # scenes with spectators who react to a shot
WIDE_VIEW_TURN = -0.9  # rad: turn the side-on set-up towards the shooter so the backboard's face shows (3/4 view)


def outcome_time(outcome: str, path: np.ndarray, release_step: int, rim: np.ndarray, events: list,
                 ball: str, dt: float) -> float | None:
    """When the outcome became clear: the ball through the ring (make), its last touch of rim/backboard (miss)."""
    if outcome == "make":
        seg = path[release_step:]
        for i in range(len(seg) - 1):
            if through_ring(seg[i], seg[i + 1], rim):
                return (release_step + i + 1) * dt
        return None
    touches = [e.t for e in events if e.body_a == ball and e.body_b in ("rim", "backboard")]
    if touches:
        return max(touches)
    floor = [e.t for e in events if e.body_a == ball and e.body_b == "ground" and e.t > release_step * dt]
    return min(floor) if floor else None


def crowd_reaction(outcome: str, t_event: float, fps: int, n_frames: int) -> dict[str, np.ndarray]:
    """A crowd cue after the outcome: a cheer after a make, a groan after a miss (per-frame loudness 0..1)."""
    t = np.arange(n_frames) / fps - (t_event + REACTION_DELAY)
    attack, hold, decay = (0.2, 1.0, 1.2) if outcome == "make" else (0.35, 0.5, 0.9)
    env = np.clip(t / attack, 0.0, 1.0) * np.where(t < attack + hold, 1.0, np.exp(-(t - attack - hold) / decay))
    env = np.where(t >= 0, env, 0.0)
    name = "crowd/cheer" if outcome == "make" else "crowd/groan"
    return {name: np.clip(env * (0.9 if outcome == "make" else 0.7), 0.0, 1.0)}
