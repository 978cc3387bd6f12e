"""Open water and a paddleboard: a wave surface that reads as water, a floating board (buoyancy per corner in
pybullet) that sinks, bobs and tips under a person's feet, a backflip played with the feet on the board, splash
droplets and splash sounds when the board slaps the water.

The waves are two travelling sine trains whose wave vectors lie on the reciprocal lattice of a square tile of side
`TILE`: the surface is periodic in x and y, so one rigid mesh slid by (V·t mod TILE) reproduces the travelling
waves exactly, and the physics reads the same analytic height `water_height(x, y, t)`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pybullet as pb

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, stable_rng
from reelcast.engines.sim.world.archetypes import register
from reelcast.engines.sim.world.humanoid import NATIVE_HEIGHT, HumanoidActor, Kinematics, apply_pose, link_frames
from reelcast.engines.sim.world.motions import VERB_CLIPS, MotionTrack, Pose, load_clip
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.places import PLACES, Ground, PlaceSpec, Scenery, _box
from reelcast.engines.sim.world.quat import translate
from reelcast.prompt.plan import Entity

if TYPE_CHECKING:
    from reelcast.engines.sim.world.archetypes import BuildContext

G = 9.81
RHO = 1000.0  # kg/m³
TILE = 6.0  # m, period of the wave pattern
MEAN_LEVEL = 0.15  # m above the ground plane (troughs stay above z = 0, where the renderer clips)
WAVES = ((0.045, (2, 0)), (0.03, (1, 2)))  # (amplitude m, lattice vector n) → k = 2π n / TILE
BOARD_HALF = (1.6, 0.4, 0.06)  # a 3.2 m × 0.8 m inflatable SUP board, 12 cm thick
BOARD_MASS = 12.0
PERSON_MASS = 75.0
WATER_COLOR = (0.07, 0.25, 0.33)
WATER_PLACES = ("lake", "ocean", "sea")


def _k(n: tuple[int, int]) -> np.ndarray:
    return 2 * math.pi * np.array(n, dtype=float) / TILE


def _omega(k: np.ndarray) -> float:
    return math.sqrt(G * float(np.linalg.norm(k)))  # deep-water dispersion


def drift_velocity() -> np.ndarray:
    """The velocity V with k_i·V = ω_i for both wave trains (the surface pattern moves rigidly at V)."""
    ks = np.array([_k(n) for _, n in WAVES])
    return np.linalg.solve(ks, np.array([_omega(k) for k in ks]))


def _wave_terms() -> tuple[tuple[float, np.float64, np.float64, float], ...]:
    """(amplitude, k_x, k_y, ω) of each wave train: constants, computed once instead of on every height query."""
    out = []
    for amp, n in WAVES:
        k = _k(n)
        out.append((amp, k[0], k[1], _omega(k)))
    return tuple(out)


_WAVE_TERMS = _wave_terms()


def water_height(x: float | np.ndarray, y: float | np.ndarray, t: float) -> float | np.ndarray:
    """Height of the water surface (m) at (x, y) and time t."""
    h = MEAN_LEVEL
    for amp, kx, ky, omega in _WAVE_TERMS:
        h = h + amp * np.sin(kx * x + ky * y - omega * t)
    return h


def grid_lines(extent: float, cell: float, fine: float, growth: float, widest: float) -> np.ndarray:
    """Grid coordinates on one axis: `cell` apart within ±fine / 2, then each gap `growth` times the last (at most
    `widest`) out to ±extent / 2, the last gap cut to fit; symmetric about 0."""
    inner = np.linspace(-fine / 2, fine / 2, int(round(fine / cell)) + 1)
    outer = [fine / 2]
    gap = cell
    while outer[-1] < extent / 2 - 1e-9:
        gap = min(gap * growth, widest)
        outer.append(min(outer[-1] + gap, extent / 2))
    out = np.array(outer[1:])
    return np.concatenate([-out[::-1], inner, out])


def surface_mesh(extent: float = 48.0, cell: float = 0.4, fine: float = 28.0, growth: float = 1.25,
                 widest: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A square grid (centred on the origin, extent a multiple of TILE) displaced by the waves at t = 0.

    Its cells are `cell` wide within the middle `fine` metres (the board, the camera and what is near it, give or
    take the mesh's slide of up to one TILE) and grow outward from there to `widest`, still under half the shortest
    wavelength (2.7 m): the far water is a few pixels a cell, and llvmpipe pays per triangle set up and per 2x2 pixel
    quad a triangle touches, so the uniform grid's far triangles (~12k of 29k, mostly under a pixel) cost ~3 ms a
    854x480 frame.
    """
    xs = grid_lines(extent, cell, fine, growth, widest)
    n = len(xs) - 1
    gx, gy = np.meshgrid(xs, xs, indexing="ij")
    gz = water_height(gx, gy, 0.0)
    verts = np.stack([gx, gy, gz], axis=-1).reshape(-1, 3).astype(np.float32)
    idx = np.arange((n + 1) * (n + 1)).reshape(n + 1, n + 1)
    a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
    faces = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, d], -1).reshape(-1, 3)])
    return verts, faces.astype(np.int32)


