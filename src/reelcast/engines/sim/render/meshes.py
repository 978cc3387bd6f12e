"""Triangle meshes for `Part` shapes, merged into one vertex/index buffer per timeline.

Every primitive is built in its local frame (Z is the long axis of capsules, cylinders and cones), wound
counter-clockwise seen from outside, with analytic normals so spheres and capsules shade smoothly and boxes and
caps stay flat. Vertex layout: x, y, z, nx, ny, nz, part_index (7 float32).
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from reelcast.engines.sim.render.caps import capped, shared_points
from reelcast.engines.sim.scene import Part

Mesh = tuple[np.ndarray, np.ndarray, np.ndarray]  # positions (n,3), normals (n,3), faces (m,3)
_T = TypeVar("_T")

_SEGMENTS = 28  # around the long axis; enough that silhouettes stay round at 720p
_RINGS = 16  # pole to pole on spheres


def _grid_faces(rows: int, cols: int) -> np.ndarray:
    """Faces of a (rows+1) x (cols+1) vertex grid (rows go up in z, cols go CCW around z), wound outward."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    a = r * (cols + 1) + c
    b = a + 1
    d = a + (cols + 1)
    e = d + 1
    tri1 = np.stack([a, b, d], axis=-1).reshape(-1, 3)
    tri2 = np.stack([b, e, d], axis=-1).reshape(-1, 3)
    return np.concatenate([tri1, tri2]).astype(np.int64)


def _lathe(
    profile_r: np.ndarray, profile_z: np.ndarray, normal_r: np.ndarray, normal_z: np.ndarray, segments: int = _SEGMENTS
) -> Mesh:
    """Revolve a bottom-to-top profile (radius, z with its 2D normal) around Z in `segments` steps."""
    theta = np.linspace(0.0, 2.0 * np.pi, segments + 1)
    ct, st = np.cos(theta)[None, :], np.sin(theta)[None, :]
    pr, pz = profile_r[:, None], profile_z[:, None]
    nr, nz = normal_r[:, None], normal_z[:, None]
    pos = np.stack([pr * ct, pr * st, np.broadcast_to(pz, (len(profile_r), segments + 1))], axis=-1)
    nrm = np.stack([nr * ct, nr * st, np.broadcast_to(nz, (len(profile_r), segments + 1))], axis=-1)
    faces = _grid_faces(len(profile_r) - 1, segments)
    return pos.reshape(-1, 3), nrm.reshape(-1, 3), faces


def _disc(radius: float, z: float, up: bool, segments: int = _SEGMENTS) -> Mesh:
    """A flat cap at height z facing +Z (up) or -Z."""
    theta = np.linspace(0.0, 2.0 * np.pi, segments, endpoint=False)
    rim = np.stack([radius * np.cos(theta), radius * np.sin(theta), np.full_like(theta, z)], axis=-1)
    pos = np.concatenate([[[0.0, 0.0, z]], rim])
    nrm = np.tile([0.0, 0.0, 1.0 if up else -1.0], (len(pos), 1))
    i = np.arange(segments)
    j = (i + 1) % segments
    a, b = (i + 1, j + 1) if up else (j + 1, i + 1)
    faces = np.stack([np.zeros_like(i), a, b], axis=-1)
    return pos, nrm, faces


def _concat(meshes: list[Mesh]) -> Mesh:
    """Join meshes, offsetting face indices."""
    pos, nrm, faces, base = [], [], [], 0
    for p, n, f in meshes:
        pos.append(p)
        nrm.append(n)
        faces.append(f + base)
        base += len(p)
    return np.concatenate(pos), np.concatenate(nrm), np.concatenate(faces)


def rings_for(segments: int) -> int:
    """Pole-to-pole rings that go with `segments` around the axis (16 for the full 28), even, at least 4."""
    return max(4, 2 * round(segments * _RINGS / _SEGMENTS / 2))


def sphere(radius: float, segments: int = _SEGMENTS) -> Mesh:
    """UV sphere centred on the origin."""
    phi = np.linspace(-np.pi / 2, np.pi / 2, rings_for(segments) + 1)
    cr, sz = np.cos(phi), np.sin(phi)
    cr[0] = cr[-1] = 0.0
    return _lathe(radius * cr, radius * sz, cr, sz, segments)


