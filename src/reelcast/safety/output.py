"""Output checks on sampled frames of a finished video: nudity (a detector whose wheel ships its ONNX model) and the
likeness of verified people who did not consent (face embeddings against verified cameos)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from reelcast.domain.likeness import FaceMatch

# Detector classes that fail a video (covered body parts, faces and feet do not).
BLOCKED_CLASSES = frozenset({"FEMALE_GENITALIA_EXPOSED", "MALE_GENITALIA_EXPOSED", "FEMALE_BREAST_EXPOSED",
                             "ANUS_EXPOSED", "BUTTOCKS_EXPOSED"})
_lock = threading.Lock()
_detector: Any = None


@dataclass(frozen=True)
class OutputVerdict:
    """Whether a finished video may be served, and what failed it."""

    passed: bool
    label: str | None = None  # a detector class, or "likeness"
    score: float = 0.0
    frame: int | None = None
    frames_checked: int = 0
    cameo_id: str | None = None  # likeness: whose face it was (audit only; never shown to the creator)

    @property
    def message(self) -> str:
        """Plain words for the job's error (a likeness failure does not say whose face it was)."""
        if self.passed:
            return ""
        if self.label == "likeness":
            return ("The finished video shows a verified person who has not allowed you to use their likeness, "
                    "so it was not kept. Ask them for access to their cameo and mention it in the prompt.")
        return "The finished video failed the output check (nudity) and was not kept."

    @property
    def category(self) -> str:
        """The policy category the failure belongs to."""
        return "real_person" if self.label == "likeness" else "sexual"


def session_options() -> Any:
    """ONNX Runtime options for the detector: as many threads as the process's CPU budget allows, none spinning.

    ONNX Runtime's defaults make one pool thread per physical core, bind each to its own core whatever the process's
    affinity (a worker pinned to core 0 ran its detector thread on core 1) and keep them spinning after each run —
    CPU a pinned worker on the next core needs for its own render."""
    import onnxruntime as ort

    from reelcast.media.cpu_budget import thread_budget

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = thread_budget() or len(os.sched_getaffinity(0))
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return opts


def detector() -> Any:
    """The nudity detector (loaded once; the model file ships inside the `nudenet` wheel), its ONNX session made with
    `session_options()`: NudeDetector's constructor takes none, so the session is built here the way it builds it."""
    global _detector
    with _lock:
        if _detector is None:
            import nudenet
            import onnxruntime as ort

            det = nudenet.NudeDetector.__new__(nudenet.NudeDetector)
            det.onnx_session = ort.InferenceSession(str(Path(nudenet.__file__).with_name("320n.onnx")),
                                                    sess_options=session_options(),
                                                    providers=["CPUExecutionProvider"])
            det.input_width = det.input_height = 320
            det.input_name = det.onnx_session.get_inputs()[0].name
            _detector = det
    return _detector


def verdict_for(detections: list[list[dict]], threshold: float, frame_indices: list[int]) -> OutputVerdict:
    """Fail on the strongest blocked-class detection at or above the threshold in any frame."""
    worst: tuple[float, str, int] | None = None
    for idx, dets in zip(frame_indices, detections, strict=True):
        for d in dets:
            if d.get("class") in BLOCKED_CLASSES and float(d.get("score", 0.0)) >= threshold and (
                    worst is None or float(d["score"]) > worst[0]):
                worst = (float(d["score"]), str(d["class"]), idx)
    if worst is None:
        return OutputVerdict(True, frames_checked=len(frame_indices))
    return OutputVerdict(False, worst[1], worst[0], worst[2], len(frame_indices))


def sample_frames(path: Path, n: int) -> tuple[list[int], list[np.ndarray]]:
    """Decode n frames evenly spaced through the video (RGB), with their indices."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        total = stream.frames or 0
        if total <= 0:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
            total = len(frames)
            picks = sorted({int(round(i * (total - 1) / max(1, n - 1))) for i in range(n)}) if total else []
            return picks, [frames[i] for i in picks]
        picks = sorted({int(round(i * (total - 1) / max(1, n - 1))) for i in range(n)})
        want = set(picks)
        out: list[np.ndarray] = []
        idx: list[int] = []
        for i, f in enumerate(container.decode(stream)):
            if i in want:
                out.append(f.to_ndarray(format="rgb24"))
                idx.append(i)
            if i >= picks[-1]:
                break
        return idx, out


def check_video(path: Path, *, frames: int = 6, threshold: float = 0.45) -> OutputVerdict:
    """Run the nudity detector on sampled frames of an MP4."""
    idx, imgs = sample_frames(path, max(1, frames))
    return check_frames(idx, imgs, threshold)


def check_frames(idx: list[int], imgs: list[np.ndarray], threshold: float = 0.45) -> OutputVerdict:
    """Run the nudity detector on decoded RGB frames."""
    if not imgs:
        return OutputVerdict(True)
    det = detector()
    # The detector reads images the way OpenCV loads files (BGR).
    results = [det.detect(np.ascontiguousarray(img[:, :, ::-1])) for img in imgs]
    return verdict_for(results, threshold, idx)


FACE_SIDE = 640  # frames are scaled down to this longest side before face detection (speed; faces stay findable)


def face_matches(imgs: list[np.ndarray], idx: list[int],
                 nearest: Callable[[np.ndarray], tuple[str, str, str, float] | None]) -> list[FaceMatch]:
    """Every face in the frames with the verified cameo it is nearest to (`nearest` → cameo, owner, handle, dist)."""
    import cv2

    from reelcast.cameo.identity import embeddings_in_frame

    out: list[FaceMatch] = []
    for i, img in zip(idx, imgs, strict=True):
        h, w = img.shape[:2]
        if max(h, w) > FACE_SIDE:
            k = FACE_SIDE / max(h, w)
            img = cv2.resize(img, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)
        for emb in embeddings_in_frame(img):
            hit = nearest(emb)
            if hit is not None:
                out.append(FaceMatch(hit[0], hit[1], hit[2], hit[3], i))
    return out


def likeness_verdict(bad: list[FaceMatch], frames_checked: int) -> OutputVerdict:
    """Fail on the closest unconsented match, if any."""
    if not bad:
        return OutputVerdict(True, frames_checked=frames_checked)
    worst = min(bad, key=lambda m: m.distance)
    return OutputVerdict(False, "likeness", round(1.0 - worst.distance, 4), worst.frame, frames_checked,
                         cameo_id=worst.cameo_id)
