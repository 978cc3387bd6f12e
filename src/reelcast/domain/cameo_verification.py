"""Cameo verification decisions: pure functions over per-frame measurements, recognised digits and distances.

No I/O here: `reelcast.cameo` measures a clip (faces, yaw, embeddings, speech) and these rules decide. Thresholds
and how they were chosen are written down in docs/cameo-verification.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

TURNS = ("left", "right")
CHALLENGE_TTL_S = 120
DIGITS_PER_CHALLENGE = 5
MIN_CLIP_S = 3.0
MAX_CLIP_S = 15.0
MAX_DIGIT_ERRORS = 1  # one wrong digit is accepted (the ASR is not perfect); strength stays ~10^4 per challenge

# Faces and tracking
MIN_FACE_COVERAGE = 0.5  # below this share of frames with a face: face_not_found
MULTI_FACE_SHARE = 0.2  # more than one face in at least this share of frames: face_multiple
MAX_GAP_S = 0.5  # a longer run of frames without the face: face_lost
MIN_TRACK_IOU = 0.2  # the face box must overlap the previous one this much, else it jumped: face_lost

# Liveness: the yaw ratio r = (nose_tip.x − eye_L.x) / (eye_R.x − eye_L.x) is 0.5 frontal (image coordinates);
# it grows when the subject turns to their own left (the nose moves to image right in an unmirrored selfie).
TURN_ON = 0.05
TURN_OFF = 0.025
TURN_MIN_FRAMES = 3
FRONTAL_TOL = 0.04  # |r − baseline| under this: a near-frontal frame for embeddings

# Face embeddings (dlib ResNet, 128-D, Euclidean)
SAME_FACE_MAX_PAIR = 0.55  # frontal frames of one clip: max pairwise distance
SAME_FACE_MAX_TO_MEAN = 0.40  # each frontal frame to the clip's mean
DUPLICATE_BELOW = 0.50  # another user's active cameo this close: duplicate_identity
REVIEW_BELOW = 0.60  # between DUPLICATE_BELOW and this: an operator reviews before it activates
VOICE_REVIEW_BELOW = 0.60  # cosine similarity of voices under this: a soft flag only, never a rejection

MESSAGES = {
    "challenge_unknown": "The challenge is unknown (or belongs to someone else); request a new one.",
    "challenge_expired": "The challenge expired; request a new one and record within two minutes.",
    "challenge_used": "The challenge was already used; every recording needs a new challenge.",
    "media_invalid": "The upload could not be read as a video with sound, or is too short.",
    "media_too_long": "The clip is longer than 15 seconds.",
    "audio_no_speech": "No speech was heard; read the digits aloud.",
    "speech_mismatch": "The spoken digits did not match the challenge.",
    "face_not_found": "No face was found in the clip.",
    "face_multiple": "More than one face is in the clip; record alone.",
    "face_lost": "The face left the picture during the clip.",
    "liveness_no_turn": "No head turn was seen; turn your head as asked.",
    "liveness_wrong_order": "The head turns were not in the asked order.",
    "face_inconsistent": "The face changed during the clip.",
    "duplicate_identity": "This face already belongs to another user's verified cameo.",
    "verification_error": "Verification failed on the server; try again with a new challenge.",
}
NEEDS_NEW_CHALLENGE = frozenset(MESSAGES) - {"challenge_unknown"}  # every upload uses up its challenge


@dataclass(frozen=True)
class Rejection:
    """A machine-readable reason with a human message."""

    code: str
    message: str


def reject(code: str, detail: str = "") -> Rejection:
    """The rejection for a code, optionally with a detail appended."""
    msg = MESSAGES[code]
    return Rejection(code, f"{msg} ({detail})" if detail else msg)


# ---------------------------------------------------------------- challenge

def challenge_problem(*, known: bool, owner_matches: bool, now: float, expires_at: float,
                      used: bool) -> Rejection | None:
    """Why a challenge cannot be used for this upload, or None."""
    if not known or not owner_matches:
        return reject("challenge_unknown")
    if used:
        return reject("challenge_used")
    if now > expires_at:
        return reject("challenge_expired")
    return None


def media_problem(*, decodable: bool, has_audio: bool, has_video: bool, duration_s: float) -> Rejection | None:
    """Why an upload is unusable as a selfie clip, or None."""
    if not decodable or not has_video:
        return reject("media_invalid", "no readable video")
    if not has_audio:
        return reject("media_invalid", "no sound track")
    if duration_s > MAX_CLIP_S:
        return reject("media_too_long", f"{duration_s:.1f} s")
    if duration_s < MIN_CLIP_S:
        return reject("media_invalid", f"{duration_s:.1f} s is shorter than {MIN_CLIP_S:.0f} s")
    return None


# ---------------------------------------------------------------- speech

def digit_errors(expected: str, heard: str) -> int:
    """Substitutions between equal-length digit strings; a length difference counts as all wrong."""
    if len(expected) != len(heard):
        return max(len(expected), len(heard))
    return sum(a != b for a, b in zip(expected, heard, strict=True))


def speech_problem(expected: str, heard: str | None, *, speech_present: bool) -> Rejection | None:
    """Whether the recognised digits match the challenge within one wrong digit."""
    if not speech_present or not heard:
        return reject("audio_no_speech")
    if digit_errors(expected, heard) > MAX_DIGIT_ERRORS:
        # The expected digits are never echoed; only how many were heard.
        return reject("speech_mismatch", f"heard {len(heard)} digits, {digit_errors(expected, heard)} wrong")
    return None


# ---------------------------------------------------------------- faces and tracking

Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class FrameObs:
    """What was measured on one sampled frame."""

    t: float
    n_faces: int
    box: Box | None = None  # the largest face
    yaw_ratio: float | None = None  # r, see TURN_ON
    embedding: tuple[float, ...] | None = None  # only on the frames chosen for embeddings


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def tracking_problem(frames: Sequence[FrameObs]) -> Rejection | None:
    """Exactly one face, present and continuous through the clip."""
    if not frames:
        return reject("face_not_found")
    with_face = [f for f in frames if f.n_faces >= 1]
    if len(with_face) < MIN_FACE_COVERAGE * len(frames):
        return reject("face_not_found", f"a face in {len(with_face)} of {len(frames)} frames")
    multi = sum(1 for f in frames if f.n_faces > 1)
    if multi >= max(1, MULTI_FACE_SHARE * len(frames)):
        return reject("face_multiple", f"{multi} of {len(frames)} frames")
    last_t = frames[0].t
    last_box: Box | None = None
    for f in frames:
        if f.n_faces == 0 or f.box is None:
            if f.t - last_t > MAX_GAP_S:
                return reject("face_lost", f"no face at {f.t:.1f} s")
            continue
        if last_box is not None and iou(last_box, f.box) < MIN_TRACK_IOU:
            return reject("face_lost", f"the face jumped at {f.t:.1f} s")
        last_t, last_box = f.t, f.box
    if frames[-1].t - last_t > MAX_GAP_S:
        return reject("face_lost", f"no face after {last_t:.1f} s")
    return None


# ---------------------------------------------------------------- liveness

def baseline(ratios: Sequence[float]) -> float:
    """The frontal yaw ratio: the median of the first and last two measured frames."""
    ends = list(ratios[:2]) + list(ratios[-2:])
    ends.sort()
    n = len(ends)
    return (ends[(n - 1) // 2] + ends[n // 2]) / 2 if n else 0.5


def detect_turns(ratios: Sequence[float | None]) -> list[str]:
    """Head turns in order, by hysteresis on the yaw ratio: out past TURN_ON for TURN_MIN_FRAMES, back under TURN_OFF.

    Frames without a measurement neither start nor end a turn.
    """
    vals = [r for r in ratios if r is not None]
    if len(vals) < TURN_MIN_FRAMES:
        return []
    base = baseline(vals)
    turns: list[str] = []
    state: str | None = None  # the side we are out on
    run_side: str | None = None
    run = 0
    for r in vals:
        d = r - base
        side = "left" if d > 0 else "right"
        if state is None:
            if abs(d) > TURN_ON:
                run = run + 1 if run_side == side else 1
                run_side = side
                if run >= TURN_MIN_FRAMES:
                    state = side
                    turns.append(side)
            else:
                run, run_side = 0, None
        elif abs(d) < TURN_OFF or side != state:
            state, run, run_side = None, 0, None
            if abs(d) > TURN_ON:  # swung straight through to the other side
                run, run_side = 1, side
    return turns


def liveness_problem(asked: Sequence[str], seen: Sequence[str]) -> Rejection | None:
    """The head turns seen must be exactly the ones asked, in order."""
    if not seen:
        return reject("liveness_no_turn")
    if list(seen) != list(asked):
        return reject("liveness_wrong_order", "seen: " + ", ".join(seen))
    return None


def frontal_indices(frames: Sequence[FrameObs], want: int = 5) -> list[int]:
    """Indices of up to `want` near-frontal frames spread over the clip (the closest to frontal if none qualify)."""
    measured = [(i, f.yaw_ratio) for i, f in enumerate(frames) if f.yaw_ratio is not None and f.n_faces == 1]
    if not measured:
        return []
    base = baseline([r for _, r in measured])
    near = [i for i, r in measured if abs(r - base) < FRONTAL_TOL]
    if len(near) < 2:
        near = sorted(i for i, _ in sorted(measured, key=lambda x: abs(x[1] - base))[:max(2, want)])
    if len(near) <= want:
        return near
    picks = [near[round(k * (len(near) - 1) / (want - 1))] for k in range(want)]
    return list(dict.fromkeys(picks))


# ---------------------------------------------------------------- embeddings

def distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Euclidean distance between two embeddings."""
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


