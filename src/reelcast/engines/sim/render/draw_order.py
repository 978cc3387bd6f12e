"""The order the parts are drawn in, for llvmpipe's early depth test: a fragment hidden by what is already drawn is
rejected before it is shaded, so what is near should be drawn first.

The static set (parts that never move) is drawn first, then the moving entities, nearest first (parts as listed
within each). The static set is drawn as listed, or nearest first (by centre depth) where that hides more (the
renderer measures which, once per shot) — without changing which surface wins a depth tie: with the depth test
"less", where two surfaces meet at exactly the same depth the part drawn first keeps the pixel. Such ties happen
only between surfaces in one plane (a door frame flush with its wall, a sea and a glacier shelf both at z = 0, a
decal on a panel), so parts that share a plane (and whose bounding spheres touch) keep their listed order
(`TiedOrder`). Every other pair can go in either order with the same pixels.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from reelcast.engines.sim.render.meshes import MergedGeometry

NORMAL_TOL = 1e-5  # 1 - cos of the angle between two planes' normals that count as parallel
OFFSET_TOL = 2e-3  # metres between two parallel planes that count as one (a few mm: a flush fit, not a gap)


def part_planes(geo: MergedGeometry, part: int, pose: np.ndarray) -> np.ndarray:
    """The distinct planes of a part's triangles under `pose`, as (k, 4) rows (unit normal, offset along it)."""
    idx = geo.part_indices[part] if part < len(geo.part_indices) else np.zeros(0, np.uint32)
    if not len(idx):
        return np.zeros((0, 4))
    local = geo.vertices[idx, :3].astype(np.float64).reshape(-1, 3, 3)
    world = local @ pose[:3, :3].T + pose[:3, 3]
    n = np.cross(world[:, 1] - world[:, 0], world[:, 2] - world[:, 0])
    length = np.linalg.norm(n, axis=1)
    keep = length > 1e-12
    n = n[keep] / length[keep, None]
    d = np.einsum("ij,ij->i", n, world[keep, 0])
    planes = np.concatenate([n, d[:, None]], axis=1)
    return np.unique(np.round(planes, 6), axis=0)


def _share_plane(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two plane lists hold a common plane (same facing, within the tolerances)."""
    if not len(a) or not len(b):
        return False
    for start in range(0, len(a), 512):  # bounded memory for two big meshes
        chunk = a[start:start + 512]
        parallel = chunk[:, :3] @ b[:, :3].T
        close = np.abs(chunk[:, 3:4] - b[None, :, 3]) <= OFFSET_TOL
        if np.any((parallel >= 1.0 - NORMAL_TOL) & close):
            return True
    return False


def coplanar_pairs(geo: MergedGeometry, parts: np.ndarray, poses: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """(m, 2) positions (i < j) into `parts` of the pairs that share a plane and whose bounding spheres touch; `poses`
    (n, 4, 4) and posed bounding `radii` (n,) are of all parts, fixed (the static set)."""
    centres = poses[parts, :3, 3].astype(np.float64)
    r = radii[parts].astype(np.float64)
    dist = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    near = np.triu(dist <= r[:, None] + r[None] + OFFSET_TOL, 1)
    planes: dict[int, np.ndarray] = {}
    pairs = []
    for i, j in zip(*np.nonzero(near), strict=True):
        for p in (int(i), int(j)):
            if p not in planes:
                planes[p] = part_planes(geo, int(parts[p]), poses[parts[p]].astype(np.float64))
        if _share_plane(planes[int(i)], planes[int(j)]):
            pairs.append((int(i), int(j)))
    return np.array(pairs, np.int64).reshape(-1, 2)


class TiedOrder:
    """Nearest first under "i before j" constraints (the coplanar pairs, in list order): Kahn's topological sort
    taking the nearest ready part each time. The result depends only on the depths' ranking, so it is kept while
    that stays the same (a still camera, or one moving without parts passing each other)."""

    def __init__(self, k: int, pairs: np.ndarray) -> None:
        self.k = k
        self.successors: list[list[int]] = [[] for _ in range(k)]
        self.indegree = np.zeros(k, np.int64)
        for i, j in pairs:
            self.successors[int(i)].append(int(j))
            self.indegree[int(j)] += 1
        self._last: tuple[bytes, np.ndarray] | None = None

    def order(self, depth: np.ndarray) -> np.ndarray:
        """Positions 0..k-1, nearest first where no pair forbids it."""
        rank = np.argsort(depth, kind="stable")
        key = rank.tobytes()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        if not any(self.successors):
            out = rank
        else:
            position = np.empty(self.k, np.int64)
            position[rank] = np.arange(self.k)
            indegree = self.indegree.copy()
            ready = [int(position[i]) for i in np.flatnonzero(indegree == 0)]
            heapq.heapify(ready)
            result = []
            while ready:
                i = int(rank[heapq.heappop(ready)])
                result.append(i)
                for j in self.successors[i]:
                    indegree[j] -= 1
                    if indegree[j] == 0:
                        heapq.heappush(ready, int(position[j]))
            out = np.array(result, np.int64)
        self._last = (key, out)
        return out


@dataclass
class DrawSets:
    """A timeline's parts split into the static set and the moving entities."""

    static: np.ndarray  # part indices that hold still all clip long
    moving: np.ndarray  # the others
    entity_of: np.ndarray  # per moving part, its entity's number
    n_entities: int

    @classmethod
    def of(cls, entities: list[str], poses: np.ndarray) -> DrawSets:
        """From each part's entity name and the (frames, parts, 4, 4) poses."""
        n = len(entities)
        moving = np.flatnonzero(np.any(poses != poses[:1], axis=(0, 2, 3))) if n else np.zeros(0, np.int64)
        names = sorted({entities[i] for i in moving})
        entity_of = np.array([names.index(entities[i]) for i in moving], np.int64)
        return cls(np.setdiff1d(np.arange(n), moving), moving, entity_of, len(names))

    def order(self, poses: np.ndarray, eye: np.ndarray, fwd: np.ndarray, static: np.ndarray | None = None) -> (
            np.ndarray):
        """The frame's order: the static set (`static`, default as listed), then the moving entities nearest first
        (by their nearest part's centre depth along `fwd` from `eye`), each one's parts as listed. With at most one
        moving part and the static set as listed, every part as listed."""
        if len(self.moving) < 2:
            if static is None:
                return np.arange(len(self.static) + len(self.moving))
            return np.concatenate([static, self.moving])
        first = self.static if static is None else static
        depth = (poses[self.moving, :3, 3].astype(np.float64) - eye) @ fwd
        entity_depth = np.full(self.n_entities, np.inf)
        np.minimum.at(entity_depth, self.entity_of, depth)
        later = self.moving[np.lexsort((self.moving, self.entity_of, entity_depth[self.entity_of]))]
        return np.concatenate([first, later])
