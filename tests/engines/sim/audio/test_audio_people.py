"""The new people sounds land on their events: the skate landing, the board's splash, the rider hitting the ground."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.audio import detect_onsets, render_stems
from reelcast.engines.sim.world.builder import simulate
from reelcast.prompt.compiler import compile_prompt
from tests.prompt.seed_prompts import HORSES, PADDLEBOARD, SKATER

SR = 48000


def _impact_onsets(prompt: str, seconds: float) -> tuple[list[float], list]:
    plan = compile_prompt(prompt, seconds, 160, 90)
    tl = simulate(plan, 7).timeline
    stems = render_stems(plan, tl, 7, SR)
    return detect_onsets(stems.impacts, SR), tl.events


@pytest.mark.parametrize(("prompt", "body_b"), [(SKATER, "ice"), (PADDLEBOARD, "water")])
def test_landing_sound_starts_on_the_landing_sample(prompt: str, body_b: str) -> None:
    onsets, events = _impact_onsets(prompt, 3.0)
    land = max((e for e in events if e.body_b == body_b), key=lambda e: e.impulse)
    assert min(abs(o - land.t) for o in onsets) < 0.005


def test_rider_hitting_the_ground_is_heard_when_it_happens() -> None:
    onsets, events = _impact_onsets(HORSES, 3.0)
    hit = min((e for e in events if e.body_a.startswith("person/") and e.body_b == "ground"), key=lambda e: e.t)
    assert min(abs(o - hit.t) for o in onsets) < 0.005


def test_blade_scrape_stem_is_quiet_while_the_skater_is_in_the_air() -> None:
    plan = compile_prompt(SKATER, 3.0, 160, 90)
    tl = simulate(plan, 7).timeline
    loops = render_stems(plan, tl, 7, SR).loops
    level = tl.loops["skater/skate_blade"]
    air = np.flatnonzero(level == 0.0)
    a, b = (air[0] + 1) / tl.fps, air[-1] / tl.fps  # inside the airborne stretch
    glide = np.sqrt(np.mean(loops[int(0.2 * SR):int(0.6 * SR)] ** 2))
    flight = np.sqrt(np.mean(loops[int(a * SR):int(b * SR)] ** 2))
    assert flight < 0.1 * glide
