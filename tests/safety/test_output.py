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


def test_detector_session_uses_the_cpu_budget_and_does_not_spin(monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcast.media import cpu_budget

    monkeypatch.setattr(cpu_budget, "_budget", 1)
    opts = output.session_options()
    assert opts.intra_op_num_threads == 1
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"


# Run in a child pinned to one core: the detector must load and detect there without a thread bound elsewhere.
_PINNED_CHILD = """
import os
os.sched_setaffinity(0, {0})  # before any import starts a thread (NumPy's BLAS pool does)
import numpy as np
import reelcast.safety.output as output
dets = output.detector().detect(np.full((240, 320, 3), 128, np.uint8))
assert isinstance(dets, list), dets
for tid in os.listdir("/proc/self/task"):
    with open(f"/proc/self/task/{tid}/status") as f:
        allowed = [line.split()[1] for line in f if line.startswith("Cpus_allowed_list")][0]
    assert allowed == "0", (tid, allowed)
print("ok")
"""


def test_detector_threads_stay_on_the_cores_the_process_may_use() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _PINNED_CHILD], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]


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
