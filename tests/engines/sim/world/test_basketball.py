"""Basketball shots are decided by the physics of the ball against the hoop."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.world.basketball import through_ring
from reelcast.engines.sim.world.builder import SimResult, simulate

from .plans import basketball_plan


@pytest.fixture(scope="module")
def miss() -> SimResult:
    return simulate(basketball_plan("miss"), seed=7)


@pytest.fixture(scope="module")
def make() -> SimResult:
    return simulate(basketball_plan("make"), seed=7)


def _went_through(res: SimResult) -> bool:
    shot = res.shots[0]
    path = res.paths[shot.ball][shot.release_step:]
    rim = shot.hoop.hoop.rim_center
    return any(through_ring(path[i], path[i + 1], rim) for i in range(len(path) - 1))


def test_miss_touches_rim_or_backboard(miss: SimResult) -> None:
    hits = [e for e in miss.timeline.events if e.body_a == "ball" and e.body_b in ("rim", "backboard")]
    assert hits


def test_miss_never_goes_through_the_ring(miss: SimResult) -> None:
    assert not _went_through(miss)
    assert miss.outcomes[0] == "miss"


def test_make_goes_through_the_ring(make: SimResult) -> None:
    assert _went_through(make)
    assert make.outcomes[0] == "make"


def test_ball_leaves_the_hands_without_teleporting(miss: SimResult) -> None:
    shot = miss.shots[0]
    path = miss.paths[shot.ball]
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    # at most ~12 m/s at 240 Hz: no jumps anywhere, including the release
    assert steps.max() < 0.06


def test_outcome_none_is_a_seeded_choice() -> None:
    a = simulate(basketball_plan(None, duration=2.5), seed=3).outcomes[0]
    b = simulate(basketball_plan(None, duration=2.5), seed=3).outcomes[0]
    assert a == b and a in ("make", "miss")