def capsule(radius: float, half_length: float, segments: int = _SEGMENTS) -> Mesh:
    """Capsule along Z: a cylinder of half length `half_length` capped by two hemispheres."""
    half = rings_for(segments) // 2
    lo = np.linspace(-np.pi / 2, 0.0, half + 1)
    hi = np.linspace(0.0, np.pi / 2, half + 1)
    phi = np.concatenate([lo, hi])
    cr, sz = np.cos(phi), np.sin(phi)
    cr[0] = cr[-1] = 0.0
    z = radius * sz + np.where(np.arange(len(phi)) <= half, -half_length, half_length)
    return _lathe(radius * cr, z, cr, sz, segments)


def cylinder(radius: float, half_length: float, segments: int = _SEGMENTS) -> Mesh:
    """Closed cylinder along Z centred on the origin."""
    side = _lathe(
        np.array([radius, radius]), np.array([-half_length, half_length]), np.array([1.0, 1.0]), np.zeros(2), segments
    )
    return _concat([side, _disc(radius, half_length, True, segments), _disc(radius, -half_length, False, segments)])


def cone(radius: float, half_length: float, segments: int = _SEGMENTS) -> Mesh:
    """Cone along Z centred on the origin: base disc at -half_length, apex at +half_length."""
    h = 2.0 * half_length
    slant = np.hypot(radius, h)
    nr, nz = h / slant, radius / slant
    side = _lathe(
        np.array([radius, 0.0]), np.array([-half_length, half_length]), np.array([nr, nr]), np.array([nz, nz]), segments
    )
    return _concat([side, _disc(radius, -half_length, False, segments)])


def _unit_box() -> Mesh:
    """The box with half extents 1: 4 corners per face, each face's normal shared by its corners."""
    pos, nrm, faces = [], [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            n = np.zeros(3)
            n[axis] = sign
            u = np.zeros(3)
            u[(axis + 1) % 3] = 1.0
            v = np.cross(n, u)
            base = len(pos)
            pos.extend(n + a * u + b * v for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1)))
            nrm.extend([n] * 4)
            faces.extend([[base, base + 1, base + 2], [base, base + 2, base + 3]])
    return np.array(pos), np.array(nrm), np.array(faces)


_UNIT_BOX = _unit_box()


def box(hx: float, hy: float, hz: float) -> Mesh:
    """Axis-aligned box with half extents, flat-shaded (24 vertices): the unit box scaled (normals stay)."""
    pos, nrm, faces = _UNIT_BOX
    return pos * np.array([hx, hy, hz]), nrm.copy(), faces.copy()


def user_mesh(vertices: np.ndarray, faces: np.ndarray) -> Mesh:
    """A supplied mesh with normals split at creases (> 30 degrees) so hard edges stay hard."""
    return user_mesh_closed(vertices, faces)[0]


# Processed user meshes by their input bytes: the same assets (a dog's skin, a character's head) come back in clip
# after clip, and trimesh's repair and crease split cost ~15 ms each. Callers only read the arrays.
_USER_MESHES: OrderedDict[bytes, tuple[Mesh, bool]] = OrderedDict()
USER_MESH_CACHE = 512  # entries per in-memory cache (the dog alone is ~80 skin bands, each with a few levels)
_USER_MESHES_LOCK = threading.Lock()


def user_mesh_closed(vertices: np.ndarray, faces: np.ndarray) -> tuple[Mesh, bool]:
    """`user_mesh` and whether it is watertight (then wound outward, so its back faces may be culled)."""
    v, f = np.ascontiguousarray(vertices, np.float64), np.ascontiguousarray(faces, np.int64)
    key = _mesh_key(v, f)
    return _cached(_USER_MESHES, key, lambda: _stored_mesh(key, lambda: _process_user_mesh(v, f)))


# ------------------------------------------------------------------------------------ decimated user meshes
# Level of detail for big user meshes (the dog's skin bands, ~38k triangles): quadric decimation to
# 1/MESH_DIVISORS[k] of the triangles, with the open border pinned so the bands a mesh was cut into still meet
# exactly (the dog is drawn as rigid bands that share their edge triangles). lod.py picks the divisor per part.
MESH_DIVISORS = (1, 2, 4, 8, 16, 32)
MIN_DECIMATE_FACES = 1024  # smaller meshes (ellipsoid bodies, ears, rims, heads) cost little; never decimated

