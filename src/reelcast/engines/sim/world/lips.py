"""Lip motion timed to dialogue: each speaker's mouth opening per frame, from the loudness of the very speech the
soundtrack will play (same voices, same line timing as `audio.speech.render_dialogue`)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from reelcast.engines.sim.audio.speech import FIRST_LINE_S, LINE_GAP_S, speak, speaker_voices
from reelcast.prompt.plan import ScenePlan

RATE = 16000  # speech is synthesised at a low rate here: only its envelope is needed


@lru_cache(maxsize=256)
def _line_pcm(text: str, language: str, voice: tuple[str, int, int]) -> np.ndarray:
    return speak(text, language, voice, RATE)


def speech_curves(plan: ScenePlan, fps: int, n_frames: int) -> dict[str, np.ndarray]:
    """Speaker entity → mouth opening 0..1 per frame (0 while silent), following the speech envelope."""
    out: dict[str, np.ndarray] = {}
    if not plan.sound.dialogue:
        return out
    voices = speaker_voices(plan)
    cursor = FIRST_LINE_S
    hop = RATE // fps
    for line in plan.sound.dialogue:
        if not line.text.strip():
            continue
        pcm = _line_pcm(line.text, line.language or "en", voices[line.speaker])
        start_s = line.start if line.start is not None else cursor
        cursor = start_s + pcm.size / RATE + LINE_GAP_S
        n = pcm.size // hop
        if n == 0:
            continue
        rms = np.sqrt(np.mean(pcm[: n * hop].reshape(n, hop) ** 2, axis=1))
        level = np.clip(rms / (np.percentile(rms, 90) + 1e-9), 0.0, 1.0)
        curve = out.setdefault(line.speaker, np.zeros(n_frames))
        a = int(round(start_s * fps))
        for k, v in enumerate(level):
            if 0 <= a + k < n_frames:
                curve[a + k] = max(curve[a + k], float(v))
    return out
