"""The anime faces of the festival talkers (eyes, brows and mouth on the head, sad brows, a mouth that closes to a
line) and the over-the-shoulder framing that keeps the listener's head from filling the frame."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.world.conversation import coverage_kind
from reelcast.engines.sim.world.festival import HEAD_RADIUS
from tests.engines.sim.world.plans import part_positions

PAIR = ("protagonist_1", "protagonist_2")


def _pose(res, name: str) -> np.ndarray:
    tl = res.timeline
    return tl.poses[:, next(i for i, p in enumerate(tl.parts) if p.name == name)].astype(np.float64)


def _part(res, name: str):
    return next(p for p in res.timeline.parts if p.name == name)


@pytest.mark.parametrize("who", PAIR)
def test_eyes_brows_and_mouth_sit_on_the_face(festival, who: str) -> None:
    _, res = festival
    head = part_positions(res, f"{who}/head")
    k = _part(res, f"{who}/head").size[0] / 0.1  # the person's height scale
    for name in ("sclera_l", "sclera_r", "iris_l", "brow_r", "lash_l", "mouth"):
        d = np.linalg.norm(part_positions(res, f"{who}/{name}") - head, axis=1) / k
        assert np.all(np.abs(d - HEAD_RADIUS) < 0.012), name  # on the head's surface, not floating off it


@pytest.mark.parametrize("who", PAIR)
def test_brows_are_raised_at_their_inner_ends(festival, who: str) -> None:
    _, res = festival
    nose = part_positions(res, f"{who}/nose")
    for side in ("l", "r"):
        m = _pose(res, f"{who}/brow_{side}")
        half = _part(res, f"{who}/brow_{side}").size[1]
        ends = np.stack([m[:, :3, 3] + s * half * m[:, :3, 2] for s in (1, -1)], 1)  # the capsule's two ends
        near = np.argmin(np.linalg.norm(ends - nose[:, None], axis=2), axis=1)
        inner, outer = ends[np.arange(len(m)), near], ends[np.arange(len(m)), 1 - near]
        assert np.median(inner[:, 2] - outer[:, 2]) > 0.002  # the melancholy brow: inner end up


def test_the_humanoids_round_features_give_way_to_the_anime_face(festival) -> None:
    _, res = festival
    for who in PAIR:
        assert _part(res, f"{who}/nose").size[0] < 0.01
        assert _part(res, f"{who}/eye_l").size[0] < 0.001 and _part(res, f"{who}/lips").size[0] < 0.001


def test_mouth_is_a_thin_line_when_silent_and_opens_with_speech(festival) -> None:
    _, res = festival
    for who in PAIR:
        m = _pose(res, f"{who}/mouth")
        height = np.linalg.norm(m[:, :3, 1], axis=1)  # the mouth's vertical scale
        assert height.min() < 0.2 and height.max() > 0.6


def test_over_the_shoulder_listener_is_not_much_nearer_than_the_speaker(festival) -> None:
    plan, res = festival
    n = res.timeline.n_frames
    ratios = []
    for i, s in enumerate(plan.shots):
        if coverage_kind(i) != "ots":
            continue
        a = int(round(s.start * plan.fps))
        b = n if i + 1 == len(plan.shots) else int(round(plan.shots[i + 1].start * plan.fps))
        listener = PAIR[1] if s.camera.target == PAIR[0] else PAIR[0]
        for f in range(a, b):
            eye = np.array(res.timeline.cameras[f].eye)
            near = np.linalg.norm(part_positions(res, f"{listener}/head")[f] - eye)
            far = np.linalg.norm(part_positions(res, f"{s.camera.target}/head")[f] - eye)
            ratios.append(far / near)
    assert ratios and max(ratios) < 1.9  # the listener's head is at most ~1.9x the speaker's on screen


def test_the_talkers_skin_carries_the_lantern_fill(festival) -> None:
    """One warm key at night leaves darker skin dim: the talkers' skin gets a little self-light (a fill)."""
    _, res = festival
    skin = [p for p in res.timeline.parts if p.entity in ("protagonist_1", "protagonist_2") and p.material == "skin"
            and p.name.split("/")[1] in ("head", "neck", "hand_l", "hand_r")]
    assert len(skin) == 8 and all(0.2 <= p.emissive < 0.5 for p in skin)
