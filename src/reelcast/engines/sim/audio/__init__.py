"""Event-driven soundtrack synthesis for the sim engine: impacts, loops, ambience, music, dialogue, mix."""

from reelcast.engines.sim.audio.onsets import detect_onsets
from reelcast.engines.sim.audio.soundtrack import Stems, render_stems, synthesize

__all__ = ["Stems", "detect_onsets", "render_stems", "synthesize"]
