"""Thumbnails, spritesheets and reference images."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.media.images import ImageError, decode_image, fit_cover, spritesheet_jpeg, thumbnail_webp


def test_thumbnail_is_webp():
    data = thumbnail_webp(np.zeros((90, 160, 3), np.uint8))
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def test_spritesheet_is_jpeg_grid():
    data = spritesheet_jpeg([np.full((90, 160, 3), i * 20, np.uint8) for i in range(10)], columns=5, tile_width=64)
    assert data[:2] == b"\xff\xd8"
    img = decode_image(data)
    assert img.shape == (72, 320, 3)


def test_garbage_is_not_an_image():
    with pytest.raises(ImageError):
        decode_image(b"hello")


def test_fit_cover_gives_exact_size():
    assert fit_cover(np.zeros((100, 50, 3), np.uint8), 160, 90).shape == (90, 160, 3)
