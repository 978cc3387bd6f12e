"""Pure rules for quotas, request rate limits and webhook retry backoff."""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86400
MINUTE = 60
WEBHOOK_MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Window:
    """A fixed counting window: its key, and seconds until it resets."""

    key: str
    reset_seconds: float


def window(now: float, length: int, prefix: str) -> Window:
    """The fixed window of `length` seconds containing `now` (UTC-aligned, so days start at midnight UTC)."""
    index = int(now // length)
    return Window(f"{prefix}:{index}", (index + 1) * length - now)


@dataclass(frozen=True)
class Decision:
    """Whether a counted action is allowed, and what the x-ratelimit-* headers show."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: float


def decide(limit: int, count_after: int, reset_seconds: float) -> Decision:
    """Decide on an action that made the window's count `count_after`; limit 0 means unlimited."""
    if limit <= 0:
        return Decision(True, 0, 0, reset_seconds)
    return Decision(count_after <= limit, limit, max(0, limit - count_after), reset_seconds)


def quota_for(tier: str | None, tiers: dict[str, int]) -> int:
    """The daily generation quota of a tier (unknown or missing tiers are `regular`); 0 = unlimited."""
    if tier and tier in tiers:
        return tiers[tier]
    return tiers.get("regular", 0)


def backoff_seconds(attempts: int, base: float = 5.0, cap: float = 3600.0) -> float | None:
    """Delay before retrying a webhook after `attempts` failed tries; None once it should be given up."""
    if attempts >= WEBHOOK_MAX_ATTEMPTS:
        return None
    return min(cap, base * 2 ** max(0, attempts - 1))


def format_reset(seconds: float) -> str:
    """A reset duration the way OpenAI writes it (`6m0s`, `1.5s`, `20ms`)."""
    if seconds < 1:
        return f"{max(0, int(seconds * 1000))}ms"
    total = int(seconds)
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h}h{m}m{s}s"
    if m:
        return f"{m}m{s}s"
    frac = seconds - total
    return f"{s}s" if frac < 0.05 else f"{seconds:.1f}s"
