"""Camera rigs: one per shot, from the plan's Camera (focal length, framing, move, height) and the subject's path."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from reelcast.engines.sim.scene import CameraPose
from reelcast.engines.sim.world.actors import stable_rng
from reelcast.prompt.plan import Camera, Shot

SENSOR_WIDTH_MM = 36.0


def fov_y_deg(focal_mm: float, aspect: float) -> float:
    """Return the vertical field of view (degrees) of a lens on a 36 mm-wide sensor cropped to the aspect."""
    sensor_h = SENSOR_WIDTH_MM / aspect
    return math.degrees(2 * math.atan(sensor_h / 2 / max(focal_mm, 1.0)))


def smooth(track: np.ndarray, window: int) -> np.ndarray:
    """Return a centred moving average of an (n, 3) path (edges padded), so cameras don't jitter."""
    if window <= 1 or len(track) < 2:
        return track.copy()
    k = np.ones(window) / window
    pad = window // 2
    padded = np.concatenate([np.repeat(track[:1], pad, 0), track, np.repeat(track[-1:], window - 1 - pad, 0)])
    return np.stack([np.convolve(padded[:, i], k, mode="valid") for i in range(track.shape[1])], axis=1)


def smoothstep(u: float) -> float:
    """Return the cubic ease 3u² − 2u³ of u clamped to 0..1."""
    u = min(1.0, max(0.0, u))
    return u * u * (3 - 2 * u)


@dataclass(frozen=True)
class ShotSpan:
    """One shot as a camera director sees it: its plan Shot, its frames [first, stop) and the focus paths."""

    index: int
    shot: Shot
    first: int
    stop: int
    fps: int
    aspect: float
    focus: dict[str, np.ndarray]  # entity → (n_frames, 3) focus point per frame of the whole clip
    part_path: Callable[[str], np.ndarray | None] | None = None  # a part's (n_frames, 3) positions, by name

    @property
    def fov(self) -> float:
        """Vertical field of view (degrees) of the shot's lens."""
        return fov_y_deg(self.shot.camera.focal_length_mm, self.aspect)

    def times(self) -> list[float]:
        """The clip time of each frame of the shot."""
        return [i / self.fps for i in range(self.first, self.stop)]


# A world-specific camera director: the poses for a shot it knows how to stage, or None to leave it to shot_cameras.
Director = Callable[[ShotSpan], list[CameraPose] | None]


def pose(eye: np.ndarray, target: np.ndarray, fov: float) -> CameraPose:
    """A CameraPose from numpy eye/target points."""
    return CameraPose(tuple(float(v) for v in eye), tuple(float(v) for v in target), (0.0, 0.0, 1.0), fov)


