"""Visible watermark: a semi-transparent reelcast mark with the creator's @handle that moves every ~2 seconds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import cv2
import numpy as np

MOVE_EVERY = 2.0  # seconds at one position
OPACITY = 0.55
# Anchor positions as fractions of the free area (x, y): corners and edge midpoints, never the centre.
POSITIONS = ((0.04, 0.05), (0.96, 0.95), (0.96, 0.05), (0.04, 0.95), (0.5, 0.06), (0.5, 0.94))


def render_badge(handle: str, frame_height: int) -> np.ndarray:
    """The RGBA badge (logo + "reelcast" + @handle) sized for a frame height; drawn once per video."""
    scale = max(0.5, frame_height / 720 * 1.0)
    thick = max(1, round(scale * 2))
    name = "reelcast"
    tag = handle if handle.startswith("@") else f"@{handle}"
    (w1, h1), _ = cv2.getTextSize(name, cv2.FONT_HERSHEY_DUPLEX, scale, thick)
    (w2, h2), _ = cv2.getTextSize(tag, cv2.FONT_HERSHEY_SIMPLEX, scale * 0.8, max(1, thick - 1))
    logo = int(h1 * 1.8)
    pad = max(2, logo // 5)
    w = pad * 3 + logo + max(w1, w2)
    h = pad * 2 + max(logo, h1 + h2 + pad)
    rgb = np.zeros((h, w, 3), np.uint8)
    alpha = np.zeros((h, w), np.uint8)
    # logo: a round play button
    c = (pad + logo // 2, h // 2)
    cv2.circle(rgb, c, logo // 2, (255, 255, 255), -1, cv2.LINE_AA)
    cv2.circle(alpha, c, logo // 2, 255, -1, cv2.LINE_AA)
    tri = np.array([[c[0] - logo // 6, c[1] - logo // 4], [c[0] - logo // 6, c[1] + logo // 4],
                    [c[0] + logo // 4, c[1]]], np.int32)
    cv2.fillPoly(rgb, [tri], (30, 30, 30), cv2.LINE_AA)
    x = pad * 2 + logo
    y1 = pad + h1
    for img, col in ((rgb, (255, 255, 255)), (alpha, 255)):
        cv2.putText(img, name, (x, y1), cv2.FONT_HERSHEY_DUPLEX, scale, col, thick, cv2.LINE_AA)
        cv2.putText(img, tag, (x, y1 + pad + h2), cv2.FONT_HERSHEY_SIMPLEX, scale * 0.8, col, max(1, thick - 1),
                    cv2.LINE_AA)
    # a soft dark outline so the mark reads on bright skies as well as dark scenes
    shadow = cv2.dilate(alpha, np.ones((3, 3), np.uint8), iterations=max(1, thick))
    rgb = np.where(alpha[..., None] > 0, rgb, 0).astype(np.uint8)
    a = np.maximum(alpha.astype(np.float32), shadow.astype(np.float32) * 0.5) / 255.0
    return np.dstack([rgb, (a * 255).astype(np.uint8)])


def position_at(t: float, frame_w: int, frame_h: int, badge_w: int, badge_h: int, seed: str) -> tuple[int, int]:
    """Top-left corner of the badge at time t: it jumps to another anchor every MOVE_EVERY seconds."""
    slot = int(t // MOVE_EVERY)
    h = hashlib.sha256(f"{seed}:{slot}".encode()).digest()
    prev = hashlib.sha256(f"{seed}:{slot - 1}".encode()).digest()[0] % len(POSITIONS) if slot > 0 else -1
    idx = h[0] % len(POSITIONS)
    if idx == prev:  # always move
        idx = (idx + 1) % len(POSITIONS)
    fx, fy = POSITIONS[idx]
    x = round((frame_w - badge_w) * fx)
    y = round((frame_h - badge_h) * fy)
    return max(0, min(frame_w - badge_w, x)), max(0, min(frame_h - badge_h, y))


class Overlay:
    """Blends the moving badge into frames of one video (ROI-only float blend)."""

    def __init__(self, handle: str, width: int, height: int, fps: float, seed: str = "") -> None:
        badge = render_badge(handle, height)
        bh, bw = badge.shape[:2]
        if bw > width or bh > height:
            s = min(width / bw, height / bh) * 0.9
            badge = cv2.resize(badge, (max(1, int(bw * s)), max(1, int(bh * s))), interpolation=cv2.INTER_AREA)
        self.rgb = badge[..., :3].astype(np.float32)
        self.alpha = badge[..., 3:].astype(np.float32) / 255.0 * OPACITY
        self.width, self.height, self.fps = width, height, fps
        self.seed = seed or handle

    def apply(self, frame: np.ndarray, index: int) -> np.ndarray:
        """Return a copy of frame `index` with the badge at its current position."""
        bh, bw = self.rgb.shape[:2]
        x, y = position_at(index / self.fps, self.width, self.height, bw, bh, self.seed)
        out = frame.copy()
        roi = out[y:y + bh, x:x + bw].astype(np.float32)
        out[y:y + bh, x:x + bw] = np.clip(roi * (1 - self.alpha) + self.rgb * self.alpha + 0.5, 0, 255).astype(np.uint8)
        return out


def overlay_frames(frames: Iterable[np.ndarray], handle: str, width: int, height: int, fps: float,
                   seed: str = "") -> Iterator[np.ndarray]:
    """Wrap a frame iterator with the moving visible watermark."""
    ov = Overlay(handle, width, height, fps, seed)
    for i, f in enumerate(frames):
        yield ov.apply(f, i)
