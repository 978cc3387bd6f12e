"""Level of detail for round parts (spheres, capsules, cylinders, cones).

Each part gets one tessellation for the whole timeline, chosen from the largest radius it ever has in the picture
(scene pixels, from every frame's camera) and, if it casts a shadow, in the shadow map (texels): the coarsest level
whose polygonal silhouette stays within TOLERANCE_PX of the true circle. A firework spark 80 m away or a tennis-ball
seam across the room needs 6-10 segments, not 28; a head in close-up keeps all 28. Pure function of the timeline,
camera and frame size: the same input always yields the same meshes (and so the same bytes).
"""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.sim.render.camera import NEAR, camera_basis
from reelcast.engines.sim.scene import Part, SimTimeline

LEVELS = (28, 20, 14, 10, 8, 6)  # segments around the axis, finest first (28 = the full-detail mesh)
ROUND_SHAPES = ("sphere", "capsule", "cylinder", "cone")
TOLERANCE_PX = 0.5  # most a coarser silhouette may deviate from the circle (scene pixels or shadow texels)
SAFETY = 1.2  # margin for off-axis perspective stretch (up to ~1.2 at a 16:9 frame's corners)


def segments_for(radius_px: float, tolerance: float = TOLERANCE_PX) -> int:
    """The fewest LEVELS segments whose polygon (sagitta r·(1 - cos(π/n))) stays within tolerance of a circle."""
    for n in reversed(LEVELS):
        if radius_px * (1.0 - math.cos(math.pi / n)) <= tolerance:
            return n
    return LEVELS[0]


def cross_radius(part: Part) -> float:
    """Radius of a round part's circular cross-section in its local frame (0 for boxes and meshes)."""
    if part.shape in ("box", "mesh"):
        return 0.0
    return float(part.size[0]) if part.size else 0.5


def bound_radius(part: Part) -> float:
    """A part's bounding radius around its local origin (what merge_parts measures on the built mesh)."""
    size = [float(x) for x in part.size]
    if part.shape == "mesh" and part.mesh_vertices is not None:
        v = np.asarray(part.mesh_vertices, np.float64)
        return float(np.max(np.linalg.norm(v, axis=1))) if len(v) else 0.0
    if part.shape == "box":
        hx, hy, hz = (size + size[-1:] * 3)[:3] if size else (0.5, 0.5, 0.5)
        return math.sqrt(hx * hx + hy * hy + hz * hz)
    r = size[0] if size else 0.5
    hl = size[1] if len(size) > 1 else r
    if part.shape == "capsule":
        return r + hl
    if part.shape in ("cylinder", "cone"):
        return math.hypot(r, hl)
    return r


def max_screen_radius(tl: SimTimeline, scene_width: int, scene_height: int) -> np.ndarray:
    """Per part, the largest radius (scene pixels) its cross-section reaches on any frame it is visible.

    Depth is taken at the part's nearest possible point (centre depth minus its bounding radius), so long parts
    seen end-on count as close; a part that reaches the camera plane counts as infinitely big, one wholly behind
    the camera or outside the view frustum as nothing.
    """
    parts = tl.parts
    n = len(parts)
    if n == 0 or not tl.cameras:
        return np.zeros(n)
    poses = np.asarray(tl.poses, np.float64)  # (frames, parts, 4, 4)
    frames = poses.shape[0]
    scale = np.linalg.norm(poses[:, :, :3, :3], axis=-2).max(axis=-1)  # largest column norm
    cams = [tl.cameras[min(f, len(tl.cameras) - 1)] for f in range(frames)]
    basis = [camera_basis(c) for c in cams]
    eyes = np.array([b[0] for b in basis])
    rights = np.array([b[1] for b in basis])
    ups = np.array([b[2] for b in basis])
    fwds = np.array([b[3] for b in basis])
    tans = np.array([math.tan(math.radians(max(1.0, min(c.fov_y, 170.0))) / 2.0) for c in cams])
    cross = np.array([cross_radius(p) for p in parts]) * scale
    bound = np.array([bound_radius(p) for p in parts]) * scale
    rel = poses[:, :, :3, 3] - eyes[:, None, :]
    centre = np.einsum("fpk,fk->fp", rel, fwds)
    depth = centre - bound
    with np.errstate(divide="ignore", invalid="ignore"):
        px = cross / (np.maximum(depth, NEAR) * tans[:, None]) * (scene_height / 2.0) * SAFETY
    px = np.where(depth <= 2.0 * NEAR, np.where(cross > 0.0, np.inf, 0.0), px)
    px = np.where(centre + bound < NEAR, 0.0, px)  # wholly behind the camera
    # Outside a side plane of the frustum (bounding sphere vs plane through the eye).
    for axis, tan_half in ((rights, tans * (scene_width / scene_height)), (ups, tans)):
        lateral = np.abs(np.einsum("fpk,fk->fp", rel, axis))
        half = np.arctan(tan_half)[:, None]
        px = np.where(lateral * np.cos(half) - centre * np.sin(half) > bound, 0.0, px)
    if tl.visible is not None:
        vis = np.asarray(tl.visible, bool)
        vis = vis[np.minimum(np.arange(frames), len(vis) - 1)]
        px = np.where(vis, px, 0.0)
    return px.max(axis=0)


def choose_segments(
    tl: SimTimeline, scene_width: int, scene_height: int, shadow_texel_world: float | None
) -> np.ndarray:
    """Segments round the axis for every part (LEVELS[0] for shapes that have no axis to tessellate)."""
    px = max_screen_radius(tl, scene_width, scene_height)
    if shadow_texel_world and shadow_texel_world > 0.0 and len(tl.parts):
        poses = np.asarray(tl.poses, np.float64)
        scale = np.linalg.norm(poses[:, :, :3, :3], axis=-2).max(axis=-1).max(axis=0)
        casts = np.array([p.casts_shadow for p in tl.parts], bool)
        cross = np.array([cross_radius(p) for p in tl.parts]) * scale
        px = np.maximum(px, np.where(casts, cross / shadow_texel_world * SAFETY, 0.0))
    return np.array(
        [segments_for(float(r)) if p.shape in ROUND_SHAPES else LEVELS[0] for p, r in zip(tl.parts, px, strict=True)],
        np.int64,
    )