def look_angle(eye: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Return (yaw, pitch) of the view direction from eye to target."""
    d = target - eye
    return math.atan2(d[1], d[0]), math.atan2(d[2], math.hypot(d[0], d[1]))


FRAMING_HEIGHT = {"wide": 3.2, "full": 2.0, "medium": 1.1, "close_up": 0.45,  # × subject size
                  "extreme_close_up": 0.22}
# A default (unspecified) camera on a subject that keeps travelling (median ground speed above this, and a path
# longer than TRAVEL_FOLLOW_RATIO times its size) follows it in a full shot, instead of standing back far enough
# to hold the whole path (where the subject becomes a speck). A subject that stays put and only falls or jumps at
# the end keeps the wide shot, which shows what happens around it.
FOLLOW_MIN_SPEED = 1.0  # m/s
TRAVEL_FOLLOW_RATIO = 3.0


def default_camera_for(cam: Camera, subject: np.ndarray, subject_size: float, fps: int) -> Camera:
    """The camera a shot really uses: the plan's, or — when the prompt said nothing about the camera and the
    subject keeps travelling on the ground — a full-shot track alongside it."""
    if cam != Camera() or len(subject) < 3:
        return cam
    xy = subject[:, :2]
    travel = float(np.ptp(xy[:, 0]) + np.ptp(xy[:, 1]))
    speed = float(np.median(np.linalg.norm(np.diff(xy, axis=0), axis=1))) * fps
    if travel <= TRAVEL_FOLLOW_RATIO * max(subject_size, 0.3) or speed < FOLLOW_MIN_SPEED \
            or float(subject[:, 2].min()) > 3.0:
        return cam  # staying put, or flying (the aerial pacing handles that)
    return replace(cam, framing="full", move="track")
HEIGHTS = {"eye": 1.55, "low": 0.45, "high": 4.5, "overhead": 9.0}


def shot_cameras(cam: Camera, n: int, subject: np.ndarray, subject_size: float, context: np.ndarray,
                 aspect: float, fps: int, seed: int, setup: int, axis: np.ndarray) -> list[CameraPose]:
    """Return one CameraPose per frame of a shot.

    subject: (n, 3) focus path of the camera's target; context: (m, 3) other points a wide shot should hold;
    axis: unit ground-plane direction of the action (e.g. shooter → hoop); setup: which camera set-up this
    shot uses (0 = side-on, 1 = reverse angle behind the subject, 2 = other side), so cuts change viewpoint.
    """
    fov = fov_y_deg(cam.focal_length_mm, aspect)
    half_v = math.radians(fov) / 2
    half_h = math.atan(math.tan(half_v) * aspect)
    sub = smooth(subject, max(1, fps // 3) | 1)
    framing = cam.framing if cam.framing in FRAMING_HEIGHT else "wide"
    if framing in ("close_up", "extreme_close_up") and subject_size >= 1.2:
        sub = sub + np.array([0.0, 0.0, 0.3 * subject_size])  # a standing figure's close-up is of the face
    axis_yaw = math.atan2(axis[1], axis[0])
    az = axis_yaw + [-math.pi / 2 + 0.35, math.pi + 0.25, math.pi / 2 - 0.35][setup % 3]
    if framing != "wide" and setup % 3 == 1:
        az = axis_yaw + 0.5  # the reverse of a close shot looks at the subject's face
    eye_h = HEIGHTS.get(cam.height, 1.55)
    # what must stay in frame: the whole subject path (and, in wide shots, the context)
    pts = sub if framing != "wide" or len(context) == 0 else np.concatenate([sub, context])
    lo, hi = pts.min(0), pts.max(0)
    center = (lo + hi) / 2
    frame_h = FRAMING_HEIGHT[framing] * max(subject_size, 0.3)
    if framing == "full":  # head to ground: a subject standing on something (horses, a board) keeps it in frame
        top = sub[:, 2] + 0.5 * subject_size
        frame_h = max(frame_h, float(np.median(top)) * 1.15)
        sub = np.column_stack([sub[:, :2], top / 2])
    view = np.array([math.cos(az + math.pi), math.sin(az + math.pi), 0.0])  # camera → subject, ground plane
    side = np.cross(view, [0.0, 0.0, 1.0])
    spread_side = float(np.ptp(pts @ side)) if framing == "wide" else 0.0
    spread_up = float(np.ptp(pts[:, 2])) if framing == "wide" else 0.0
    dist_v = max(frame_h, spread_up * 1.4 + subject_size * 0.6) / 2 / math.tan(half_v)
    dist_h = (spread_side * 1.3 + subject_size) / 2 / math.tan(half_h)
    dist = max(dist_v, dist_h, 0.6)
    depth = float(np.ptp(pts @ view)) / 2 if framing == "wide" else 0.0
    dist += depth
    rng = stable_rng(seed, "camera", str(setup), cam.move)
    move = cam.move
    out: list[CameraPose] = []
    focus_static = center if framing == "wide" else sub.mean(0)
    if framing != "wide":
        eye_h = max(0.3, float(focus_static[2]) + (eye_h - 1.55) * 0.5)

    def eye_at(c: np.ndarray, d: float, a: float, h: float) -> np.ndarray:
        return np.array([c[0] + d * math.cos(a), c[1] + d * math.sin(a), h])

    airborne = len(sub) > 0 and float(sub[:, 2].min()) > 3.0  # a flying subject: cameras fly with it
    phases = rng.uniform(0, 2 * math.pi, 6)
    shake_amp = 0.012 if move == "handheld" else 0.0
    target_fn: Callable[[int], np.ndarray]
    if move in ("pan", "tilt", "track", "follow"):
        def target_fn(i: int) -> np.ndarray:
            return sub[i]
    else:
        def target_fn(i: int) -> np.ndarray:
            return focus_static
    for i in range(n):
        u = i / max(n - 1, 1)
        target = target_fn(i).astype(float)
        d, a, h = dist, az, eye_h
        if move in ("track", "follow"):
            base = sub[i]
            d = max(frame_h, 1.0) / 2 / math.tan(half_v) if framing != "wide" else dist
            if airborne:  # aerial pacing: at the subject's altitude, easing closer on a slight inward arc
                d = max(frame_h, 1.0) / 2 / math.tan(half_v) * (1.0 - 0.22 * u)
                a = az + 0.3 * u
                h = float(base[2]) + 0.04 * d
            eye = eye_at(base, d, a, h)
        elif move in ("dolly", "push"):
            eye = eye_at(focus_static, dist * (1.25 - 0.45 * u), a, h)
        elif move == "orbit":
            eye = eye_at(focus_static, dist, a + (math.radians(70) * (u - 0.5)), h)
        elif move == "aerial":
            eye = eye_at(focus_static, dist * 1.4 + 8.0, a + 0.4 * u, 12.0 + 2.0 * u + float(focus_static[2]))
        elif move == "crane":
            eye = eye_at(focus_static, dist, a, 0.8 + 4.0 * u)
        else:
            eye = eye_at(focus_static if move not in ("pan", "tilt") else center, d, a, h)
        shake = (0.0, 0.0)
        if shake_amp:
            tt = i / fps
            yaw_n = shake_amp * (math.sin(1.3 * tt + phases[0]) + 0.5 * math.sin(3.1 * tt + phases[1]))
            pit_n = shake_amp * (math.sin(1.7 * tt + phases[2]) + 0.5 * math.sin(2.9 * tt + phases[3]))
            shake = (yaw_n, pit_n)
            fwd = target - eye
            r = np.linalg.norm(fwd)
            yaw, pitch = look_angle(eye, target)
            yaw += yaw_n
            pitch += pit_n
            target = eye + r * np.array([math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw),
                                         math.sin(pitch)])
        out.append(CameraPose(tuple(float(v) for v in eye), tuple(float(v) for v in target), (0.0, 0.0, 1.0), fov,
                              shake))
    return out


def project(pose: CameraPose, point: np.ndarray, aspect: float) -> tuple[float, float, float]:
    """Return normalised image coordinates (x, y in −1..1, 0 = centre) and depth of a world point."""
    eye, tgt = np.array(pose.eye), np.array(pose.target)
    f = tgt - eye
    f /= np.linalg.norm(f)
    r = np.cross(f, np.array(pose.up))
    r /= np.linalg.norm(r)
    up = np.cross(r, f)
    d = np.asarray(point, dtype=float) - eye
    z = float(d @ f)
    ty = math.tan(math.radians(pose.fov_y) / 2)
    return float(d @ r) / z / (ty * aspect), float(d @ up) / z / ty, z
