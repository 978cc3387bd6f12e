"""Verify one selfie clip: decode, recognise the digits, track the face and its yaw, embed, decide, keep references.

Measuring is here (I/O and models); deciding is `reelcast.domain.cameo_verification` (pure).
"""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from PIL import Image

from reelcast.cameo import descriptors, faces, speech, voice
from reelcast.domain import cameo_verification as rules

SAMPLE_FPS = 10.0
MAX_SIDE = 480
N_CROPS = 3

# Given a face embedding: the nearest other user's active cameo as (cameo_id, distance), or None.
NearestOther = Callable[[np.ndarray], "tuple[str, float] | None"]


@dataclass
class Clip:
    """A decoded selfie clip: frames sampled at about 10 fps (≤480 px) with their times, and mono 16 kHz audio."""

    frames: list[np.ndarray] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    audio: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    duration: float = 0.0
    has_video: bool = False
    has_audio: bool = False
    decodable: bool = True


@dataclass
class Result:
    """The verdict plus everything kept on success (reference assets) and how long each step took."""

    verdict: rules.Verdict
    measurements: rules.Measurements
    embedding: list[float] | None = None
    crops: list[bytes] = field(default_factory=list)  # PNG
    descriptors: dict[str, object] = field(default_factory=dict)
    voice: dict[str, object] = field(default_factory=dict)
    voice_embedding: list[float] | None = None  # 256-D, when the speaker encoder's weights are installed
    nearest: tuple[str, float] | None = None
    timings: dict[str, float] = field(default_factory=dict)  # CPU seconds per step


def load_clip(path: Path, *, max_seconds: float = rules.MAX_CLIP_S) -> Clip:
    """Decode a clip; stops reading past max_seconds + 1 s (the duration check then rejects it)."""
    clip = Clip()
    try:
        with av.open(str(path)) as c:
            clip.has_video = bool(c.streams.video)
            clip.has_audio = bool(c.streams.audio)
            if not clip.has_video:
                return clip
            next_t = 0.0
            last_t = 0.0
            for frame in c.decode(video=0):
                t = float(frame.time) if frame.time is not None else last_t + 1 / SAMPLE_FPS
                last_t = t
                if t > max_seconds + 1.0:
                    break
                if t + 1e-6 < next_t:
                    continue
                next_t = t + 1 / SAMPLE_FPS
                scale = min(1.0, MAX_SIDE / max(frame.width, frame.height))
                w, h = int(frame.width * scale) // 2 * 2, int(frame.height * scale) // 2 * 2
                clip.frames.append(frame.to_ndarray(format="rgb24", width=w, height=h))
                clip.times.append(t)
            vs = c.streams.video[0]
            fps = float(vs.average_rate or 0) or SAMPLE_FPS
            clip.duration = last_t + 1 / fps if clip.frames else 0.0
        if clip.has_audio:
            with av.open(str(path)) as c:
                resampler = av.AudioResampler(format="s16", layout="mono", rate=speech.SAMPLE_RATE)
                chunks = []
                for frame in c.decode(audio=0):
                    if frame.time is not None and frame.time > max_seconds + 1.0:
                        break
                    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
                chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
                if chunks:
                    clip.audio = np.concatenate(chunks).astype(np.float32) / 32768.0
                clip.has_audio = len(clip.audio) > 0
    except (av.FFmpegError, ValueError, IndexError):
        clip.decodable = False
    return clip


def observe(clip: Clip) -> tuple[list[rules.FrameObs], list[faces.Face | None]]:
    """Per-frame face count, largest face box and yaw ratio (with the faces themselves for later steps)."""
    obs, found = [], []
    for t, frame in zip(clip.times, clip.frames, strict=True):
        upsample = 1 if max(frame.shape[:2]) < 360 else 0
        fs = faces.detect(frame, upsample=upsample)
        top = fs[0] if fs else None
        obs.append(rules.FrameObs(t=t, n_faces=len(fs), box=top.box if top else None,
                                  yaw_ratio=top.yaw_ratio if top else None))
        found.append(top)
    return obs, found


