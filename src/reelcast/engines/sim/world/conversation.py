"""Two people talking: they stand face to face, and a Director covers their dialogue the way films do — an
over-the-shoulder shot from behind the listener onto the speaker's face, then a clean close-up of the speaker from
the front three-quarter, alternating with the plan's shots (each shot's camera target is the one speaking).
"""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.sim.scene import CameraPose
from reelcast.engines.sim.world.camera import Director, ShotSpan, fov_y_deg, pose, smooth
from reelcast.engines.sim.world.motions import BLEND
from reelcast.prompt.plan import ScenePlan

PEOPLE = ("person", "man", "woman", "child", "player", "skater", "astronaut", "dancer")
TALK_VERBS = ("talk", "say", "speak", "whisper", "chat", "converse")
CONVERSATION_GAP = 1.1  # metres between two people talking face to face
OTS_BACK, OTS_SIDE = 1.4, 0.8  # the over-the-shoulder eye: behind the listener's head, off to one side…
OTS_LENS_MM = 50.0  # …on a longer lens (at least), so the listener's head is a frame edge, not half the frame
CLOSE_DISTANCE = 0.9  # metres from the speaker's face for the close-up
CLOSE_ANGLE = math.radians(32)  # the close-up looks at the speaker this far round from the listener's side
LOW_ANGLE = 0.1  # metres below the face: the camera looks up a little, so the night sky is behind the heads
REACH_SHOT = 1  # the shot (index) in which its speaker reaches out to the other and falters
SHOT_CLOSE = ("close_up", "extreme_close_up", "medium")


def talking_pair(plan: ScenePlan) -> tuple[str, str] | None:
    """The first two people with dialogue lines, if talking is all they do (so they can stand face to face)."""
    speakers: list[str] = []
    for line in plan.sound.dialogue:
        e = plan.entity(line.speaker)
        if e is not None and e.archetype in PEOPLE and line.speaker not in speakers:
            speakers.append(line.speaker)
    if len(speakers) < 2:
        return None
    busy = {a.actor for a in plan.actions if a.verb not in TALK_VERBS}
    a, b = speakers[:2]
    return None if a in busy or b in busy else (a, b)


def conversation_spans(plan: ScenePlan, person: str, pair: tuple[str, str]) -> list[tuple[float, float, str]]:
    """A talker's clips: "confide" (small, low gestures) through the shots on them, "listen" (arms still, gaze down
    and away) through the shots on the other, so no arm swings across an over-the-shoulder shot or a close-up.

    Listening starts half a cross-fade before the other's shot and ends half a cross-fade after it, so a listener
    is fully still for the whole of that shot (the blend into and out of gesturing happens in the speaker's own).
    Star-crossed: in the second shot (the other's first reply, over the first speaker's shoulder) the speaker
    reaches hesitantly towards the listener, who is looking away, and lets the hand fall.
    """
    other = pair[1] if person == pair[0] else pair[0]
    spans: list[tuple[float, float, str]] = []
    for shot in plan.shots:
        if shot.camera.target == other:
            spans.append((max(0.0, shot.start - BLEND / 2), shot.end + BLEND / 2, "listen"))
        else:
            clip = "reach" if shot.index == REACH_SHOT and shot.camera.target == person else "confide"
            spans.append((shot.start + BLEND / 2, shot.end - BLEND / 2, clip))
    return spans


def conversation_spots(pair: tuple[str, str]) -> dict[str, tuple[np.ndarray, float]]:
    """Where the two stand and which way they face: across the x axis from each other, each facing the other."""
    half = CONVERSATION_GAP / 2
    return {pair[0]: (np.array([-half, 0.0, 0.0]), 0.0), pair[1]: (np.array([half, 0.0, 0.0]), math.pi)}


def coverage_kind(index: int) -> str:
    """Shots alternate in pairs (so each speaker gets each kind): over-the-shoulder, then clean close-ups."""
    return "ots" if (index // 2) % 2 == 0 else "close"


def conversation_poses(speaker_face: np.ndarray, listener_face: np.ndarray, side: np.ndarray, kind: str,
                       fov: float, fps: int) -> list[CameraPose]:
    """One pose per frame looking at the speaker's face (paths are (n, 3) face points of the shot's frames).

    side: the unit ground-plane direction of the camera's side of the line between the two (the same for every
    shot of the scene, so that cuts never cross the line).
    """
    s = smooth(speaker_face, max(1, fps // 2) | 1)
    ls = smooth(listener_face, max(1, fps // 2) | 1)
    d = s.mean(0) - ls.mean(0)
    d[2] = 0.0
    d /= max(float(np.linalg.norm(d)), 1e-6)  # listener → speaker, on the ground plane
    out: list[CameraPose] = []
    for sp, lp in zip(s, ls, strict=True):
        if kind == "ots":
            eye = lp - OTS_BACK * d + OTS_SIDE * side + np.array([0.0, 0.0, -LOW_ANGLE + 0.06])
        else:
            c, sn = math.cos(CLOSE_ANGLE), math.sin(CLOSE_ANGLE)
            toward = -d * c + side * sn  # from the speaker, round towards the camera's side of the line
            eye = sp + CLOSE_DISTANCE * toward + np.array([0.0, 0.0, -LOW_ANGLE])
        out.append(pose(eye, sp + np.array([0.0, 0.0, 0.02]), fov))
    return out


def conversation_director(pair: tuple[str, str]) -> Director:
    """Cover the plan's close shots of either talker as over-the-shoulder / close-up pairs on the speaker."""

    def direct(span: ShotSpan) -> list[CameraPose] | None:
        cam = span.shot.camera
        if cam.target not in pair or cam.framing not in SHOT_CLOSE or cam.move != "static" \
                or span.part_path is None:
            return None
        listener = pair[1] if cam.target == pair[0] else pair[0]
        sp = span.part_path(f"{cam.target}/mouth")
        lp = span.part_path(f"{listener}/mouth")
        a, b = span.part_path(f"{pair[0]}/mouth"), span.part_path(f"{pair[1]}/mouth")
        if sp is None or lp is None or a is None or b is None:
            return None
        axis = b.mean(0) - a.mean(0)
        side = np.array([-axis[1], axis[0], 0.0]) / max(float(np.hypot(axis[0], axis[1])), 1e-6)
        kind = coverage_kind(span.index)
        fov = span.fov if kind == "close" else fov_y_deg(max(cam.focal_length_mm, OTS_LENS_MM), span.aspect)
        return conversation_poses(sp[span.first:span.stop], lp[span.first:span.stop], side, kind, fov, span.fps)

    return direct
