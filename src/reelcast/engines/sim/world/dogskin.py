"""A realistic dog mesh: the skin of DeepMind dm_control's dog model (Apache-2.0), shipped as a small npz.

`convert()` made `engines/sim/assets/dog_skin.npz` once from `dm_control/suite/dog_assets/dog_skin.skn` (wheel
dm_control 1.0.50); nothing is downloaded at run time and dm_control is not a dependency. The mesh is in its bind
pose (standing), metres, x forward, z up, feet on z = 0. It is drawn rigidly (no skinning), which suits a dog
floating in zero-g; anchors give the points accessories attach to.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

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
