"""Caps that close an open mesh where it joins the next one, so most of it can be drawn with back faces culled: pure
geometry.

The dog's skin (dm_control) comes as ~80 rigid bands, each an open tube or shell whose borders meet the next band's.
Drawn without culling, every band's inside is rasterized and shaded wherever it lies behind the outside (llvmpipe
shades per 4x4 block, so a close-up's ~30k such triangles cost more than the pixels they cover). Culled alone, a bent
joint opens a slit between two bands through which the background shows where their insides showed before. A cap
over each border loop (a fan from the loop's centre, facing out of the band, its rim shaded as the skin there)
closes the band: through a slit one sees the neighbour's cap instead of its inside. Only bands whose every loop joins
another band and whose caps are small next to their skin are closed (the torso, the paws, the tail's end); where the
caps would be large (the head's neck loop, whose fan would cross the ears) the band stays open and only what lies far
from its openings is culled; an opening onto nothing leaves the band unculled.
"""

from __future__ import annotations

import numpy as np

POINT_DECIMALS = 6  # vertices within 1e-6 of each other (split at creases or seams) are one point of the surface
JOINED_SHARE = 0.9  # a loop joins another mesh when this share of its points are that mesh's points too
MAX_CAP_SHARE = 0.2  # caps at most this share of the skin they close (a paw, the torso: not an ear or a thin ring)


Mesh = tuple[np.ndarray, np.ndarray, np.ndarray]  # positions (n, 3), normals (n, 3), triangles (k, 3)


def point_codes(pos: np.ndarray) -> np.ndarray:
    """Each vertex's point of the surface as a comparable row (positions rounded to POINT_DECIMALS; + 0.0 makes
    -0.0 the same bytes as 0.0)."""
    return np.round(np.asarray(pos, np.float64), POINT_DECIMALS) + 0.0


def shared_points(meshes: list[np.ndarray]) -> np.ndarray:
    """The points (rows of `point_codes`) that belong to two or more of `meshes` (vertex arrays)."""
    rows = [np.unique(point_codes(v), axis=0) for v in meshes if len(v)]
    if not rows:
        return np.zeros((0, 3))
    points, counts = np.unique(np.concatenate(rows), axis=0, return_counts=True)
    return points[counts >= 2]


def capped(pos: np.ndarray, nrm: np.ndarray, faces: np.ndarray,
           joins: np.ndarray | None = None) -> tuple[Mesh, int] | None:
    """The mesh to draw and how many of its first triangles may be culled, or None where none may: already closed,
    inconsistently wound, a border that is not simple loops, a loop that does not join another mesh (most of its
    points among `joins`, rows of `point_codes`; None: take every loop as joined), or a piece that would face
    inwards. Closed by a cap over each border loop (the caps' vertices and triangles after the original ones, which
    keep their indices), all of it is culled; where the caps would be larger than MAX_CAP_SHARE of the skin (the
    head's neck loop, whose fan would cross the ears) it stays open and only the triangles farther from its border
    than half its largest opening's radius are culled (first): what shows through an opening is near it."""
    f = np.asarray(faces, np.int64)
    p = np.asarray(pos, np.float64)
    if len(f) == 0:
        return None
    codes, point = np.unique(point_codes(p), axis=0, return_inverse=True)
    point = point.reshape(-1)
    loops = _border_loops(point[f], len(codes))
    if not loops:
        return None
    where = np.zeros(len(codes), np.int64)
    where[point] = np.arange(len(point))
    points, normals = p[where], np.asarray(nrm, np.float64)[where]
    table = None if joins is None else np.sort(_row_bytes(joins))
    if table is not None and any(_share_in(codes[loop], table) < JOINED_SHARE for loop in loops):
        return None  # an opening onto nothing (an ear's inside is meant to be seen)
    component = _components(point[f], len(codes))
    # Six times each connected piece's signed volume, closed by its caps: a piece wound inwards (negative) would be
    # culled inside out.
    volume = np.bincount(component[point[f[:, 0]]], weights=_signed(p, f), minlength=int(component.max()) + 1)
    cap_pos: list[np.ndarray] = []
    cap_nrm: list[np.ndarray] = []
    cap_tri: list[np.ndarray] = []
    cap_area = 0.0
    largest = 0.0
    base = len(p)
    for loop in loops:
        ring = points[loop]
        centre = ring.mean(axis=0)
        largest = max(largest, float(np.max(np.linalg.norm(ring - centre, axis=1))))
        nxt = np.roll(ring, -1, axis=0)
        # For a border edge a -> b (as its face runs it), the cap's triangle b, a, centre runs it the other way.
        volume[component[loop[0]]] += float(np.einsum("ij,ij->", nxt, np.cross(ring, centre)))
        fan = np.cross(ring - nxt, centre - nxt)
        normal = fan.sum(axis=0)
        length = float(np.linalg.norm(normal))
        if length <= 1e-12:
            return None
        cap_area += 0.5 * float(np.linalg.norm(fan, axis=1).sum())
        k = len(loop)
        cap_pos.append(np.vstack([ring, centre]))
        # The rim shades as the skin it closes (where a bent joint lifts it out of the neighbouring band it reads as
        # that band's skin, not as a line), the centre as the cap's plane.
        cap_nrm.append(np.vstack([normals[loop], normal / length]))
        j = np.arange(k)
        cap_tri.append(np.stack([base + (j + 1) % k, base + j, np.full(k, base + k)], axis=1))
        base += k + 1
    if np.any(volume <= 0.0):
        return None
    if cap_area > MAX_CAP_SHARE * 0.5 * float(np.linalg.norm(np.cross(p[f[:, 1]] - p[f[:, 0]],
                                                                        p[f[:, 2]] - p[f[:, 0]]), axis=1).sum()):
        far = _far_from(p, f, points[np.concatenate(loops)], 0.5 * largest)
        if not far.any():
            return None
        order = np.concatenate([np.flatnonzero(far), np.flatnonzero(~far)])
        return (pos, nrm, np.asarray(faces)[order]), int(far.sum())
    out_faces = np.vstack([f, *cap_tri]).astype(np.asarray(faces).dtype)
    return (np.vstack([p, *cap_pos]).astype(np.asarray(pos).dtype),
            np.vstack([np.asarray(nrm, np.float64), *cap_nrm]).astype(np.asarray(nrm).dtype), out_faces), len(out_faces)


