"""The Engine protocol and the Clip every engine returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from reelcast.prompt.plan import ScenePlan

ProgressFn = Callable[[float, str], None]  # (fraction 0..1, stage label)


class EngineError(Exception):
    """An engine cannot render this job (missing weights, bad configuration); `code` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class ContactEvent:
    """One physical contact logged by the simulator (drives impact sounds)."""

    t: float  # seconds from clip start
    body_a: str  # part name, e.g. "ball"
    body_b: str  # part name, e.g. "backboard"
    impulse: float  # N·s (normal impulse)
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    material_a: str = "default"
    material_b: str = "default"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-serialisable dict."""
        return {
            "t": round(self.t, 6),
            "body_a": self.body_a,
            "body_b": self.body_b,
            "impulse": round(self.impulse, 5),
            "position": [round(float(v), 4) for v in self.position],
            "material_a": self.material_a,
            "material_b": self.material_b,
        }


@dataclass
class Clip:
    """Rendered picture (as a lazy frame stream) and audio of one video (possibly still being synthesised)."""

    width: int
    height: int
    fps: int
    n_frames: int
    frames: Iterator[np.ndarray]  # each (height, width, 3) uint8 RGB, yielded in order
    audio: np.ndarray | Future[np.ndarray]  # (samples, 2) float32 in [-1, 1]; a Future while it is synthesised
    sample_rate: int = 48000
    events: list[ContactEvent] = field(default_factory=list)
    plan: ScenePlan | None = None

    @property
    def duration(self) -> float:
        """Length of the picture in seconds."""
        return self.n_frames / self.fps

    def audio_samples(self) -> np.ndarray:
        """The finished audio, waiting for it when it is still being synthesised (its error is raised here)."""
        return self.audio.result() if isinstance(self.audio, Future) else self.audio


class Engine(Protocol):
    """Turns a ScenePlan into a Clip."""

    name: str
    version: str

    def generate(self, plan: ScenePlan, seed: int, progress: ProgressFn | None = None) -> Clip:
        """Simulate and render the plan; frames may be produced lazily while being encoded."""
        ...
