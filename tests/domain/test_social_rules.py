"""Account rules: handles, ages, passwords and cameo restriction conflicts."""

from __future__ import annotations

from datetime import date

import pytest

from reelcast.domain import social_rules as rules


@pytest.mark.parametrize(("raw", "handle"), [
    ("alice", "alice"), ("@Alice", "alice"), ("a_b.c", "a_b.c"), ("x" * 30, "x" * 30), ("abc", "abc"),
])
def test_valid_handles_are_normalised(raw: str, handle: str) -> None:
    assert rules.normalize_handle(raw) == handle


@pytest.mark.parametrize(("raw", "code"), [
    ("ab", "invalid_handle"), ("x" * 31, "invalid_handle"), ("has space", "invalid_handle"),
    ("dash-ed", "invalid_handle"), ("émile", "invalid_handle"), ("admin", "handle_reserved"),
    ("Support", "handle_reserved"), ("", "missing_required_parameter"), (None, "missing_required_parameter"),
])
def test_invalid_handles_are_refused(raw: object, code: str) -> None:
    with pytest.raises(rules.RuleViolation) as err:
        rules.normalize_handle(raw)
    assert err.value.code == code and err.value.param == "handle"


@pytest.mark.parametrize(("born", "today", "age"), [
    (date(2000, 5, 10), date(2020, 5, 9), 19), (date(2000, 5, 10), date(2020, 5, 10), 20),
    (date(2004, 2, 29), date(2022, 2, 28), 17), (date(2004, 2, 29), date(2022, 3, 1), 18),
])
def test_age_counts_completed_years(born: date, today: date, age: int) -> None:
    assert rules.age_on(born, today) == age


@pytest.mark.parametrize(("born", "code"), [
    (date(2015, 1, 1), "age_requirement"), (date(2030, 1, 1), "invalid_value"),
])
def test_signup_age_is_checked(born: date, code: str) -> None:
    with pytest.raises(rules.RuleViolation) as err:
        rules.check_signup_age(born, date(2026, 11, 24))
    assert err.value.code == code


@pytest.mark.parametrize(("born", "minor"), [
    (None, False), (date(2010, 1, 1), True), (date(2008, 11, 24), False), (date(2008, 11, 25), True),
])
def test_minor_is_under_18(born: date | None, minor: bool) -> None:
    assert rules.is_minor(born, date(2026, 11, 24)) is minor


@pytest.mark.parametrize("pw", ["short", "", "x" * 257])
def test_weak_passwords_are_refused(pw: str) -> None:
    with pytest.raises(rules.RuleViolation):
        rules.check_password(pw)


@pytest.mark.parametrize(("restrictions", "prompt", "clause"), [
    ("never drinking alcohol", "@bob drinks a beer at the bar", "never drinking alcohol"),
    ("never drinking alcohol", "@bob sips wine", "never drinking alcohol"),
    ("no political content", "@bob gives a speech at an election rally", "no political content"),
    ("no swimming; never smoking", "@bob smokes a cigarette", "never smoking"),
    ("No swimming", "@bob swims in the lake", "no swimming"),
    ("never drinking alcohol", "@bob shoots a basketball", None),
    ("no political content", "@bob dances in the rain", None),
    ("", "@bob drinks a beer", None),
])
def test_restriction_conflicts(restrictions: str, prompt: str, clause: str | None) -> None:
    assert rules.restriction_conflict(restrictions, prompt) == clause
