"""Users and API keys."""

from __future__ import annotations

import hashlib
import secrets
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelcast.domain.ids import new_id
from reelcast.store.models import ApiKey, User

KEY_PREFIX = "rc-"


def hash_key(key: str) -> str:
    """SHA-256 of an API key (keys are high-entropy, so a fast hash is right)."""
    return hashlib.sha256(key.encode()).hexdigest()


def get_or_create_user(s: Session, handle: str, *, is_admin: bool = False) -> User:
    """Return the user with this handle, creating it if needed."""
    user = s.scalar(select(User).where(User.handle == handle))
    if user is None:
        user = User(id=new_id("user"), handle=handle, display_name=handle, is_admin=is_admin,
                    created_at=int(time.time()))
        s.add(user)
        s.flush()
    return user


def find_user(s: Session, handle: str) -> User | None:
    """Return the user with this handle, if any."""
    return s.scalar(select(User).where(User.handle == handle))


def create_api_key(s: Session, user: User, name: str = "") -> str:
    """Create a key for the user and return the plaintext (shown once)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    s.add(ApiKey(id=new_id("key"), user_id=user.id, key_hash=hash_key(key), prefix=key[:10], name=name,
                 created_at=int(time.time())))
    s.flush()
    return key


def user_for_key(s: Session, key: str) -> User | None:
    """Return the user owning an active key."""
    return s.scalar(select(User).join(ApiKey, ApiKey.user_id == User.id)
                    .where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None)))


def count_keys(s: Session, user: User) -> int:
    """How many active keys the user has."""
    return len(s.scalars(select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))).all())
