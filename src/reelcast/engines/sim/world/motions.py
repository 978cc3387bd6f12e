"""Humanoid motion: the shipped DeepMimic clips, procedural clips (idle, shoot), and a blended per-actor track.

DeepMimic files hold "Frames" rows: [duration, root position (3), root rotation (w, x, y, z), then per joint
in the order of `MOCAP_JOINTS`: spherical joints as (w, x, y, z) quaternions, revolute joints as one angle].
The data is Y up with the character facing +x; `MotionTrack` converts to the world's Z up.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pybullet_data

from reelcast.engines.sim.world.quat import qaxis, qmul, qnorm, qrotate, qslerp

MOCAP_JOINTS: tuple[tuple[str, int], ...] = (
    ("chest", 4), ("neck", 4),
    ("right_hip", 4), ("right_knee", 1), ("right_ankle", 4), ("right_shoulder", 4), ("right_elbow", 1),
    ("left_hip", 4), ("left_knee", 1), ("left_ankle", 4), ("left_shoulder", 4), ("left_elbow", 1),
)
SPHERICAL = frozenset(n for n, d in MOCAP_JOINTS if d == 4)

# verb → shipped clip (or procedural clip) name
VERB_CLIPS: dict[str, str] = {
    "walk": "walk", "run": "run", "jump": "jump", "backflip": "backflip", "cartwheel": "cartwheel",
    "dance": "dance_a", "spin": "spin", "spin_jump": "spinkick", "kick": "kick", "roll": "roll",
    "punch": "punch", "crawl": "crawl", "get_up": "getup_faceup", "shoot": "shoot", "talk": "talk",
    "stand": "idle", "idle": "idle", "stand_on": "idle", "float": "idle",
}

# The Y-up mocap frame turned into the Z-up world: +90° about x (mocap y → world z, mocap z → world −y).
Y_TO_Z = qaxis((1.0, 0.0, 0.0), math.pi / 2)

SHOOT_RELEASE = 0.70  # seconds into the "shoot" clip when the ball leaves the hands


@dataclass
class Pose:
    """One humanoid pose: root position/rotation and local joint rotations (quaternions or angles)."""

    root_pos: np.ndarray
    root_rot: np.ndarray
    joints: dict[str, np.ndarray]


@dataclass
class MotionClip:
    """Keyframed humanoid motion in DeepMimic's Y-up frame."""

    name: str
    times: np.ndarray  # (k,) keyframe times from 0
    root_pos: np.ndarray  # (k, 3)
    root_rot: np.ndarray  # (k, 4) x, y, z, w
    joints: dict[str, np.ndarray]  # name → (k, 4) quaternions or (k,) angles
    loop: bool = True

    @property
    def duration(self) -> float:
        """Length of one cycle in seconds."""
        return float(self.times[-1])

    def sample(self, t: float) -> Pose:
        """Return the pose at time t, looping (with travel carried over) or clamping at the ends."""
        d = self.duration
        cycles = 0
        if self.loop and d > 0:
            cycles = math.floor(t / d)
            t = t - cycles * d
        t = min(max(t, 0.0), d)
        i = int(np.searchsorted(self.times, t, side="right") - 1)
        i = min(max(i, 0), len(self.times) - 2)
        t0, t1 = self.times[i], self.times[i + 1]
        u = 0.0 if t1 <= t0 else (t - t0) / (t1 - t0)
        pos = (1 - u) * self.root_pos[i] + u * self.root_pos[i + 1]
        if cycles:
            step = self.root_pos[-1] - self.root_pos[0]
            pos = pos + cycles * np.array([step[0], 0.0, step[2]])
        rot = qslerp(self.root_rot[i], self.root_rot[i + 1], u)
        joints: dict[str, np.ndarray] = {}
        for name, vals in self.joints.items():
            if vals.ndim == 2:
                joints[name] = qslerp(vals[i], vals[i + 1], u)
            else:
                joints[name] = np.array((1 - u) * vals[i] + u * vals[i + 1])
        return Pose(pos, rot, joints)


def _wxyz(v: list[float]) -> np.ndarray:
    return qnorm(np.array([v[1], v[2], v[3], v[0]], dtype=float))


