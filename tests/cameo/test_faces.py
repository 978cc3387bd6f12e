"""Faces on the bundled stills: detection, the yaw ratio's sign, embeddings that tell two people apart."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.cameo import faces
from tests.cameo.clips import face_still, yaw_warp


def test_one_face_is_found_on_each_still() -> None:
    for name in ("astronaut", "hopper"):
        assert len(faces.detect(face_still(name))) == 1


def test_no_face_on_a_blank_frame() -> None:
    assert faces.detect(np.full((240, 240, 3), 128, np.uint8), upsample=1) == []


@pytest.mark.parametrize("name", ["astronaut", "hopper"])
def test_yaw_ratio_grows_when_the_subject_turns_left(name: str) -> None:
    still = face_still(name)
    r = [faces.detect(yaw_warp(still, yaw))[0].yaw_ratio for yaw in (-20, 0, 20)]
    assert r[0] < r[1] - 0.05 and r[2] > r[1] + 0.05


def test_solvepnp_yaw_has_opposite_signs_for_opposite_turns() -> None:
    still = face_still("hopper")
    left, right = (faces.detect(yaw_warp(still, y))[0].yaw_pnp for y in (20, -20))
    assert left is not None and right is not None and left * right < 0


def test_embeddings_separate_two_people_and_match_one_person() -> None:
    a0, a1 = (faces.embeddings_in_frame(yaw_warp(face_still("astronaut"), y))[0] for y in (0, 10))
    h0 = faces.embeddings_in_frame(face_still("hopper"))[0]
    assert a0.shape == (128,)
    assert np.linalg.norm(a0 - a1) < 0.5
    assert np.linalg.norm(a0 - h0) > 0.6


def test_crop_is_square_around_the_face() -> None:
    still = face_still("astronaut")
    c = faces.crop(still, faces.detect(still)[0].box, size=128)
    assert c.shape == (128, 128, 3)
