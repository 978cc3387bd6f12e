"""A small synthetic scene (a capsule person, a ball, props, a ring of posts) for benchmarks and look checks."""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.sim.scene import CameraPose, Environment, Part, SimTimeline


def pose(x: float, y: float, z: float, rot_z: float = 0.0, rot_x: float = 0.0) -> np.ndarray:
    """A 4x4 world matrix: rotation about X, then about Z, then translation."""
    cz, sz, cx, sx = math.cos(rot_z), math.sin(rot_z), math.cos(rot_x), math.sin(rot_x)
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    m = np.eye(4)
    m[:3, :3] = rz @ rx
    m[:3, 3] = (x, y, z)
    return m


def night_env() -> Environment:
    """A moonlit night with stars."""
    return Environment(
        sky_zenith=(0.01, 0.02, 0.06),
        sky_horizon=(0.06, 0.08, 0.16),
        sun_direction=(-0.4, 0.5, 0.6),
        sun_color=(0.6, 0.7, 1.0),
        sun_intensity=0.35,
        ambient=0.25,
        fog_color=(0.06, 0.08, 0.16),
        fog_density=0.01,
        stars=True,
    )


def demo_timeline(n_frames: int = 24, fps: int = 24, n_posts: int = 28, env: Environment | None = None) -> SimTimeline:
    """A person-like stack of capsules waving, a bouncing ball, a box, a lantern and a ring of posts."""
    parts: list[Part] = []
    rest: list[np.ndarray] = []

    def add(part: Part, m: np.ndarray) -> None:
        parts.append(part)
        rest.append(m)

    skin, shirt, trousers = (0.93, 0.72, 0.58), (0.85, 0.22, 0.2), (0.2, 0.25, 0.45)
    add(Part("p/leg_l", "p", "capsule", (0.085, 0.36), trousers, "cloth"), pose(0, -0.11, 0.45))
    add(Part("p/leg_r", "p", "capsule", (0.085, 0.36), trousers, "cloth"), pose(0, 0.11, 0.45))
    add(Part("p/torso", "p", "capsule", (0.19, 0.22), shirt, "cloth"), pose(0, 0, 1.18))
    add(Part("p/head", "p", "sphere", (0.13,), skin, "skin"), pose(0, 0, 1.72))
    add(Part("p/arm_l", "p", "capsule", (0.06, 0.28), skin, "skin"), pose(0, -0.28, 1.2, rot_x=0.2))
    add(Part("p/arm_r", "p", "capsule", (0.06, 0.28), skin, "skin"), pose(0, 0.32, 1.5, rot_x=2.6))
    add(Part("ball", "ball", "sphere", (0.12,), (0.95, 0.45, 0.1), "rubber"), pose(0.8, 0.6, 0.12))
    add(Part("crate", "crate", "box", (0.3, 0.3, 0.3), (0.6, 0.42, 0.25), "wood"), pose(-0.3, -1.4, 0.3, 0.4))
    add(Part("cone", "cone", "cone", (0.18, 0.3), (0.95, 0.55, 0.1), "plastic"), pose(1.4, -0.7, 0.3))
    add(Part("can", "can", "cylinder", (0.2, 0.4), (0.3, 0.6, 0.75), "metal"), pose(-1.6, 0.9, 0.4))
    add(Part("lantern", "lantern", "sphere", (0.1,), (1.0, 0.8, 0.4), "glass", emissive=1.0), pose(-0.9, 0.2, 1.9))
    for k in range(n_posts):
        a = 2 * math.pi * k / max(n_posts, 1)
        col = (0.75, 0.75, 0.78) if k % 2 else (0.3, 0.55, 0.8)
        post = Part(f"post{k}", "posts", "cylinder", (0.07, 0.6), col, "concrete")
        add(post, pose(6 * math.cos(a), 6 * math.sin(a), 0.6))

    poses = np.repeat(np.stack(rest)[None].astype(np.float32), n_frames, axis=0)
    cams = []
    for f in range(n_frames):
        t = f / fps
        # Ball bounces, right arm waves.
        poses[f, 6, :3, 3] = (0.8, 0.6, 0.12 + abs(math.sin(t * 3.5)) * 0.9)
        poses[f, 5] = pose(0, 0.32, 1.5, rot_x=2.6 + 0.35 * math.sin(t * 6.0))
        a = 0.6 + 0.25 * t
        cams.append(CameraPose(eye=(5.2 * math.cos(a), 5.2 * math.sin(a), 1.9), target=(0.0, 0.0, 0.9)))
    return SimTimeline(fps=fps, n_frames=n_frames, parts=parts, poses=poses, cameras=cams, env=env or Environment())
