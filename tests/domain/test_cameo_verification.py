"""Table tests of the cameo verification rules over per-frame measurements, recognised digits and distances."""

from __future__ import annotations

import pytest

from reelcast.domain import cameo_verification as cv
from reelcast.domain.cameo_verification import FrameObs, Measurements

BOX = (100.0, 100.0, 300.0, 300.0)


def _code(r: cv.Rejection | None) -> str | None:
    return r.code if r is not None else None


def ratios_for(*segments: tuple[float, int]) -> list[float]:
    """Yaw ratios from (value, frame count) segments."""
    return [v for v, n in segments for _ in range(n)]


LEFT_RIGHT = ratios_for((0.5, 4), (0.62, 5), (0.5, 4), (0.38, 5), (0.5, 4))
RIGHT_LEFT = ratios_for((0.5, 4), (0.38, 5), (0.5, 4), (0.62, 5), (0.5, 4))


def frames_from(ratios: list[float | None], *, faces: list[int] | None = None, boxes: list | None = None,
                embed_every: int = 0, emb: tuple[float, ...] = (0.0,) * 4, fps: float = 10.0) -> list[FrameObs]:
    """Frame observations at 10 fps with one face each unless told otherwise."""
    out = []
    for i, r in enumerate(ratios):
        n = faces[i] if faces is not None else (0 if r is None else 1)
        box = boxes[i] if boxes is not None else (BOX if n else None)
        e = emb if embed_every and i % embed_every == 0 and n == 1 else None
        out.append(FrameObs(t=i / fps, n_faces=n, box=box, yaw_ratio=r, embedding=e))
    return out


@pytest.mark.parametrize(("known", "owner", "now", "used", "code"), [
    (False, False, 0, False, "challenge_unknown"),
    (True, False, 0, False, "challenge_unknown"),  # bound to another user: looks unknown
    (True, True, 0, True, "challenge_used"),
    (True, True, 200, False, "challenge_expired"),
    (True, True, 200, True, "challenge_used"),  # a replay is reported as a replay even when late
    (True, True, 119, False, None),
])
def test_challenge_problem(known: bool, owner: bool, now: float, used: bool, code: str | None) -> None:
    assert _code(cv.challenge_problem(known=known, owner_matches=owner, now=now, expires_at=120,
                                      used=used)) == code


@pytest.mark.parametrize(("decodable", "audio", "video", "duration", "code"), [
    (False, True, True, 5.0, "media_invalid"),
    (True, True, False, 5.0, "media_invalid"),
    (True, False, True, 5.0, "media_invalid"),
    (True, True, True, 2.0, "media_invalid"),
    (True, True, True, 15.5, "media_too_long"),
    (True, True, True, 3.0, None),
    (True, True, True, 15.0, None),
])
def test_media_problem(decodable: bool, audio: bool, video: bool, duration: float, code: str | None) -> None:
    assert _code(cv.media_problem(decodable=decodable, has_audio=audio, has_video=video,
                                  duration_s=duration)) == code


@pytest.mark.parametrize(("expected", "heard", "present", "code"), [
    ("31415", "31415", True, None),
    ("31415", "31416", True, None),  # one wrong digit is tolerated
    ("31415", "31496", True, "speech_mismatch"),
    ("31415", "3141", True, "speech_mismatch"),
    ("31415", "", True, "audio_no_speech"),
    ("31415", None, True, "audio_no_speech"),
    ("31415", "31415", False, "audio_no_speech"),
    ("31415", "27182", True, "speech_mismatch"),
])
def test_speech_problem(expected: str, heard: str | None, present: bool, code: str | None) -> None:
    assert _code(cv.speech_problem(expected, heard, speech_present=present)) == code


def test_speech_mismatch_message_never_reveals_the_expected_digits() -> None:
    r = cv.speech_problem("31415", "27182", speech_present=True)
    assert r is not None and "31415" not in r.message


