"""Deterministic selfie-clip fixtures: bundled face stills warped into head turns, espeak-ng digits, muxed with PyAV."""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from scipy.signal import resample_poly

from reelcast.media.encode import encode_mp4

SIZE = 480
FPS = 10
SR = 16000
TURN_DEG = 20.0  # the notes: landmarks stay reliable up to about ±20° of synthetic warp
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# (face box in the source still: left, top, right, bottom) as dlib's HOG detector finds it
_FACES = {"astronaut": (175, 76, 265, 166), "hopper": (180, 139, 366, 325)}


def _source(name: str) -> np.ndarray:
    if name == "astronaut":
        import skimage.data

        return np.ascontiguousarray(skimage.data.astronaut()[:, :, :3])
    import matplotlib

    path = os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")
    return cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)


@functools.lru_cache(maxsize=4)
def face_still(name: str, size: int = SIZE) -> np.ndarray:
    """A size×size frame with the named face about 200 px wide in its centre (read-only)."""
    img = _source(name)
    left, top, right, bottom = _FACES[name]
    w = right - left
    cx, cy = (left + right) / 2, (top + bottom) / 2 - 0.1 * w
    scale = 200.0 / w
    m = np.float32([[scale, 0, size / 2 - scale * cx], [0, scale, size / 2 - scale * cy]])
    out = cv2.warpAffine(img, m, (size, size), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    out.setflags(write=False)
    return out


def yaw_warp(img: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Turn the centred face by `yaw_deg` (positive: the subject's left, the nose moves to image right)."""
    if abs(yaw_deg) < 1e-6:
        return img.copy()
    h, w = img.shape[:2]
    cx, cy, a, b = w / 2, h / 2 + 0.02 * h, 0.30 * w, 0.40 * h
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    nx, ny = (xx - cx) / a, (yy - cy) / b
    depth = np.sqrt(np.clip(1.0 - nx**2 - ny**2, 0.0, 1.0))
    depth += 0.35 * np.exp(-((nx / 0.22) ** 2 + ((ny - 0.05) / 0.30) ** 2))  # the nose sticks out
    dx = (np.sin(np.radians(yaw_deg)) * depth * a * 0.9).astype(np.float32)  # forward shift of each source pixel
    # Invert the forward map by fixed-point iteration: the output pixel u shows the source x with x + dx(x) = u.
    src = xx.copy()
    for _ in range(6):
        src = xx - cv2.remap(dx, src, yy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.remap(img, src, yy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def yaw_schedule(turns: Sequence[str], fps: int = FPS, hold: float = 0.4, move: float = 0.3) -> list[float]:
    """Per-frame yaw: frontal, then each turn out and back (`left` positive), then frontal."""
    def ramp(a: float, b: float) -> list[float]:
        n = max(1, round(move * fps))
        return [a + (b - a) * (i + 1) / n for i in range(n)]

    still = max(1, round(hold * fps))
    out = [0.0] * still
    for t in turns:
        peak = TURN_DEG if t == "left" else -TURN_DEG
        out += ramp(0.0, peak) + [peak] * still + ramp(peak, 0.0) + [0.0] * still
    return out


def speak_digits(digits: str, *, voice: str = "en-us", speed: int = 150, seed: int = 0,
                 snr_db: float = 20.0) -> np.ndarray:
    """Digits spoken as words by espeak-ng at 16 kHz, with seeded white noise (float32 mono)."""
    text = " ".join(DIGIT_WORDS[int(d)] for d in digits)
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text], check=True,
                         capture_output=True).stdout
    pcm = np.frombuffer(wav[44:], np.int16).astype(np.float32) / 32768.0
    x = resample_poly(pcm, 320, 441).astype(np.float32)
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(len(x) + 2 * SR // 2).astype(np.float32)
    p_sig = float(np.mean(x**2)) or 1e-6
    noise *= np.sqrt(p_sig / 10 ** (snr_db / 10)) / max(float(np.std(noise)), 1e-9)
    padded = np.concatenate([np.zeros(SR // 2, np.float32), x, np.zeros(SR // 2, np.float32)])
    return padded + noise


@dataclass(frozen=True)
class ClipSpec:
    """What a fixture clip shows and says."""

    face: str = "astronaut"
    turns: tuple[str, ...] = ("left", "right")
    digits: str | None = "31415"
    swap_to: str | None = None  # another face from the middle of the clip on
    two_faces: bool = False
    no_face: bool = False
    voice: str = "en-us"
    seed: int = 0
    min_seconds: float = 3.0


def make_frames(spec: ClipSpec) -> list[np.ndarray]:
    """The RGB frames of a clip."""
    yaws = yaw_schedule(spec.turns)
    base = face_still(spec.face)
    other = face_still(spec.swap_to) if spec.swap_to else None
    frames = []
    for i, yaw in enumerate(yaws):
        src = other if other is not None and i >= len(yaws) // 2 else base
        f = yaw_warp(src, yaw)
        if spec.no_face:
            f = np.full_like(f, 90)
            f[:, :, 2] = 140 + (i % 5)  # a flat wall
        elif spec.two_faces:
            small = cv2.resize(f, (SIZE // 2, SIZE // 2), interpolation=cv2.INTER_AREA)
            twin = cv2.resize(face_still("hopper"), (SIZE // 2, SIZE // 2), interpolation=cv2.INTER_AREA)
            f = np.full_like(f, 40)
            f[SIZE // 4: SIZE // 4 + SIZE // 2, : SIZE // 2] = small
            f[SIZE // 4: SIZE // 4 + SIZE // 2, SIZE // 2:] = twin
        frames.append(np.ascontiguousarray(f))
    return frames


def make_clip(path: Path, spec: ClipSpec, *, size: int = SIZE, fps: int = FPS) -> Path:
    """Write the clip as H.264 + AAC MP4 at `path` (size×size; fps a multiple of 10 repeats frames)."""
    frames = make_frames(spec)
    audio = speak_digits(spec.digits, voice=spec.voice, seed=spec.seed) if spec.digits else \
        np.random.default_rng(spec.seed).standard_normal(SR).astype(np.float32) * 1e-3
    seconds = max(spec.min_seconds, len(audio) / SR, len(frames) / FPS)
    n = int(round(seconds * FPS))
    frames += [frames[-1]] * (n - len(frames))
    if size != SIZE:
        frames = [cv2.resize(f, (size, size), interpolation=cv2.INTER_CUBIC) for f in frames]
    repeat = max(1, fps // FPS)
    frames = [f for f in frames for _ in range(repeat)]
    samples = int(round(n / FPS * SR))
    audio = np.pad(audio, (0, max(0, samples - len(audio))))[:samples]
    stereo = np.repeat(resample_poly(audio, 3, 1)[:, None], 2, axis=1).astype(np.float32)
    encode_mp4(frames, stereo, path, width=size, height=size, fps=FPS * repeat, n_frames=len(frames),
               sample_rate=48000)
    return path
