"""Feed settings, guardian links and consent codes, and the persisted wellbeing counters."""

from __future__ import annotations

import functools
import secrets
import time
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from reelcast.domain import wellbeing
from reelcast.social.accounts import is_minor
from reelcast.social.errors import SocialError, not_found
from reelcast.store.db import conflict_insert
from reelcast.store.feed_models import FeedCounters, FeedSettings, GuardianCode, GuardianLink
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Block, Follow

CODE_TTL_S = 24 * 3600  # a consent code is valid for a day


def settings_of(s: Session, user_id: str) -> FeedSettings:
    """A user's feed settings (defaults when they never changed any; not added to the session)."""
    row = s.get(FeedSettings, user_id)
    return row if row is not None else settings_of_defaults(user_id)


def settings_of_defaults(user_id: str) -> FeedSettings:
    """The feed settings of a user who never changed any (not added to a session)."""
    return FeedSettings(user_id=user_id, personalized=True, guardian_personalized=True, continuous_feed=True,
                        session_cap=None, daily_cap=None, updated_at=0)


def _settings_row(s: Session, user_id: str) -> FeedSettings:
    row = s.get(FeedSettings, user_id)
    if row is None:
        row = settings_of(s, user_id)
        s.add(row)
    return row


def set_personalized(s: Session, user: User, value: object) -> FeedSettings:
    """The user's own personalisation switch."""
    if not isinstance(value, bool):
        raise SocialError(400, "'personalization' must be true or false.", param="personalization",
                          code="invalid_value")
    row = _settings_row(s, user.id)
    row.personalized = value
    row.updated_at = int(time.time())
    s.flush()
    return row


def policy_of(s: Session, user: User) -> wellbeing.Policy:
    """The wellbeing policy in force for a viewer."""
    return policy_with(user, settings_of(s, user.id))


def policy_with(user: User, st: FeedSettings) -> wellbeing.Policy:
    """The wellbeing policy in force for a viewer with these feed settings."""
    return wellbeing.policy_for(is_minor(user), session_cap=st.session_cap, daily_cap=st.daily_cap,
                                continuous=st.continuous_feed)


@dataclass(frozen=True)
class ViewerFacts:
    """What a feed page needs to know of its viewer, read in one query."""

    user: User
    settings: FeedSettings  # the defaults when the user never changed any
    counters: wellbeing.Counters  # as stored (before `wellbeing.roll`)
    latest_create_at: int  # when the user last started a video, or 0
    following: int  # how many people the user follows
    any_blocks: bool  # whether the user blocked anyone or was blocked by anyone


def viewer_facts(s: Session, user_id: str) -> ViewerFacts | None:
    """The viewer, their feed settings and counters, when they last created, how many they follow and whether any
    block involves them (most users have none: then their feed needs no query for blocked users), or None."""
    row = s.execute(_viewer_query(), {"user_id": user_id}).first()
    if row is None:
        return None
    user, st, counters, latest_at, n_following, blocks = row
    return ViewerFacts(user=user, settings=st if st is not None else settings_of_defaults(user_id),
                       counters=_counters(counters),
                       latest_create_at=int(latest_at or 0), following=int(n_following or 0),
                       any_blocks=bool(blocks))


@functools.cache
def _viewer_query() -> Any:
    """`viewer_facts`'s statement, built once (parameter: user_id); building it cost ~0.4 ms per feed page."""
    latest = select(func.max(VideoJob.created_at)).where(VideoJob.user_id == User.id).scalar_subquery()
    following = select(func.count()).select_from(Follow).where(Follow.follower_id == User.id).scalar_subquery()
    # two probes of the blocks' indexes (blocker first in the primary key, blocked indexed)
    any_blocks = exists().where(Block.blocker_id == User.id) | exists().where(Block.blocked_id == User.id)
    return (select(User, FeedSettings, FeedCounters, latest, following, any_blocks)
            .outerjoin(FeedSettings, FeedSettings.user_id == User.id)
            .outerjoin(FeedCounters, FeedCounters.user_id == User.id)
            .where(User.id == bindparam("user_id")))


def personalized(st: FeedSettings) -> bool:
    """Personalisation is on only when neither the user nor a guardian turned it off."""
    return bool(st.personalized and st.guardian_personalized)


def new_code(s: Session, teen: User) -> GuardianCode:
    """A single-use consent code for a guardian to link to this (under-18) account."""
    if not is_minor(teen):
        raise SocialError(400, "Only accounts of users under 18 can be linked to a guardian.", param=None,
                          code="not_a_minor")
    now = int(time.time())
    row = GuardianCode(code=secrets.token_hex(6), teen_id=teen.id, created_at=now, expires_at=now + CODE_TTL_S)
    s.add(row)
    s.flush()
    return row


