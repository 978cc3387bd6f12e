"""The diffusers engine's soundtrack: the sim audio stack driven by the plan's sound cues and action beats.

A generated picture has no physics log, so impacts are placed on the beats of the plan's actions (a landing at the end
of a backflip, the rim on a missed shot, footsteps while walking). If the operator provides a diffusers text-to-audio
model (AudioLDM 2 or Stable Audio) under `<models>/audio`, it renders the ambience bed instead of the synthesiser.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import CameraPose, Environment, SimTimeline
from reelcast.prompt.plan import Action, ScenePlan

SAMPLE_RATE = 48000

# place word → ground material of the impact synthesiser
GROUND: dict[str, str] = {
    "court": "wood", "gym": "wood", "stage": "wood", "rink": "ice", "ice": "ice", "lake": "water", "sea": "water",
    "pool": "water", "ocean": "water", "river": "water", "beach": "sand", "desert": "sand", "station": "metal",
    "ship": "metal", "street": "concrete", "city": "concrete", "road": "concrete", "studio": "concrete",
    "snow": "snow", "fjord": "water", "field": "grass", "park": "grass", "meadow": "grass", "forest": "grass",
}

# verb → beats as (fraction of the action's span, body a, body b, material a, strength 0..1.5)
BEATS: dict[str, tuple[tuple[float, str, str, str, float], ...]] = {
    "backflip": ((0.95, "body", "ground", "skin", 0.6),),
    "frontflip": ((0.95, "body", "ground", "skin", 0.6),),
    "spin_jump": ((0.9, "body", "ground", "skin", 0.5),),
    "jump": ((0.9, "body", "ground", "skin", 0.5),),
    "cartwheel": ((0.5, "hands", "ground", "skin", 0.3), (0.95, "body", "ground", "skin", 0.4)),
    "fall": ((0.8, "body", "ground", "skin", 1.2),),
    "kick": ((0.5, "foot", "ball", "rubber", 0.8),),
    "throw": ((0.3, "hand", "ball", "rubber", 0.3),),
    "grab": ((0.5, "hand", "prop", "skin", 0.3),),
    "bounce": ((0.0, "ball", "ground", "rubber", 1.0), (0.45, "ball", "ground", "rubber", 0.6),
               (0.75, "ball", "ground", "rubber", 0.35), (0.92, "ball", "ground", "rubber", 0.2)),
}
STEP_PERIOD: dict[str, float] = {"walk": 0.55, "run": 0.32, "dance": 0.5, "skate": 0.7}


def ground_material(plan: ScenePlan) -> str:
    """Material of the ground the plan's place implies ("default" when unknown)."""
    place = plan.setting.place.lower()
    return next((m for word, m in GROUND.items() if word in place), "default")


def _span(plan: ScenePlan, a: Action) -> tuple[float, float]:
    start = a.start if a.start is not None else 0.0
    end = a.end if a.end is not None else plan.duration
    return max(0.0, start), max(start + 0.2, min(end, plan.duration))