def parse_deepmimic(name: str, data: dict) -> MotionClip:
    """Build a clip from the JSON content of a DeepMimic motion file."""
    rows = data["Frames"]
    times = np.concatenate([[0.0], np.cumsum([r[0] for r in rows[:-1]])])
    root_pos = np.array([r[1:4] for r in rows], dtype=float)
    root_rot = np.array([_wxyz(r[4:8]) for r in rows])
    joints: dict[str, list] = {n: [] for n, _ in MOCAP_JOINTS}
    for r in rows:
        k = 8
        for n, dof in MOCAP_JOINTS:
            joints[n].append(_wxyz(r[k:k + 4]) if dof == 4 else float(r[k]))
            k += dof
    # make consecutive quaternions share a hemisphere so interpolation takes the short way
    for arr in [root_rot] + [np.asarray(v) for v in joints.values()]:
        if arr.ndim == 2:
            for j in range(1, len(arr)):
                if np.dot(arr[j - 1], arr[j]) < 0:
                    arr[j] = -arr[j]
    jarr = {n: np.array(v, dtype=float) for n, v in joints.items()}
    return MotionClip(name, times, root_pos, root_rot, jarr, loop=data.get("Loop", "wrap") == "wrap")


def motions_dir() -> Path:
    """Return the folder of the DeepMimic clips shipped in pybullet_data."""
    return Path(pybullet_data.getDataPath()) / "data" / "motions"


@cache
def load_clip(name: str) -> MotionClip:
    """Return a named clip: a shipped DeepMimic clip ("walk") or a procedural one ("idle", "talk", "listen", ...)."""
    if name in PROCEDURAL:
        return PROCEDURAL[name]()
    path = motions_dir() / f"humanoid3d_{name}.txt"
    if not path.exists():
        raise KeyError(f"unknown motion clip {name!r}")
    return parse_deepmimic(name, json.loads(path.read_text()))


def available_clips() -> list[str]:
    """Return the names of all clips (shipped and procedural)."""
    shipped = sorted(p.stem.removeprefix("humanoid3d_") for p in motions_dir().glob("humanoid3d_*.txt"))
    return sorted(set(shipped) | set(PROCEDURAL))


# ---------------------------------------------------------------------------------------- procedural clips
THIGH, SHIN, SOLE = 0.4215, 0.41, 0.05  # leg segment lengths of the 0.25-scaled humanoid (metres)
Z_AXIS = (0.0, 0.0, 1.0)  # the mocap frame's lateral axis: flexion of hips, knees, shoulders and elbows
X_AXIS = (1.0, 0.0, 0.0)
Y_AXIS = (0.0, 1.0, 0.0)  # the mocap frame's up: turning the head
LISTEN_GAZE = (-0.3, 0.3)  # radians: a listener's head drops (nod) and turns aside (to their left)


def _smooth(keys: list[tuple[float, float]], t: float) -> float:
    """Interpolate keyed values with smoothstep easing."""
    if t <= keys[0][0]:
        return keys[0][1]
    for (t0, v0), (t1, v1) in zip(keys, keys[1:], strict=False):
        if t <= t1:
            u = (t - t0) / (t1 - t0)
            u = u * u * (3 - 2 * u)
            return v0 + (v1 - v0) * u
    return keys[-1][1]


