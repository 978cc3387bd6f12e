"""Thumbnails (WebP) and spritesheets (JPEG) from RGB frames; image decoding for references."""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_PIXELS = 40_000_000  # larger references are refused before decoding (decompression bombs)


class ImageError(ValueError):
    """An uploaded image could not be read."""


def thumbnail_webp(rgb: np.ndarray, max_side: int = 640) -> bytes:
    """Encode a frame as a WebP thumbnail no larger than max_side."""
    img = Image.fromarray(rgb)
    img.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    img.save(buf, format="WEBP", quality=80, method=4)
    return buf.getvalue()


def spritesheet_jpeg(frames: list[np.ndarray], columns: int = 5, tile_width: int = 256) -> bytes:
    """Lay frames out left-to-right, top-to-bottom in a JPEG grid."""
    if not frames:
        raise ValueError("no frames for spritesheet")
    h, w = frames[0].shape[:2]
    tile_h = max(1, round(tile_width * h / w))
    cols = min(columns, len(frames))
    rows = math.ceil(len(frames) / cols)
    sheet = Image.new("RGB", (cols * tile_width, rows * tile_h))
    for i, f in enumerate(frames):
        tile = Image.fromarray(f).resize((tile_width, tile_h), Image.Resampling.BILINEAR)
        sheet.paste(tile, ((i % cols) * tile_width, (i // cols) * tile_h))
    buf = io.BytesIO()
    sheet.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def decode_image(data: bytes) -> np.ndarray:
    """Decode PNG/JPEG/WebP bytes to an RGB array, or raise ImageError."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in {"PNG", "JPEG", "WEBP", "GIF", "BMP"}:
                raise ImageError(f"unsupported image format {img.format}; use PNG, JPEG or WebP")
            if img.width * img.height > MAX_IMAGE_PIXELS:  # checked from the header, before decoding a bomb
                raise ImageError(f"image is {img.width}x{img.height}; at most {MAX_IMAGE_PIXELS:,} pixels are "
                                 "accepted")
            return np.asarray(img.convert("RGB"))
    except Image.DecompressionBombError as exc:
        raise ImageError(f"image is too large to decode safely: {exc}") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageError("input_reference is not a readable image (PNG, JPEG or WebP)") from exc


def fit_cover(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale and centre-crop an image to exactly width×height."""
    img = Image.fromarray(rgb)
    scale = max(width / img.width, height / img.height)
    nw, nh = max(width, round(img.width * scale)), max(height, round(img.height * scale))
    img = img.resize((nw, nh), Image.Resampling.LANCZOS)
    left, top = (nw - width) // 2, (nh - height) // 2
    return np.asarray(img.crop((left, top, left + width, top + height)))
