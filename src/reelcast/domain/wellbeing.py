"""Pure wellbeing rules of the feed: teen session/day caps and breaks, adult create-nudges, parental caps.

No I/O: the feed service reads the counters from the database, asks these functions what to serve, and writes the
counters back (so they survive server restarts).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from reelcast.domain.video_rules import RuleError

SESSION_CAP = 30  # posts per session for users under 18
DAILY_CAP = 100  # posts per UTC day for users under 18
NUDGE_AFTER = 50  # posts an adult scrolls without creating anything before a nudge
SESSION_GAP_S = 30 * 60  # this long without feed activity starts a new session
SESSION_COOLDOWN_S = 30 * 60  # a session break lasts this long
NON_CONTINUOUS_SESSION = 10  # posts per session when a guardian turned continuous feed off


@dataclass(frozen=True)
class Policy:
    """The wellbeing settings in force for one viewer."""

    is_minor: bool
    session_cap: int = SESSION_CAP
    daily_cap: int = DAILY_CAP
    continuous: bool = True
    nudge_after: int = NUDGE_AFTER
    session_gap_s: int = SESSION_GAP_S
    cooldown_s: int = SESSION_COOLDOWN_S

    @property
    def effective_session_cap(self) -> int:
        """The session cap after the continuous-feed switch."""
        return self.session_cap if self.continuous else min(self.session_cap, NON_CONTINUOUS_SESSION)


@dataclass(frozen=True)
class Counters:
    """What a viewer has seen: this session, this UTC day, and since they last created something."""

    session_started_at: int = 0
    session_seen: int = 0
    last_seen_at: int = 0
    day: str = ""
    day_seen: int = 0
    since_create: int = 0
    last_create_at: int = 0
    break_until: int = 0


@dataclass(frozen=True)
class PagePlan:
    """How many posts this page may hold, and whether a break item ends it."""

    posts: int
    break_reason: str | None = None  # "session" | "daily"
    resumes_at: int | None = None


def utc_day(now: int) -> str:
    """The UTC date of a unix time as YYYY-MM-DD."""
    return datetime.fromtimestamp(now, UTC).date().isoformat()


def next_midnight(now: int) -> int:
    """Unix time of the next UTC midnight after now."""
    d = datetime.fromtimestamp(now, UTC).date() + timedelta(days=1)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def roll(c: Counters, policy: Policy, now: int, latest_create_at: int) -> Counters:
    """The counters as of now: a new day, a new session after a gap or an ended break, a reset after creating."""
    out = c
    if out.day != utc_day(now):
        out = replace(out, day=utc_day(now), day_seen=0)
    ended_break = out.break_until != 0 and now >= out.break_until
    if ended_break or out.last_seen_at == 0 or now - out.last_seen_at > policy.session_gap_s:
        out = replace(out, session_started_at=now, session_seen=0, break_until=0)
    if latest_create_at > out.last_create_at:
        out = replace(out, since_create=0, last_create_at=latest_create_at)
    return out


def plan_page(policy: Policy, c: Counters, now: int, limit: int) -> PagePlan:
    """Posts allowed on this page; teens get a break item once a cap is reached (and nothing until it ends)."""
    if not policy.is_minor:
        return PagePlan(posts=limit)
    if c.break_until > now:
        return PagePlan(posts=0, break_reason=_reason_of_break(policy, c), resumes_at=c.break_until)
    session_left = max(0, policy.effective_session_cap - c.session_seen)
    day_left = max(0, policy.daily_cap - c.day_seen)
    n = min(limit, session_left, day_left)
    if day_left <= session_left and n == day_left:
        return PagePlan(posts=n, break_reason="daily", resumes_at=next_midnight(now))
    if n == session_left:
        return PagePlan(posts=n, break_reason="session", resumes_at=now + policy.cooldown_s)
    return PagePlan(posts=n)


def _reason_of_break(policy: Policy, c: Counters) -> str:
    return "daily" if c.day_seen >= policy.daily_cap else "session"


def nudge_position(policy: Policy, c: Counters, served: int) -> int | None:
    """Index in a page of `served` posts after which an adult gets a create-nudge, or None."""
    if policy.is_minor or policy.nudge_after <= 0:
        return None
    due = policy.nudge_after - c.since_create
    return max(due, 0) if due <= served else None


def after_page(c: Counters, now: int, served: int, plan: PagePlan, nudged_at: int | None) -> Counters:
    """The counters after serving a page (the break, if any, starts now)."""
    since = c.since_create + served if nudged_at is None else served - nudged_at
    out = replace(c, session_seen=c.session_seen + served, day_seen=c.day_seen + served, since_create=since,
                  last_seen_at=now)
    if plan.break_reason is not None and plan.resumes_at is not None:
        out = replace(out, break_until=max(plan.resumes_at, c.break_until))
    return out


def break_message(reason: str) -> str:
    """What a break item says."""
    if reason == "daily":
        return "You've reached today's limit. Your feed opens again tomorrow."
    return "Time for a break. Your feed opens again after a pause."


def check_caps(session_cap: object, daily_cap: object) -> tuple[int | None, int | None]:
    """Validate caps a guardian sets: whole numbers from 1 up to the defaults (they can only be lowered)."""
    out: list[int | None] = []
    for name, value, top in (("session_cap", session_cap, SESSION_CAP), ("daily_cap", daily_cap, DAILY_CAP)):
        if value is None:
            out.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise RuleError(f"'{name}' must be a whole number from 1 to {top}.", name, "invalid_value")
        out.append(value)
    return out[0], out[1]


def policy_for(is_minor: bool, *, session_cap: int | None = None, daily_cap: int | None = None,
               continuous: bool = True) -> Policy:
    """The policy of a viewer from their age and any guardian settings (guardian caps only lower the defaults)."""
    if not is_minor:
        return Policy(is_minor=False)
    return Policy(is_minor=True, session_cap=min(session_cap or SESSION_CAP, SESSION_CAP),
                  daily_cap=min(daily_cap or DAILY_CAP, DAILY_CAP), continuous=continuous)
