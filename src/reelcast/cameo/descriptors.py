"""Appearance descriptors estimated from a frontal face crop and its landmarks: skin tone, hair, glasses, facial hair.

These are rough estimates for the renderer (the owner can correct every one of them); they are never used to decide
whether a verification passes.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

SKIN_TONES = ("very_light", "light", "intermediate", "tan", "brown", "dark")
HAIR_COLOURS = ("black", "brown", "blonde", "red", "grey", "white", "none")
HAIR_LENGTHS = ("none", "short", "medium", "long")
FACIAL_HAIR = ("none", "stubble", "moustache", "beard")
FIELDS: dict[str, tuple[str, ...] | None] = {
    "skin_tone": SKIN_TONES, "hair_colour": HAIR_COLOURS, "hair_length": HAIR_LENGTHS,
    "glasses": None, "facial_hair": FACIAL_HAIR, "skin_rgb": None, "hair_rgb": None,
}


def _patch(img: np.ndarray, cx: float, cy: float, r: float) -> np.ndarray:
    h, w = img.shape[:2]
    x0, x1 = int(max(0, cx - r)), int(min(w, cx + r + 1))
    y0, y1 = int(max(0, cy - r)), int(min(h, cy + r + 1))
    return img[y0:y1, x0:x1].reshape(-1, 3)


def _region(img: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    h, w = img.shape[:2]
    xa, xb = int(np.clip(min(x0, x1), 0, w - 1)), int(np.clip(max(x0, x1), 1, w))
    ya, yb = int(np.clip(min(y0, y1), 0, h - 1)), int(np.clip(max(y0, y1), 1, h))
    return img[ya:yb, xa:xb]


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (L 0–100) of an RGB uint8 colour."""
    px = np.asarray(rgb, np.float32).reshape(1, 1, 3) / 255.0
    return cv2.cvtColor(px, cv2.COLOR_RGB2LAB).reshape(3)


