"""Output checks: sampled frames of every finished video go through the nudity detector before it is served."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
from sqlalchemy import select

import reelcast.safety.output as output
from reelcast.safety.models import SafetyAudit
from reelcast.safety.output import verdict_for
from tests.api.helpers import client, tiny


@pytest.mark.parametrize(("detections", "passed"), [
    ([[{"class": "FEMALE_BREAST_EXPOSED", "score": 0.8}]], False),
    ([[{"class": "MALE_GENITALIA_EXPOSED", "score": 0.5}]], False),
    ([[{"class": "FEMALE_BREAST_EXPOSED", "score": 0.3}]], True),  # below the threshold
    ([[{"class": "FEMALE_BREAST_COVERED", "score": 0.9}]], True),
    ([[{"class": "FACE_MALE", "score": 0.9}, {"class": "FEET_EXPOSED", "score": 0.9}]], True),
    ([[]], True),
])
def test_verdict_for_detections(detections: list[list[dict]], passed: bool) -> None:
    assert verdict_for(detections, 0.45, [0]).passed is passed


def test_detector_model_ships_in_its_wheel() -> None:
    import nudenet

    model = Path(nudenet.__file__).with_name("320n.onnx")
    assert model.stat().st_size > 1_000_000


def test_rendered_clip_passes_and_is_audited(server) -> None:  # type: ignore[no-untyped-def]
    video = tiny(client(server), prompt="a yellow ball rolls across a table")
    assert video.status == "completed"
    with server.rt.db.session() as s:
        rows = s.scalars(select(SafetyAudit).where(SafetyAudit.action == "output_check",
                                                   SafetyAudit.target_id == video.id)).all()
    assert [(r.outcome, r.detail["frames"] > 0) for r in rows] == [("passed", True)]


class _FlaggingDetector:
    def detect(self, image):  # type: ignore[no-untyped-def]
        return [{"class": "FEMALE_BREAST_EXPOSED", "score": 0.91, "box": [0, 0, 4, 4]}]


def test_failing_output_fails_the_job_and_serves_nothing(server, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(output, "_detector", _FlaggingDetector())
    c = client(server)
    video = tiny(c, prompt="a blue cube slides down a ramp")
    assert video.status == "failed"
    assert video.error is not None and video.error.code == "output_moderation"
    with pytest.raises(openai.BadRequestError):
        c.videos.download_content(video.id)
    monkeypatch.setattr(output, "_detector", None)