@pytest.mark.parametrize(("ratios", "turns"), [
    (LEFT_RIGHT, ["left", "right"]),
    (RIGHT_LEFT, ["right", "left"]),
    (ratios_for((0.5, 4), (0.62, 5), (0.5, 3), (0.38, 5), (0.5, 3), (0.62, 5), (0.5, 4)), ["left", "right", "left"]),
    (ratios_for((0.5, 30)), []),
    (ratios_for((0.5, 4), (0.53, 10), (0.5, 4)), []),  # under TURN_ON: a wobble, not a turn
    (ratios_for((0.5, 4), (0.62, 2), (0.5, 4), (0.38, 2), (0.5, 4)), []),  # too brief to count
    (ratios_for((0.5, 4), (0.62, 5), (0.38, 5), (0.5, 4)), ["left", "right"]),  # swung straight through
    (ratios_for((0.5, 4), (0.62, 3), (0.6, 2), (0.5, 4)), ["left"]),
    ([0.5, None, 0.62, 0.62, None, 0.62, 0.5, 0.5, 0.5], ["left"]),  # missing frames do not break a turn
    ([], []),
])
def test_detect_turns(ratios: list[float | None], turns: list[str]) -> None:
    assert cv.detect_turns(ratios) == turns


def test_detect_turns_uses_the_clip_ends_as_frontal_baseline() -> None:
    shifted = [r + 0.07 for r in LEFT_RIGHT]  # a face whose frontal ratio is 0.57 (landmark bias)
    assert cv.detect_turns(shifted) == ["left", "right"]


@pytest.mark.parametrize(("asked", "seen", "code"), [
    (["left", "right"], ["left", "right"], None),
    (["left", "right"], [], "liveness_no_turn"),
    (["left", "right"], ["right", "left"], "liveness_wrong_order"),
    (["left", "right", "left"], ["left", "right"], "liveness_wrong_order"),
    (["left", "right"], ["left", "right", "left"], "liveness_wrong_order"),
])
def test_liveness_problem(asked: list[str], seen: list[str], code: str | None) -> None:
    assert _code(cv.liveness_problem(asked, seen)) == code


FAR_BOX = (400.0, 100.0, 600.0, 300.0)


@pytest.mark.parametrize(("frames", "code"), [
    (frames_from(LEFT_RIGHT), None),
    (frames_from([None] * 20), "face_not_found"),
    (frames_from([0.5] * 8 + [None] * 12), "face_not_found"),  # a face in 40% of frames
    (frames_from([0.5] * 20, faces=[2] * 20), "face_multiple"),
    (frames_from([0.5] * 20, faces=[1] * 15 + [2] * 5), "face_multiple"),
    (frames_from([0.5] * 20, faces=[1] * 18 + [2] * 2), None),  # a passer-by in two frames is tolerated
    (frames_from([0.5] * 8 + [None] * 7 + [0.5] * 8), "face_lost"),  # 0.7 s gap
    (frames_from([0.5] * 8 + [None] * 4 + [0.5] * 8), None),  # 0.4 s gap
    (frames_from([0.5] * 16 + [None] * 7), "face_lost"),  # gone at the end
    (frames_from([0.5] * 20, boxes=[BOX] * 10 + [FAR_BOX] * 10), "face_lost"),  # jumped: another face
    ([], "face_not_found"),
])
def test_tracking_problem(frames: list[FrameObs], code: str | None) -> None:
    assert _code(cv.tracking_problem(frames)) == code


def test_iou_of_identical_and_disjoint_boxes() -> None:
    assert cv.iou(BOX, BOX) == 1.0
    assert cv.iou(BOX, FAR_BOX) == 0.0


def test_frontal_indices_spread_over_the_clip_and_skip_turned_frames() -> None:
    picks = cv.frontal_indices(frames_from(LEFT_RIGHT), want=5)
    assert len(picks) == 5
    assert all(abs(LEFT_RIGHT[i] - 0.5) < cv.FRONTAL_TOL for i in picks)
    assert picks[0] < 4 and picks[-1] >= len(LEFT_RIGHT) - 4


