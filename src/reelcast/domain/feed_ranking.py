"""Pure feed ranking: tiers (friends & family first), scores, order and the `reason` each item carries."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

FRESH_HALF_LIFE_H = 24.0  # a post's freshness halves every day
ENGAGEMENT_HALF_LIFE_H = 72.0  # its engagement counts half after three days
ENGAGEMENT_SATURATION = 100.0  # weighted engagement at which the engagement score reaches 1
LIKE_W, COMMENT_W, REMIX_W = 1.0, 2.0, 3.0  # a remix says more than a comment, a comment more than a like
COUNT_CAP = 100  # likes, comments and remixes are counted up to this (each alone saturates engagement)

WEIGHTS: dict[str, float] = {
    "freshness": 1.0,
    "engagement": 0.8,
    "taste": 1.0,  # similarity to the posts you liked
    "mood": 4.0,  # similarity to the `mood` text; dominates when a mood is asked for
    "friend_with_mood": 0.3,  # with a mood, friends get a bonus instead of a tier of their own
    "mutual": 0.2,  # within the friends tier, mutuals first
}
TIERS = ("friends", "discovery")


@dataclass(frozen=True)
class Candidate:
    """A post that may go into the feed, with the facts ranking needs."""

    post_id: str
    author_handle: str
    created_at: int
    relation: str = "none"  # "mutual" | "following" | "none"
    likes: int = 0
    comments: int = 0
    remixes: int = 0
    taste: float | None = None  # cosine similarity to the viewer's liked posts
    mood: float | None = None  # cosine similarity to the mood text


@dataclass(frozen=True)
class Ranked:
    """A candidate with its score, the components that made it and its reason."""

    candidate: Candidate
    score: float
    components: dict[str, float] = field(default_factory=dict)
    reason: str = ""


def freshness(age_s: float) -> float:
    """1 for a new post, halving every FRESH_HALF_LIFE_H hours."""
    return 0.5 ** (max(age_s, 0.0) / 3600.0 / FRESH_HALF_LIFE_H)


def engagement(likes: int, comments: int, remixes: int, age_s: float) -> float:
    """Log-scaled weighted likes, comments and remixes in [0, 1], decayed with the post's age."""
    raw = LIKE_W * likes + COMMENT_W * comments + REMIX_W * remixes
    level = min(1.0, math.log1p(raw) / math.log1p(ENGAGEMENT_SATURATION))
    return level * 0.5 ** (max(age_s, 0.0) / 3600.0 / ENGAGEMENT_HALF_LIFE_H)


def tier(c: Candidate) -> str:
    """Friends & family (people you follow, mutuals) or discovery."""
    return "friends" if c.relation in ("mutual", "following") else "discovery"


def score(c: Candidate, now: int, *, personalized: bool, mood: bool) -> tuple[float, dict[str, float]]:
    """The score of a candidate and its weighted components."""
    age = now - c.created_at
    parts: dict[str, float] = {"freshness": WEIGHTS["freshness"] * freshness(age)}
    if personalized:
        parts["engagement"] = WEIGHTS["engagement"] * engagement(c.likes, c.comments, c.remixes, age)
        if c.taste is not None:
            parts["taste"] = WEIGHTS["taste"] * max(c.taste, 0.0)
    if mood and c.mood is not None:
        parts["mood"] = WEIGHTS["mood"] * c.mood
        if tier(c) == "friends":
            parts["friend"] = WEIGHTS["friend_with_mood"]
    elif c.relation == "mutual" and personalized:
        parts["mutual"] = WEIGHTS["mutual"]
    return sum(parts.values()), parts


def order(cands: list[Candidate], now: int, *, personalized: bool, mood_text: str | None) -> list[Ranked]:
    """Rank: friends first then discovery by score; with a mood, one list by score (mood dominates).

    Without personalisation and without a mood: friends first, then everyone else, each newest first.
    """
    mood = bool(mood_text)
    ranked = []
    for c in cands:
        s, parts = score(c, now, personalized=personalized, mood=mood)
        ranked.append(Ranked(c, s, parts, reason(c, parts, mood_text)))
    if mood:
        key = lambda r: (-r.score, -r.candidate.created_at)  # noqa: E731
    elif personalized:
        key = lambda r: (TIERS.index(tier(r.candidate)), -r.score, -r.candidate.created_at)  # noqa: E731
    else:
        key = lambda r: (TIERS.index(tier(r.candidate)), -r.candidate.created_at)  # noqa: E731
    # ties go to the newer post: ids are time-sortable, so sort by id descending first (sorts are stable)
    return sorted(sorted(ranked, key=lambda r: r.candidate.post_id, reverse=True), key=key)


def reason(c: Candidate, parts: dict[str, float], mood_text: str | None) -> str:
    """Why a post is shown, in plain words."""
    if mood_text and c.mood is not None:
        return f"matches '{mood_text}' {c.mood:.2f}"
    if c.relation == "mutual":
        return f"you and @{c.author_handle} follow each other"
    if c.relation == "following":
        return f"you follow @{c.author_handle}"
    taste = parts.get("taste", 0.0)
    eng = parts.get("engagement", 0.0)
    if taste > 0 and taste >= eng and taste >= 0.3:
        return f"like posts you liked ({c.taste:.2f})"
    if eng > 0 and eng >= parts.get("freshness", 0.0) * 0.5:
        return f"popular: {_n(c.likes)} likes, {_n(c.comments)} comments, {_n(c.remixes)} remixes"
    return f"new from @{c.author_handle}"


def capped(count: int) -> int:
    """A post's like, comment or remix counter as ranking takes it: 0 to COUNT_CAP."""
    return max(0, min(COUNT_CAP, int(count)))


def _n(count: int) -> str:
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count)