def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def verify(path: Path, digits: str, turns: Sequence[str], nearest_other: NearestOther | None = None) -> Result:
    """Run every check on a clip and return the verdict; on success also the reference assets."""
    timings: dict[str, float] = {}
    t0 = time.process_time()
    clip = load_clip(path)
    m = rules.Measurements(decodable=clip.decodable, has_audio=clip.has_audio, has_video=clip.has_video,
                           duration_s=clip.duration)
    timings["decode"] = time.process_time() - t0

    def done(verdict: rules.Verdict, **kw: object) -> Result:
        timings["total"] = sum(timings.values())
        return Result(verdict=verdict, measurements=m, timings=timings, **kw)  # type: ignore[arg-type]

    problem = rules.media_verdict(m)
    if problem is not None:
        return done(rules.Verdict("rejected", problem))
    t0 = time.process_time()
    m.speech_present = speech.speech_activity(clip.audio) >= 0.5
    m.heard = speech.recognise_digits(clip.audio, len(digits)) if m.speech_present else ""
    timings["speech"] = time.process_time() - t0
    if rules.speech_problem(digits, m.heard, speech_present=m.speech_present) is not None:
        return done(rules.clip_verdict(m, digits, turns))
    t0 = time.process_time()
    m.frames, found = observe(clip)
    timings["faces"] = time.process_time() - t0
    if rules.tracking_problem(m.frames) is not None or \
            rules.liveness_problem(turns, rules.detect_turns([f.yaw_ratio for f in m.frames
                                                               if f.n_faces == 1])) is not None:
        return done(rules.clip_verdict(m, digits, turns))
    t0 = time.process_time()
    picks = rules.frontal_indices(m.frames)
    embs: dict[int, np.ndarray] = {}
    for i in picks:
        face = found[i]
        if face is not None:
            embs[i] = faces.embed(clip.frames[i], face.box)
            m.frames[i] = dataclasses.replace(m.frames[i], embedding=tuple(float(x) for x in embs[i]))
    timings["embeddings"] = time.process_time() - t0
    verdict = rules.clip_verdict(m, digits, turns)
    if verdict.status != "active":
        return done(verdict)
    mean = np.mean(np.stack(list(embs.values())), axis=0)
    t0 = time.process_time()
    nearest = nearest_other(mean) if nearest_other is not None else None
    m.nearest_other = nearest[1] if nearest else None
    timings["duplicates"] = time.process_time() - t0
    verdict = rules.decide(m, digits, turns)
    if verdict.status == "rejected":
        return done(verdict, nearest=nearest)
    t0 = time.process_time()
    order = sorted(embs)
    crop_at = [order[round(k * (len(order) - 1) / max(1, N_CROPS - 1))] for k in range(min(N_CROPS, len(order)))]
    crops = [faces.crop(clip.frames[i], found[i].box) for i in dict.fromkeys(crop_at) if found[i] is not None]
    best = min(embs, key=lambda i: abs((m.frames[i].yaw_ratio or 0.5) - rules.baseline(
        [f.yaw_ratio for f in m.frames if f.yaw_ratio is not None])))
    desc = descriptors.estimate(clip.frames[best], found[best].landmarks) if found[best] is not None else {}
    pitch = speech.pitch_range(clip.audio)
    voice_params: dict[str, object] = {}
    if pitch is not None:
        voice_params = {"pitch_low_hz": round(pitch[0], 1), "pitch_median_hz": round(pitch[1], 1),
                        "pitch_high_hz": round(pitch[2], 1)}
    timings["references"] = time.process_time() - t0
    t0 = time.process_time()
    speaker = voice.embed(clip.audio)
    timings["voice"] = time.process_time() - t0
    return done(verdict, embedding=[float(x) for x in mean], crops=[_png(c) for c in crops], descriptors=desc,
                voice=voice_params, nearest=nearest,
                voice_embedding=[round(float(x), 6) for x in speaker] if speaker is not None else None)