def _border_loops(point_faces: np.ndarray, n_points: int) -> list[list[int]] | None:
    """The border of a mesh given as faces of point numbers, as loops of points in the faces' direction; None when
    it is not consistently wound (an inner edge not run as often one way as the other) or its border is not simple
    loops; [] when it has no border."""
    pf = point_faces
    pf = pf[(pf[:, 0] != pf[:, 1]) & (pf[:, 1] != pf[:, 2]) & (pf[:, 2] != pf[:, 0])]  # no area, no edges
    directed = np.concatenate([pf[:, [0, 1]], pf[:, [1, 2]], pf[:, [2, 0]]])
    lo, hi = directed.min(axis=1), directed.max(axis=1)
    edge, inverse = np.unique(lo * n_points + hi, return_inverse=True)
    inverse = inverse.reshape(-1)
    uses = np.bincount(inverse, minlength=len(edge))
    forward = np.bincount(inverse, weights=(directed[:, 0] == lo).astype(np.float64), minlength=len(edge))
    # Inner edges run twice, once each way (four times where two sheets touch); border edges once.
    if np.any((uses >= 2) & (2 * forward != uses)):
        return None
    once = np.flatnonzero(uses == 1)
    first = np.zeros(len(edge), np.int64)
    first[inverse[::-1]] = np.arange(len(directed))[::-1]
    border = directed[first[once]]
    if len(np.unique(border[:, 0])) != len(border) or len(np.unique(border[:, 1])) != len(border):
        return None
    successor = dict(zip(border[:, 0].tolist(), border[:, 1].tolist(), strict=True))
    loops: list[list[int]] = []
    seen: set[int] = set()
    for start in successor:
        if start in seen:
            continue
        loop = [start]
        seen.add(start)
        cur = successor[start]
        while cur != start:
            if cur in seen or cur not in successor:
                return None
            loop.append(cur)
            seen.add(cur)
            cur = successor[cur]
        loops.append(loop)
    return loops


def _share_in(rows: np.ndarray, table: np.ndarray) -> float:
    """The share of `rows` (rows of `point_codes`) that are in `table` (their `_row_bytes`, sorted): whole rows
    compared as bytes, a tenth of the time np.unique(axis=0) took for the dog's ~80 bands."""
    if len(rows) == 0 or len(table) == 0:
        return 0.0
    keys = _row_bytes(rows)
    at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return float((table[at] == keys).mean())


def _row_bytes(a: np.ndarray) -> np.ndarray:
    """Each row of a float64 (n, 3) array as one opaque value (for set operations on rows)."""
    a = np.ascontiguousarray(a, np.float64)
    return a.view(np.dtype((np.void, 8 * a.shape[1]))).reshape(-1)


def _far_from(p: np.ndarray, f: np.ndarray, border: np.ndarray, reach: float) -> np.ndarray:
    """Which triangles have no corner within `reach` of a border point."""
    from scipy.spatial import cKDTree

    tree = cKDTree(border)
    near = np.zeros(len(f), bool)
    for k in range(3):
        d, _ = tree.query(p[f[:, k]], k=1, distance_upper_bound=reach)
        near |= np.isfinite(d)
    return ~near


def _signed(p: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Six times the signed volume each triangle spans with the origin."""
    return np.einsum("ij,ij->i", p[f[:, 0]], np.cross(p[f[:, 1]], p[f[:, 2]]))


def _components(point_faces: np.ndarray, n_points: int) -> np.ndarray:
    """Each point's connected piece of the surface (points joined by the faces' edges)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    a = np.concatenate([point_faces[:, 0], point_faces[:, 1]])
    b = np.concatenate([point_faces[:, 1], point_faces[:, 2]])
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n_points, n_points))
    return connected_components(graph, directed=False)[1]