class WaterSurface(Actor):
    """The animated lake surface: one rigid wavy mesh slid with the wave pattern (periodic, so it never ends)."""

    def __init__(self, center: np.ndarray) -> None:
        self.entity = "water"
        v, f = surface_mesh()
        self.parts = [Part("water/surface", "water", "mesh", (1.0,), WATER_COLOR, "water", v, f, casts_shadow=False)]
        self.center = np.array([round(center[0] / TILE) * TILE, round(center[1] / TILE) * TILE, 0.0])
        self.velocity = drift_velocity()
        self.size = 20.0

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Slide the mesh by V·t modulo one tile."""
        d = np.mod(self.velocity * t, TILE)
        return np.array([translate(self.center[0] + d[0], self.center[1] + d[1], 0.0)])

    def sound_loops(self, fps: int, n_frames: int) -> dict[str, np.ndarray]:
        """Gentle water lapping for the whole clip."""
        return {"water/lap": np.full(n_frames, 0.22)}


class Paddleboard(Actor):
    """A floating board: buoyancy and drag at 3 × 3 points of its hull, plus the loads a rider puts on it."""

    def __init__(self, ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> None:
        self.entity = e.id
        self.floating = ctx.plan.setting.place in WATER_PLACES  # else it lies on the ground (a beach, a studio)
        z = MEAN_LEVEL + BOARD_HALF[2] * 0.2 if self.floating else BOARD_HALF[2] + 0.001
        self.body = ctx.world.add_box(e.id, BOARD_HALF, (float(pos[0]), float(pos[1]), z), mass=BOARD_MASS,
                                      material="wood", restitution=0.1, friction=0.9)
        pb.resetBasePositionAndOrientation(self.body, (float(pos[0]), float(pos[1]), z),
                                           pb.getQuaternionFromEuler((0, 0, yaw)), physicsClientId=ctx.world.client)
        self.size = 3.2
        deck = (0.95, 0.95, 0.92)
        stripe = (0.1, 0.55, 0.75)
        self.parts = [Part(e.id, e.id, "box", BOARD_HALF, deck, "plastic"),
                      Part(f"{e.id}/stripe", e.id, "box", (BOARD_HALF[0] * 0.98, 0.06, BOARD_HALF[2] + 0.003), stripe,
                           "plastic"),
                      Part(f"{e.id}/pad", e.id, "box", (0.55, 0.33, BOARD_HALF[2] + 0.005), (0.2, 0.2, 0.22),
                           "rubber")]
        self._local = np.array([np.eye(4), np.eye(4), np.eye(4)])
        self.load: tuple[float, np.ndarray] | None = None  # (newtons downwards, world point) set by the rider
        self.points = [(sx * BOARD_HALF[0] * 0.8, sy * BOARD_HALF[1] * 0.8) for sx in (-1, 0, 1) for sy in (-1, 0, 1)]
        self._hull = np.array([[px, py, -BOARD_HALF[2], 1.0] for px, py in self.points])

    def top_at(self, world: PhysicsWorld, xy: np.ndarray) -> float:
        """Height of the deck under a world point (follows pitch and roll)."""
        m = world.pose(self.body)
        local = np.linalg.solve(m, np.array([xy[0], xy[1], m[2, 3], 1.0]))
        deck = m @ np.array([local[0], local[1], BOARD_HALF[2], 1.0])
        return float(deck[2])

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Buoyancy (Archimedes on the submerged depth under each hull point), water drag, the rider's load."""
        m = world.pose(self.body)
        if not self.floating:
            self._apply_load(world, m)
            return
        lin, ang = pb.getBaseVelocity(self.body, physicsClientId=world.client)
        area = 4 * BOARD_HALF[0] * BOARD_HALF[1] / len(self.points)
        pts = (self._hull @ m.T)[:, :3]
        depth = np.clip(water_height(pts[:, 0], pts[:, 1], t) - pts[:, 2], 0.0, 2 * BOARD_HALF[2])
        # ω × r written out: np.cross's own products and differences without its broadcasting machinery (~40 µs)
        (wx, wy, wz), r = ang, pts - m[:3, 3]
        w_r = np.empty_like(r)
        w_r[:, 0] = wy * r[:, 2] - wz * r[:, 1]
        w_r[:, 1] = wz * r[:, 0] - wx * r[:, 2]
        w_r[:, 2] = wx * r[:, 1] - wy * r[:, 0]
        vel = np.asarray(lin) + w_r
        forces = -30.0 * vel * np.array([1.0, 1.0, 4.0]) * (depth > 0)[:, None]
        forces[:, 2] += RHO * G * area * depth
        for f, p in zip(forces, pts, strict=True):
            pb.applyExternalForce(self.body, -1, f.tolist(), p.tolist(), pb.WORLD_FRAME, physicsClientId=world.client)
        self._apply_load(world, m)

    def _apply_load(self, world: PhysicsWorld, m: np.ndarray) -> None:
        if self.load is not None:
            force, at = self.load
            pb.applyExternalForce(self.body, -1, [0.0, 0.0, -force], [float(at[0]), float(at[1]), float(m[2, 3])],
                                  pb.WORLD_FRAME, physicsClientId=world.client)

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """The board at its simulated pose."""
        return world.pose(self.body) @ self._local

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the board's centre."""
        return poses[0, :3, 3]


