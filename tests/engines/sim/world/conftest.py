"""Fixtures shared by the world tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reelcast.engines.sim.world.builder import simulate
from reelcast.prompt.compiler import compile_prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "prompt"))
import seed_prompts as seeds  # noqa: E402


@pytest.fixture(scope="module")
def festival():  # type: ignore[no-untyped-def]
    """The anime-festival seed prompt simulated at 160x90 for 8 s (four shots)."""
    plan = compile_prompt(seeds.ANIME_FESTIVAL, 8.0, 160, 90)
    return plan, simulate(plan, 7)