def _hex(rgb: np.ndarray) -> str:
    r, g, b = (int(v) for v in np.clip(rgb, 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"


def skin_tone(rgb: np.ndarray) -> str:
    """A skin-tone bucket from the individual typology angle (ITA) of the median cheek colour."""
    lab = _lab(rgb)
    ita = math.degrees(math.atan2(lab[0] - 50.0, max(lab[2], 1e-3)))
    for limit, name in ((55, "very_light"), (41, "light"), (28, "intermediate"), (10, "tan"), (-30, "brown")):
        if ita > limit:
            return name
    return "dark"


def hair_colour(rgb: np.ndarray, skin: np.ndarray) -> str:
    """A hair colour name for the median colour above the brows (`none` when it looks like skin)."""
    lab, slab = _lab(rgb), _lab(skin)
    if float(np.linalg.norm(lab - slab)) < 12.0:
        return "none"
    hsv = cv2.cvtColor(np.uint8(np.clip(rgb, 0, 255)).reshape(1, 1, 3), cv2.COLOR_RGB2HSV).reshape(3)
    light, sat, hue = lab[0], hsv[1] / 255.0, hsv[0] * 2.0
    if light < 22:
        return "black"
    if sat < 0.15:
        return "white" if light > 80 else "grey"
    if (hue < 20 or hue > 340) and sat > 0.45:
        return "red"
    if light > 55 and 25 <= hue <= 60:
        return "blonde"
    return "brown"


def estimate(frame: np.ndarray, lm: np.ndarray) -> dict[str, object]:
    """Descriptors from one frontal RGB frame and its 68 landmarks."""
    face_w = float(lm[16, 0] - lm[0, 0])
    brow_y = float(lm[17:27, 1].min())
    chin_y = float(lm[8, 1])
    face_h = chin_y - brow_y
    r = max(2.0, 0.05 * face_w)
    cheeks = np.concatenate([
        _patch(frame, *((lm[2] + lm[31] + lm[41]) / 3), r),
        _patch(frame, *((lm[14] + lm[35] + lm[46]) / 3), r),
    ])
    skin = np.median(cheeks, axis=0)
    hair_px = _region(frame, lm[19, 0], brow_y - 0.75 * face_h, lm[24, 0], brow_y - 0.45 * face_h).reshape(-1, 3)
    hair = np.median(hair_px, axis=0) if len(hair_px) else skin
    colour = hair_colour(hair, skin)
    length = "none"
    if colour != "none":
        hl = _lab(hair)
        sides = [
            _region(frame, lm[0, 0] - 0.25 * face_w, lm[4, 1], lm[0, 0] - 0.05 * face_w, chin_y + 0.15 * face_h),
            _region(frame, lm[16, 0] + 0.05 * face_w, lm[12, 1], lm[16, 0] + 0.25 * face_w, chin_y + 0.15 * face_h),
        ]
        near = [float(np.linalg.norm(_lab(np.median(s.reshape(-1, 3), axis=0)) - hl)) < 15.0
                for s in sides if s.size]
        ears = [
            _region(frame, lm[0, 0] - 0.2 * face_w, lm[0, 1] - 0.1 * face_h, lm[0, 0], lm[2, 1]),
            _region(frame, lm[16, 0], lm[16, 1] - 0.1 * face_h, lm[16, 0] + 0.2 * face_w, lm[14, 1]),
        ]
        near_ears = [float(np.linalg.norm(_lab(np.median(s.reshape(-1, 3), axis=0)) - hl)) < 15.0
                     for s in ears if s.size]
        length = "long" if near and all(near) else "medium" if near_ears and any(near_ears) else "short"
    gray = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY).astype(np.float32)
    edges = np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3))
    bridge = _region(edges, lm[39, 0], lm[27, 1] - 0.1 * face_h, lm[42, 0], lm[28, 1])
    brows = _region(edges, lm[21, 0], lm[21, 1] - 0.25 * face_h, lm[22, 0], lm[21, 1] - 0.1 * face_h)
    # Glasses put a horizontal frame line across the nose bridge: one row of strong vertical gradient, well above
    # the skin texture between the brows (row means, so wrinkles and noise average out).
    glasses = bool(bridge.size and brows.size and float(bridge.mean(axis=1).max()) >
                   0.9 * max(float(brows.mean(axis=1).max()), 8.0))
    lip = _region(frame, lm[48, 0], lm[33, 1] + 0.02 * face_h, lm[54, 0], lm[51, 1] - 0.01 * face_h).reshape(-1, 3)
    chin = _region(frame, lm[6, 0], lm[57, 1] + 0.04 * face_h, lm[10, 0], chin_y - 0.02 * face_h).reshape(-1, 3)
    skin_l = _lab(skin)[0]
    dark_lip = bool(lip.size) and skin_l - _lab(np.median(lip, axis=0))[0] > 15.0
    dark_chin = bool(chin.size) and skin_l - _lab(np.median(chin, axis=0))[0] > 15.0
    facial = "beard" if dark_chin and dark_lip else "moustache" if dark_lip else "stubble" if dark_chin else "none"
    return {"skin_tone": skin_tone(skin), "skin_rgb": _hex(skin), "hair_colour": colour, "hair_rgb": _hex(hair),
            "hair_length": length, "glasses": glasses, "facial_hair": facial}


def validate(changes: dict[str, object]) -> dict[str, object]:
    """Owner corrections checked against the known fields and values; raises ValueError naming the bad one."""
    out: dict[str, object] = {}
    for key, value in changes.items():
        if key not in FIELDS:
            raise ValueError(f"unknown descriptor '{key}' (known: {', '.join(FIELDS)})")
        allowed = FIELDS[key]
        if key == "glasses":
            if not isinstance(value, bool):
                raise ValueError("'glasses' must be true or false")
        elif key.endswith("_rgb"):
            if not (isinstance(value, str) and len(value) == 7 and value.startswith("#")
                    and all(c in "0123456789abcdefABCDEF" for c in value[1:])):
                raise ValueError(f"'{key}' must be a colour like #a0b1c2")
            value = value.lower()
        elif allowed is not None and value not in allowed:
            raise ValueError(f"'{key}' must be one of {', '.join(allowed)}")
        out[key] = value
    return out
