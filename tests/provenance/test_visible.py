"""The visible moving watermark."""

from __future__ import annotations

import numpy as np

from reelcast.provenance import visible


def test_badge_moves_every_two_seconds() -> None:
    spots = [visible.position_at(t, 1280, 720, 200, 60, "alice") for t in (0.0, 1.9, 2.0, 4.0, 6.1)]
    assert spots[0] == spots[1]
    assert spots[1] != spots[2] and spots[2] != spots[3] and spots[3] != spots[4]


def test_badge_stays_inside_the_frame() -> None:
    for t in np.arange(0, 60, 2.0):
        x, y = visible.position_at(float(t), 320, 180, 120, 40, "bob")
        assert 0 <= x <= 200 and 0 <= y <= 140


def test_overlay_is_semi_transparent_and_local() -> None:
    frame = np.full((270, 480, 3), 40, np.uint8)
    ov = visible.Overlay("alice", 480, 270, 24)
    out = ov.apply(frame, 0)
    changed = np.any(out != frame, axis=2)
    assert 0 < changed.mean() < 0.2  # only the badge region
    assert out.max() < 255  # blended, never opaque white


def test_handle_gets_an_at_sign() -> None:
    a = visible.render_badge("alice", 360)
    b = visible.render_badge("@alice", 360)
    assert a.shape == b.shape and np.array_equal(a, b)
