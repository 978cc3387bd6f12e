"""A person: the DeepMimic humanoid posed by a MotionTrack, drawn as skin/clothing parts; ragdoll for falls."""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pybullet as pb
import pybullet_data
import trimesh

from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor
from reelcast.engines.sim.world.motions import SPHERICAL, MotionTrack, Pose
from reelcast.engines.sim.world.physics import PhysicsWorld, quat_to_matrix
from reelcast.engines.sim.world.quat import rot_x, translate

URDF = "humanoid/humanoid.urdf"
# (link, sphere radius, offset in the link frame) at BASE_SCALE: the shapes a ball can bounce off
COLLIDERS: tuple[tuple[str, float, tuple[float, float, float]], ...] = (
    ("neck", 0.11, (0.012, 0.17, 0.0)), ("chest", 0.16, (0.0, 0.1, 0.0)), ("root", 0.13, (0.0, 0.0, 0.0)),
    ("right_wrist", 0.05, (0.0, -0.03, 0.0)), ("left_wrist", 0.05, (0.0, -0.03, 0.0)),
    ("right_hip", 0.08, (0.0, -0.22, 0.0)), ("left_hip", 0.08, (0.0, -0.22, 0.0)),
    ("right_knee", 0.065, (0.0, -0.2, 0.0)), ("left_knee", 0.065, (0.0, -0.2, 0.0)),
)
MOUTH_POS = (0.092, 0.128, 0.0)  # on the face below the nose, in the neck link's frame at BASE_SCALE
BASE_SCALE = 0.25  # the URDF is in quarter units; at 0.25 the character stands 1.62 m tall
NATIVE_HEIGHT = 1.62
_QUIET_LOCK = threading.Lock()

SKIN_TONES = [(0.96, 0.80, 0.69), (0.87, 0.67, 0.52), (0.72, 0.50, 0.36), (0.55, 0.37, 0.25), (0.38, 0.25, 0.17)]
HAIR = [(0.08, 0.06, 0.05), (0.25, 0.15, 0.08), (0.55, 0.38, 0.18), (0.85, 0.7, 0.4)]
NAMED_COLORS: dict[str, tuple[float, float, float]] = {
    "red": (0.78, 0.1, 0.1), "blue": (0.12, 0.25, 0.75), "green": (0.15, 0.55, 0.2), "yellow": (0.95, 0.8, 0.15),
    "white": (0.92, 0.92, 0.9), "black": (0.06, 0.06, 0.07), "orange": (0.95, 0.45, 0.1),
    "purple": (0.45, 0.2, 0.6), "pink": (0.95, 0.55, 0.7), "gray": (0.5, 0.5, 0.52), "grey": (0.5, 0.5, 0.52),
    "brown": (0.45, 0.28, 0.15), "golden": (0.85, 0.62, 0.28), "gold": (0.85, 0.65, 0.2),
    "silver": (0.75, 0.76, 0.78), "navy": (0.08, 0.12, 0.35), "teal": (0.1, 0.5, 0.5), "cream": (0.95, 0.9, 0.78),
    "tan": (0.8, 0.65, 0.45), "beige": (0.85, 0.78, 0.62), "tabby": (0.7, 0.5, 0.3), "ginger": (0.9, 0.5, 0.2),
}


def color_of(words: str | None, default: tuple[float, float, float]) -> tuple[float, float, float]:
    """Return the RGB of the first colour word in a phrase, or the default."""
    if not words:
        return default
    for w in words.lower().replace("-", " ").split():
        if w in NAMED_COLORS:
            return NAMED_COLORS[w]
    return default


def _ellipsoid_capsule(radius: float, half: float, scale: tuple[float, float, float]) -> tuple[np.ndarray, ...]:
    m = trimesh.creation.capsule(height=2 * half, radius=radius, count=[12, 12])
    # trimesh capsules run along z; the torso runs along the link's y axis
    v = np.asarray(m.vertices)[:, [0, 2, 1]] * np.asarray(scale)
    f = np.asarray(m.faces)[:, [0, 2, 1]]
    return v.astype(np.float32), f.astype(np.int32)


