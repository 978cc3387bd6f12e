"""Camera staging of the astronaut-dog station (a Director for the builder) and the geometry it shares with space.py.

Outside: a close chase that starts on the dog's front three-quarter (his face, the planet and comets behind him)
and swings round behind him as he reaches the doors, so the last frames look over his back through the opening
doorway. The eye never crosses the station's end wall (x ≤ EXTERIOR_MAX_X): no shot runs into the hull.
Inside: a set-up in front of the spot where the dog comes to rest and turns, so his face, the helmet opening and
the ball he catches are in view; the floating tennis balls are released into that set-up's field of view.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from reelcast.engines.sim.scene import CameraPose
from reelcast.engines.sim.world.camera import Director, ShotSpan, pose, smooth, smoothstep

if TYPE_CHECKING:
    from reelcast.engines.sim.world.space import FlyingDogActor

INTERIOR_LO = np.array([-7.7, -2.75, 0.25])  # inside the module's walls (metres)
INTERIOR_HI = np.array([7.7, 2.75, 3.05])
DOOR_X = -8.45  # the docking door's plane (the end wall spans DOOR_X ± 0.25)
DOOR_Z = 1.25
EXTERIOR_MAX_X = DOOR_X - 0.9  # outside shots keep the eye this far out from the end wall
CHASE_NEAR, CHASE_FAR = 2.3, 3.1  # metres from the dog's body centre at the start / end of the outside shot
VIEW_DISTANCE = 2.3  # metres from the dog's resting body centre to the inside set-up
BALL_VIEW_DEPTH = (0.3, 0.85)  # floating balls sit this fraction of the way from the inside eye to the dog


def exterior_poses(dog: FlyingDogActor, span: ShotSpan) -> list[CameraPose]:
    """The outside chase: front three-quarter → behind the dog, aim drifting from him towards the doorway."""
    doorway = np.array([DOOR_X, 0.0, DOOR_Z + 0.15])
    n = span.stop - span.first
    out: list[CameraPose] = []
    for j, t in enumerate(span.times()):
        s = smoothstep(j / max(n - 1, 1) / 0.8)  # behind him for the last fifth: the doorway ahead
        p = dog.path(t)
        az = dog.heading(t) - 1.15 - 1.6 * s  # from his front-right round to behind his right shoulder
        d = CHASE_NEAR + (CHASE_FAR - CHASE_NEAR) * s
        eye = p + np.array([d * math.cos(az), d * math.sin(az), 0.45 - 0.15 * s])
        eye[0] = min(eye[0], EXTERIOR_MAX_X)
        out.append(pose(eye, p + 0.35 * s * (doorway - p), span.fov))
    return out


def interior_eye(dog: FlyingDogActor, t: float) -> np.ndarray:
    """Where the inside set-up stands at time t: in front of (a little beside and above) the dog's resting face,
    pushing in a fifth of the way towards him over the inside part of the clip."""
    yaw = dog.rest_yaw if dog.rest_yaw is not None else math.atan2(dog.inside[1] - dog.door[1],
                                                                  dog.inside[0] - dog.door[0])
    f = np.array([math.cos(yaw), math.sin(yaw), 0.0])
    side = np.array([-f[1], f[0], 0.0])
    eye = np.clip(dog.inside + VIEW_DISTANCE * f - 0.55 * side + np.array([0.0, 0.0, 0.3]),
                  INTERIOR_LO + 0.2, INTERIOR_HI - 0.2)
    s = smoothstep((t - dog.t_in) / max(dog.duration - dog.t_in, 1e-6))
    return eye + 0.2 * s * (dog.inside - eye)


def interior_poses(dog: FlyingDogActor, span: ShotSpan) -> list[CameraPose]:
    """The inside set-up: pans with the dog as he drifts in, then holds on him with a slow push-in."""
    track = smooth(np.array([dog.path(t) for t in span.times()]), max(1, span.fps // 2) | 1)
    return [pose(interior_eye(dog, t), target + np.array([0.0, 0.0, 0.08]), span.fov)
            for t, target in zip(span.times(), track, strict=True)]


def ball_view_point(dog: FlyingDogActor, rng: np.random.Generator, t: float, aspect: float,
                    fov_y: float) -> np.ndarray:
    """A point in the inside set-up's view at time t: between the eye and the dog, off the line of sight."""
    eye = interior_eye(dog, t)
    look = dog.path(t) - eye
    dist = float(np.linalg.norm(look))
    f = look / dist
    right = np.cross(f, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, f)
    r = dist * rng.uniform(*BALL_VIEW_DEPTH)
    ty = math.tan(math.radians(fov_y) / 2)
    x, y = rng.uniform(-0.7, 0.7) * ty * aspect * r, rng.uniform(-0.6, 0.6) * ty * r
    return np.clip(eye + r * f + x * right + y * up, INTERIOR_LO + 0.1, INTERIOR_HI - 0.1)


def station_director(dog: FlyingDogActor) -> Director:
    """Stage the plan's outside shots as the chase and its inside shots as the set-up facing the dog."""

    def direct(span: ShotSpan) -> list[CameraPose] | None:
        cam = span.shot.camera
        if cam.target not in (None, dog.entity) or cam.move != "static" or span.shot.indoor is None:
            return None  # a camera move the prompt asked for is left to the generic rigs
        return interior_poses(dog, span) if span.shot.indoor else exterior_poses(dog, span)

    return direct
