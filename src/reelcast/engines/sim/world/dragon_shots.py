"""The dragon's tracking shot, ending on the fjord: the camera paces the dragon through the ice-spire corridor
(the generic aerial track), and as the dragon banks towards the fjord it climbs and tilts down past the dragon,
so the glacier's ice cliff and the cobalt water below it fill the lower part of the frame.

The eye climbs on the open (−y) side of the corridor, above the short ice fins there: it never enters a spire.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from reelcast.engines.sim.scene import CameraPose
from reelcast.engines.sim.world.camera import Director, ShotSpan, shot_cameras, smoothstep

if TYPE_CHECKING:
    from reelcast.engines.sim.world.dragon import DragonActor

REVEAL_LEAD = 0.5  # seconds before the bank that the camera starts to climb
REVEAL_TIME = 1.3  # seconds the climb takes
# metres the eye moves: out to the open side, up, and back level with the dragon, so the closing view looks out over
# the fjord rather than back along the spire corridor (whose bases would fill the frame)
CLIMB = np.array([-16.0, -6.0, 9.0])
AIM_DROP = 3.0  # metres below the dragon that the camera aims by the end: the dragon rides high in frame


def reveal(t: float, bank_start: float) -> float:
    """0 while pacing the dragon, rising to 1 as the camera finishes its climb over the bank."""
    return smoothstep((t - (bank_start - REVEAL_LEAD)) / REVEAL_TIME)


def fjord_reveal(dragon: DragonActor, seed: int) -> Director:
    """Direct the dragon's tracking shots: the aerial track, then the climb that reveals the fjord."""

    def direct(span: ShotSpan) -> list[CameraPose] | None:
        cam = span.shot.camera
        if cam.target not in (None, dragon.entity) or cam.move not in ("track", "follow") \
                or dragon.entity not in span.focus:
            return None
        sub = span.focus[dragon.entity][span.first:span.stop]
        base = shot_cameras(cam, span.stop - span.first, sub, dragon.size, np.zeros((0, 3)), span.aspect,
                            span.fps, seed, span.index, np.array([1.0, 0.0, 0.0]))
        out = []
        for p, t in zip(base, span.times(), strict=True):
            w = reveal(t, dragon.bank_start)
            eye = np.array(p.eye) + w * CLIMB
            target = np.array(p.target) - np.array([0.0, 0.0, w * AIM_DROP])
            out.append(replace(p, eye=tuple(float(v) for v in eye), target=tuple(float(v) for v in target)))
        return out

    return direct