def link(s: Session, guardian: User, code: object) -> tuple[GuardianLink, User]:
    """Link a guardian (an adult) to the teen whose consent code this is; the code is used up."""
    if not isinstance(code, str) or not code.strip():
        raise SocialError(400, "Missing required parameter: 'code'.", param="code", code="missing_required_parameter")
    if is_minor(guardian):
        raise SocialError(403, "A guardian must be an adult.", param=None, code="guardian_must_be_adult")
    now = int(time.time())
    row = s.get(GuardianCode, code.strip())
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise SocialError(400, "This consent code is unknown, used or expired.", param="code",
                          code="invalid_consent_code")
    if row.teen_id == guardian.id:
        raise SocialError(400, "You cannot be your own guardian.", param="code", code="invalid_consent_code")
    res = s.execute(update(GuardianCode).where(GuardianCode.code == row.code, GuardianCode.used_at.is_(None))
                    .values(used_at=now).execution_options(synchronize_session=False))
    if res.rowcount != 1:  # a concurrent use of the same code
        raise SocialError(400, "This consent code is unknown, used or expired.", param="code",
                          code="invalid_consent_code")
    teen = s.get(User, row.teen_id)
    if teen is None:
        raise not_found("User", row.teen_id, "code")
    existing = s.get(GuardianLink, (guardian.id, teen.id))
    if existing is None:
        existing = GuardianLink(guardian_id=guardian.id, teen_id=teen.id, created_at=now)
        s.add(existing)
        s.flush()
    return existing, teen


def links_of(s: Session, user: User) -> list[tuple[GuardianLink, User, User]]:
    """Links where the user is the guardian or the teen, with (guardian, teen) users."""
    rows = s.scalars(select(GuardianLink).where((GuardianLink.guardian_id == user.id) |
                                                (GuardianLink.teen_id == user.id))
                     .order_by(GuardianLink.created_at, GuardianLink.teen_id))
    out = []
    for r in rows:
        g, t = s.get(User, r.guardian_id), s.get(User, r.teen_id)
        if g is not None and t is not None:
            out.append((r, g, t))
    return out


def is_guardian(s: Session, guardian_id: str, teen_id: str) -> bool:
    """Whether the user is a linked guardian of the teen."""
    return s.get(GuardianLink, (guardian_id, teen_id)) is not None


def set_parental(s: Session, teen: User, body: dict[str, object]) -> FeedSettings:
    """Apply a guardian's changes: personalization, continuous_feed (booleans), session_cap, daily_cap (lower only)."""
    row = _settings_row(s, teen.id)
    for key in ("personalization", "continuous_feed"):
        if key in body and not isinstance(body[key], bool):
            raise SocialError(400, f"'{key}' must be true or false.", param=key, code="invalid_value")
    session_cap, daily_cap = wellbeing.check_caps(body.get("session_cap"), body.get("daily_cap"))
    if "personalization" in body:
        row.guardian_personalized = bool(body["personalization"])
    if "continuous_feed" in body:
        row.continuous_feed = bool(body["continuous_feed"])
    if session_cap is not None:
        row.session_cap = session_cap
    if daily_cap is not None:
        row.daily_cap = daily_cap
    row.updated_at = int(time.time())
    s.flush()
    return row


_UPSERTS: dict[str, Any] = {}  # dialect name → `_counters_upsert`


def _counters_upsert(s: Session) -> Any | None:
    """INSERT … ON CONFLICT UPDATE of a user's counters (parameters: user_id and every `Counters` field), built once
    per dialect, or None where there is no ON CONFLICT: a Core statement (the ORM's bulk path around it cost more
    than the query), and building it per page cost ~0.3 ms."""
    dialect = s.get_bind().dialect.name
    if dialect not in _UPSERTS:
        ins = conflict_insert(s, FeedCounters.__table__)
        names = [f.name for f in fields(wellbeing.Counters)]
        _UPSERTS[dialect] = None if ins is None else (
            ins.values({n: bindparam(n) for n in ["user_id", *names]})
            .on_conflict_do_update(index_elements=[FeedCounters.__table__.c.user_id],
                                   set_={n: ins.excluded[n] for n in names}))
    return _UPSERTS[dialect]


def _counters(row: FeedCounters | None) -> wellbeing.Counters:
    if row is None:
        return wellbeing.Counters()
    return wellbeing.Counters(session_started_at=row.session_started_at, session_seen=row.session_seen,
                              last_seen_at=row.last_seen_at, day=row.day, day_seen=row.day_seen,
                              since_create=row.since_create, last_create_at=row.last_create_at,
                              break_until=row.break_until)


def save_counters(s: Session, user_id: str, c: wellbeing.Counters) -> None:
    """Store a user's counters (one INSERT … ON CONFLICT UPDATE on PostgreSQL and SQLite)."""
    upsert = _counters_upsert(s)
    if upsert is not None:
        s.execute(upsert, {"user_id": user_id, **asdict(c)})
        loaded = s.identity_map.get(s.identity_key(FeedCounters, user_id))
        if loaded is not None:  # keep a row this session read in step with the database
            s.expire(loaded)
        return
    row = s.get(FeedCounters, user_id)
    if row is None:
        s.add(FeedCounters(user_id=user_id, **asdict(c)))
    else:
        for k, v in asdict(c).items():
            setattr(row, k, v)
    s.flush()
