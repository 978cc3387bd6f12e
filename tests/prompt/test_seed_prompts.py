"""Every seed prompt compiles into a plan with the fields that make it recognisable."""

import pytest

from reelcast.prompt.compiler import compile_prompt

from . import seed_prompts as S


def _compile(prompt, seconds=8):
    return compile_prompt(prompt, seconds, 1280, 720)


def _arch(plan, archetype):
    return [e for e in plan.entities if e.archetype == archetype]


def test_skater_spin_jump_has_three_and_a_half_rotations():
    plan = _compile(S.SKATER)
    jump = next(a for a in plan.actions if a.verb == "spin_jump")
    assert jump.actor == "skater"
    assert jump.attributes["rotations"] == 3.5


def test_skater_has_cat_on_her_head_at_ice_rink():
    plan = _compile(S.SKATER)
    assert plan.entity("skater").archetype == "person"
    cat = _arch(plan, "cat")[0]
    assert cat.attributes["on"] == "skater" and cat.attributes["position"] == "head"
    assert plan.setting.place == "ice_rink"


def test_paddleboard_backflip_on_water():
    plan = _compile(S.PADDLEBOARD)
    assert _arch(plan, "person") and _arch(plan, "paddleboard")
    flip = next(a for a in plan.actions if a.verb == "backflip")
    assert flip.attributes.get("on") == "paddleboard"
    assert plan.setting.place in ("lake", "ocean")


def test_horses_two_horses_and_hard_fall():
    plan = _compile(S.HORSES)
    assert _arch(plan, "horse")[0].count == 2
    assert len(_arch(plan, "person")) == 1
    fall = next(a for a in plan.actions if a.verb == "fall")
    assert fall.outcome == "fail"
    assert fall.attributes["intensity"] == "hard"
    assert fall.start is not None and fall.start > plan.duration / 2


def test_horses_not_slow_motion_single_shot():
    plan = _compile(S.HORSES)
    assert plan.style.slow_motion is False
    assert len(plan.shots) == 1
    stand = next(a for a in plan.actions if a.verb == "stand_on")
    assert plan.entity(stand.target).archetype == "horse"


def test_astronaut_dog_named_sora_with_jet_pack():
    plan = _compile(S.ASTRONAUT_DOG)
    dog = _arch(plan, "dog")[0]
    assert dog.name == "Sora"
    assert _arch(plan, "jet_pack")
    assert plan.primary_target == dog.id


def test_astronaut_dog_space_station_zero_g_in_second_shot():
    plan = _compile(S.ASTRONAUT_DOG)
    assert plan.setting.place == "space_station"
    assert len(plan.shots) >= 2
    second = plan.shots[1]
    gravity = second.gravity if second.gravity is not None else plan.setting.gravity
    assert gravity == 0.0
    assert second.indoor is True


def test_astronaut_dog_retro_music_and_floating_tennis_balls():
    plan = _compile(S.ASTRONAUT_DOG)
    assert plan.sound.music and plan.sound.music_mood == "retro"
    balls = _arch(plan, "tennis_ball")[0]
    assert balls.count > 1
    assert _arch(plan, "comet")


def test_anime_festival_style_night_fireworks():
    plan = _compile(S.ANIME_FESTIVAL)
    assert plan.style.look == "anime"
    assert plan.setting.time_of_day == "night"
    assert _arch(plan, "fireworks")
    assert plan.setting.place == "festival_town"


def test_anime_festival_dialogue_in_japanese_between_two_people():
    plan = _compile(S.ANIME_FESTIVAL)
    lines = plan.sound.dialogue
    assert len(lines) >= 2
    assert {line.language for line in lines} == {"ja"}
    assert len({line.speaker for line in lines}) == 2
    assert plan.sound.music_mood == "melancholy"


def test_anime_festival_close_up_framing():
    plan = _compile(S.ANIME_FESTIVAL)
    assert all(s.camera.framing == "close_up" for s in plan.shots)


def test_dragon_sections_parsed():
    plan = _compile(S.DRAGON)
    note = next(n for n in plan.notes if n.startswith("advanced prompt"))
    for header in ("Primary Target & Visuals", "Format & Look", "Sound", "Optimized Shot List", "Finishing"):
        assert header in note


def test_dragon_over_fjord_with_tracking_camera():
    plan = _compile(S.DRAGON)
    assert plan.primary_target == "dragon"
    assert plan.setting.place == "fjord"
    assert len(plan.shots) == 1
    cam = plan.shots[0].camera
    assert cam.move == "track" and cam.focal_length_mm == 50.0
    assert plan.shots[0].title == "Parallel Ridge Carve"


def test_dragon_no_score_means_no_music():
    plan = _compile(S.DRAGON)
    assert plan.sound.music is False
    assert plan.sound.dialogue == []


def test_dragon_format_and_finishing_set_the_look():
    plan = _compile(S.DRAGON)
    assert plan.style.grain == pytest.approx(0.15)
    assert 0 < plan.style.halation <= 0.2
    assert plan.style.motion_blur is True
    assert plan.shots[0].camera.shutter_angle == 180.0
    assert plan.setting.time_of_day == "golden_hour"
    assert plan.duration == 8.0
    assert any("5s" in n for n in plan.notes)


@pytest.mark.parametrize(
    "name", ["SKATER", "PADDLEBOARD", "HORSES", "ASTRONAUT_DOG", "ANIME_FESTIVAL", "DRAGON", "BASKETBALL"]
)
def test_seed_prompt_round_trips_through_dict(name):
    from reelcast.prompt.plan import ScenePlan

    plan = _compile(getattr(S, name))
    assert ScenePlan.from_dict(plan.to_dict()) == plan