_DECIMATED: OrderedDict[bytes, Any] = OrderedDict()  # every decimation step's results (see _simplified)


def _mesh_key(vertices: np.ndarray, faces: np.ndarray, *extra: int) -> bytes:
    """Cache key: the input's shape and bytes (float64 positions, int64 faces) and `extra` (what is made of it)."""
    head = np.array(vertices.shape + faces.shape + extra, np.int64).tobytes()
    return hashlib.sha256(head + vertices.tobytes() + faces.tobytes()).digest()


def _cached(cache: OrderedDict[bytes, Any], key: bytes, make: Callable[[], _T]) -> _T:
    """`make()` once per key in `cache`, an LRU of USER_MESH_CACHE entries (renders may run side by side in threads;
    two may both make a missing entry, with the same result)."""
    with _USER_MESHES_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cast(_T, cache[key])
    made = make()
    with _USER_MESHES_LOCK:
        cache[key] = made
        while len(cache) > USER_MESH_CACHE:
            cache.popitem(last=False)
    return made


def _simplified(v: np.ndarray, f: np.ndarray, divisor: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Quadric decimation (fast_simplification) to 1/divisor of the triangles with the open border pinned, and
    its error: the largest distance (mesh units) between the original surface and the decimated one, measured
    both ways at vertices.

    Vertices are merged first: the asset repeats vertices along its texture seams, and those seams would count as
    open border (and stay undecimated).
    """

    def merge() -> tuple[np.ndarray, np.ndarray]:
        import trimesh

        merged = trimesh.Trimesh(v, f, process=True)
        return np.asarray(merged.vertices, np.float64), np.asarray(merged.faces, np.int32)

    def make() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        import fast_simplification

        mv, mf = _cached(_DECIMATED, _mesh_key(v, f, 0, 0), merge)  # shared by every divisor of this mesh
        dv, df = fast_simplification.simplify(mv, mf, target_count=max(4, len(mf) // divisor), preserve_border=True)
        dv, df = np.asarray(dv, np.float64), np.asarray(df, np.int64)
        err = max(_surface_distance(mv, dv, df), _surface_distance(dv, mv, mf.astype(np.int64)))
        return dv, df, np.float64(err)

    def stored() -> tuple[np.ndarray, np.ndarray, float]:
        dv, df, err = _stored(key, make)
        return dv, df, float(err)

    key = _mesh_key(v, f, divisor, 1)
    return _cached(_DECIMATED, key, stored)


# Processed and decimated meshes are kept on disk too (an npz per entry, named by its cache key and the versions of
# the libraries that made it): the dog's ~80 skin bands cost ~0.4 s of trimesh processing and ~0.5 s of decimation
# and error measurement in each new process otherwise.
def mesh_cache_dir() -> Path | None:
    """Where processed meshes are kept across processes: $REELCAST_CACHE_DIR, else $XDG_CACHE_HOME/reelcast or
    ~/.cache/reelcast (then meshes/ under it); None when REELCAST_CACHE_DIR is set empty (no disk cache)."""
    root = os.environ.get("REELCAST_CACHE_DIR")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "reelcast")
    return Path(root) / "meshes" if root else None


MESH_DISK_ENTRIES = 2048  # most entries kept on disk (~30 KB each); the least recently used go first


@functools.cache
def _library_versions() -> str:
    """The versions of what makes the stored meshes (a new version makes new entries)."""
    from importlib.metadata import version

    return f"tm{version('trimesh')}-fs{version('fast-simplification')}"


def _stored(key: bytes, make: Callable[[], tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    """`make()`'s arrays read from the disk cache (same dtypes, same bytes), or made and written there (whole or not
    at all: written to a temporary name, then renamed; an unreadable entry is made again)."""
    folder = mesh_cache_dir()
    if folder is None:
        return make()
    path = folder / f"{key.hex()[:40]}-{_library_versions()}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = tuple(z[f"a{i}"] for i in range(len(z.files)))
        os.utime(path)  # recently used: kept when the folder is pruned
        return arrays
    except (OSError, KeyError, ValueError):
        pass
    arrays = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as out:
            np.savez(out, **{f"a{i}": a for i, a in enumerate(arrays)})
        os.replace(tmp, path)
        _prune(folder)
    except OSError:  # a read-only or full disk: the cache only saves time
        pass
    return arrays


def _prune(folder: Path) -> None:
    """Keep at most MESH_DISK_ENTRIES entries in `folder`: past that, remove the least recently used down to 90 %
    (characters of every size would otherwise add entries without end). Another process may prune at the same time."""
    entries = []
    with os.scandir(folder) as it:
        for e in it:
            if e.name.endswith(".npz"):
                try:
                    entries.append((e.stat().st_mtime, e.path))
                except OSError:
                    continue
    if len(entries) <= MESH_DISK_ENTRIES:
        return
    entries.sort()
    for _, old in entries[: len(entries) - int(MESH_DISK_ENTRIES * 0.9)]:
        Path(old).unlink(missing_ok=True)


def _stored_mesh(key: bytes, make: Callable[[], tuple[Mesh, bool]]) -> tuple[Mesh, bool]:
    """A processed mesh (positions, normals, triangles) and its closed flag through `_stored`."""
    def arrays() -> tuple[np.ndarray, ...]:
        (pos, nrm, tri), closed = make()
        return pos, nrm, tri, np.bool_(closed)

    pos, nrm, tri, closed = _stored(key, arrays)
    return (pos, nrm, tri), bool(closed)


def decimation_error(vertices: np.ndarray, faces: np.ndarray, divisor: int) -> float:
    """How far (mesh units) the mesh decimated to 1/divisor strays from the original (0 for the full mesh, and
    for meshes under MIN_DECIMATE_FACES triangles, which are never decimated). Cached by the input's bytes."""
    v, f = np.ascontiguousarray(vertices, np.float64), np.ascontiguousarray(faces, np.int64)
    if divisor <= 1 or len(f) < MIN_DECIMATE_FACES:
        return 0.0
    return _simplified(v, f, divisor)[2]


