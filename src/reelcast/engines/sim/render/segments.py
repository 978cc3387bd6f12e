"""Where a clip is split in two for rendering on two screens at once (`split_render`), and what is drawn for it:
pure rules.

The split belongs to what a clip renders as, whether or not it is rendered split. A cut near the middle is taken
when there is one: each shot's motion blur starts afresh anyway, so both halves draw independently. Otherwise the
middle frame, where the blur's history restarts: the split frame blends over a fresh draw of the frame before it
(drawn again, not output) instead of over that frame's own blended output — the weight of the frames before that
(2 % at a 180° shutter) is what changes, not the look. Both halves then give the bytes of one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_SPLIT_FRAMES = 12  # each part at least this long (half a second at 24 fps): shorter clips render in one piece
CUT_WINDOW = 1 / 6  # a cut within this share of the clip's length of the middle is preferred to the middle


def split_frame(n_frames: int, cuts: Sequence[int] = ()) -> int | None:
    """The first frame of a clip's second part, or None when it is too short to split."""
    if n_frames < 2 * MIN_SPLIT_FRAMES:
        return None
    middle = n_frames // 2
    window = n_frames * CUT_WINDOW
    near = [int(c) for c in cuts
            if abs(int(c) - middle) <= window and MIN_SPLIT_FRAMES <= int(c) <= n_frames - MIN_SPLIT_FRAMES]
    return min(near, key=lambda c: (abs(c - middle), c)) if near else middle


def draw_schedule(frames: range, n_frames: int, cuts: Sequence[int] = (), blend_history: bool = True) -> list[
        tuple[int, bool]]:
    """The frames a renderer draws to output `frames` of a clip, each with whether it is output: with a blend history
    (motion blur), the split frame (not at a cut) is preceded by a fresh draw of the frame before it."""
    split = split_frame(n_frames, cuts)
    restart = blend_history and split is not None and split not in {int(c) for c in cuts}
    schedule: list[tuple[int, bool]] = []
    for f in frames:
        if restart and f == split:
            schedule.append((f - 1, False))
        schedule.append((f, True))
    return schedule


def shot_ranges(n_frames: int, cuts: Sequence[int] = ()) -> list[range]:
    """The clip's shots as frame ranges (split at the cuts): each gets its own level of detail (renderer)."""
    bounds = sorted({0, n_frames, *(int(c) for c in cuts if 0 < int(c) < n_frames)})
    return [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