class BoardTrack:
    """A motion track whose feet stand on the board: the clip's root is lifted to the deck under the feet."""

    def __init__(self, track: MotionTrack, board: Paddleboard, world: PhysicsWorld) -> None:
        self.track = track
        self.board = board
        self.world = world
        self.deck = MEAN_LEVEL + BOARD_HALF[2]

    def pose(self, t: float) -> Pose:
        """The clip's pose raised to the deck height recorded at the latest physics step."""
        p = self.track.pose(t)
        return Pose(p.root_pos + np.array([0.0, 0.0, self.deck]), p.root_rot, p.joints)


_ANKLES = ("right_ankle", "left_ankle")


class BoardRider(HumanoidActor):
    """A person playing clips on a floating board; pushes the board down by m·(g + a) while the feet are on it."""

    def __init__(self, entity: str, track: MotionTrack, kin: Kinematics, colors: dict[str, tuple[float, ...]],
                 height: float, board: Paddleboard, world: PhysicsWorld, duration: float, seed: int) -> None:
        self.board_track = BoardTrack(track, board, world)
        super().__init__(entity, self.board_track, kin, colors, height)  # type: ignore[arg-type]
        self.board = board
        self.mass = PERSON_MASS * (height / 1.8) ** 3
        self.seed = seed
        dt = 1.0 / 240
        times = np.arange(0.0, duration + 0.5, dt)
        body, index = kin.humanoid(self.scale)
        feet_z, feet_xy, root_z = [], [], []
        for t in times:
            pose = track.pose(float(t))
            apply_pose(kin.client, body, index, pose)
            fr = link_frames(kin.client, body, index, _ANKLES)  # only the feet are read (1000+ poses a clip)
            a, b = fr["right_ankle"][:3, 3], fr["left_ankle"][:3, 3]
            feet_z.append(min(a[2], b[2]))
            feet_xy.append((a[:2] + b[:2]) / 2)
            root_z.append(pose.root_pos[2])
        self.times = times
        self.feet_z = np.array(feet_z)
        self.feet_xy = np.array(feet_xy)
        rz = np.convolve(np.array(root_z), np.ones(9) / 9, mode="same")
        self.acc = np.gradient(np.gradient(rz, dt), dt)
        self.on_board = self.feet_z < self.feet_z.min() + 0.08
        self.flights = self._flights()
        self.droplets = SplashDroplets(entity, seed)
        self.splashes: list[ContactEvent] = []

    def _flights(self) -> list[tuple[float, float]]:
        out, start = [], None
        for t, on in zip(self.times, self.on_board, strict=True):
            if not on and start is None:
                start = float(t)
            elif on and start is not None:
                if t - start > 0.15:
                    out.append((start, float(t)))
                start = None
        return out

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Load the board through the feet; remember the deck height; splash when the board slaps the water."""
        i = min(int(round(t * 240)), len(self.times) - 1)
        if self.on_board[i]:
            force = self.mass * float(np.clip(G + self.acc[i], 0.0, 4 * G))
            self.board.load = (force, self.feet_xy[i])
            self.board_track.deck = self.board.top_at(world, self.feet_xy[i])
        else:
            self.board.load = None
        for a, b in self.flights:
            for when, kind in ((a, "takeoff"), (b, "landing")):
                if abs(t - when) < 0.5 / 240 and not any(abs(s.t - when) < 1e-6 for s in self.splashes):
                    p = world.position(self.board.body)
                    v_down = G * (b - a) / 2 if kind == "landing" else 2.0
                    self.splashes.append(ContactEvent(when, self.board.entity, "water", self.mass * v_down * 0.5,
                                                      (float(p[0]), float(p[1]), float(p[2])), "plastic", "water"))
                    self.droplets.burst(when, p, 1.0 if kind == "landing" else 0.5)

    def sound_events(self) -> list[ContactEvent]:
        """The board slapping the water at take-off and landing."""
        return list(self.splashes)


class SplashDroplets(Actor):
    """A few white droplets thrown up ballistically from the board when it slaps the water."""

    N = 16

    def __init__(self, entity: str, seed: int) -> None:
        self.entity = f"{entity}/splash"
        self.rng = stable_rng(seed, "splash", entity)
        self.parts = [Part(f"{entity}/splash{i}", f"{entity}/splash", "sphere", (0.045 + 0.02 * (i % 3),),
                           (0.9, 0.95, 1.0), "water", emissive=0.15, casts_shadow=False) for i in range(self.N)]
        self.bursts: list[tuple[float, np.ndarray, np.ndarray]] = []  # (t0, origins, velocities)
        self.size = 1.0

    def burst(self, t0: float, at: np.ndarray, strength: float) -> None:
        """Throw the droplets from around the board's rim."""
        ang = self.rng.uniform(0, 2 * math.pi, self.N)
        r = self.rng.uniform(0.3, 1.4, self.N)
        origins = np.stack([at[0] + r * np.cos(ang), at[1] + 0.45 * np.sin(ang), np.full(self.N, MEAN_LEVEL)], 1)
        speed = strength * self.rng.uniform(1.5, 3.2, self.N)
        vel = np.stack([np.cos(ang) * 0.5 * speed, np.sin(ang) * 0.5 * speed, speed], 1)
        self.bursts.append((t0, origins, vel))

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Droplets in flight (hidden below the water otherwise)."""
        out = np.tile(translate(0.0, 0.0, -5.0), (self.N, 1, 1))
        for t0, o, v in self.bursts:
            dt = t - t0
            if 0 <= dt < 1.2:
                p = o + v * dt + np.array([0.0, 0.0, -0.5 * G]) * dt * dt
                alive = p[:, 2] > MEAN_LEVEL - 0.05
                out[alive, :3, 3] = p[alive]
        return out

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Not a camera subject."""
        return np.zeros(3)


