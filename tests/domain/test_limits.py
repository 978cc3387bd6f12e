"""Quota, rate-limit and webhook-backoff rules."""

from __future__ import annotations

import pytest

from reelcast.domain import limits


@pytest.mark.parametrize(("now", "length", "key", "reset"), [
    (0.0, 60, "req:0", 60.0),
    (59.5, 60, "req:0", 0.5),
    (60.0, 60, "req:1", 60.0),
    (86400 * 3 + 3600, 86400, "req:3", 82800.0),
])
def test_window_is_fixed_and_aligned(now, length, key, reset):
    w = limits.window(now, length, "req")
    assert (w.key, w.reset_seconds) == (key, reset)


@pytest.mark.parametrize(("limit", "count", "allowed", "remaining"), [
    (3, 1, True, 2),
    (3, 3, True, 0),
    (3, 4, False, 0),
    (0, 999, True, 0),  # 0 = unlimited
])
def test_decide_counts_against_the_limit(limit, count, allowed, remaining):
    d = limits.decide(limit, count, 10.0)
    assert (d.allowed, d.remaining) == (allowed, remaining)


@pytest.mark.parametrize(("tier", "expected"), [
    (None, 30), ("regular", 30), ("pro", 300), ("unlimited", 0), ("unknown", 30),
])
def test_quota_for_tier(tier, expected):
    assert limits.quota_for(tier, {"regular": 30, "pro": 300, "unlimited": 0}) == expected


@pytest.mark.parametrize(("attempts", "delay"), [
    (1, 5.0), (2, 10.0), (3, 20.0), (11, 3600.0), (limits.WEBHOOK_MAX_ATTEMPTS, None),
])
def test_backoff_doubles_caps_and_gives_up(attempts, delay):
    assert limits.backoff_seconds(attempts, base=5.0) == delay


@pytest.mark.parametrize(("seconds", "text"), [
    (0.02, "20ms"), (1.0, "1s"), (1.5, "1.5s"), (360.0, "6m0s"), (3725.0, "1h2m5s"),
])
def test_format_reset_like_openai(seconds, text):
    assert limits.format_reset(seconds) == text