def beat_events(plan: ScenePlan) -> list[ContactEvent]:
    """Impact events on the beats of the plan's actions, in time order."""
    from reelcast.engines.sim.audio.impacts import TIMBRES, classify

    ground = ground_material(plan)
    events: list[ContactEvent] = []

    def add(t: float, a: str, b: str, mat_a: str, mat_b: str, strength: float) -> None:
        if 0.0 <= t < plan.duration:
            ref = TIMBRES[classify(mat_a, mat_b)].ref_impulse
            events.append(ContactEvent(t=t, body_a=a, body_b=b, impulse=ref * strength, material_a=mat_a,
                                       material_b=mat_b))

    for a in plan.actions:
        start, end = _span(plan, a)
        if a.verb == "shoot":
            t_hit = start + 0.55 * (end - start)
            if a.outcome == "miss":
                add(t_hit, "ball", "rim", "rubber", "metal", 0.9)
                add(t_hit + 0.12, "ball", "backboard", "rubber", "glass", 0.6)
            else:
                add(t_hit, "ball", "rim", "rubber", "metal", 0.25)
            for i, k in enumerate((0.75, 0.85, 0.93)):
                add(start + k * (end - start), "ball", "ground", "rubber", ground, 0.8 / (i + 1))
        elif a.verb in STEP_PERIOD:
            t = start
            while t < end:
                add(t, "foot", "ground", "skin", ground, 0.15)
                t += STEP_PERIOD[a.verb]
        for frac, body_a, body_b, mat_a, strength in BEATS.get(a.verb, ()):
            mat_b = ground if body_b == "ground" else ("rubber" if body_b == "ball" else "default")
            scale = 1.5 if a.attributes.get("intensity") == "hard" else 1.0
            add(start + frac * (end - start), body_a, body_b, mat_a, mat_b, strength * scale)
    return sorted(events, key=lambda e: e.t)


def beat_timeline(plan: ScenePlan, n_frames: int, fps: int) -> SimTimeline:
    """A minimal timeline for the sim audio stack: no parts, a static centred camera, and the beat events."""
    cams = [CameraPose(eye=(0.0, -8.0, 1.6), target=(0.0, 0.0, 1.0))] * n_frames
    env = Environment(ground_material=ground_material(plan), gravity=plan.setting.gravity)
    return SimTimeline(fps=fps, n_frames=n_frames, parts=[], poses=np.zeros((n_frames, 0, 4, 4), np.float32),
                       cameras=cams, env=env, events=beat_events(plan))


AudioModel = Callable[[str, float, int], np.ndarray]  # (prompt, seconds, seed) → (n, 2) float32 at 48 kHz


def ambience_prompt(plan: ScenePlan) -> str:
    """Text for a text-to-audio model: the ambience bed of the plan's place."""
    s = plan.setting
    kind = plan.sound.ambience or ("room tone" if s.indoor else "outdoor ambience")
    return f"{kind.replace('_', ' ')} ambience at a {s.place.replace('_', ' ')}, {s.time_of_day.replace('_', ' ')}"


def soundtrack(plan: ScenePlan, n_frames: int, fps: int, seed: int,
               audio_model: AudioModel | None = None) -> tuple[np.ndarray, list[ContactEvent]]:
    """Finished 48 kHz stereo soundtrack and the beat events it sonified."""
    from reelcast.engines.sim.audio.mix import master
    from reelcast.engines.sim.audio.soundtrack import render_stems

    timeline = beat_timeline(plan, n_frames, fps)
    stems = render_stems(plan, timeline, seed, SAMPLE_RATE)
    if audio_model is not None:
        n = stems.ambience.shape[0]
        bed = _fit(audio_model(ambience_prompt(plan), n / SAMPLE_RATE, seed), n)
        target = float(np.sqrt(np.mean(stems.ambience.astype(np.float64) ** 2))) or 0.05
        rms = float(np.sqrt(np.mean(bed.astype(np.float64) ** 2)))
        stems.ambience = (bed * (target / rms if rms > 1e-9 else 0.0)).astype(np.float32)
    audio = master(stems.mixdown(SAMPLE_RATE), SAMPLE_RATE)
    return np.asarray(audio, dtype=np.float32), timeline.events


def _fit(audio: np.ndarray, n: int) -> np.ndarray:
    """Stereo (n, 2): mono duplicated, loop-padded or trimmed to n samples."""
    a = np.asarray(audio, dtype=np.float32)
    if a.ndim == 1:
        a = a[:, None]
    if a.shape[1] == 1:
        a = np.repeat(a, 2, axis=1)
    a = a[:, :2]
    if len(a) == 0:
        return np.zeros((n, 2), np.float32)
    reps = -(-n // len(a))
    return np.tile(a, (reps, 1))[:n]
