"""Pure request rules."""

from __future__ import annotations

import pytest

from reelcast.domain import video_rules as rules


def test_sora_model_names_alias_our_profiles():
    assert rules.resolve_model("sora-2")[1].id == "sim"
    assert rules.resolve_model("sora-2-pro-2025-10-06")[1].id == "sim-hq"
    assert rules.resolve_model(None) == ("sora-2", rules.PROFILES["sim"])


def test_own_profile_names_are_accepted():
    assert rules.resolve_model("sim-hq")[1].quality == "high"


def test_unknown_model_names_param():
    with pytest.raises(rules.RuleError) as e:
        rules.resolve_model("dall-e-2")
    assert e.value.param == "model"


def test_size_parses_width_and_height():
    assert rules.parse_size("1280x720") == ("1280x720", 1280, 720)


def test_extra_sizes_extend_allowed_sizes():
    assert rules.parse_size("160x90", ("160x90",))[1:] == (160, 90)
    with pytest.raises(rules.RuleError):
        rules.parse_size("160x90")


def test_seconds_accepts_int_like_strings():
    assert rules.parse_seconds("8") == "8"
    assert rules.parse_seconds(12) == "12"
    assert rules.parse_seconds("4.0") == "4"


def test_seconds_rejects_unsupported_values():
    for bad in ("7", "abc", "-4", "100"):
        with pytest.raises(rules.RuleError) as e:
            rules.parse_seconds(bad)
        assert e.value.param == "seconds"


def test_prompt_must_be_nonempty_and_bounded():
    with pytest.raises(rules.RuleError):
        rules.check_prompt("  ")
    with pytest.raises(rules.RuleError):
        rules.check_prompt("x" * (rules.MAX_PROMPT_CHARS + 1))
    assert rules.check_prompt("a cat") == "a cat"


def test_seed_must_be_a_nonnegative_31_bit_integer():
    assert rules.parse_seed("7") == 7
    assert rules.parse_seed(None) is None
    for bad in ("x", -1, 2**31):
        with pytest.raises(rules.RuleError):
            rules.parse_seed(bad)


def test_quota_never_negative():
    assert rules.quota_remaining(5, 7) == 0
    assert rules.quota_remaining(5, 2) == 3
