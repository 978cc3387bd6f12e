"""Fake-camera inputs for Chromium made by the test: a Y4M video of a face-like still and a WAV of spoken digits."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def face_still(width: int = 320, height: int = 240) -> Image.Image:
    """A simple drawn face on a plain background."""
    img = Image.new("RGB", (width, height), (96, 110, 130))
    d = ImageDraw.Draw(img)
    cx, cy = width // 2, height // 2
    d.ellipse((cx - 55, cy - 75, cx + 55, cy + 75), fill=(224, 182, 150))
    for dx in (-22, 22):
        d.ellipse((cx + dx - 9, cy - 22, cx + dx + 9, cy - 12), fill=(255, 255, 255))
        d.ellipse((cx + dx - 4, cy - 21, cx + dx + 4, cy - 13), fill=(40, 30, 30))
    d.line((cx, cy - 8, cx - 6, cy + 14), fill=(170, 120, 100), width=3)
    d.arc((cx - 24, cy + 12, cx + 24, cy + 44), 20, 160, fill=(150, 60, 60), width=4)
    return img


def write_y4m(path: Path, img: Image.Image, frames: int = 30, fps: int = 15) -> Path:
    """A 4:2:0 Y4M clip of one still (Chromium loops it as the camera)."""
    ycc = np.asarray(img.convert("YCbCr"), dtype=np.uint8)
    y = ycc[:, :, 0].tobytes()
    u = np.asarray(Image.fromarray(ycc[:, :, 1]).resize((img.width // 2, img.height // 2))).tobytes()
    v = np.asarray(Image.fromarray(ycc[:, :, 2]).resize((img.width // 2, img.height // 2))).tobytes()
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{img.width} H{img.height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + y + u + v)
    return path


DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def speak_digits(path: Path, digits: str, lead_s: float = 1.0, tail_s: float = 12.0) -> Path:
    """espeak-ng (en-us) reading the digits as words into a WAV; the long tail keeps Chromium, which loops the
    file, from starting the phrase again inside one recording."""
    text = " ".join(DIGIT_WORDS[int(d)] for d in digits if d.isdigit())
    out = subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "--stdout", text], check=True,
                         capture_output=True).stdout
    with wave.open(io.BytesIO(out)) as w:
        rate, pcm = w.getframerate(), w.readframes(w.getnframes())
    silence = b"\0\0"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(silence * int(rate * lead_s) + pcm + silence * int(rate * tail_s))
    return path