def board_under(ctx: BuildContext, e: Entity) -> Entity | None:
    """The paddleboard/surfboard entity this person acts on ("a backflip on a paddleboard"), if any."""
    if ctx.plan.setting.place not in WATER_PLACES:
        return None  # on a beach or a stage the board lies on the ground and the person acts normally
    boards = [x for x in ctx.plan.entities if x.archetype in ("paddleboard", "surfboard")]
    for _, a in ctx.actions_of(e.id):
        on = ctx.plan.entity(str(a.attributes.get("on", "")) or (a.target or ""))
        if on is not None and on.archetype in ("paddleboard", "surfboard"):
            return on
    return boards[0] if boards else None


def build_board_rider(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float,
                      colors: dict[str, tuple[float, ...]], height: float, board_e: Entity) -> HumanoidActor:
    """The person on a floating board (the board, the water surface and the splash droplets are built here)."""
    existing = ctx.actors.get(board_e.id)
    board = existing if isinstance(existing, Paddleboard) else Paddleboard(ctx, board_e, pos, yaw)
    ctx.actors[board_e.id] = board
    spans: list[tuple[float, float, str]] = []
    t = 0.0
    for idx, a in ctx.actions_of(e.id):
        name = VERB_CLIPS.get(a.verb, "idle")
        clip = load_clip(name)
        start = a.start if a.start is not None else max(t, min(1.0, 0.25 * ctx.plan.duration))
        end = a.end if a.end is not None else start + (clip.duration if name not in ("idle", "talk") else 1.0)
        ctx.timings[idx] = (start, end)
        spans.append((start, end, name))
        t = end
    # start half the flip's travel forward of the board's centre so the landing is on the deck too
    fwd = np.array([math.cos(yaw), math.sin(yaw)])
    origin = np.asarray(pos[:2]) + fwd * (0.5 if any(s[2] == "backflip" for s in spans) else 0.0)
    track = MotionTrack(spans, ctx.plan.duration, (float(origin[0]), float(origin[1])), yaw, height / NATIVE_HEIGHT)
    rider = BoardRider(e.id, track, ctx.kin, colors, height, board, ctx.world, ctx.plan.duration, ctx.seed)
    ctx.extra.append(rider.droplets)
    ctx.note(f"sim: {e.id} stands on a floating {board_e.archetype}")
    return rider


