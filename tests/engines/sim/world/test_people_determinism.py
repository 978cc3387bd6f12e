"""Same plan + seed → the same world: poses and contact logs of the people seed prompts repeat exactly."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.world.builder import simulate
from reelcast.prompt.compiler import compile_prompt
from tests.prompt.seed_prompts import HORSES, PADDLEBOARD, SKATER


@pytest.mark.parametrize("prompt", [SKATER, PADDLEBOARD, HORSES])
def test_people_worlds_are_deterministic(prompt: str) -> None:
    a = simulate(compile_prompt(prompt, 1.5, 160, 90), 11).timeline
    b = simulate(compile_prompt(prompt, 1.5, 160, 90), 11).timeline
    assert np.array_equal(a.poses, b.poses)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]
    assert a.loops.keys() == b.loops.keys() and all(np.array_equal(a.loops[k], b.loops[k]) for k in a.loops)