def mean_embedding(embs: Sequence[Sequence[float]]) -> tuple[float, ...]:
    """The element-wise mean of embeddings."""
    n = len(embs)
    return tuple(sum(e[k] for e in embs) / n for k in range(len(embs[0])))


def consistency_problem(embs: Sequence[Sequence[float]]) -> Rejection | None:
    """The same face throughout: frontal embeddings close to each other and to their mean."""
    if not embs:
        return reject("face_not_found", "no frame good enough for a face embedding")
    worst = max((distance(a, b) for i, a in enumerate(embs) for b in embs[i + 1:]), default=0.0)
    mean = mean_embedding(embs)
    far = max(distance(e, mean) for e in embs)
    if worst >= SAME_FACE_MAX_PAIR or far >= SAME_FACE_MAX_TO_MEAN:
        return reject("face_inconsistent", f"max distance {worst:.2f}")
    return None


def duplicate_verdict(nearest: float | None) -> str:
    """`clear`, `review` (borderline: an operator decides) or `duplicate` for the nearest other user's distance."""
    if nearest is None or nearest >= REVIEW_BELOW:
        return "clear"
    return "duplicate" if nearest < DUPLICATE_BELOW else "review"


def voice_flag(similarity: float | None) -> bool:
    """Whether a voice differs enough from the reference to flag for review (never a rejection on its own)."""
    return similarity is not None and similarity < VOICE_REVIEW_BELOW


