"""Conversation coverage of the anime-festival prompt: the two stand face to face, each shot looks at whoever speaks
(over the listener's shoulder, then in close-up), from the same side of the line, with fireworks bursting behind."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.camera import project
from reelcast.engines.sim.world.conversation import REACH_SHOT, coverage_kind, talking_pair
from tests.engines.sim.world.plans import part_positions

ASPECT = 16 / 9
PAIR = ("protagonist_1", "protagonist_2")




def _facing(res, who: str) -> np.ndarray:
    d = part_positions(res, f"{who}/nose") - part_positions(res, f"{who}/head")
    d[:, 2] = 0.0
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def _spans(plan) -> list[tuple[int, int, str]]:
    n = int(round(plan.duration * plan.fps))
    out = []
    for i, s in enumerate(plan.shots):
        b = n if i == len(plan.shots) - 1 else int(round(plan.shots[i + 1].start * plan.fps))
        out.append((int(round(s.start * plan.fps)), b, s.camera.target))
    return out


def test_the_two_talkers_stand_face_to_face(festival) -> None:
    plan, res = festival
    assert talking_pair(plan) == PAIR
    a, b = (part_positions(res, f"{w}/head") for w in PAIR)
    gap = b - a
    gap[:, 2] = 0.0
    dist = np.linalg.norm(gap, axis=1)
    assert np.all((dist > 0.7) & (dist < 1.6))  # conversational distance
    to_b = gap / dist[:, None]
    assert np.median(np.sum(_facing(res, PAIR[0]) * to_b, axis=1)) > 0.8
    assert np.median(np.sum(_facing(res, PAIR[1]) * -to_b, axis=1)) > 0.8


def test_each_shot_looks_at_the_speakers_face(festival) -> None:
    plan, res = festival
    cams = res.timeline.cameras
    kinds = set()
    sides = []
    for k, (a, b, speaker) in enumerate(_spans(plan)):
        listener = PAIR[1] if speaker == PAIR[0] else PAIR[0]
        mouth, facing = part_positions(res, f"{speaker}/mouth"), _facing(res, speaker)
        other = part_positions(res, f"{listener}/mouth")
        for f in range(a, b):
            eye = np.array(cams[f].eye)
            x, y, z = project(cams[f], mouth[f], ASPECT)
            assert abs(x) < 0.7 and abs(y) < 0.7 and z > 0  # the speaker's face is in frame
            to_eye = eye - mouth[f]
            to_eye[2] = 0.0
            assert float(facing[f] @ to_eye) / np.linalg.norm(to_eye) > 0.5  # seen from the front, not the back
            if coverage_kind(k) == "ots":
                assert np.linalg.norm(eye - other[f]) < np.linalg.norm(eye - mouth[f])  # behind the listener
            else:
                assert np.linalg.norm(eye - mouth[f]) < 1.5  # a close-up
        kinds.add(coverage_kind(k))
        head0 = part_positions(res, f"{PAIR[0]}/head")[a]
        axis = part_positions(res, f"{PAIR[1]}/head")[a] - head0
        sides.append(np.sign(np.cross(axis[:2], (np.array(cams[a].eye) - head0)[:2])))
    assert kinds == {"ots", "close"}
    assert len(set(sides)) == 1  # every set-up on the same side of the line (cuts never cross it)


def test_every_line_is_spoken_on_camera(festival) -> None:
    plan, res = festival
    spans = _spans(plan)
    for line in plan.sound.dialogue:
        f = int(round((line.start or 0.0) * plan.fps)) + 2
        shot = next(s for s in spans if s[0] <= f < s[1])
        assert shot[2] == line.speaker  # the shot on screen while a line starts is on its speaker


def test_fireworks_burst_in_frame_behind_the_talkers(festival) -> None:
    plan, res = festival
    tl = res.timeline
    sparks = [i for i, p in enumerate(tl.parts) if p.entity == "fireworks"]
    for a, b, speaker in _spans(plan):
        mouth = part_positions(res, f"{speaker}/mouth")
        seen = 0
        for f in range(a, b):
            for i in sparks:
                m = tl.poses[f, i]
                if np.linalg.norm(m[:3, 0]) < 0.3:  # not burst yet, or faded
                    continue
                x, y, z = project(tl.cameras[f], m[:3, 3], ASPECT)
                if abs(x) < 1 and abs(y) < 1 and z > project(tl.cameras[f], mouth[f], ASPECT)[2]:
                    seen += 1
        assert seen > 0.1 * len(sparks) * (b - a) / 8, f"fireworks should burst behind {speaker}"


def test_the_listener_keeps_their_hands_out_of_the_shot(festival) -> None:
    """Only the speaker gestures: the listener's hands hang still and never enter the frame of the other's shot."""
    plan, res = festival
    cams = res.timeline.cameras
    for a, b, speaker in _spans(plan):
        listener = PAIR[1] if speaker == PAIR[0] else PAIR[0]
        chest = part_positions(res, f"{listener}/torso")
        for hand in ("hand_l", "hand_r"):
            p = part_positions(res, f"{listener}/{hand}")
            assert np.all(p[a:b, 2] < chest[a:b, 2])  # arms down, below the chest
            for f in range(a, b):
                x, y, z = project(cams[f], p[f], ASPECT)
                assert not (abs(x) < 1 and abs(y) < 1 and z > 0)


def test_the_second_speaker_reaches_out_and_lets_the_hand_fall(festival) -> None:
    """Star-crossed: in the second shot its speaker's hand lifts towards the other (who looks away), then drops."""
    plan, res = festival
    a, b, speaker = _spans(plan)[REACH_SHOT]
    listener = PAIR[1] if speaker == PAIR[0] else PAIR[0]
    hand = part_positions(res, f"{speaker}/hand_r")
    gap = np.linalg.norm((hand - part_positions(res, f"{listener}/torso"))[:, :2], axis=1)
    peak = a + int(np.argmin(gap[a:b]))
    assert hand[peak, 2] > hand[a, 2] + 0.25 and hand[b - 1, 2] < hand[peak, 2] - 0.2  # lifts, then falls
    assert gap[peak] < gap[a] - 0.3  # towards the listener
