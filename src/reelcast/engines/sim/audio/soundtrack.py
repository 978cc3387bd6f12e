"""The soundtrack of one clip: render each stem, duck under speech, master to about −16 LUFS."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelcast.engines.sim.audio.ambience import render_ambience, scene_kind
from reelcast.engines.sim.audio.impacts import render_impacts
from reelcast.engines.sim.audio.loops import render_loops
from reelcast.engines.sim.audio.mix import duck_gain, master, speech_presence, tame_peaks
from reelcast.engines.sim.audio.music import render_music
from reelcast.engines.sim.audio.reverb import add_reverb
from reelcast.engines.sim.audio.speech import render_dialogue
from reelcast.engines.sim.scene import SimTimeline
from reelcast.prompt.plan import ScenePlan

MUSIC_DUCK_DB = 10.0
AMBIENCE_DUCK_DB = 5.0
# peak-to-RMS allowed in the smooth stems, so the master limiter (no look-ahead) mostly acts on impacts alone
SPEECH_CREST_DB = 12.0
MUSIC_CREST_DB = 14.0


@dataclass
class Stems:
    """Each part of the soundtrack as (samples, 2) float32, before ducking and mastering."""

    impacts: np.ndarray
    loops: np.ndarray
    ambience: np.ndarray
    music: np.ndarray
    speech: np.ndarray

    def mixdown(self, sample_rate: int) -> np.ndarray:
        """Sum of the stems with music and ambience ducked under speech (not yet mastered)."""
        mix = self.impacts.astype(np.float64) + self.loops
        music = tame_peaks(self.music, sample_rate, MUSIC_CREST_DB)
        if self.speech.any():
            mix = mix + tame_peaks(self.speech, sample_rate, SPEECH_CREST_DB)
            presence = speech_presence(self.speech, sample_rate)  # (once for both ducked stems)
            if presence is None:  # too quiet to duck under
                mix = mix + music + self.ambience
            else:
                mix = mix + music * duck_gain(presence, MUSIC_DUCK_DB)[:, None]
                mix = mix + self.ambience * duck_gain(presence, AMBIENCE_DUCK_DB)[:, None]
        else:
            mix = mix + music + self.ambience
        return mix


def render_stems(plan: ScenePlan, timeline: SimTimeline, seed: int, sample_rate: int = 48000) -> Stems:
    """Render every stem of the soundtrack for this plan and simulated timeline."""
    n = int(round(timeline.duration * sample_rate))
    aspect = plan.width / plan.height if plan.width and plan.height else 16 / 9
    silent = np.zeros((n, 2), dtype=np.float32)
    if plan.sound.sfx:
        impacts = add_reverb(render_impacts(timeline, seed, n, sample_rate, aspect), scene_kind(plan), sample_rate)
        loops = render_loops(timeline, seed, n, sample_rate)
    else:
        impacts, loops = silent, silent
    ambience = render_ambience(plan, seed, n, sample_rate)
    music = render_music(plan.sound.music_mood, seed, n, sample_rate) if plan.sound.music else silent
    speech = render_dialogue(plan, n, sample_rate)
    return Stems(impacts=impacts, loops=loops, ambience=ambience, music=music, speech=speech)


def synthesize(plan: ScenePlan, timeline: SimTimeline, seed: int, sample_rate: int = 48000) -> np.ndarray:
    """Finished stereo soundtrack: (round(duration * sample_rate), 2) float32 in [-1, 1]."""
    stems = render_stems(plan, timeline, seed, sample_rate)
    return master(stems.mixdown(sample_rate), sample_rate)
