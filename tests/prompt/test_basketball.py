"""The foundation prompt: a missed basketball shot rebounds off the backboard."""

from reelcast.prompt.compiler import compile_prompt

from .seed_prompts import BASKETBALL


def _plan():
    return compile_prompt(BASKETBALL, 8, 1280, 720)


def test_basketball_has_player_ball_and_hoop():
    plan = _plan()
    assert plan.entity("player").archetype == "person"
    assert plan.entity("ball").archetype == "basketball"
    assert any(e.archetype == "hoop" for e in plan.entities)


def test_basketball_shoot_targets_hoop_and_misses():
    plan = _plan()
    shoot = next(a for a in plan.actions if a.verb == "shoot")
    assert shoot.actor == "player"
    assert plan.entity(shoot.target).archetype == "hoop"
    assert shoot.outcome == "miss"


def test_basketball_ball_bounces_off_backboard():
    plan = _plan()
    hoop = next(e for e in plan.entities if e.archetype == "hoop")
    assert hoop.attributes.get("part") == "backboard"
    bounce = next(a for a in plan.actions if a.verb == "bounce")
    assert bounce.actor == "ball" and bounce.target == hoop.id


def test_basketball_place_is_court():
    plan = _plan()
    assert plan.setting.place == "basketball_court"
    assert plan.primary_target == "player"
