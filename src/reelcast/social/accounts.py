"""Sign-up with invites, passwords (argon2id), profiles."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, date, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelcast.domain import social_rules as rules
from reelcast.domain.ids import new_id
from reelcast.social.errors import SocialError
from reelcast.store.models import User
from reelcast.store.social_models import Cameo, Invite

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def SignupError(message: str, param: str, code: str, status: int = 400) -> SocialError:  # noqa: N802
    """Sign-up refused."""
    return SocialError(status, message, param=param, code=code)


def today() -> date:
    """The current UTC date."""
    return datetime.now(UTC).date()


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    """Whether the password matches the user's hash."""
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def user_by_handle(s: Session, handle: str) -> User | None:
    """The user with this handle (case-insensitive)."""
    return s.scalar(select(User).where(func.lower(User.handle) == handle.lower().lstrip("@")))


def handle_taken(s: Session, handle: str) -> bool:
    """Whether a user or a cameo already has this handle."""
    if user_by_handle(s, handle) is not None:
        return True
    return s.scalar(select(Cameo.id).where(func.lower(Cameo.handle) == handle.lower())) is not None


def mint_invites(s: Session, owner_id: str | None, n: int) -> list[str]:
    """Create n single-use codes owned by a user (None = the operator)."""
    codes = []
    for _ in range(n):
        code = secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")
        s.add(Invite(code=code, owner_id=owner_id, created_at=int(time.time())))
        codes.append(code)
    s.flush()
    return codes


def invites_of(s: Session, owner_id: str) -> list[Invite]:
    """A user's invite codes, oldest first."""
    return list(s.scalars(select(Invite).where(Invite.owner_id == owner_id).order_by(Invite.created_at, Invite.code)))


def register(s: Session, *, handle: object, password: object, birthdate: object, invite_code: object,
             display_name: object, open_registration: bool) -> User:
    """Create an account (consuming an invite unless registration is open) with its 4 invites."""
    h = rules.normalize_handle(handle)
    pw = rules.check_password(password)
    bd = rules.parse_birthdate(birthdate)
    rules.check_signup_age(bd, today())
    name = rules.check_text(display_name, "display_name", rules.MAX_DISPLAY_NAME) or h
    if handle_taken(s, h):
        raise SignupError(f"The handle '{h}' is taken.", "handle", "handle_taken", 409)
    user = User(id=new_id("user"), handle=h, display_name=name, is_admin=False, created_at=int(time.time()),
                password_hash=hash_password(pw), birthdate=bd.isoformat(), bio="")
    s.add(user)
    try:
        s.flush()
    except IntegrityError as exc:  # a concurrent sign-up took the handle
        raise SignupError(f"The handle '{h}' is taken.", "handle", "handle_taken", 409) from exc
    code = invite_code.strip() if isinstance(invite_code, str) else ""
    if code or not open_registration:
        if not code:
            raise SignupError("Sign-up is invite-only: send an 'invite_code'.", "invite_code", "invite_required")
        res = s.execute(update(Invite).where(Invite.code == code, Invite.used_by_id.is_(None))
                        .values(used_by_id=user.id, used_at=int(time.time()))
                        .execution_options(synchronize_session=False))
        if res.rowcount != 1:  # unknown or already used; the compare-and-set makes each code single-use
            raise SignupError("This invite code is unknown or was already used.", "invite_code", "invalid_invite")
        user.invited_by_id = s.scalar(select(Invite.owner_id).where(Invite.code == code))
    mint_invites(s, user.id, rules.INVITES_PER_USER)
    return user


def birthdate_of(user: User) -> date | None:
    """The user's birthdate, if known."""
    return date.fromisoformat(user.birthdate) if user.birthdate else None


def is_minor(user: User) -> bool:
    """Whether the user is under 18 today."""
    return rules.is_minor(birthdate_of(user), today())
