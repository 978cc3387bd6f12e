"""A realistic dog mesh: the skin of DeepMind dm_control's dog model (Apache-2.0), shipped as a small npz.

`convert()` made `engines/sim/assets/dog_skin.npz` once from `dm_control/suite/dog_assets/dog_skin.skn` (wheel
dm_control 1.0.50); nothing is downloaded at run time and dm_control is not a dependency. The mesh is in its bind
pose (standing), metres, x forward, z up, feet on z = 0. The asset ships no bones, so `skin_pieces` cuts it at
hand-placed joints (legs, tail, head) into bands that are posed rigidly, each by its share of its joint's turn;
anchors give the points accessories attach to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from reelcast.engines.sim.world.quat import rot_x, rot_y, rot_z, translate

ASSET = Path(__file__).resolve().parent.parent / "assets" / "dog_skin.npz"


def read_skn(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return (vertices (n, 3) float32, faces (m, 3) int32) of a MuJoCo .skn skin file."""
    data = path.read_bytes()
    nv, nt, nf, _nb = (int(x) for x in np.frombuffer(data[:16], np.int32))
    o = 16
    verts = np.frombuffer(data[o: o + nv * 12], np.float32).reshape(-1, 3)
    o += nv * 12 + nt * 8
    faces = np.frombuffer(data[o: o + nf * 12], np.int32).reshape(-1, 3)
    return verts.copy(), faces.copy()


def convert(skn: Path, out: Path = ASSET) -> None:
    """Write the skin as a compressed npz (float16 positions, uint16 faces)."""
    v, f = read_skn(skn)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, vertices=v.astype(np.float16), faces=f.astype(np.uint16))


@lru_cache(maxsize=1)
def dog_mesh() -> tuple[np.ndarray, np.ndarray]:
    """Return the shipped dog mesh (vertices float32, faces int32)."""
    with np.load(ASSET) as z:
        return z["vertices"].astype(np.float32), z["faces"].astype(np.int32)


@lru_cache(maxsize=1)
def anchors() -> dict[str, np.ndarray]:
    """Points on the mesh (bind pose) that accessories attach to: nose tip, head centre, neck, back, centre."""
    v, _ = dog_mesh()
    nose = v[np.argmax(v[:, 0])]
    head_pts = v[v[:, 0] > nose[0] - 0.2]
    head = head_pts.mean(0)
    back_pts = v[(v[:, 0] > -0.25) & (v[:, 0] < 0.05)]
    back = np.array([back_pts[:, 0].mean(), 0.0, back_pts[:, 2].max()])
    body = np.array([back[0], 0.0, back_pts[:, 2].mean()])
    neck_pts = v[(v[:, 0] > head[0] - 0.2) & (v[:, 0] < head[0] - 0.1) & (v[:, 2] > head[2] - 0.2)]
    neck = np.array([neck_pts[:, 0].mean(), 0.0, neck_pts[:, 2].mean()])
    return {"nose": nose.astype(float), "head": head.astype(float), "neck": neck, "back": back, "body": body}