# ---------------------------------------------------------------- the whole decision

@dataclass
class Measurements:
    """Everything measured on one clip (media facts, speech, frames); the pipeline fills it step by step."""

    decodable: bool = True
    has_audio: bool = True
    has_video: bool = True
    duration_s: float = 0.0
    speech_present: bool = False
    heard: str | None = None
    frames: list[FrameObs] = field(default_factory=list)
    nearest_other: float | None = None  # distance to the closest other user's active cameo


@dataclass(frozen=True)
class Verdict:
    """The outcome: `active`, `in_review` or `rejected` (with the reason), and the turns seen."""

    status: str
    rejection: Rejection | None = None
    turns_seen: tuple[str, ...] = ()


def media_verdict(m: Measurements) -> Rejection | None:
    """The media step alone (the pipeline stops before decoding frames if it fails)."""
    return media_problem(decodable=m.decodable, has_audio=m.has_audio, has_video=m.has_video,
                         duration_s=m.duration_s)


def clip_verdict(m: Measurements, digits: str, turns: Sequence[str]) -> Verdict:
    """Everything about the clip itself, in order: media, speech, tracking, liveness, consistency (no duplicates)."""
    seen = tuple(detect_turns([f.yaw_ratio for f in m.frames if f.n_faces == 1]))
    steps = (
        lambda: media_verdict(m),
        lambda: speech_problem(digits, m.heard, speech_present=m.speech_present),
        lambda: tracking_problem(m.frames),
        lambda: liveness_problem(turns, seen),
        lambda: consistency_problem([f.embedding for f in m.frames if f.embedding is not None]),
    )
    for step in steps:
        problem = step()
        if problem is not None:
            return Verdict("rejected", problem, seen)
    return Verdict("active", None, seen)


def decide(m: Measurements, digits: str, turns: Sequence[str]) -> Verdict:
    """The full decision: the clip checks, then duplicate identity against other users' active cameos."""
    v = clip_verdict(m, digits, turns)
    if v.status != "active":
        return v
    verdict = duplicate_verdict(m.nearest_other)
    if verdict == "duplicate":
        return Verdict("rejected", reject("duplicate_identity"), v.turns_seen)
    if verdict == "review":
        return Verdict("in_review", None, v.turns_seen)
    return v