def decimated_mesh_closed(vertices: np.ndarray, faces: np.ndarray, divisor: int) -> tuple[Mesh, bool]:
    """`user_mesh_closed` of the mesh decimated to 1/divisor of its triangles (divisor 1, or a mesh under
    MIN_DECIMATE_FACES triangles: the full mesh). Deterministic (same input, same bytes), cached by input bytes.

    Normals come from the full-detail mesh (of its 8 vertices nearest each new one, the one whose normal agrees
    best), so a coarse level shades like the original and gains no hard edges of its own; the original's creases
    stay hard, since the crease split of the decimated mesh puts a vertex on each side.
    """
    v, f = np.ascontiguousarray(vertices, np.float64), np.ascontiguousarray(faces, np.int64)
    if divisor <= 1 or len(f) < MIN_DECIMATE_FACES:
        return user_mesh_closed(v, f)

    def make() -> tuple[Mesh, bool]:
        from scipy.spatial import cKDTree

        full_pos, full_nrm, _ = user_mesh_closed(v, f)[0]
        dv, df, _ = _simplified(v, f, divisor)
        (pos, nrm, tri), closed = _process_user_mesh(dv, df)
        k = min(8, len(full_pos))
        _, near = cKDTree(full_pos).query(pos, k=k)
        near = near.reshape(len(pos), k)
        agree = np.einsum("nkj,nj->nk", full_nrm[near], nrm)
        nrm = full_nrm[near[np.arange(len(pos)), np.argmax(agree, axis=1)]]
        return (pos, np.ascontiguousarray(nrm), tri), closed

    key = _mesh_key(v, f, divisor, 2)
    return _cached(_DECIMATED, key, lambda: _stored_mesh(key, make))


_CAPPED: OrderedDict[bytes, Any] = OrderedDict()


