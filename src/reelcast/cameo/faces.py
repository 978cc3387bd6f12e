"""Faces with dlib: HOG detection, 68 landmarks, the yaw ratio, solvePnP yaw, and 128-D ResNet embeddings.

The model files come from the `face-recognition-models` package, located by path: importing that package runs
`pkg_resources`, which current setuptools no longer has.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

_LOCK = threading.Lock()  # dlib objects are not documented thread-safe; verifications are serialised per process


class ModelsMissing(RuntimeError):
    """The bundled dlib model files are not installed."""


def models_dir() -> Path:
    """Where `face-recognition-models` keeps its .dat files (without importing it)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ModelsMissing("face-recognition-models is not installed")
    d = Path(list(spec.submodule_search_locations)[0]) / "models"
    if not (d / "shape_predictor_68_face_landmarks.dat").exists():
        raise ModelsMissing(f"no dlib model files under {d}")
    return d


@dataclass
class Models:
    """The loaded dlib detector, landmark predictors and face recogniser."""

    detector: object
    shape68: object
    shape5: object
    recognizer: object


@functools.lru_cache(maxsize=1)
def models() -> Models:
    """Load the dlib models once per process."""
    import dlib

    d = models_dir()
    return Models(detector=dlib.get_frontal_face_detector(),
                  shape68=dlib.shape_predictor(str(d / "shape_predictor_68_face_landmarks.dat")),
                  shape5=dlib.shape_predictor(str(d / "shape_predictor_5_face_landmarks.dat")),
                  recognizer=dlib.face_recognition_model_v1(str(d / "dlib_face_recognition_resnet_model_v1.dat")))


@dataclass
class Face:
    """One detected face: its box, 68 landmarks (x, y), the yaw ratio and the solvePnP yaw in degrees."""

    box: tuple[float, float, float, float]
    landmarks: np.ndarray
    yaw_ratio: float
    yaw_pnp: float | None


def _rect(box: tuple[float, float, float, float]) -> object:
    import dlib

    return dlib.rectangle(int(box[0]), int(box[1]), int(box[2]), int(box[3]))


def yaw_ratio(lm: np.ndarray) -> float:
    """(nose tip x − outer eye L x) / (outer eye R x − L x): 0.5 frontal, grows as the nose moves right."""
    left, right, nose = lm[36, 0], lm[45, 0], lm[30, 0]
    span = right - left
    return float((nose - left) / span) if span > 1e-6 else 0.5


# A generic 3-D face (mm): nose tip, chin, eye corners, mouth corners
_MODEL_3D = np.array([(0.0, 0.0, 0.0), (0.0, -63.6, -12.5), (-43.3, 32.7, -26.0), (43.3, 32.7, -26.0),
                      (-28.9, -28.9, -24.1), (28.9, -28.9, -24.1)], dtype=np.float64)
_PNP_POINTS = [30, 8, 36, 45, 48, 54]


def yaw_pnp(lm: np.ndarray, width: int, height: int) -> float | None:
    """Head yaw in degrees from solvePnP on six landmarks (a cross-check of the ratio; noisy on small faces)."""
    pts = lm[_PNP_POINTS].astype(np.float64)
    f = float(width)
    cam = np.array([[f, 0, width / 2], [0, f, height / 2], [0, 0, 1]], dtype=np.float64)
    ok, rvec, _ = cv2.solvePnP(_MODEL_3D, pts, cam, np.zeros(4), flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return None
    rot, _ = cv2.Rodrigues(rvec)
    yaw = np.degrees(np.arctan2(-rot[2, 0], np.hypot(rot[2, 1], rot[2, 2])))
    return float(yaw)


def detect(rgb: np.ndarray, *, upsample: int = 0) -> list[Face]:
    """Every face in an RGB frame, largest first, with landmarks and yaw."""
    m = models()
    img = np.ascontiguousarray(rgb)
    with _LOCK:
        rects = list(m.detector(img, upsample))  # type: ignore[operator]
        out = []
        for r in rects:
            shape = m.shape68(img, r)  # type: ignore[operator]
            lm = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)
            box = (float(r.left()), float(r.top()), float(r.right()), float(r.bottom()))
            out.append(Face(box, lm, yaw_ratio(lm), yaw_pnp(lm, img.shape[1], img.shape[0])))
    out.sort(key=lambda f: -(f.box[2] - f.box[0]) * (f.box[3] - f.box[1]))
    return out


def embed(rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The 128-D embedding of the face in `box` (5-point aligned)."""
    m = models()
    img = np.ascontiguousarray(rgb)
    with _LOCK:
        shape = m.shape5(img, _rect(box))  # type: ignore[operator]
        vec = m.recognizer.compute_face_descriptor(img, shape)  # type: ignore[attr-defined]
    return np.asarray(vec, dtype=np.float64)


def embeddings_in_frame(rgb: np.ndarray) -> list[np.ndarray]:
    """128-D embeddings of every face in an RGB frame, largest face first (for the safety output check)."""
    faces = detect(rgb, upsample=1 if max(rgb.shape[:2]) < 400 else 0)
    return [embed(rgb, f.box) for f in faces]


def crop(rgb: np.ndarray, box: tuple[float, float, float, float], margin: float = 0.6, size: int = 256) -> np.ndarray:
    """A square crop around a face box (with forehead/hair and chin margin), resized to size×size."""
    x0, y0, x1, y1 = box
    cx, cy, side = (x0 + x1) / 2, (y0 + y1) / 2 - 0.1 * (y1 - y0), max(x1 - x0, y1 - y0) * (1 + margin)
    h, w = rgb.shape[:2]
    m = np.float32([[size / side, 0, size / 2 - size / side * cx], [0, size / side, size / 2 - size / side * cy]])
    return cv2.warpAffine(np.ascontiguousarray(rgb), m, (size, size), flags=cv2.INTER_AREA,
                          borderMode=cv2.BORDER_REPLICATE)
