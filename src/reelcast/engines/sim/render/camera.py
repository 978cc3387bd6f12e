"""Camera and light matrices (row-major numpy, column vectors: p' = M @ p; transpose before sending to GL)."""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.sim.scene import CameraPose

NEAR = 0.05
FAR = 2000.0


def _normalize(v: np.ndarray) -> np.ndarray:
    """Unit vector (or the input when it has no length)."""
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v


def camera_basis(cam: CameraPose) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Eye position and the right, up and forward unit vectors of a camera pose."""
    eye = np.asarray(cam.eye, np.float64)
    fwd = _normalize(np.asarray(cam.target, np.float64) - eye)
    if not np.any(fwd):
        fwd = np.array([0.0, 1.0, 0.0])
    up = np.asarray(cam.up, np.float64)
    right = np.cross(fwd, up)
    if np.linalg.norm(right) < 1e-6:  # looking straight along `up`: pick any perpendicular
        right = np.cross(fwd, [0.0, 1.0, 0.0] if abs(fwd[1]) < 0.9 else [1.0, 0.0, 0.0])
    right = _normalize(right)
    true_up = np.cross(right, fwd)
    return eye, right, true_up, fwd


def look_at(cam: CameraPose) -> np.ndarray:
    """World-to-view matrix of a camera pose (OpenGL convention, looking down -Z)."""
    eye, right, up, fwd = camera_basis(cam)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = right, up, -fwd
    m[:3, 3] = -m[:3, :3] @ eye
    return m


def perspective(fov_y_deg: float, aspect: float, near: float = NEAR, far: float = FAR) -> np.ndarray:
    """OpenGL perspective projection."""
    f = 1.0 / math.tan(math.radians(max(1.0, min(fov_y_deg, 170.0))) / 2.0)
    m = np.zeros((4, 4))
    m[0, 0] = f / aspect
    m[1, 1] = f
    m[2, 2] = (far + near) / (near - far)
    m[2, 3] = 2.0 * far * near / (near - far)
    m[3, 2] = -1.0
    return m


def light_basis(sun_direction: tuple[float, float, float]) -> np.ndarray:
    """Rows: light-space right, up and towards-the-sun unit vectors."""
    to_sun = _normalize(np.asarray(sun_direction, np.float64))
    if not np.any(to_sun):
        to_sun = np.array([0.0, 0.0, 1.0])
    ref = np.array([0.0, 0.0, 1.0]) if abs(to_sun[2]) < 0.95 else np.array([0.0, 1.0, 0.0])
    right = _normalize(np.cross(ref, to_sun))
    up = np.cross(to_sun, right)
    return np.stack([right, up, to_sun])


def light_view_proj(
    sun_direction: tuple[float, float, float], center: np.ndarray, radius: float, texels: int
) -> np.ndarray:
    """Orthographic sun matrix covering a sphere, its centre snapped to whole shadow texels (no shimmer)."""
    basis = light_basis(sun_direction)
    texel = 2.0 * radius / texels
    c_ls = basis @ np.asarray(center, np.float64)
    c_ls[:2] = np.round(c_ls[:2] / texel) * texel
    view = np.eye(4)
    view[:3, :3] = basis
    view[:3, 3] = -c_ls
    # Light-space z grows towards the sun; map [-radius, +radius] (and a margin behind) to clip depth.
    depth = 2.0 * radius
    ortho = np.eye(4)
    ortho[0, 0] = ortho[1, 1] = 1.0 / radius
    ortho[2, 2] = -2.0 / (2.0 * depth)  # z_ls = +depth -> -1 (near the sun), z_ls = -depth -> +1
    return ortho @ view