@register("paddleboard", "surfboard")
def paddleboard(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A board floating on the water by itself."""
    return Paddleboard(ctx, e, pos, yaw)


def water_actor(place: str, center: np.ndarray) -> Actor | None:
    """The wave surface for water places (lake, ocean, sea), else None."""
    return WaterSurface(center) if place in WATER_PLACES else None


def lake_scenery(seed: int) -> Scenery:
    """A far shore: a low green bank with pines and hills behind, across the water."""
    out: Scenery = [_box("lake/shore", (60.0, 4.0, 0.6), (0.0, 30.0, 0.3), (0.3, 0.42, 0.22), "grass")]
    rng = stable_rng(seed, "lake_trees")
    for i in range(26):
        x, h = rng.uniform(-45, 45), rng.uniform(4, 9)
        y = 29.0 + rng.uniform(-2.5, 6)
        out.append((Part(f"lake/trunk{i}", "scenery", "cylinder", (0.2, h * 0.2), (0.33, 0.22, 0.12), "wood"),
                    translate(x, y, 0.6 + h * 0.2)))
        out.append((Part(f"lake/crown{i}", "scenery", "cone", (h * 0.25, h * 0.4), (0.1, 0.3 + rng.uniform(0, 0.1),
                         0.14), "leaves"), translate(x, y, 0.6 + h * 0.8)))
    for k in range(4):
        out.append((Part(f"lake/hill{k}", "scenery", "sphere", (28.0,), (0.25, 0.36, 0.3), "grass",
                         casts_shadow=False), translate(-50 + 33 * k, 70 + 10 * (k % 2), -10.0)))
    return out


PLACES["lake"] = replace(PLACES["lake"], scenery=lake_scenery)
PLACES.setdefault("ocean", PlaceSpec(Ground((0.06, 0.22, 0.36), "water", 0.1, 0.3), None))
