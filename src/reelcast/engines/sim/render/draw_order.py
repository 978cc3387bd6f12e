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


NORMAL_BIN = 1e-2  # planes are first grouped by their normal rounded to this, then compared exactly


def part_planes(geo: MergedGeometry, parts: np.ndarray, poses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct planes of the triangles of `parts` (indices) under their `poses` (n, 4, 4, of all parts): (k,)
    positions into `parts` that own them and (k, 4) rows (unit normal, offset along it)."""
    chunks = [geo.part_indices[p] if p < len(geo.part_indices) else np.zeros(0, np.uint32) for p in parts]
    owner = np.repeat(np.arange(len(parts)), [len(c) // 3 for c in chunks])
    if not len(owner):
        return owner, np.zeros((0, 4))
    tri = geo.vertices[np.concatenate(chunks), :3].astype(np.float64).reshape(-1, 3, 3)
    m = poses[np.asarray(parts)[owner]].astype(np.float64)
    world = np.einsum("kij,kvj->kvi", m[:, :3, :3], tri) + m[:, None, :3, 3]
    n = np.cross(world[:, 1] - world[:, 0], world[:, 2] - world[:, 0])
    length = np.linalg.norm(n, axis=1)
    keep = length > 1e-12
    n = n[keep] / length[keep, None]
    d = np.einsum("ij,ij->i", n, world[keep, 0])
    rows = np.unique(np.concatenate([owner[keep, None], np.round(np.concatenate([n, d[:, None]], axis=1), 6)],
                                    axis=1), axis=0)
    return rows[:, 0].astype(np.int64), rows[:, 1:]


def coplanar_pairs(geo: MergedGeometry, parts: np.ndarray, poses: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """(m, 2) positions (i < j) into `parts` of the pairs that share a plane (same facing, normals within
    NORMAL_TOL, offsets within OFFSET_TOL) and whose bounding spheres touch; `poses` (n, 4, 4) and posed bounding
    `radii` (n,) are of all parts, fixed (the static set)."""
    owner, planes = part_planes(geo, parts, poses)
    if len(owner) < 2:
        return np.zeros((0, 2), np.int64)
    # Sort by (normal bin, offset); a plane's matches follow it within OFFSET_TOL in its bin.
    _, group = np.unique(np.round(planes[:, :3] / NORMAL_BIN).astype(np.int64), axis=0, return_inverse=True)
    key = group.ravel().astype(np.float64) * 1e7 + planes[:, 3]
    order = np.argsort(key, kind="stable")
    key, owner, planes = key[order], owner[order], planes[order]
    end = np.searchsorted(key, key + 2.0 * OFFSET_TOL, side="right")  # (a margin for the key's rounding)
    count = end - np.arange(len(key)) - 1
    i = np.repeat(np.arange(len(key)), count)
    j = i + 1 + (np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count))
    ok = (owner[i] != owner[j]) & (np.abs(planes[i, 3] - planes[j, 3]) <= OFFSET_TOL) \
        & (np.einsum("ij,ij->i", planes[i, :3], planes[j, :3]) >= 1.0 - NORMAL_TOL)
    a, b = np.minimum(owner[i[ok]], owner[j[ok]]), np.maximum(owner[i[ok]], owner[j[ok]])
    centres = poses[parts, :3, 3].astype(np.float64)
    r = radii[parts].astype(np.float64)
    touch = np.linalg.norm(centres[a] - centres[b], axis=1) <= r[a] + r[b] + OFFSET_TOL
    return np.unique(np.stack([a[touch], b[touch]], axis=1), axis=0).reshape(-1, 2)


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