def _body_pose(hip: float, knee: float, pitch: float, shoulder: float, elbow: float, lift: float,
               chest: float = 0.0, adduct: float = 0.06, ankle_point: float = 0.0,
               arm_sway: float = 0.0, gaze: tuple[float, float] = (0.0, 0.0)
               ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Return root pos/rot and joints for a symmetric sagittal pose with flat planted feet (plus a lift); gaze is
    the head's (nod, turn) on top: nod < 0 looks down, turn > 0 looks to the person's left."""
    thigh = pitch + hip
    shin = thigh + knee
    height = THIGH * math.cos(thigh) + SHIN * math.cos(shin) + SOLE + lift
    # keep the feet under the same spot while crouching: move the pelvis back by the legs' forward reach
    x = -(THIGH * math.sin(thigh) + SHIN * math.sin(shin))
    ankle = -shin + ankle_point
    joints = {
        "chest": qaxis(Z_AXIS, chest),
        "neck": qmul(qaxis(Y_AXIS, gaze[1]), qaxis(Z_AXIS, -0.5 * chest - 0.3 * pitch + gaze[0])),
        "right_hip": qaxis(Z_AXIS, hip), "left_hip": qaxis(Z_AXIS, hip),
        "right_knee": np.array(knee), "left_knee": np.array(knee),
        "right_ankle": qaxis(Z_AXIS, ankle), "left_ankle": qaxis(Z_AXIS, ankle),
        "right_shoulder": qmul(qaxis(Z_AXIS, shoulder + arm_sway), qaxis(X_AXIS, adduct)),
        "left_shoulder": qmul(qaxis(Z_AXIS, shoulder - arm_sway), qaxis(X_AXIS, -adduct)),
        "right_elbow": np.array(elbow), "left_elbow": np.array(elbow),
    }
    return np.array([x, height, 0.0]), qaxis(Z_AXIS, pitch), joints


def _clip_from_fn(name: str, duration: float, fn: Callable[[float], tuple], loop: bool,
                  fps: float = 60.0) -> MotionClip:
    n = int(round(duration * fps)) + 1
    times = np.linspace(0.0, duration, n)
    poses = [fn(float(t)) for t in times]
    joints = {j: np.array([p[2][j] for p in poses], dtype=float) for j, _ in MOCAP_JOINTS}
    return MotionClip(name, times, np.array([p[0] for p in poses]), np.array([p[1] for p in poses]), joints, loop)


def _idle() -> MotionClip:
    def fn(t: float) -> tuple:
        b = math.sin(2 * math.pi * t / 4.0)
        return _body_pose(0.06, -0.1, 0.0, 0.1 + 0.02 * b, 0.2, 0.0, chest=0.02 * b, adduct=-0.1)
    return _clip_from_fn("idle", 4.0, fn, loop=True, fps=15)


def _talk() -> MotionClip:
    def fn(t: float) -> tuple:
        g = math.sin(2 * math.pi * t / 1.6)
        return _body_pose(0.06, -0.1, 0.0, 0.35 + 0.15 * g, 1.2 + 0.3 * g, 0.0, chest=0.03 * g,
                          adduct=-0.25, arm_sway=0.25 * g)
    return _clip_from_fn("talk", 3.2, fn, loop=True, fps=15)


def _confide() -> MotionClip:
    """Talking quietly, close to someone: small gestures with the hands low in front (below a close-up's frame)."""
    def fn(t: float) -> tuple:
        g = math.sin(2 * math.pi * t / 1.6)
        return _body_pose(0.06, -0.1, 0.0, 0.12 + 0.06 * g, 0.75 + 0.2 * g, 0.0, chest=0.02 * g, adduct=-0.15,
                          arm_sway=0.08 * g)
    return _clip_from_fn("confide", 3.2, fn, loop=True, fps=15)


def _reach() -> MotionClip:
    """A hesitant reach: while speaking, one hand lifts towards the other person, hovers, and falls back."""
    shoulder = [(0.0, 0.12), (0.3, 0.15), (0.85, 1.2), (1.15, 1.1), (1.65, 0.12)]
    elbow = [(0.0, 0.75), (0.3, 0.7), (0.85, 0.3), (1.15, 0.45), (1.65, 0.75)]

    def fn(t: float) -> tuple:
        root_pos, root_rot, joints = _body_pose(0.06, -0.1, 0.0, 0.12, 0.75, 0.0, adduct=-0.15)
        joints["right_shoulder"] = qmul(qaxis(Z_AXIS, _smooth(shoulder, t)), qaxis(X_AXIS, 0.2))
        joints["right_elbow"] = np.array(_smooth(elbow, t))
        return root_pos, root_rot, joints
    return _clip_from_fn("reach", 1.75, fn, loop=False, fps=15)


def _listen() -> MotionClip:
    """Listening in a sad conversation: arms hang still at the sides, the gaze drops and turns a little away."""
    def fn(t: float) -> tuple:
        b = math.sin(2 * math.pi * t / 4.0)
        return _body_pose(0.06, -0.1, 0.0, 0.05 + 0.02 * b, 0.25, 0.0, chest=0.02 * b, adduct=-0.08,
                          gaze=LISTEN_GAZE)
    return _clip_from_fn("listen", 4.0, fn, loop=True, fps=15)


def _shoot() -> MotionClip:
    """A jump shot: dip, rise with the ball to the set point, release at the top, follow through, land."""
    r = SHOOT_RELEASE
    hip = [(0, 0.1), (0.3, 0.9), (0.55, 0.25), (r, 0.05), (0.85, 0.05), (1.08, 0.45), (1.5, 0.1), (2.0, 0.06)]
    knee = [(0, -0.15), (0.3, -1.2), (0.55, -0.35), (r, -0.1), (0.85, -0.1), (1.08, -0.7), (1.5, -0.15),
            (2.0, -0.1)]
    pitch = [(0, 0.0), (0.3, -0.25), (0.55, -0.05), (r, 0.02), (1.08, -0.15), (1.5, 0.0)]
    shoulder = [(0, 0.55), (0.3, 0.7), (0.55, 2.0), (r, 2.55), (0.85, 2.5), (1.1, 1.9), (1.5, 0.5), (2.0, 0.1)]
    elbow = [(0, 1.6), (0.3, 1.8), (0.55, 1.9), (r, 0.5), (0.85, 0.25), (1.5, 0.3), (2.0, 0.2)]
    point = [(0, 0.0), (0.5, 0.0), (0.62, -0.5), (0.95, -0.4), (1.05, 0.0)]
    takeoff, land, apex_h = 0.56, 1.04, 0.24

    def fn(t: float) -> tuple:
        lift = 0.0
        if takeoff < t < land:
            u = (t - takeoff) / (land - takeoff)
            lift = 4 * apex_h * u * (1 - u)
        return _body_pose(_smooth(hip, t), _smooth(knee, t), _smooth(pitch, t), _smooth(shoulder, t),
                          _smooth(elbow, t), lift, chest=-0.5 * _smooth(pitch, t), ankle_point=_smooth(point, t))
    return _clip_from_fn("shoot", 2.0, fn, loop=False)


PROCEDURAL: dict[str, Callable[[], MotionClip]] = {"idle": _idle, "shoot": _shoot, "talk": _talk, "listen": _listen,
                                                  "confide": _confide, "reach": _reach}


# ---------------------------------------------------------------------------------------- tracks
BLEND = 0.25  # seconds of cross-fade between consecutive clips


@dataclass
class Segment:
    """One clip played over [start, end) from a world origin and heading."""

    start: float
    end: float
    clip: MotionClip
    origin: np.ndarray = field(default_factory=lambda: np.zeros(2))  # world x, y of the root at `start`
    yaw: float = 0.0


def world_pose(seg: Segment, t: float, scale: float) -> Pose:
    """Return the segment's pose at clip time t in the Z-up world (root position/rotation in world)."""
    clip = seg.clip
    p = clip.sample(max(t - seg.start, 0.0))
    rel = p.root_pos - np.array([clip.root_pos[0][0], 0.0, clip.root_pos[0][2]])
    yaw_q = qaxis((0.0, 0.0, 1.0), seg.yaw)
    to_world = qmul(yaw_q, Y_TO_Z)
    pos = qrotate(to_world, rel * scale)
    pos[0] += seg.origin[0]
    pos[1] += seg.origin[1]
    return Pose(pos, qnorm(qmul(to_world, p.root_rot)), p.joints)


def blend_pose(a: Pose, b: Pose, w: float) -> Pose:
    """Return the pose a·(1−w) + b·w (slerp for rotations)."""
    joints = {}
    for n, va in a.joints.items():
        vb = b.joints[n]
        joints[n] = qslerp(va, vb, w) if va.ndim == 1 and va.shape[0] == 4 else (1 - w) * va + w * vb
    return Pose((1 - w) * a.root_pos + w * b.root_pos, qslerp(a.root_rot, b.root_rot, w), joints)


class MotionTrack:
    """A sequence of clips filling a time span, with root motion carried across and cross-fades between."""

    def __init__(self, plan: list[tuple[float, float, str]], duration: float, origin: tuple[float, float],
                 yaw: float, scale: float = 1.0) -> None:
        self.scale = scale
        self.segments: list[Segment] = []
        spans = sorted(plan)
        filled: list[tuple[float, float, str]] = []
        t = 0.0
        for s, e, name in spans:
            s = max(s, t)
            if s > t + 1e-6:
                filled.append((t, s, "idle"))
            if e > s:
                filled.append((s, e, name))
                t = e
        if t < duration:
            filled.append((t, max(duration, t) + 1.0, "idle"))
        else:
            filled[-1] = (filled[-1][0], filled[-1][1] + 1.0, filled[-1][2])
        pos = np.array(origin, dtype=float)
        for s, e, name in filled:
            seg = Segment(s, e, load_clip(name), pos.copy(), yaw)
            self.segments.append(seg)
            end = world_pose(seg, e, scale).root_pos
            pos = np.array([end[0], end[1]])

    def segment_at(self, t: float) -> Segment:
        """Return the segment playing at time t."""
        for seg in self.segments:
            if t < seg.end:
                return seg
        return self.segments[-1]

    def pose(self, t: float) -> Pose:
        """Return the blended world pose at time t."""
        for i, seg in enumerate(self.segments):
            if t < seg.end or i == len(self.segments) - 1:
                p = world_pose(seg, t, self.scale)
                if i + 1 < len(self.segments) and t > seg.end - BLEND / 2:
                    nxt = self.segments[i + 1]
                    w = (t - (seg.end - BLEND / 2)) / BLEND
                    p = blend_pose(p, world_pose(nxt, t, self.scale), w * w * (3 - 2 * w))
                elif i > 0 and t < seg.start + BLEND / 2:
                    prev = self.segments[i - 1]
                    w = (t - (seg.start - BLEND / 2)) / BLEND
                    p = blend_pose(world_pose(prev, t, self.scale), p, w * w * (3 - 2 * w))
                return p
        raise AssertionError("unreachable")