def capped_mesh(mesh: Mesh, joins: np.ndarray, joins_key: bytes) -> tuple[Mesh, int] | None:
    """`caps.capped` of a processed open mesh (a dog's skin band) where it joins `joins` (the points it shares with
    its entity's other meshes, which `joins_key` names), cached by both: the mesh to draw and how many of its first
    triangles are culled."""
    pos, nrm, faces = mesh
    key = _mesh_key(np.ascontiguousarray(pos, np.float64), np.ascontiguousarray(faces, np.int64), 3)
    return _cached(_CAPPED, hashlib.sha256(key + joins_key).digest(), lambda: capped(pos, nrm, faces, joins))


_JOINS: OrderedDict[bytes, Any] = OrderedDict()


def _joins(parts: list[Part]) -> dict[str, tuple[np.ndarray, bytes]]:
    """Per entity with two or more open user meshes (the dog's skin bands): the points where they meet, and the key
    they are cached by (the meshes' bytes: each shot's geometry build, and each of a split render's renderers, asks
    again; the bands' caps are cached under it too)."""
    meshes: dict[str, list[np.ndarray]] = {}
    for part in parts:
        if part.shape == "mesh" and part.mesh_vertices is not None and part.mesh_faces is not None:
            meshes.setdefault(part.entity, []).append(np.ascontiguousarray(part.mesh_vertices, np.float64))
    joins: dict[str, tuple[np.ndarray, bytes]] = {}
    for entity, vs in meshes.items():
        if len(vs) >= 2:
            digest = hashlib.sha256(np.array([len(v) for v in vs], np.int64).tobytes())
            for v in vs:
                digest.update(v.tobytes())
            key = digest.digest()
            joins[entity] = _cached(_JOINS, key, lambda vs=vs: shared_points(vs)), key
    return joins