# (link, part, shape, size, local position, along link y?, colour role, material) at BASE_SCALE
BODY_SPEC: list[tuple[str, str, str, tuple[float, ...], tuple[float, float, float], bool, str, str]] = [
    ("root", "pelvis", "capsule", (0.095, 0.055), (0.0, 0.03, 0.0), False, "shorts", "cloth"),
    ("chest", "torso", "mesh", (0.13, 0.11), (0.0, 0.04, 0.0), True, "shirt", "cloth"),
    ("neck", "neck", "cylinder", (0.04, 0.05), (0.0, 0.03, 0.0), True, "skin", "skin"),
    ("neck", "head", "sphere", (0.1,), (0.012, 0.17, 0.0), False, "skin", "skin"),
    ("neck", "hair", "sphere", (0.101,), (-0.012, 0.19, 0.0), False, "hair", "hair"),
    ("neck", "nose", "sphere", (0.017,), (0.112, 0.16, 0.0), False, "skin", "skin"),
    ("neck", "eye_r", "sphere", (0.013,), (0.1, 0.188, 0.036), False, "eye", "default"),
    ("neck", "eye_l", "sphere", (0.013,), (0.1, 0.188, -0.036), False, "eye", "default"),
    ("neck", "ear_r", "sphere", (0.024,), (0.0, 0.17, 0.1), False, "skin", "skin"),
    ("neck", "ear_l", "sphere", (0.024,), (0.0, 0.17, -0.1), False, "skin", "skin"),
    ("right_shoulder", "deltoid_r", "sphere", (0.056,), (0.0, -0.015, 0.0), False, "shirt", "cloth"),
    ("right_shoulder", "upper_arm_r", "capsule", (0.042, 0.1), (0.0, -0.1375, 0.0), True, "skin", "skin"),
    ("right_elbow", "forearm_r", "capsule", (0.037, 0.1), (0.0, -0.125, 0.0), True, "skin", "skin"),
    ("right_wrist", "hand_r", "sphere", (0.046,), (0.0, -0.03, 0.0), False, "skin", "skin"),
    ("left_shoulder", "deltoid_l", "sphere", (0.056,), (0.0, -0.015, 0.0), False, "shirt", "cloth"),
    ("left_shoulder", "upper_arm_l", "capsule", (0.042, 0.1), (0.0, -0.1375, 0.0), True, "skin", "skin"),
    ("left_elbow", "forearm_l", "capsule", (0.037, 0.1), (0.0, -0.125, 0.0), True, "skin", "skin"),
    ("left_wrist", "hand_l", "sphere", (0.046,), (0.0, -0.03, 0.0), False, "skin", "skin"),
    ("right_hip", "shorts_r", "capsule", (0.072, 0.09), (0.0, -0.12, 0.0), True, "shorts", "cloth"),
    ("right_hip", "thigh_r", "capsule", (0.056, 0.09), (0.0, -0.3, 0.0), True, "skin", "skin"),
    ("right_knee", "shin_r", "capsule", (0.048, 0.13), (0.0, -0.18, 0.0), True, "skin", "skin"),
    ("right_knee", "sock_r", "capsule", (0.05, 0.04), (0.0, -0.35, 0.0), True, "sock", "cloth"),
    ("right_ankle", "shoe_r", "box", (0.1, 0.032, 0.05), (0.045, -0.02, 0.0), False, "shoes", "rubber"),
    ("left_hip", "shorts_l", "capsule", (0.072, 0.09), (0.0, -0.12, 0.0), True, "shorts", "cloth"),
    ("left_hip", "thigh_l", "capsule", (0.056, 0.09), (0.0, -0.3, 0.0), True, "skin", "skin"),
    ("left_knee", "shin_l", "capsule", (0.048, 0.13), (0.0, -0.18, 0.0), True, "skin", "skin"),
    ("left_knee", "sock_l", "capsule", (0.05, 0.04), (0.0, -0.35, 0.0), True, "sock", "cloth"),
    ("left_ankle", "shoe_l", "box", (0.1, 0.032, 0.05), (0.045, -0.02, 0.0), False, "shoes", "rubber"),
]


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence the URDF importer's C-level warnings (missing joint axes) that would litter the CLI output."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        yield
        return
    with _QUIET_LOCK:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)


def _load(client: int, scale: float, fixed: bool) -> tuple[int, dict[str, int]]:
    pb.setAdditionalSearchPath(pybullet_data.getDataPath(), physicsClientId=client)
    with _quiet_stdout():
        body = pb.loadURDF(URDF, [0, 0, 0], globalScaling=BASE_SCALE * scale, useFixedBase=fixed,
                           physicsClientId=client)
    index = {}
    for j in range(pb.getNumJoints(body, physicsClientId=client)):
        index[pb.getJointInfo(body, j, physicsClientId=client)[1].decode()] = j
    return body, index