# ------------------------------------------------------------------------------------------ a cut-up skeleton
# The asset has no bones, so the skin is split by hand-placed joints: each limb, the tail and the head get a weight
# ramp across their joints (1 = moves fully with the joint), quantised into LEVELS bands. Every band is drawn as
# its own rigid part turned by its share of the joint's angle, so a bend spreads over a few centimetres of skin
# instead of breaking at one plane; the triangles on a band's edge are drawn by both neighbouring bands, which
# covers the thin cracks between them.
LEVELS = 8
REGIONS = ("head", "fore_l", "fore_r", "hind_l", "hind_r", "tail")
# (first joint, second joint) centres in the bind pose (metres, mesh coordinates); the head has one joint
JOINTS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "head": ((0.2, 0.0, 0.6), (0.2, 0.0, 0.6)),
    "fore_l": ((0.16, 0.06, 0.34), (0.17, 0.06, 0.2)),
    "fore_r": ((0.16, -0.06, 0.34), (0.17, -0.06, 0.2)),
    "hind_l": ((-0.47, 0.06, 0.36), (-0.57, 0.06, 0.2)),
    "hind_r": ((-0.47, -0.06, 0.36), (-0.57, -0.06, 0.2)),
    "tail": ((-0.5, 0.0, 0.44), (-0.62, 0.0, 0.37)),
}
# (yaw about z, pitch about y, roll about x) of the first joint, then of the second (radians)
JointAngles = tuple[float, float, float, float, float, float]
STILL: JointAngles = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def _ramp(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """0 at a, 1 at b (either direction), clamped."""
    return np.clip((x - a) / (b - a), 0.0, 1.0)


@lru_cache(maxsize=1)
def skin_weights() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(region index per vertex, −1 = torso; weight of its first joint; weight of its second joint)."""
    v, _ = dog_mesh()
    x, y, z = v[:, 0], v[:, 1], v[:, 2]
    n = len(v)
    region = np.full(n, -1, np.int64)
    w1, w2 = np.zeros(n), np.zeros(n)
    tail = (np.abs(y) < 0.025) & (x < -0.5) & (z > 0.28)
    head = (x > 0.17) & (z > 0.47)
    apart = np.abs(y) > 0.03  # the chest and belly between the legs stay with the torso
    fore = (x > 0.05) & (x < 0.3) & (z < 0.47) & ~head & apart
    hind = (x < -0.36) & (z < 0.47) & ~tail & apart
    for name, mask in (("head", head), ("fore", fore), ("hind", hind), ("tail", tail)):
        if name in ("fore", "hind"):
            for side, sel in (("l", y >= 0), ("r", y < 0)):
                region[mask & sel] = REGIONS.index(f"{name}_{side}")
        else:
            region[mask] = REGIONS.index(name)
    r = region
    m = r == REGIONS.index("head")
    w1[m] = _ramp(x[m], 0.19, 0.3)
    for k in ("fore_l", "fore_r"):
        m = r == REGIONS.index(k)
        w1[m], w2[m] = _ramp(z[m], 0.37, 0.28), _ramp(z[m], 0.25, 0.16)
    hip, hock = np.array(JOINTS["hind_l"][0]), np.array(JOINTS["hind_l"][1])
    axis = (hock - hip)[[0, 2]] / np.linalg.norm((hock - hip)[[0, 2]])
    along = (x - hip[0]) * axis[0] + (z - hip[2]) * axis[1]  # distance down the thigh from the hip
    for k in ("hind_l", "hind_r"):
        m = r == REGIONS.index(k)
        w1[m], w2[m] = _ramp(along[m], 0.0, 0.1), _ramp(z[m], 0.25, 0.16)
    w1[w2 > 0] = 1.0  # below the second joint the first one carries the whole limb
    m = r == REGIONS.index("tail")
    w1[m], w2[m] = _ramp(x[m], -0.5, -0.56), _ramp(x[m], -0.6, -0.66)
    return region, w1, w2


@dataclass(frozen=True)
class SkinPiece:
    """One rigid band of the skin: its region ("" = torso), its two joint levels (0..LEVELS) and its triangles."""

    region: str
    level1: int
    level2: int
    vertices: np.ndarray
    faces: np.ndarray


@lru_cache(maxsize=1)
def skin_pieces() -> tuple[SkinPiece, ...]:
    """The skin cut into bands, torso first; a triangle whose corners lie in different bands is in each of them."""
    v, f = dog_mesh()
    region, w1, w2 = skin_weights()
    key = (region + 1) * (LEVELS + 1) ** 2 + np.rint(w1 * LEVELS).astype(np.int64) * (LEVELS + 1) \
        + np.rint(w2 * LEVELS).astype(np.int64)
    key[(region < 0) | (key % (LEVELS + 1) ** 2 == 0)] = 0  # unweighted skin is the torso's
    out: list[SkinPiece] = []
    for k in np.unique(key):
        faces = f[np.any(key[f] == k, axis=1)]
        used, inverse = np.unique(faces, return_inverse=True)
        r, rest = divmod(int(k), (LEVELS + 1) ** 2)
        out.append(SkinPiece(REGIONS[r - 1] if r else "", *divmod(rest, LEVELS + 1), v[used],
                             inverse.reshape(-1, 3).astype(np.int32)))
    return tuple(out)


def _joint(pivot: tuple[float, float, float], yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Turn by yaw (about z), pitch (about y) and roll (about x) around a pivot."""
    return translate(*pivot) @ rot_z(yaw) @ rot_y(pitch) @ rot_x(roll) @ translate(*(-np.asarray(pivot)))


def _turns(yaw: np.ndarray, pitch: np.ndarray, roll: np.ndarray, pivot: np.ndarray) -> np.ndarray:
    """(n, 4, 4) turns by yaw, pitch and roll around each pivot (the batch form of _joint)."""
    n = len(yaw)
    cy, sy, cp, sp, cr, sr = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
    rz, ry, rx = np.zeros((n, 3, 3)), np.zeros((n, 3, 3)), np.zeros((n, 3, 3))
    rz[:, 0, 0], rz[:, 0, 1], rz[:, 1, 0], rz[:, 1, 1], rz[:, 2, 2] = cy, -sy, sy, cy, 1.0
    ry[:, 0, 0], ry[:, 0, 2], ry[:, 2, 0], ry[:, 2, 2], ry[:, 1, 1] = cp, sp, -sp, cp, 1.0
    rx[:, 1, 1], rx[:, 1, 2], rx[:, 2, 1], rx[:, 2, 2], rx[:, 0, 0] = cr, -sr, sr, cr, 1.0
    m = np.zeros((n, 4, 4))
    m[:, :3, :3] = rz @ ry @ rx
    m[:, :3, 3] = pivot - np.einsum("nij,nj->ni", m[:, :3, :3], pivot)
    m[:, 3, 3] = 1.0
    return m


def piece_matrices(pieces: tuple[SkinPiece, ...], angles: dict[str, JointAngles]) -> np.ndarray:
    """(n, 4, 4): each band's transform in mesh coordinates for the joints' angles (its share of each joint's
    turn; the torso and regions without angles stay put)."""
    table = np.array([angles.get(p.region, STILL) if p.region else STILL for p in pieces])
    u1 = np.array([p.level1 for p in pieces]) / LEVELS
    u2 = np.array([p.level2 for p in pieces]) / LEVELS
    zero = (0.0, 0.0, 0.0)
    a = np.array([JOINTS[p.region][0] if p.region else zero for p in pieces])
    b = np.array([JOINTS[p.region][1] if p.region else zero for p in pieces])
    first = _turns(u1 * table[:, 0], u1 * table[:, 1], u1 * table[:, 2], a)
    return first @ _turns(u2 * table[:, 3], u2 * table[:, 4], u2 * table[:, 5], b)


def piece_matrix(piece: SkinPiece, angles: dict[str, JointAngles]) -> np.ndarray:
    """A band's transform in mesh coordinates for the joints' angles (its share of each joint's turn)."""
    if not piece.region or piece.region not in angles:
        return np.eye(4)
    y1, p1, r1, y2, p2, r2 = angles[piece.region]
    (a, b), u1, u2 = JOINTS[piece.region], piece.level1 / LEVELS, piece.level2 / LEVELS
    return _joint(a, u1 * y1, u1 * p1, u1 * r1) @ _joint(b, u2 * y2, u2 * p2, u2 * r2)


def head_matrix(angles: dict[str, JointAngles]) -> np.ndarray:
    """The transform of the fully weighted head (eyes, nose and what is held in the mouth follow it)."""
    y, p, r, _, _, _ = angles.get("head", STILL)
    return _joint(JOINTS["head"][0], y, p, r)
