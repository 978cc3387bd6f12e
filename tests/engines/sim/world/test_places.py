"""Place lighting: lamplit streets get a warm key light after dark, other places keep moonlight."""

from __future__ import annotations

from reelcast.engines.sim.world.places import build_environment


def test_festival_town_at_night_is_lit_by_warm_lamplight():
    env = build_environment("festival_town", "night", "clear", False, 9.81)
    r, _, b = env.sun_color
    assert r > b and env.sun_intensity >= 0.7 and env.ambient >= 0.28 and env.stars


def test_an_unlit_place_at_night_keeps_cool_moonlight():
    env = build_environment("park", "night", "clear", False, 9.81)
    r, _, b = env.sun_color
    assert b > r and env.sun_intensity < 0.5


def test_festival_town_by_day_is_unchanged_by_its_lamps():
    day = build_environment("festival_town", "day", "clear", False, 9.81)
    assert day.sun_color == build_environment("park", "day", "clear", False, 9.81).sun_color