def apply_pose(client: int, body: int, index: dict[str, int], pose: Pose) -> None:
    """Set a humanoid's base and joint states to a pose (no dynamics involved)."""
    pb.resetBasePositionAndOrientation(body, pose.root_pos.tolist(), pose.root_rot.tolist(), physicsClientId=client)
    for name, val in pose.joints.items():
        j = index[name]
        if name in SPHERICAL:
            pb.resetJointStateMultiDof(body, j, val.tolist(), physicsClientId=client)
        else:
            pb.resetJointState(body, j, float(val), physicsClientId=client)


class Kinematics:
    """A private pybullet client used only for forward kinematics of kinematically played humanoids."""

    def __init__(self) -> None:
        self.client = pb.connect(pb.DIRECT)
        self._bodies: dict[float, tuple[int, dict[str, int]]] = {}

    def humanoid(self, scale: float) -> tuple[int, dict[str, int]]:
        """Return a humanoid body of this scale in the FK client (shared by actors of the same size)."""
        if scale not in self._bodies:
            self._bodies[scale] = _load(self.client, scale, fixed=True)
        return self._bodies[scale]

    def close(self) -> None:
        """Disconnect the FK client."""
        if self.client >= 0:
            pb.disconnect(physicsClientId=self.client)
            self.client = -1


