"""Small hand-built timelines and plans for the soundtrack tests."""

from __future__ import annotations

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import CameraPose, Part, SimTimeline
from reelcast.prompt.plan import DialogueLine, ScenePlan, Setting, SoundPlan

SR = 48000

PARTS = [
    Part("ball", "ball", "sphere", (0.12,), (1.0, 0.5, 0.0), "rubber"),
    Part("rim", "hoop", "cylinder", (0.23, 0.01), (1.0, 0.3, 0.0), "metal"),
    Part("backboard", "hoop", "box", (0.9, 0.02, 0.5), (1.0, 1.0, 1.0), "glass"),
    Part("floor", "court", "box", (14.0, 7.0, 0.05), (0.7, 0.5, 0.3), "wood"),
]


def make_timeline(events: list[ContactEvent], duration: float = 1.5, fps: int = 24,
                  loops: dict[str, np.ndarray] | None = None) -> SimTimeline:
    """A basketball-ish timeline with a static camera looking along +y."""
    n = int(round(duration * fps))
    cams = [CameraPose(eye=(0.0, -8.0, 1.7), target=(0.0, 0.0, 1.5)) for _ in range(n)]
    return SimTimeline(fps=fps, n_frames=n, parts=list(PARTS), poses=np.zeros((n, len(PARTS), 4, 4), np.float32),
                       cameras=cams, events=events, loops=loops or {})


def make_plan(music: bool = True, mood: str | None = None, ambience: str | None = None, place: str = "gym",
              indoor: bool = True, dialogue: list[DialogueLine] | None = None, duration: float = 1.5) -> ScenePlan:
    """A plan whose sound section is the only thing the audio reads."""
    return ScenePlan(prompt="test", duration=duration, width=1280, height=720,
                     setting=Setting(place=place, indoor=indoor),
                     sound=SoundPlan(music=music, music_mood=mood, ambience=ambience, dialogue=dialogue or []))


def hits() -> list[ContactEvent]:
    """Backboard bang, two rim clangs 83 ms apart, two floor bounces, one grass thump."""
    return [
        ContactEvent(0.2083, "ball", "backboard", 7.0, (0.5, 0.0, 3.2)),
        ContactEvent(0.2917, "ball", "rim", 5.0, (0.3, 0.0, 3.05)),
        ContactEvent(0.3750, "ball", "rim", 3.0, (0.1, 0.0, 3.05)),
        ContactEvent(0.7000, "ball", "floor", 8.0, (-1.0, 0.0, 0.0)),
        ContactEvent(1.0500, "ball", "floor", 4.0, (-1.8, 0.0, 0.0)),
        ContactEvent(1.3000, "ball", "ground", 3.0, (-2.5, 0.0, 0.0), material_b="grass"),
    ]
