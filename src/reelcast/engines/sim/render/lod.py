"""Level of detail for round parts (spheres, capsules, cylinders, cones) and big user meshes.

Each part gets one tessellation for the whole timeline, chosen from the largest radius it ever has in the picture
(scene pixels, from every frame's camera) and, if it casts a shadow, in the shadow map (texels): the coarsest level
whose polygonal silhouette stays within TOLERANCE_PX of the true circle. A firework spark 80 m away or a tennis-ball
seam across the room needs 6-10 segments, not 28; a head in close-up keeps all 28. Pure function of the timeline,
camera and frame size: the same input always yields the same meshes (and so the same bytes).

User meshes of MIN_DECIMATE_FACES triangles or more (the dog's skin bands) get the coarsest quadric decimation
(meshes.MESH_DIVISORS) whose measured surface error, at the largest scale the part has in the picture or the
shadow map, stays within TOLERANCE_PX: a dog across the yard needs a few thousand triangles, his face in close-up
all of them.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from reelcast.engines.sim.render.camera import NEAR, camera_bases, tan_half_fov
from reelcast.engines.sim.render.meshes import MESH_DIVISORS, MIN_DECIMATE_FACES, decimation_error
from reelcast.engines.sim.scene import Part, SimTimeline

LEVELS = (28, 20, 14, 10, 8, 6)  # segments around the axis, finest first (28 = the full-detail mesh)
ROUND_SHAPES = ("sphere", "capsule", "cylinder", "cone")
TOLERANCE_PX = 0.5  # most a coarser silhouette may deviate from the circle (scene pixels or shadow texels)
GUESS_EDGE_PX = 2.0  # a decimated mesh's triangles this long on screen are about where its error nears tolerance
SHADOW_SCREEN_SLACK = 4.0  # a shadow mesh may stray 4x TOLERANCE_PX in the picture (2 px of a shadow's edge)
SAFETY = 1.2  # margin for off-axis perspective stretch (up to ~1.2 at a 16:9 frame's corners)


def segment_timeline(tl: SimTimeline, frames: range) -> SimTimeline:
    """The timeline's `frames` (a step-1 range) as a timeline of their own, for choosing their level of detail."""
    if frames.start == 0 and frames.stop == tl.n_frames:
        return tl
    return dataclasses.replace(
        tl,
        n_frames=len(frames),
        poses=np.asarray(tl.poses)[frames.start:frames.stop],
        cameras=tl.cameras[frames.start:frames.stop],
        visible=None if tl.visible is None else np.asarray(tl.visible)[frames.start:frames.stop],
        cuts=[c - frames.start for c in tl.cuts if frames.start < c < frames.stop],
    )


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


