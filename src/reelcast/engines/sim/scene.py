"""What the simulator hands the renderer and audio: parts, per-frame poses, cameras, environment, events.

Coordinates: metres, right-handed, Z up (pybullet's convention). Ground is the plane z = 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reelcast.engines.base import ContactEvent


@dataclass
class Part:
    """One rigid drawable piece of an entity, posed every frame by a 4x4 world matrix."""

    name: str  # unique, e.g. "player/torso", "ball"
    entity: str  # entity id from the plan (or a world feature like "court")
    shape: str  # box | sphere | capsule | cylinder | cone | mesh
    # box: half extents (x,y,z); sphere: (r,); capsule/cylinder/cone: (r, half_length) along local z
    size: tuple[float, ...]
    color: tuple[float, float, float]  # linear-ish RGB 0..1
    material: str = "default"  # rubber | wood | metal | glass | ice | water | skin | fur | cloth | grass | concrete | …
    mesh_vertices: np.ndarray | None = None  # (n, 3) float32, local frame, for shape == "mesh"
    mesh_faces: np.ndarray | None = None  # (m, 3) int32
    emissive: float = 0.0  # 0..1 glow (lanterns, comets, jet flame)
    casts_shadow: bool = True
    translucent: bool = False  # clear glass: drawn after everything else, blended by a fresnel rim, casts no shadow


@dataclass
class CameraPose:
    """Where the camera is on one frame."""

    eye: tuple[float, float, float]
    target: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 0.0, 1.0)
    fov_y: float = 37.8  # vertical field of view in degrees (35 mm lens on a 16:9 full-frame-width sensor)
    shake: tuple[float, float] = (0.0, 0.0)  # handheld offset (radians yaw, pitch) already folded in by the rig


@dataclass
class Environment:
    """Sky, light and air of the world."""

    sky_zenith: tuple[float, float, float] = (0.25, 0.45, 0.85)
    sky_horizon: tuple[float, float, float] = (0.75, 0.85, 0.95)
    ground_color: tuple[float, float, float] = (0.35, 0.55, 0.3)
    ground_material: str = "grass"
    ground: bool = True
    sun_direction: tuple[float, float, float] = (0.4, 0.3, 0.85)  # towards the sun
    sun_color: tuple[float, float, float] = (1.0, 0.96, 0.88)
    sun_intensity: float = 1.0
    ambient: float = 0.35
    fog_color: tuple[float, float, float] = (0.75, 0.85, 0.95)
    fog_density: float = 0.004
    stars: bool = False
    gravity: float = 9.81


@dataclass
class SimTimeline:
    """The whole simulated clip, ready to render and to sonify."""

    fps: int
    n_frames: int
    parts: list[Part]
    poses: np.ndarray  # (n_frames, n_parts, 4, 4) float32 world matrices
    cameras: list[CameraPose]  # one per frame
    env: Environment = field(default_factory=Environment)
    events: list[ContactEvent] = field(default_factory=list)
    cuts: list[int] = field(default_factory=list)  # frame indices where a new shot starts (excluding 0)
    visible: np.ndarray | None = None  # (n_frames, n_parts) bool; None = all visible
    shutter_angle: float = 180.0
    # continuous sound sources, e.g. jet pack thrust: (name, per-frame loudness 0..1 array)
    loops: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        """Clip length in seconds."""
        return self.n_frames / self.fps