def shadow_mesh(vertices: np.ndarray, faces: np.ndarray, divisor: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and faces of the mesh decimated to 1/divisor for the shadow map only: the shadow pass reads no
    normals, so the repair, crease split and normal transfer of `decimated_mesh_closed` are skipped, and it is
    drawn as an open mesh (both sides; its winding is unchecked)."""
    v, f = np.ascontiguousarray(vertices, np.float64), np.ascontiguousarray(faces, np.int64)
    if divisor <= 1 or len(f) < MIN_DECIMATE_FACES:
        (pos, _, tri), _ = user_mesh_closed(v, f)
        return pos, tri
    dv, df, _ = _simplified(v, f, divisor)
    return dv, df


def _surface_distance(points: np.ndarray, pos: np.ndarray, tri: np.ndarray) -> float:
    """Largest distance from `points` to a triangle surface.

    Each point is measured against the few triangles with the nearest centroids, which can only overstate its
    distance (it may miss the truly nearest one). So all points get a cheap 4-candidate figure, and then, largest
    first, points get a 64-candidate one (enough on the dog's big, uneven torso triangles) until no remaining
    point's cheap figure exceeds the refined maximum: the result is the refined maximum over all points.
    """
    from scipy.spatial import cKDTree

    if len(points) == 0 or len(tri) == 0:
        return 0.0
    corners = pos[tri]
    tree = cKDTree(corners.mean(axis=1))

    def dist(pts: np.ndarray, k: int) -> np.ndarray:
        import trimesh

        k = min(k, len(tri))
        _, cand = tree.query(pts, k=k)
        rep = np.repeat(pts, k, axis=0)
        closest = trimesh.triangles.closest_point(corners[np.asarray(cand).reshape(-1)], rep)
        return np.linalg.norm(closest - rep, axis=1).reshape(len(pts), k).min(axis=1)

    cheap = dist(points, 4)
    order = np.argsort(-cheap, kind="stable")
    best = 0.0
    for start in range(0, len(order), 256):
        if cheap[order[start]] <= best:
            break
        best = max(best, float(dist(points[order[start: start + 256]], 64).max()))
    return best


def _process_user_mesh(vertices: np.ndarray, faces: np.ndarray) -> tuple[Mesh, bool]:
    """Repair, orient and crease-split a user mesh with trimesh."""
    import trimesh

    m = trimesh.Trimesh(vertices, faces, process=True)
    closed = bool(m.is_watertight)
    if closed:
        trimesh.repair.fix_normals(m)
        closed = bool(m.is_winding_consistent and m.volume > 0.0)
    s = m.smooth_shaded
    return (np.asarray(s.vertices), np.asarray(s.vertex_normals), np.asarray(s.faces)), closed


def part_mesh(part: Part, segments: int = _SEGMENTS) -> Mesh:
    """Geometry of one part in its local frame; round shapes use `segments` steps around their axis."""
    if part.shape == "mesh" and part.mesh_vertices is not None and part.mesh_faces is not None:
        return user_mesh(part.mesh_vertices, part.mesh_faces)
    return _primitive_mesh(part.shape, tuple(float(x) for x in part.size), int(segments))


@functools.lru_cache(maxsize=4096)
def _primitive_mesh(shape: str, size: tuple[float, ...], segments: int) -> Mesh:
    """A primitive's mesh, built once per shape, size and tessellation (a festival's hundreds of lanterns and sparks
    share a few; every LOD segment of a clip asks again). Read-only: callers copy what they change."""
    mesh = _build_primitive(shape, size, segments)
    for a in mesh:
        a.flags.writeable = False
    return mesh


def _build_primitive(shape: str, size: tuple[float, ...], segments: int) -> Mesh:
    """`part_mesh` for the primitive shapes (unknown shapes are spheres)."""
    if shape == "box":
        hx, hy, hz = (size + (size[-1],) * 3)[:3] if size else (0.5, 0.5, 0.5)
        return box(hx, hy, hz)
    r = size[0] if size else 0.5
    hl = size[1] if len(size) > 1 else r
    if shape == "capsule":
        return capsule(r, hl, segments)
    if shape == "cylinder":
        return cylinder(r, hl, segments)
    if shape == "cone":
        return cone(r, hl, segments)
    return sphere(r, segments)  # sphere, and the fallback for unknown shapes


@dataclass
class MergedGeometry:
    """All parts' triangles in one buffer: closed shapes first (back-face culled), open meshes after.

    Primitives and watertight user meshes are closed: their back faces can never show, so culling them saves
    shading (and, in the shadow pass, their front faces are culled instead).

    `shadow_indices` lists only the parts that cast shadows (same layout: closed first), so the shadow pass spends no
    vertex work on glowing sparks, stars and other parts that never darken anything.
    """

    vertices: np.ndarray  # (n, 7) float32
    indices: np.ndarray  # (k,) uint32
    closed_count: int  # number of indices drawn with culling
    radii: np.ndarray  # (n_parts,) bounding radius of each part around its origin
    shadow_indices: np.ndarray  # (j,) uint32, casters only
    shadow_closed_count: int
    part_indices: list[np.ndarray] = field(default_factory=list)  # each part's own slice of `indices`
    # (n_parts,) how many of each part's indices (the first) are drawn culled: all of a closed shape's or of an open
    # mesh closed by caps, those far from the openings of one too open to cap (caps.py), none of another open mesh's
    part_culled: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def ordered_indices(self, order: np.ndarray) -> np.ndarray:
        """`indices` with the parts drawn in `order` (culled ones still first), e.g. nearest first for early-z."""
        culled = [self.part_indices[i][:self.part_culled[i]] for i in order]
        unculled = [self.part_indices[i][self.part_culled[i]:] for i in order]
        return np.concatenate([_cat(culled), _cat(unculled)])

    def closed_index_count(self, order: np.ndarray) -> int:
        """How many of `ordered_indices(order)` are drawn culled (the run at its start)."""
        return int(sum(min(int(self.part_culled[i]), len(self.part_indices[i])) for i in order))


def _cat(chunks: list[np.ndarray]) -> np.ndarray:
    """Concatenate index chunks (an empty uint32 array for none)."""
    return np.concatenate(chunks) if chunks else np.zeros(0, np.uint32)


def merge_parts(
    parts: list[Part],
    segments: np.ndarray | None = None,
    mesh_divisors: np.ndarray | None = None,
    shadow_divisors: np.ndarray | None = None,
) -> MergedGeometry:
    """Build every part's mesh once (with `segments[i]` steps round its axis, default full; user meshes decimated
    to 1/`mesh_divisors[i]` of their triangles, default full) and pack them.

    A user mesh whose `shadow_divisors[i]` differs gets a second, coarser copy in the vertex buffer (same part
    index) that only `shadow_indices` draws: the shadow map's texels are far coarser than the picture's pixels.
    """
    closed: list[np.ndarray] = []
    open_: list[np.ndarray] = []
    cast_closed: list[np.ndarray] = []
    cast_open: list[np.ndarray] = []
    chunks: list[np.ndarray] = []
    per_part: list[np.ndarray] = []
    culled = np.zeros(len(parts), np.int64)
    radii = np.zeros(len(parts), np.float32)
    joins = _joins(parts)
    base = 0

    def vertex_rows(pos: np.ndarray, nrm: np.ndarray, i: int) -> np.ndarray:
        return np.concatenate([pos, nrm, np.full((len(pos), 1), float(i))], axis=1).astype(np.float32)

    for i, part in enumerate(parts):
        divisor = 1 if mesh_divisors is None else int(mesh_divisors[i])
        user = part.shape == "mesh" and part.mesh_vertices is not None and part.mesh_faces is not None
        if user:
            (pos, nrm, faces), closed_mesh = decimated_mesh_closed(part.mesh_vertices, part.mesh_faces, divisor)
        else:
            pos, nrm, faces = part_mesh(part) if segments is None else part_mesh(part, int(segments[i]))
            closed_mesh = True
        # The shadow pass draws an open mesh as it is (its own triangles, unculled); the picture, closed by caps where
        # it joins the entity's other meshes and culled, or culled only away from openings too large to cap (caps.py).
        cast_faces, n_culled = faces, faces.size if closed_mesh else 0
        if not closed_mesh and part.entity in joins:
            with_caps = capped_mesh((pos, nrm, faces), *joins[part.entity])
            if with_caps is not None:
                (pos, nrm, faces), culled_faces = with_caps
                n_culled = 3 * culled_faces
        culled[i] = n_culled
        radii[i] = float(np.max(np.linalg.norm(pos, axis=1))) if len(pos) else 0.0
        chunks.append(vertex_rows(pos, nrm, i))
        idx = (faces + base).astype(np.uint32).ravel()
        per_part.append(idx)
        closed.append(idx[:n_culled])
        open_.append(idx[n_culled:])
        part_base = base
        base += len(pos)
        if part.casts_shadow:
            cast_idx = idx if faces is cast_faces else (cast_faces + part_base).astype(np.uint32).ravel()
            cast_is_open = not closed_mesh
            shadow_div = divisor if shadow_divisors is None or not user else int(shadow_divisors[i])
            if shadow_div != divisor:
                spos, sfaces = shadow_mesh(part.mesh_vertices, part.mesh_faces, shadow_div)
                chunks.append(vertex_rows(spos, np.zeros_like(spos), i))
                cast_idx, cast_is_open = (sfaces + base).astype(np.uint32).ravel(), True
                base += len(spos)
            (cast_open if cast_is_open else cast_closed).append(cast_idx)

    verts = np.concatenate(chunks) if chunks else np.zeros((0, 7), np.float32)
    closed_idx, open_idx = _cat(closed), _cat(open_)
    return MergedGeometry(
        vertices=np.ascontiguousarray(verts),
        indices=np.ascontiguousarray(np.concatenate([closed_idx, open_idx])),
        closed_count=len(closed_idx),
        radii=radii,
        shadow_indices=np.ascontiguousarray(np.concatenate([_cat(cast_closed), _cat(cast_open)])),
        shadow_closed_count=sum(len(a) for a in cast_closed),
        part_indices=per_part,
        part_culled=culled,
    )


def split_translucent(geo: MergedGeometry, translucent: np.ndarray) -> tuple[MergedGeometry, np.ndarray]:
    """Take the translucent parts out of the opaque draw: (the geometry without them, their own indices).

    They stay in the vertex buffer (same part indices); the renderer draws their indices in a blended pass last.
    """
    glass = _cat([geo.part_indices[i] for i in np.flatnonzero(translucent)])
    per_part = [np.zeros(0, np.uint32) if translucent[i] else idx for i, idx in enumerate(geo.part_indices)]
    opaque = replace(geo, part_indices=per_part)
    indices = opaque.ordered_indices(np.arange(len(per_part)))
    closed = opaque.closed_index_count(np.arange(len(per_part)))
    return replace(opaque, indices=np.ascontiguousarray(indices), closed_count=closed), glass