def _views(tl: SimTimeline, frames: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: the camera's eye, right, up and forward vectors and tan(fov_y / 2)."""
    cams = [tl.cameras[min(f, len(tl.cameras) - 1)] for f in range(frames)]
    tans = np.array([tan_half_fov(c.fov_y) for c in cams])
    return (*camera_bases(cams), tans)


def _unseen_to_zero(px: np.ndarray, rel: np.ndarray, centre: np.ndarray, bound: np.ndarray,
                    views: tuple[np.ndarray, ...], aspect: float, visible: np.ndarray | None) -> np.ndarray:
    """`px` (frames, parts) with 0 where a part's bounding sphere is wholly behind the camera or outside a side plane
    of the frustum (sphere vs plane through the eye), or the part is hidden (`visible`: its frames × those parts)."""
    _, rights, ups, _, tans = views
    px = np.where(centre + bound < NEAR, 0.0, px)
    for axis, tan_half in ((rights, tans * aspect), (ups, tans)):
        lateral = np.abs(np.einsum("fpk,fk->fp", rel, axis))
        half = np.arctan(tan_half)[:, None]
        px = np.where(lateral * np.cos(half) - centre * np.sin(half) > bound, 0.0, px)
    if visible is not None:
        px = np.where(visible[np.minimum(np.arange(px.shape[0]), len(visible) - 1)], px, 0.0)
    return px


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
    views = _views(tl, frames)
    eyes, _, _, fwds, tans = views
    cross = np.array([cross_radius(p) for p in parts]) * scale
    bound = np.array([bound_radius(p) for p in parts]) * scale
    rel = poses[:, :, :3, 3] - eyes[:, None, :]
    centre = np.einsum("fpk,fk->fp", rel, fwds)
    depth = centre - bound
    with np.errstate(divide="ignore", invalid="ignore"):
        px = cross / (np.maximum(depth, NEAR) * tans[:, None]) * (scene_height / 2.0) * SAFETY
    px = np.where(depth <= 2.0 * NEAR, np.where(cross > 0.0, np.inf, 0.0), px)
    visible = None if tl.visible is None else np.asarray(tl.visible, bool)
    return _unseen_to_zero(px, rel, centre, bound, views, scene_width / scene_height, visible).max(axis=0)


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


def _is_big_mesh(part: Part) -> bool:
    """A user mesh big enough to be worth decimating."""
    return (part.shape == "mesh" and part.mesh_vertices is not None and part.mesh_faces is not None
            and len(part.mesh_faces) >= MIN_DECIMATE_FACES)


def mesh_bounds(part: Part) -> tuple[np.ndarray, float]:
    """Centre (local frame) and radius of a user mesh's bounding box sphere; a band cut from a bigger mesh sits
    far from its part's origin, so its own centre gives a much truer depth than the origin does."""
    v = np.asarray(part.mesh_vertices, np.float64)
    if not len(v):
        return np.zeros(3), 0.0
    centre = (v.min(axis=0) + v.max(axis=0)) / 2.0
    return centre, float(np.max(np.linalg.norm(v - centre, axis=1)))


def max_pixels_per_unit(tl: SimTimeline, scene_width: int, scene_height: int, which: np.ndarray) -> np.ndarray:
    """Per part (only where `which`), the most scene pixels one unit of its local frame spans on any frame.

    Depth is taken at the nearest point of the part's bounding sphere; a part that reaches the camera plane counts
    as infinitely big, one wholly behind the camera or outside the view frustum (or hidden) as nothing.
    """
    n = len(tl.parts)
    out = np.zeros(n)
    idx = np.flatnonzero(which)
    if not len(idx) or not tl.cameras:
        return out
    poses = np.asarray(tl.poses, np.float64)[:, idx]  # (frames, k, 4, 4)
    frames = poses.shape[0]
    scale = np.linalg.norm(poses[:, :, :3, :3], axis=-2).max(axis=-1)
    bounds = [mesh_bounds(tl.parts[i]) for i in idx]
    centres_local = np.array([b[0] for b in bounds])
    bound = np.array([b[1] for b in bounds]) * scale
    centres = np.einsum("fkij,kj->fki", poses[:, :, :3, :3], centres_local) + poses[:, :, :3, 3]
    views = _views(tl, frames)
    eyes, _, _, fwds, tans = views
    rel = centres - eyes[:, None, :]
    centre = np.einsum("fpk,fk->fp", rel, fwds)
    depth = centre - bound
    px = scale / (np.maximum(depth, NEAR) * tans[:, None]) * (scene_height / 2.0) * SAFETY
    px = np.where(depth <= 2.0 * NEAR, np.inf, px)
    visible = None if tl.visible is None else np.asarray(tl.visible, bool)[:, idx]
    out[idx] = _unseen_to_zero(px, rel, centre, bound, views, scene_width / scene_height, visible).max(axis=0)
    return out


def edge_length(part: Part) -> float:
    """Median edge length of a user mesh (local units): how fine it is to begin with."""
    v = np.asarray(part.mesh_vertices, np.float64)
    f = np.asarray(part.mesh_faces, np.int64)
    if not len(f):
        return 0.0
    return float(np.median(np.linalg.norm(v[f] - v[np.roll(f, 1, axis=1)], axis=-1)))


def divisor_for(part: Part, px_per_unit: float, tolerance: float = TOLERANCE_PX) -> int:
    """The coarsest MESH_DIVISORS decimation of a part's mesh whose measured surface error stays within
    `tolerance` pixels at `px_per_unit`, searched from a guess so that few levels are decimated and measured.

    Decimating to 1/d of the triangles makes them about √d times longer. The guess is the coarsest level whose
    triangles stay within GUESS_EDGE_PX; from there the search goes coarser while the error passes (and the
    triangles stay within twice that), or finer until it passes (a non-monotone error can only stop it early, at
    a level that passed). A mesh whose own triangles already span more than GUESS_EDGE_PX keeps full detail
    without a trial.
    """
    if not _is_big_mesh(part) or not math.isfinite(px_per_unit):
        return 1
    if px_per_unit <= 0.0:  # never in the picture: the coarsest, without measuring anything
        return MESH_DIVISORS[-1]
    edge_px = edge_length(part) * px_per_unit
    fits = [k for k, d in enumerate(MESH_DIVISORS) if edge_px * math.sqrt(d) <= GUESS_EDGE_PX]
    if not fits:
        return 1

    def passes(k: int) -> bool:
        return k == 0 or decimation_error(part.mesh_vertices, part.mesh_faces, MESH_DIVISORS[k]) * px_per_unit \
            <= tolerance

    k = fits[-1]
    if passes(k):
        # Coarser than the guess only when its triangles are still tiny (a far part): one step past the guess
        # rarely passes, and every trial is a decimation and a measurement (~20 ms for a band of the dog).
        while k + 1 < len(MESH_DIVISORS) and edge_px * math.sqrt(MESH_DIVISORS[k + 1]) <= 2.0 * GUESS_EDGE_PX \
                and passes(k + 1):
            k += 1
    else:
        while not passes(k - 1):
            k -= 1
        k -= 1
    return MESH_DIVISORS[k]


def choose_mesh_divisors(
    tl: SimTimeline, scene_width: int, scene_height: int, shadow_texel_world: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Decimation divisors for every part, (for the picture, for the shadow map): 1 = full detail, and always 1
    for all but big user meshes. Each is chosen from its own pass's largest scale: a mesh small on screen but
    casting a big shadow stays coarse in the picture, and the shadow map (texels of several centimetres) takes a
    coarser mesh than a close-up, within SHADOW_SCREEN_SLACK times the tolerance in the picture."""
    big = np.array([_is_big_mesh(p) for p in tl.parts], bool)
    px = max_pixels_per_unit(tl, scene_width, scene_height, big)
    main = np.array([divisor_for(p, float(r)) if b else 1 for p, r, b in zip(tl.parts, px, big, strict=True)],
                    np.int64)
    shadow = main.copy()
    if shadow_texel_world and shadow_texel_world > 0.0 and big.any():
        poses = np.asarray(tl.poses, np.float64)
        scale = np.linalg.norm(poses[:, :, :3, :3], axis=-2).max(axis=-1).max(axis=0)
        # A caster that strays by δ shifts where its shadow's edge falls on what lies just behind it (the jet pack
        # on the dog's back) by about δ in the picture, however coarse the texels: so the shadow mesh answers to
        # the picture's pixels too, with SHADOW_SCREEN_SLACK times the tolerance (a soft PCF edge hides that).
        texels = np.maximum(scale / shadow_texel_world * SAFETY, px / SHADOW_SCREEN_SLACK)
        for i in np.flatnonzero(big & np.array([p.casts_shadow for p in tl.parts], bool)):
            shadow[i] = divisor_for(tl.parts[i], float(texels[i]))
    return main, shadow