def link_frames(client: int, body: int, index: dict[str, int],
                names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Return each link's URDF frame (or only those of `names`) as a 4x4 world matrix."""
    names = tuple(index) if names is None else names
    states = pb.getLinkStates(body, [index[n] for n in names], computeForwardKinematics=True, physicsClientId=client)
    return {name: quat_to_matrix(st[4], st[5]) for name, st in zip(names, states, strict=True)}


class HumanoidActor(Actor):
    """A person played from motion clips; switches to a pybullet ragdoll when a fall begins."""

    def __init__(self, entity: str, track: MotionTrack, kin: Kinematics, colors: dict[str, tuple[float, ...]],
                 height: float = NATIVE_HEIGHT, fall_at: float | None = None,
                 fall_push: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> None:
        self.entity = entity
        self.track = track
        self.kin = kin
        self.scale = height / NATIVE_HEIGHT
        self.size = height
        self.fall_at = fall_at
        self.fall_push = np.asarray(fall_push, dtype=float)
        self.ragdoll: int | None = None
        self._rag_index: dict[str, int] = {}
        self.parts: list[Part] = []
        self._links: list[str] = []
        local = []
        k = self.scale
        for link, name, shape, size, pos, along_y, role, material in BODY_SPEC:
            m = translate(*(np.asarray(pos) * k))
            if along_y:
                m = m @ rot_x(-math.pi / 2)
            verts = faces = None
            sz = tuple(s * k for s in size)
            if shape == "mesh":
                v, faces = _ellipsoid_capsule(size[0] * k, size[1] * k, (0.78, 1.0, 1.3))
                verts = v
                m = translate(*(np.asarray(pos) * k))
                sz = (1.0,)
            self.parts.append(Part(f"{entity}/{name}", entity, shape, sz, tuple(colors[role]), material,
                                   mesh_vertices=verts, mesh_faces=faces))
            self._links.append(link)
            local.append(m)
        # the mouth: a dark lens on the face below the nose whose height follows the speech (lip motion)
        self.parts.append(Part(f"{entity}/lips", entity, "sphere", (0.024 * k,), (0.3, 0.07, 0.08), "skin"))
        self._links.append("neck")
        local.append(translate(*(np.array(MOUTH_POS) * k)))
        self._mouth = len(self.parts) - 1
        self.mouth_curve: np.ndarray | None = None  # per-frame opening 0..1 (see world/lips.py)
        self.mouth_fps = 24
        self._local = np.array(local)
        self.hand_names = ("right_wrist", "left_wrist")
        self.colliders: list[tuple[int, str, np.ndarray]] = []  # (pybullet body, link, offset) when collidable
        self.last_frames: dict[str, np.ndarray] = {}

    def resize_part(self, name: str, radius: float) -> None:
        """Give a round part of this person (e.g. "nose") a new radius in metres (styled faces restyle it)."""
        for part in self.parts:
            if part.name == f"{self.entity}/{name}":
                part.size = (radius, *part.size[1:])

    def fill_skin(self, amount: float) -> None:
        """Give this person's skin a little self-light (0..1): a soft fill where one key light leaves faces dim."""
        for part in self.parts:
            if part.material == "skin":
                part.emissive = amount

    # -- poses
    def frames_at(self, t: float) -> dict[str, np.ndarray]:
        """Return link frames of the kinematic (motion-track) pose at time t."""
        body, index = self.kin.humanoid(self.scale)
        apply_pose(self.kin.client, body, index, self.track.pose(t))
        return link_frames(self.kin.client, body, index)

    def hands_point(self, t: float) -> np.ndarray:
        """Return where a held ball's centre is at time t: beyond the midpoint of the hands along the forearms."""
        fr = self.frames_at(t)
        wrist = (fr["right_wrist"][:3, 3] + fr["left_wrist"][:3, 3]) / 2
        elbow = (fr["right_elbow"][:3, 3] + fr["left_elbow"][:3, 3]) / 2
        d = wrist - elbow
        d /= np.linalg.norm(d) + 1e-9
        return wrist + d * 0.11 * self.scale

    def add_colliders(self, world: PhysicsWorld) -> None:
        """Static-mass spheres on the head, chest, pelvis, hands, thighs and shins that follow the animation, so
        balls bounce off a person (they push nothing: kinematic bodies carry no velocity into the contact)."""
        k = self.scale
        for link, r, off in COLLIDERS:
            body = world.add_sphere(f"{self.entity}/{link}", r * k, (0.0, 0.0, -10.0), mass=0.0, material="skin",
                                    restitution=0.3, friction=0.8)
            self.colliders.append((body, link, translate(*(np.asarray(off) * k))))

    def before_step(self, world: PhysicsWorld, t: float) -> None:
        """Hand the body to physics when the fall begins; keep the collision spheres on the animated limbs."""
        if self.fall_at is not None and self.ragdoll is None and t >= self.fall_at:
            self._start_ragdoll(world, t)
        if self.colliders:
            if self.ragdoll is not None:
                for body, _, _ in self.colliders:
                    pb.removeBody(body, physicsClientId=world.client)
                self.colliders = []
                return
            frames = self.frames_at(t)
            for body, link, off in self.colliders:
                pos = (frames[link] @ off)[:3, 3]
                pb.resetBasePositionAndOrientation(body, pos.tolist(), [0, 0, 0, 1], physicsClientId=world.client)

    def _start_ragdoll(self, world: PhysicsWorld, t: float) -> None:
        body, index = _load(world.client, self.scale, fixed=False)
        pose = self.track.pose(t)
        apply_pose(world.client, body, index, pose)
        prev = self.track.pose(t - world.dt)
        vel = (pose.root_pos - prev.root_pos) / world.dt + self.fall_push
        # tip over about the axis perpendicular to the push so the fall has a direction
        push_h = np.array([self.fall_push[0], self.fall_push[1], 0.0])
        spin = np.cross([0.0, 0.0, 1.0], push_h) * 1.5
        pb.resetBaseVelocity(body, vel.tolist(), spin.tolist(), physicsClientId=world.client)
        for name, j in index.items():
            if name in SPHERICAL:
                pb.setJointMotorControlMultiDof(body, j, pb.POSITION_CONTROL, targetPosition=[0, 0, 0, 1],
                                                positionGain=0.0, velocityGain=0.1, force=[3.0, 3.0, 3.0],
                                                physicsClientId=world.client)
            else:
                pb.setJointMotorControl2(body, j, pb.VELOCITY_CONTROL, targetVelocity=0, force=2.0,
                                         physicsClientId=world.client)
            pb.changeDynamics(body, j, lateralFriction=0.9, restitution=0.1, physicsClientId=world.client)
        world.register(body, self.entity, "skin", dynamic=True, link_names={j: n for n, j in index.items()})
        self.ragdoll = body
        self._rag_index = index

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Return the parts' matrices from the kinematic pose or, after a fall began, from the ragdoll."""
        if self.ragdoll is not None:
            frames = link_frames(world.client, self.ragdoll, self._rag_index)
        else:
            frames = self.frames_at(t)
        self.last_frames = frames
        out = np.array([frames[link] for link in self._links]) @ self._local
        out[self._mouth] = out[self._mouth] @ np.diag([0.45, self.mouth_open(t), 1.3, 1.0])
        return out

    def mouth_open(self, t: float) -> float:
        """Vertical scale of the mouth at time t: nearly closed when silent, open with the speech envelope."""
        if self.mouth_curve is None or self.ragdoll is not None:
            return 0.18
        i = min(max(int(round(t * self.mouth_fps)), 0), len(self.mouth_curve) - 1)
        return 0.18 + 0.8 * float(self.mouth_curve[i])

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the chest."""
        return self.last_frames["chest"][:3, 3] if self.last_frames else poses[1, :3, 3]

    def head_height(self, poses: np.ndarray) -> float:
        """Return the head's height given sampled part matrices."""
        return float(poses[3, 2, 3])
