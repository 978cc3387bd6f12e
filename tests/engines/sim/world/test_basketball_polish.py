"""Basketball polish: a closed hall, a 3/4 wide shot that shows the backboard's face, crowd reactions after shots."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines.sim.audio.loops import loop_kind, render_loops
from reelcast.engines.sim.scene import SimTimeline
from reelcast.engines.sim.world.basketball import REACTION_DELAY, crowd_reaction
from reelcast.engines.sim.world.builder import SimResult, simulate
from reelcast.engines.sim.world.camera import project
from reelcast.prompt.plan import SoundPlan

from .plans import basketball_plan


def _plan(outcome: str) -> object:
    plan = basketball_plan(outcome, duration=3.5)
    plan.sound = SoundPlan(ambience="gym")
    return plan


@pytest.fixture(scope="module")
def miss() -> SimResult:
    return simulate(_plan("miss"), 3)


@pytest.fixture(scope="module")
def make() -> SimResult:
    return simulate(_plan("make"), 3)


def _onset(level: np.ndarray, fps: int) -> float:
    return float(np.flatnonzero(level > 0.02)[0]) / fps


def test_crowd_groans_after_the_last_touch_of_a_miss(miss: SimResult) -> None:
    assert miss.outcomes[0] == "miss"
    level = miss.timeline.loops["crowd/groan"]
    last_touch = max(e.t for e in miss.timeline.events if e.body_a == "ball" and e.body_b in ("rim", "backboard"))
    assert abs(_onset(level, miss.timeline.fps) - (last_touch + REACTION_DELAY)) < 2 / miss.timeline.fps
    assert "crowd/cheer" not in miss.timeline.loops


def test_crowd_cheers_after_a_make_and_never_before_the_ball_goes_in(make: SimResult) -> None:
    assert make.outcomes[0] == "make"
    level = make.timeline.loops["crowd/cheer"]
    rim = make.shots[0].hoop.hoop.rim_center
    path = make.paths["ball"]
    below = np.flatnonzero((path[:-1, 2] >= rim[2]) & (path[1:, 2] < rim[2])
                           & (np.linalg.norm(path[1:, :2] - rim[:2], axis=1) < 0.25))
    t_in = (below[0] + 1) / 240
    assert _onset(level, make.timeline.fps) >= t_in + REACTION_DELAY - 1 / make.timeline.fps


def test_no_crowd_reaction_without_spectators() -> None:
    plan = basketball_plan("miss", duration=3.5)
    plan.sound = SoundPlan(ambience=None)
    assert not any(k.startswith("crowd/") for k in simulate(plan, 3).timeline.loops)


def test_cheer_and_groan_have_their_own_synthesisers_and_make_sound() -> None:
    assert loop_kind("crowd/cheer") == "cheer" and loop_kind("crowd/groan") == "groan"
    env = crowd_reaction("miss", 0.5, 24, 72)
    tl = SimTimeline(fps=24, n_frames=72, parts=[], poses=np.zeros((72, 0, 4, 4)), cameras=[], loops=env)
    audio = render_loops(tl, 1, 3 * 48000, 48000)
    assert np.abs(audio[: int(0.8 * 48000)]).max() == 0.0
    assert np.sqrt(np.mean(audio[int(1.2 * 48000):int(1.8 * 48000)] ** 2)) > 0.02


def test_hall_has_walls_on_every_side(miss: SimResult) -> None:
    names = {p.name for p in miss.timeline.parts}
    assert {"court/wall_end", "court/wall_far", "court/wall_l", "court/wall_r"} <= names


def test_wide_shot_holds_player_hoop_and_ball_path_and_sees_the_backboard_face(miss: SimResult) -> None:
    tl = miss.timeline
    aspect = 160 / 90
    names = [p.name for p in tl.parts]
    board = tl.poses[0, names.index("backboard"), :3, 3] if "backboard" in names else None
    rim = miss.shots[0].hoop.hoop.rim_center
    player = tl.poses[0, names.index("player/torso"), :3, 3]
    for k in range(0, tl.n_frames, 6):
        cam = tl.cameras[k]
        for point in (rim, player, miss.paths["ball"][int(k * 240 / tl.fps)]):
            x, y, z = project(cam, point, aspect)
            assert z > 0 and abs(x) < 0.92 and abs(y) < 0.95
    eye = np.array(tl.cameras[0].eye)
    facing = -np.array([1.0, 0.0, 0.0])  # the board faces the shooter (towards −x)
    centre = board if board is not None else rim
    assert float((eye - centre)[:2] @ facing[:2]) > 2.0
