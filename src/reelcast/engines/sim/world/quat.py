"""Small quaternion and transform helpers; quaternions are (x, y, z, w) as in pybullet."""

from __future__ import annotations

import math

import numpy as np

# The 4x4 identity copied by the matrix builders below: a copy costs ~0.4 µs where np.eye(4) costs ~2.5 µs, and the
# animated bodies build tens of thousands of these matrices per clip.
_I4 = np.eye(4)
_I4.setflags(write=False)


def eye4() -> np.ndarray:
    """Return a fresh (writable) 4x4 float64 identity, the same as np.eye(4) but cheaper."""
    return _I4.copy()


def _is_vec64(v: object) -> bool:
    """Whether v is a 1-D float64 array: there np.linalg.norm(v) is exactly sqrt(v.dot(v)) (its own code path)."""
    return type(v) is np.ndarray and v.ndim == 1 and v.dtype == np.float64


def _norm(v: np.ndarray) -> float:
    """np.linalg.norm(v): for a 1-D float64 array its own arithmetic (dot, then sqrt) without its ~2 µs of dispatch."""
    return math.sqrt(v.dot(v)) if _is_vec64(v) else float(np.linalg.norm(v))


def qmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the Hamilton product a·b."""
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return np.array([
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    ])


def qaxis(axis: tuple[float, float, float] | np.ndarray, angle: float) -> np.ndarray:
    """Return the rotation by angle (radians) about a unit axis."""
    s = math.sin(angle / 2)
    return np.array([axis[0] * s, axis[1] * s, axis[2] * s, math.cos(angle / 2)])


def qnorm(q: np.ndarray) -> np.ndarray:
    """Return q scaled to unit length."""
    return q / _norm(q)


def qslerp(a: np.ndarray, b: np.ndarray, u: float) -> np.ndarray:
    """Spherical interpolation from a (u = 0) to b (u = 1) along the short arc."""
    d = float(np.dot(a, b))
    if d < 0:
        b, d = -b, -d
    if d > 0.9995:
        return qnorm(a + u * (b - a))
    th = math.acos(min(1.0, d))
    s = math.sin(th)
    return (math.sin((1 - u) * th) * a + math.sin(u * th) * b) / s


def qrotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vector v by q."""
    return rot(q) @ np.asarray(v, dtype=float)


def rot(q: np.ndarray) -> np.ndarray:
    """Return the 3x3 rotation matrix of q."""
    # Python floats carry the same float64 arithmetic as numpy's scalars, at a fraction of the cost
    x, y, z, w = q.tolist() if _is_vec64(q) else q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def mat_to_quat(m: np.ndarray) -> np.ndarray:
    """Return the quaternion of a 3x3 rotation matrix."""
    t = m[0, 0] + m[1, 1] + m[2, 2]
    if t > 0:
        s = math.sqrt(t + 1.0) * 2
        q = [(m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s, 0.25 * s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2]) * 2
        q = [0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s, (m[2, 1] - m[1, 2]) / s]
    elif m[1, 1] > m[2, 2]:
        s = math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2]) * 2
        q = [(m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s, (m[0, 2] - m[2, 0]) / s]
    else:
        s = math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1]) * 2
        q = [(m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s, (m[1, 0] - m[0, 1]) / s]
    return qnorm(np.array(q))


def transform(pos: np.ndarray | tuple[float, ...], q: np.ndarray | None = None) -> np.ndarray:
    """Return a 4x4 matrix from a translation and an optional rotation quaternion."""
    m = eye4()
    if q is not None:
        m[:3, :3] = rot(np.asarray(q, dtype=float))
    m[:3, 3] = pos
    return m


def cross3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a × b for two 3-vectors: the same products and differences as np.cross (so the same bits), without its
    general-shape machinery (~40 µs a call; the animated bodies call it thousands of times per clip)."""
    a0, a1, a2 = float(a[0]), float(a[1]), float(a[2])
    b0, b1, b2 = float(b[0]), float(b[1]), float(b[2])
    return np.array([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])


def align_z(direction: np.ndarray) -> np.ndarray:
    """Return a 3x3 rotation taking local +z onto the given direction."""
    d = np.asarray(direction, dtype=float)
    n = _norm(d)
    if n < 1e-9:
        return np.eye(3)
    z = d / n
    helper = np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    x = cross3(helper, z)
    x /= _norm(x)
    y = cross3(z, x)
    m = np.empty((3, 3))  # the columns x, y, z (what np.stack(axis=1) makes, without its generic machinery)
    m[:, 0], m[:, 1], m[:, 2] = x, y, z
    return m


def segment(p0: np.ndarray, p1: np.ndarray) -> np.ndarray:
    """Return the 4x4 pose of a capsule/cylinder whose local z axis runs from p0 to p1 (centred)."""
    p0, p1 = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    m = eye4()
    m[:3, :3] = align_z(p1 - p0)
    m[:3, 3] = (p0 + p1) / 2
    return m


def rot_z(angle: float) -> np.ndarray:
    """Return the 4x4 rotation about world z."""
    c, s = math.cos(angle), math.sin(angle)
    m = eye4()
    m[0, 0], m[0, 1], m[1, 0], m[1, 1] = c, -s, s, c
    return m


def rot_y(angle: float) -> np.ndarray:
    """Return the 4x4 rotation about y."""
    c, s = math.cos(angle), math.sin(angle)
    m = eye4()
    m[0, 0], m[0, 2], m[2, 0], m[2, 2] = c, s, -s, c
    return m


def rot_x(angle: float) -> np.ndarray:
    """Return the 4x4 rotation about x."""
    c, s = math.cos(angle), math.sin(angle)
    m = eye4()
    m[1, 1], m[1, 2], m[2, 1], m[2, 2] = c, -s, s, c
    return m


def scale(k: float) -> np.ndarray:
    """Return a uniform 4x4 scale."""
    m = eye4()
    m[0, 0] = m[1, 1] = m[2, 2] = k
    return m


def translate(x: float, y: float, z: float) -> np.ndarray:
    """Return the 4x4 translation."""
    m = eye4()
    m[0, 3], m[1, 3], m[2, 3] = x, y, z
    return m
