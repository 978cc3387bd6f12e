"""Request rate limits and daily generation quotas: counted in Redis when configured, in the database otherwise.

Both show in OpenAI's headers: `x-ratelimit-{limit,remaining,reset}-requests` for requests per minute and
`x-ratelimit-{limit,remaining,reset}-videos` for the daily generation quota; `GET /v1/me/usage` reports both.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import redis
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from reelcast.api.deps import current_user
from reelcast.api.errors import RateLimited
from reelcast.domain import limits as rules
from reelcast.jobs.runtime import Runtime
from reelcast.store import videos as repo
from reelcast.store.models import User
from reelcast.store.ops_models import UsageCounter, UserTier

log = logging.getLogger("reelcast.limits")


class Counter:
    """Increments a per-user counter in a fixed window and returns the new count."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        url = rt.settings.redis_url or rt.settings.broker_url
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) if url else None

    def incr(self, user_id: str, win: rules.Window, ttl: int, by: int = 1) -> int:
        """Add `by` to the window's count and return it."""
        if self.redis is not None:
            key = f"reelcast:usage:{user_id}:{win.key}"
            pipe = self.redis.pipeline()
            pipe.incrby(key, by)
            pipe.expire(key, ttl)
            return int(pipe.execute()[0])
        return self._incr_db(user_id, win, ttl, by)

    def get(self, user_id: str, win: rules.Window) -> int:
        """The window's count without changing it."""
        if self.redis is not None:
            raw = self.redis.get(f"reelcast:usage:{user_id}:{win.key}")
            return int(raw or 0)
        with self.rt.db.session() as s:
            row = s.get(UsageCounter, (user_id, win.key))
            return row.count if row else 0

    def _incr_db(self, user_id: str, win: rules.Window, ttl: int, by: int) -> int:
        now = int(time.time())
        for _ in range(3):
            with self.rt.db.session() as s:
                res = s.execute(update(UsageCounter)
                                .where(UsageCounter.user_id == user_id, UsageCounter.bucket == win.key)
                                .values(count=UsageCounter.count + by)
                                .execution_options(synchronize_session=False))
                if res.rowcount == 0:
                    try:
                        s.add(UsageCounter(user_id=user_id, bucket=win.key, count=by, expires_at=now + ttl))
                        s.flush()
                    except IntegrityError:  # another request created it first: increment instead
                        s.rollback()
                        continue
                if now % 50 == 0:  # prune expired windows now and then
                    s.execute(delete(UsageCounter).where(UsageCounter.expires_at < now))
                count = s.scalar(select(UsageCounter.count).where(UsageCounter.user_id == user_id,
                                                                    UsageCounter.bucket == win.key))
                return int(count or 0)
        raise RuntimeError("could not count usage")


def counter(rt: Runtime) -> Counter:
    """The runtime's shared counter."""
    return rt.shared("usage_counter", lambda: Counter(rt))


def _headers(kind: str, d: rules.Decision) -> dict[str, str]:
    return {f"x-ratelimit-limit-{kind}": str(d.limit), f"x-ratelimit-remaining-{kind}": str(d.remaining),
            f"x-ratelimit-reset-{kind}": rules.format_reset(d.reset_seconds)}


def _too_many(message: str, code: str, headers: dict[str, str], reset: float) -> RateLimited:
    ms = max(1, int(reset * 1000))
    return RateLimited(message, code=code, headers={**headers, "retry-after-ms": str(ms),
                                                   "retry-after": str(max(1, int(reset + 0.999)))})


def check_request(rt: Runtime, user: User, request: Request) -> None:
    """Count one API request against the per-minute limit; headers go on the response, 429 when over."""
    limit = rt.settings.requests_per_minute
    if limit <= 0:
        return
    win = rules.window(time.time(), rules.MINUTE, "req")
    try:
        count = counter(rt).incr(user.id, win, ttl=rules.MINUTE * 2)
    except (redis.RedisError, RuntimeError) as exc:  # counting must not take the API down
        log.warning("rate limit counter unavailable: %s", exc)
        return
    d = rules.decide(limit, count, win.reset_seconds)
    headers = _headers("requests", d)
    request.state.ratelimit_headers = headers
    if not d.allowed:
        raise _too_many(f"Rate limit reached: {limit} requests per minute. Try again in "
                        f"{rules.format_reset(d.reset_seconds)}.", "rate_limit_exceeded", headers, d.reset_seconds)


def user_tier(rt: Runtime, user_id: str) -> str:
    """The user's quota tier (`regular` unless set with `reelcast tier`)."""
    with rt.db.session() as s:
        row = s.get(UserTier, user_id)
        return row.tier if row else "regular"


def set_tier(rt: Runtime, user_id: str, tier: str) -> None:
    """Put a user in a quota tier."""
    with rt.db.session() as s:
        row = s.get(UserTier, user_id)
        if row is None:
            s.add(UserTier(user_id=user_id, tier=tier))
        else:
            row.tier = tier


