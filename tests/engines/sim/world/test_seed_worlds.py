"""World facts of the seed prompts owned by the creatures/places part: space station, festival, dragon."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from reelcast.engines.sim.audio.impacts import render_impacts
from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.dragon import DragonActor
from reelcast.engines.sim.world.festival import LISTENER, SPEED_OF_SOUND, FireworksActor
from reelcast.engines.sim.world.space import DOOR_X, INTERIOR_HI, INTERIOR_LO
from reelcast.prompt.compiler import compile_prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "prompt"))
import seed_prompts as seeds  # noqa: E402

from tests.engines.sim.world.plans import part_positions

SR = 48000


@pytest.fixture(scope="module")
def space():
    """The astronaut-dog seed prompt simulated at 160x90 for 8 s."""
    plan = compile_prompt(seeds.ASTRONAUT_DOG, 8.0, 160, 90)
    return plan, simulate(plan, 7)


@pytest.fixture(scope="module")
def festival():
    """The anime-festival seed prompt simulated at 160x90 for 4 s."""
    plan = compile_prompt(seeds.ANIME_FESTIVAL, 4.0, 160, 90)
    return plan, simulate(plan, 7)


@pytest.fixture(scope="module")
def dragon():
    """The advanced dragon prompt simulated at 160x90 (5 s from its Format & Look)."""
    plan = compile_prompt(seeds.DRAGON, 5.0, 160, 90)
    return plan, simulate(plan, 7)




def test_tennis_balls_do_not_fall_in_zero_g(space) -> None:
    plan, res = space
    second = plan.shots[1]
    a = int(second.start * plan.fps)
    balls = [p.name for p in res.timeline.parts if p.name.startswith("tennis_ball") and "/" not in p.name]
    assert len(balls) >= 10
    z = np.stack([part_positions(res, b)[a:, 2] for b in balls])
    assert z.min() > INTERIOR_LO[2] - 0.3  # nothing settles on the floor
    # under 9.81 m/s² a ball would drop 7.8 m in the 4 s shot; here no ball's mean height moves more than walls allow
    assert float(np.abs(z[:, -1] - z[:, 0]).max()) < INTERIOR_HI[2] - INTERIOR_LO[2]
    assert float(np.abs(np.diff(z, axis=1)).sum()) > 0  # they do move (drift)


def test_floating_tennis_balls_collide(space) -> None:
    _, res = space
    hits = [e for e in res.timeline.events if "tennis_ball" in e.body_a or "tennis_ball" in e.body_b]
    assert hits, "zero-g balls should hit each other or the station walls"


def test_indoor_shot_camera_is_inside_the_station(space) -> None:
    plan, res = space
    assert plan.shots[1].indoor and not plan.shots[0].indoor
    cams = res.timeline.cameras
    a = int(plan.shots[1].start * plan.fps)
    inside = [np.all(np.array(c.eye) >= INTERIOR_LO - 0.3) and np.all(np.array(c.eye) <= INTERIOR_HI + 0.3)
              for c in cams]
    assert all(inside[a:])
    assert not any(inside[:a])


def test_dog_flies_in_through_the_door_before_the_cut(space) -> None:
    plan, res = space
    a = int(plan.shots[1].start * plan.fps)
    dog = res.focus["dog"]
    assert dog[0, 0] < DOOR_X - 5  # starts outside, in space
    assert DOOR_X < dog[a, 0] < DOOR_X + 2.5  # just through the doorway at the cut
    assert INTERIOR_LO[0] < dog[-1, 0] < INTERIOR_HI[0]  # inside by the end
    assert np.all(np.linalg.norm(np.diff(dog, axis=0), axis=1) < 1.0)  # no teleport


def test_helmet_opens_in_the_second_shot(space) -> None:
    plan, res = space
    rib = part_positions(res, "helmet/dome")
    head = part_positions(res, "dog/nose")
    gap = np.linalg.norm(rib - head, axis=1)
    a = int(plan.shots[1].start * plan.fps)
    assert gap[-1] > gap[a - 1] + 0.1  # the dome has swung back off the head


def test_dog_catches_the_ball_in_its_mouth(space) -> None:
    _, res = space
    ball = part_positions(res, "tennis_ball")
    nose = part_positions(res, "dog/nose")
    gap = np.linalg.norm(ball - nose, axis=1)
    assert gap[0] > 1.0  # it starts across the cabin
    assert gap[-1] < 0.12  # and ends up held at the mouth
    assert np.all(np.linalg.norm(np.diff(ball, axis=0), axis=1) < 0.3)  # it drifted there, no jump


def test_jet_pack_drives_the_thrust_loop(space) -> None:
    plan, res = space
    jet = res.timeline.loops["jet"]
    a = int(plan.shots[1].start * plan.fps)
    assert jet[: a // 2].mean() > 0.9 > jet[-1]


def test_festival_mouths_move_with_their_own_lines(festival) -> None:
    plan, res = festival
    names = [p.name for p in res.timeline.parts]
    fps = plan.fps
    lines = plan.sound.dialogue
    for who in ("protagonist_1", "protagonist_2"):
        k = names.index(f"{who}/mouth")
        opening = np.linalg.norm(res.timeline.poses[:, k, :3, 1], axis=1)
        own = [ln for ln in lines if ln.speaker == who and ln.start is not None and ln.start < plan.duration - 0.5]
        other = [ln for ln in lines if ln.speaker != who and ln.start is not None and ln.start < plan.duration - 0.5]
        assert own and other
        during_own = opening[int(own[0].start * fps): int((own[0].start + 0.6) * fps)]
        during_other = opening[int(other[0].start * fps) + 2: int((other[0].start + 0.6) * fps)]
        assert during_own.max() > 1.8 * during_other.max()


def test_firework_booms_arrive_distance_over_speed_of_sound_after_the_flash(festival) -> None:
    _, res = festival
    fw = FireworksActor("fireworks", 7, 4.0)
    booms = sorted(e.t for e in res.timeline.events if e.body_a.startswith("fireworks/"))
    expected = sorted(t + np.linalg.norm(c - LISTENER) / SPEED_OF_SOUND for t, c in zip(fw.times, fw.centers,
                                                                                         strict=True))
    assert booms == pytest.approx(expected, abs=1e-9)
    assert all(b - t > 0.15 for b, t in zip(sorted(booms), sorted(fw.times), strict=True))


def test_firework_sparks_are_hidden_until_their_burst(festival) -> None:
    _, res = festival
    fw = FireworksActor("fireworks", 7, 4.0)
    k = next(i for i, p in enumerate(res.timeline.parts) if p.name == "fireworks/burst0_0")
    scale = np.linalg.norm(res.timeline.poses[:, k, :3, 0], axis=1)
    frame = int(fw.times[0] * 24)
    assert scale[: max(frame - 1, 0)].max(initial=0.0) == 0.0
    assert scale[frame + 2] > 0.5


def test_firework_boom_sound_starts_on_the_delayed_sample(festival) -> None:
    _, res = festival
    tl = res.timeline
    booms = [e for e in tl.events if e.body_a.startswith("fireworks/")]
    n = int(round(tl.duration * SR))
    audio = render_impacts(tl, 7, n, SR, 16 / 9)
    for e in booms:
        s = int(round(e.t * SR))
        if s >= n - 10:
            continue
        assert np.abs(audio[max(0, s - 200): s]).max() < np.abs(audio[s: s + 200]).max()


def test_dragon_wings_flap(dragon) -> None:
    _, res = dragon
    names = [p.name for p in res.timeline.parts]
    k = names.index("dragon/wing_l_inner")
    b = names.index("dragon/body")
    rel = np.array([np.linalg.inv(res.timeline.poses[f, b]) @ res.timeline.poses[f, k]
                    for f in range(res.timeline.n_frames)])
    up = rel[:, 2, 1]  # how far the wing's outward axis points up, relative to the body
    assert up.max() - up.min() > 0.8  # a full stroke, not a wobble
    assert np.sign(np.diff(up)).tolist().count(1) > 10 and np.sign(np.diff(up)).tolist().count(-1) > 10


def test_dragon_flies_at_altitude_with_vortices_and_no_music(dragon) -> None:
    plan, res = dragon
    path = res.focus["dragon"]
    assert path[:, 2].min() > 15
    assert path[-1, 0] - path[0, 0] > 40  # it crosses the corridor
    assert any(p.entity == "dragon_vortices" for p in res.timeline.parts)
    assert "wind" in res.timeline.loops
    assert plan.sound.music is False


def test_dragon_downstroke_thumps_match_the_wingbeat() -> None:
    d = DragonActor("dragon", np.zeros(3), 0.0, 5.0, 7, (0.3, 0.4, 0.4), (0.5, 0.6, 0.6))
    for t in d.downstrokes():
        assert d.flap(t - 0.01) > d.flap(t) > d.flap(t + 0.01)  # wings going down fastest


def test_seed_worlds_are_deterministic() -> None:
    plan = compile_prompt(seeds.DRAGON, 1.0, 160, 90)
    a, b = simulate(plan, 3).timeline, simulate(plan, 3).timeline
    assert np.array_equal(a.poses, b.poses)


def test_firework_and_wing_sounds_have_their_own_low_timbres() -> None:
    from reelcast.engines.sim.audio.impacts import classify, grain

    assert classify("firework", "air") == "boom"
    assert classify("membrane", "air") == "wing_flap"

    def centroid(category: str) -> tuple[float, int]:
        body, bright = grain(category, 0, SR)
        x = body + bright
        power = np.abs(np.fft.rfft(x)) ** 2
        return float((power * np.fft.rfftfreq(x.size, 1 / SR)).sum() / power.sum()), x.size

    boom, n = centroid("boom")
    assert boom < 0.5 * centroid("default")[0]  # a boom is dark, not a knock
    assert boom < 300
    assert n / SR > 1.0  # and it rumbles on
    assert centroid("wing_flap")[0] < 0.5 * centroid("default")[0]
