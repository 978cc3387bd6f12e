"""Follows and blocks."""

from __future__ import annotations

import time

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from reelcast.store.social_models import Block, Follow


def follows(s: Session, follower_id: str, followee_id: str) -> bool:
    """Whether follower follows followee."""
    return s.get(Follow, (follower_id, followee_id)) is not None


def blocked_either(s: Session, a: str, b: str) -> bool:
    """Whether a blocked b or b blocked a."""
    return s.get(Block, (a, b)) is not None or s.get(Block, (b, a)) is not None


def has_blocked(s: Session, blocker_id: str, blocked_id: str) -> bool:
    """Whether blocker blocked blocked."""
    return s.get(Block, (blocker_id, blocked_id)) is not None


def relation(s: Session, a: str, b: str) -> tuple[bool, bool, bool]:
    """(a follows b, b follows a, a block either way) in two queries."""
    pairs = set(s.execute(select(Follow.follower_id, Follow.followee_id).where(
        or_(and_(Follow.follower_id == a, Follow.followee_id == b),
            and_(Follow.follower_id == b, Follow.followee_id == a)))).all())
    blocked = s.scalar(select(func.count()).select_from(Block).where(
        or_(and_(Block.blocker_id == a, Block.blocked_id == b), and_(Block.blocker_id == b, Block.blocked_id == a))))
    return (a, b) in pairs, (b, a) in pairs, bool(blocked)


def follow(s: Session, follower_id: str, followee_id: str) -> bool:
    """Follow (idempotent); True if it is new."""
    if follows(s, follower_id, followee_id):
        return False
    s.add(Follow(follower_id=follower_id, followee_id=followee_id, created_at=int(time.time())))
    s.flush()
    return True


def unfollow(s: Session, follower_id: str, followee_id: str) -> None:
    """Stop following (idempotent)."""
    s.execute(delete(Follow).where(Follow.follower_id == follower_id, Follow.followee_id == followee_id))


def block(s: Session, blocker_id: str, blocked_id: str) -> None:
    """Block (idempotent) and remove follows both ways."""
    if not has_blocked(s, blocker_id, blocked_id):
        s.add(Block(blocker_id=blocker_id, blocked_id=blocked_id, created_at=int(time.time())))
    unfollow(s, blocker_id, blocked_id)
    unfollow(s, blocked_id, blocker_id)
    s.flush()


def unblock(s: Session, blocker_id: str, blocked_id: str) -> None:
    """Remove a block (idempotent)."""
    s.execute(delete(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id))


def counts(s: Session, user_id: str) -> tuple[int, int]:
    """(followers, following) of a user."""
    followers = s.scalar(select(func.count()).select_from(Follow).where(Follow.followee_id == user_id)) or 0
    following = s.scalar(select(func.count()).select_from(Follow).where(Follow.follower_id == user_id)) or 0
    return followers, following


def follower_ids(s: Session, user_id: str) -> list[str]:
    """Ids of a user's followers, newest first."""
    return list(s.scalars(select(Follow.follower_id).where(Follow.followee_id == user_id)
                          .order_by(Follow.created_at.desc())))


def following_ids(s: Session, user_id: str) -> list[str]:
    """Ids of the users a user follows, newest first."""
    return list(s.scalars(select(Follow.followee_id).where(Follow.follower_id == user_id)
                          .order_by(Follow.created_at.desc())))


def blocked_ids(s: Session, user_id: str) -> set[str]:
    """Everyone this user blocked or was blocked by."""
    rows = s.execute(select(Block.blocker_id, Block.blocked_id)
                     .where(or_(Block.blocker_id == user_id, Block.blocked_id == user_id))).all()
    return {b if a == user_id else a for a, b in rows}