A = (0.0, 0.0, 0.0, 0.0)
B = (0.1, 0.1, 0.1, 0.0)  # 0.17 from A
FAR = (0.4, 0.4, 0.4, 0.0)  # 0.69 from A


@pytest.mark.parametrize(("embs", "code"), [
    ([A, B, A, B], None),
    ([A, A, FAR, FAR], "face_inconsistent"),  # a face swap mid-clip
    ([A, A, A, A, FAR], "face_inconsistent"),
    ([], "face_not_found"),
    ([A], None),
])
def test_consistency_problem(embs: list[tuple[float, ...]], code: str | None) -> None:
    assert _code(cv.consistency_problem(embs)) == code


@pytest.mark.parametrize(("nearest", "verdict"), [
    (None, "clear"),
    (0.70, "clear"),
    (0.60, "clear"),
    (0.55, "review"),
    (0.50, "review"),
    (0.49, "duplicate"),
    (0.10, "duplicate"),
])
def test_duplicate_verdict(nearest: float | None, verdict: str) -> None:
    assert cv.duplicate_verdict(nearest) == verdict


@pytest.mark.parametrize(("similarity", "flag"), [(None, False), (0.9, False), (0.6, False), (0.5, True)])
def test_voice_is_only_a_flag(similarity: float | None, flag: bool) -> None:
    assert cv.voice_flag(similarity) is flag


def good(**kw: object) -> Measurements:
    """Measurements of a clip that passes every check."""
    m = Measurements(duration_s=4.0, speech_present=True, heard="31415",
                     frames=frames_from(LEFT_RIGHT, embed_every=3, emb=A))
    for k, v in kw.items():
        setattr(m, k, v)
    return m


@pytest.mark.parametrize(("m", "status", "code"), [
    (good(), "active", None),
    (good(nearest_other=0.8), "active", None),
    (good(nearest_other=0.55), "in_review", None),
    (good(nearest_other=0.3), "rejected", "duplicate_identity"),
    (good(duration_s=20.0), "rejected", "media_too_long"),
    (good(has_audio=False), "rejected", "media_invalid"),
    (good(heard="99999"), "rejected", "speech_mismatch"),
    (good(speech_present=False), "rejected", "audio_no_speech"),
    (good(frames=frames_from([None] * 22)), "rejected", "face_not_found"),
    (good(frames=frames_from(LEFT_RIGHT, faces=[2] * 22)), "rejected", "face_multiple"),
    (good(frames=frames_from(LEFT_RIGHT[:10] + [None] * 8 + LEFT_RIGHT[18:])), "rejected", "face_lost"),
    (good(frames=frames_from([0.5] * 22, embed_every=3, emb=A)), "rejected", "liveness_no_turn"),
    (good(frames=frames_from(RIGHT_LEFT, embed_every=3, emb=A)), "rejected", "liveness_wrong_order"),
    (good(frames=frames_from(LEFT_RIGHT[:11], embed_every=3, emb=A)
          + [FrameObs(t=(11 + i) / 10, n_faces=1, box=BOX, yaw_ratio=r, embedding=FAR if i % 3 == 0 else None)
             for i, r in enumerate(LEFT_RIGHT[11:])]), "rejected", "face_inconsistent"),
])
def test_decide(m: Measurements, status: str, code: str | None) -> None:
    v = cv.decide(m, "31415", ["left", "right"])
    assert (v.status, v.rejection.code if v.rejection else None) == (status, code)


def test_decide_reports_the_first_failing_check() -> None:
    m = good(heard="99999", frames=frames_from([None] * 22))
    assert cv.decide(m, "31415", ["left", "right"]).rejection.code == "speech_mismatch"  # type: ignore[union-attr]


def test_every_reason_has_a_message() -> None:
    for code in ("challenge_unknown", "challenge_expired", "challenge_used", "media_invalid", "media_too_long",
                 "audio_no_speech", "speech_mismatch", "face_not_found", "face_multiple", "face_lost",
                 "liveness_no_turn", "liveness_wrong_order", "face_inconsistent", "duplicate_identity"):
        assert cv.reject(code).message
