"""The fingerprint vote: temporal consistency and thresholds (table-driven, no media)."""

from __future__ import annotations

import pytest

from reelcast.provenance import fingerprint as fp


def _q(t: float) -> fp.FrameHash:
    return fp.FrameHash(t, fp.KIND_FULL, bytes(32), 100)


CASES = [
    # (name, pairs as (query t, video, source t, distance), samples, single image, expected video ids)
    ("consistent offset wins", [(0.0, "a", 1.0, 20), (0.5, "a", 1.5, 22), (1.0, "a", 2.0, 18)], 3, False, ["a"]),
    ("scattered offsets lose", [(0.0, "a", 3.0, 20), (0.5, "a", 0.0, 22), (1.0, "a", 5.0, 18)], 3, False, []),
    ("too few supporting samples", [(0.0, "a", 0.0, 20)] + [(t / 4, "b", 9.0, 60) for t in range(1)], 10, False, []),
    ("one image, close", [(0.0, "a", 2.0, 30)], 1, True, ["a"]),
    ("one image, too far", [(0.0, "a", 2.0, fp.IMAGE_DISTANCE + 1)], 1, True, []),
    ("two videos, both consistent", [(0.0, "a", 0.0, 10), (0.5, "a", 0.5, 10), (0.0, "b", 4.0, 50),
                                     (0.5, "b", 4.5, 50)], 2, False, ["a", "b"]),
]


@pytest.mark.parametrize(("name", "pairs", "samples", "image", "expected"), CASES, ids=[c[0] for c in CASES])
def test_vote(name: str, pairs: list, samples: int, image: bool, expected: list[str]) -> None:  # type: ignore[type-arg]
    got = fp.vote([(_q(qt), v, t, d) for qt, v, t, d in pairs], samples, single_image=image)
    assert [c.video_id for c in got] == expected


def test_closer_candidate_is_more_confident() -> None:
    near = fp.Candidate("a", 1.0, 4, 0.0, 8)
    far = fp.Candidate("b", 1.0, 50, 0.0, 8)
    assert near.confidence > far.confidence


def test_index_search_respects_max_distance() -> None:
    idx = fp.FingerprintIndex()
    idx.add("v", [(0.0, bytes(32))])
    close = fp.FrameHash(0.0, 0, bytes([0xFF] * 4) + bytes(28), 100)  # 32 bits away
    far = fp.FrameHash(0.0, 0, bytes([0xFF] * 12) + bytes(20), 100)  # 96 bits away
    assert [r[1] for r in idx.search([close])] == ["v"]
    assert idx.search([far]) == []