def _day_start(now: float) -> int:
    return int(now // rules.DAY * rules.DAY)


@dataclass
class QuotaState:
    """Today's generation quota of a user."""

    tier: str
    limit: int
    used: int
    reset_seconds: float


def quota_state(rt: Runtime, user: User) -> QuotaState:
    """How much of today's quota the user has used (videos created since UTC midnight, deleted ones too)."""
    now = time.time()
    tier = user_tier(rt, user.id)
    limit = rules.quota_for(tier, rt.settings.quota_tier_map)
    used = _used_today(rt, user.id, now)
    return QuotaState(tier, limit, used, rules.window(now, rules.DAY, "day").reset_seconds)


def _quota_key(user_id: str, now: float) -> str:
    return f"reelcast:quota:{user_id}:{_day_start(now)}"


def _db_used(rt: Runtime, user_id: str, now: float) -> int:
    with rt.db.session() as s:
        return repo.count_created_since(s, user_id, _day_start(now))


def _used_today(rt: Runtime, user_id: str, now: float) -> int:
    """Today's generations: the Redis counter when there is one (seeded from the database), else the database."""
    r = counter(rt).redis
    if r is not None:
        try:
            raw = r.get(_quota_key(user_id, now))
            if raw is not None:
                return int(raw)
        except redis.RedisError as exc:
            log.warning("quota counter unavailable, counting in the database: %s", exc)
    return _db_used(rt, user_id, now)


def reserve_generation(rt: Runtime, user: User) -> tuple[dict[str, str], Callable[[], None]]:
    """Take one generation of today's quota: headers for the response and a function that gives it back (for a
    request refused later, e.g. by the prompt policy). Raises 429 when the quota is spent.

    With Redis the count is an atomic INCR on a per-user, per-UTC-day key, seeded from the database when the key is
    missing (first request of the day, or a Redis restart) — so concurrent requests cannot both take the last video.
    Without Redis (or when it is down) the database count of today's videos decides, as before.
    """
    now = time.time()
    tier = user_tier(rt, user.id)
    limit = rules.quota_for(tier, rt.settings.quota_tier_map)
    reset = rules.window(now, rules.DAY, "day").reset_seconds
    if limit <= 0:  # unlimited: nothing to count
        return _headers("videos", rules.decide(limit, 0, reset)), lambda: None
    r = counter(rt).redis
    if r is not None:
        key = _quota_key(user.id, now)
        try:
            if not r.exists(key):  # the day's first generation, or Redis lost the key: seed it from the database
                r.set(key, _db_used(rt, user.id, now), nx=True, ex=int(reset) + 3600)
            used = int(r.incr(key))
        except redis.RedisError as exc:
            log.warning("quota counter unavailable, counting in the database: %s", exc)
        else:
            def give_back() -> None:
                with contextlib.suppress(redis.RedisError):
                    r.decr(key)

            d = rules.decide(limit, used, reset)
            headers = _headers("videos", d)
            if not d.allowed:
                give_back()
                raise _quota_refusal(tier, limit, reset, headers)
            return headers, give_back
    d = rules.decide(limit, _db_used(rt, user.id, now) + 1, reset)
    headers = _headers("videos", d)
    if not d.allowed:
        raise _quota_refusal(tier, limit, reset, headers)
    return headers, lambda: None


def _quota_refusal(tier: str, limit: int, reset: float, headers: dict[str, str]) -> RateLimited:
    return _too_many(f"Daily video quota of {limit} ({tier} tier) reached; it resets in "
                     f"{rules.format_reset(reset)} (UTC midnight).", "daily_quota_exceeded",
                     {**headers, "x-should-retry": "false"}, reset)


class WindowUsage(BaseModel):
    """One limit: its size, what is used and left, and when it resets."""

    limit: int | None
    used: int
    remaining: int | None
    resets_in_seconds: float


class Usage(BaseModel):
    """`GET /v1/me/usage`."""

    object: str = "usage"
    user_id: str
    tier: str
    videos_today: WindowUsage
    requests_this_minute: WindowUsage


router = APIRouter(prefix="/v1", tags=["usage"])


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


@router.get("/me/usage", response_model=Usage, summary="Your quotas and rate limits")
def my_usage(rt: Annotated[Runtime, Depends(_runtime)], user: Annotated[User, Depends(current_user)]) -> Usage:
    """Today's generations against your tier's quota and this minute's requests against the rate limit."""
    q = quota_state(rt, user)
    rpm = rt.settings.requests_per_minute
    win = rules.window(time.time(), rules.MINUTE, "req")
    try:
        req_used = counter(rt).get(user.id, win) if rpm > 0 else 0
    except redis.RedisError:
        req_used = 0
    return Usage(
        user_id=user.id, tier=q.tier,
        videos_today=WindowUsage(limit=q.limit or None, used=q.used,
                                 remaining=max(0, q.limit - q.used) if q.limit else None,
                                 resets_in_seconds=round(q.reset_seconds, 3)),
        requests_this_minute=WindowUsage(limit=rpm or None, used=req_used,
                                         remaining=max(0, rpm - req_used) if rpm else None,
                                         resets_in_seconds=round(win.reset_seconds, 3)),
    )
