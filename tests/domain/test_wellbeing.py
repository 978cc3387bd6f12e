"""Wellbeing rules: teen caps and breaks, adult nudges, guardian caps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reelcast.domain import wellbeing as wb
from reelcast.domain.video_rules import RuleError

NOON = int(datetime(2026, 12, 2, 12, 0, tzinfo=UTC).timestamp())
MIDNIGHT = int(datetime(2026, 12, 3, 0, 0, tzinfo=UTC).timestamp())
TEEN = wb.Policy(is_minor=True)
ADULT = wb.Policy(is_minor=False)


def seen(session: int, day: int, **kw: int) -> wb.Counters:
    return wb.Counters(session_started_at=NOON - 600, session_seen=session, last_seen_at=NOON - 60,
                       day="2026-12-02", day_seen=day, **kw)


@pytest.mark.parametrize(("policy", "counters", "limit", "expected"), [
    (ADULT, seen(500, 900), 10, wb.PagePlan(10)),
    (TEEN, seen(0, 0), 10, wb.PagePlan(10)),
    (TEEN, seen(19, 19), 10, wb.PagePlan(10)),
    (TEEN, seen(20, 20), 10, wb.PagePlan(10, "session", NOON + wb.SESSION_COOLDOWN_S)),
    (TEEN, seen(25, 25), 10, wb.PagePlan(5, "session", NOON + wb.SESSION_COOLDOWN_S)),
    (TEEN, seen(30, 30), 10, wb.PagePlan(0, "session", NOON + wb.SESSION_COOLDOWN_S)),
    (TEEN, seen(5, 95), 10, wb.PagePlan(5, "daily", MIDNIGHT)),
    (TEEN, seen(0, 100), 10, wb.PagePlan(0, "daily", MIDNIGHT)),
    (TEEN, seen(0, 0, break_until=NOON + 5), 10, wb.PagePlan(0, "session", NOON + 5)),
    (wb.Policy(is_minor=True, session_cap=3), seen(0, 0), 10, wb.PagePlan(3, "session",
                                                                          NOON + wb.SESSION_COOLDOWN_S)),
    (wb.Policy(is_minor=True, continuous=False), seen(0, 0), 20,
     wb.PagePlan(wb.NON_CONTINUOUS_SESSION, "session", NOON + wb.SESSION_COOLDOWN_S)),
])
def test_plan_page_caps_teens_and_not_adults(policy: wb.Policy, counters: wb.Counters, limit: int,
                                             expected: wb.PagePlan) -> None:
    assert wb.plan_page(policy, counters, NOON, limit) == expected


@pytest.mark.parametrize(("counters", "now", "session_seen", "day_seen"), [
    (seen(12, 40), NOON, 12, 40),  # same session
    (seen(12, 40), NOON - 60 + wb.SESSION_GAP_S + 1, 0, 40),  # a long gap starts a new session
    (seen(12, 40), MIDNIGHT + 10, 0, 0),  # a new day resets both
    (seen(30, 30, break_until=NOON + 100), NOON + 50, 30, 30),  # during the break nothing resets
    (seen(30, 30, break_until=NOON + 100), NOON + 100, 0, 30),  # the break ended: a new session
])
def test_roll_starts_sessions_and_days(counters: wb.Counters, now: int, session_seen: int, day_seen: int) -> None:
    out = wb.roll(counters, TEEN, now, latest_create_at=0)
    assert (out.session_seen, out.day_seen) == (session_seen, day_seen)


def test_roll_resets_the_nudge_count_after_creating() -> None:
    out = wb.roll(seen(0, 0, since_create=44, last_create_at=NOON - 9000), ADULT, NOON, latest_create_at=NOON - 5)
    assert (out.since_create, out.last_create_at) == (0, NOON - 5)


@pytest.mark.parametrize(("policy", "since", "served", "position"), [
    (ADULT, 0, 10, None), (ADULT, 40, 10, 10), (ADULT, 45, 10, 5), (ADULT, 49, 10, 1), (ADULT, 50, 10, 0),
    (TEEN, 49, 10, None), (wb.Policy(is_minor=False, nudge_after=0), 99, 10, None),
])
def test_nudge_position_after_k_posts_without_creating(policy: wb.Policy, since: int, served: int,
                                                       position: int | None) -> None:
    assert wb.nudge_position(policy, seen(0, 0, since_create=since), served) == position


@pytest.mark.parametrize(("nudged_at", "since_after"), [(None, 47), (3, 7)])
def test_after_page_counts_what_was_served(nudged_at: int | None, since_after: int) -> None:
    out = wb.after_page(seen(5, 7, since_create=37), NOON, 10, wb.PagePlan(10), nudged_at)
    assert (out.session_seen, out.day_seen, out.since_create, out.last_seen_at) == (15, 17, since_after, NOON)


def test_after_page_starts_the_break() -> None:
    out = wb.after_page(seen(25, 25), NOON, 5, wb.PagePlan(5, "session", NOON + 1800), None)
    assert out.break_until == NOON + 1800


@pytest.mark.parametrize(("session_cap", "daily_cap", "ok"), [
    (1, 1, True), (30, 100, True), (None, 50, True), (10, None, True), (0, None, False), (31, None, False),
    (None, 101, False), (True, None, False), ("5", None, False), (2.5, None, False),
])
def test_guardian_caps_can_only_be_lowered(session_cap: object, daily_cap: object, ok: bool) -> None:
    if ok:
        assert wb.check_caps(session_cap, daily_cap) == (session_cap, daily_cap)
    else:
        with pytest.raises(RuleError):
            wb.check_caps(session_cap, daily_cap)


@pytest.mark.parametrize(("minor", "caps", "expected"), [
    (False, {"session_cap": 3}, wb.Policy(is_minor=False)),
    (True, {}, wb.Policy(is_minor=True)),
    (True, {"session_cap": 5, "daily_cap": 20, "continuous": False},
     wb.Policy(is_minor=True, session_cap=5, daily_cap=20, continuous=False)),
])
def test_policy_applies_guardian_settings_only_to_teens(minor: bool, caps: dict, expected: wb.Policy) -> None:
    assert wb.policy_for(minor, **caps) == expected
