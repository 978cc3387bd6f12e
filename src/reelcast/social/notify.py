"""Notifications and the audit log: small services other features call."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelcast.domain.ids import new_id
from reelcast.store.social_models import AuditEntry, Notification

KINDS = ("follow", "like", "comment", "remix", "cameo_used", "takedown", "cameo_revoked", "cameo_verification",
         "system")


def notify(s: Session, user_id: str, kind: str, payload: dict[str, Any]) -> Notification:
    """Record a notification for a user (in the caller's transaction)."""
    n = Notification(id=new_id("notif"), user_id=user_id, kind=kind, payload=payload, created_at=int(time.time()))
    s.add(n)
    s.flush()
    return n


def list_notifications(s: Session, user_id: str, *, unread_only: bool = False, limit: int = 50,
                       after: str | None = None) -> list[Notification]:
    """A user's notifications, newest first; `after` is the last id of the previous page."""
    q = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    if after:
        q = q.where(Notification.id < after)
    return list(s.scalars(q.order_by(Notification.id.desc()).limit(limit)))


def mark_read(s: Session, user_id: str, ids: list[str] | None) -> int:
    """Mark the given notifications (or all when ids is None) read; returns how many changed."""
    q = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        q = q.where(Notification.id.in_(ids))
    res = s.execute(q.values(read_at=int(time.time())).execution_options(synchronize_session=False))
    return int(res.rowcount or 0)


def audit(s: Session, actor_id: str | None, action: str, target_type: str, target_id: str, reason: str = "",
          data: dict[str, Any] | None = None) -> AuditEntry:
    """Append an entry to the audit log."""
    e = AuditEntry(id=new_id("audit"), actor_id=actor_id, action=action, target_type=target_type,
                   target_id=target_id, reason=reason, data=data or {}, created_at=int(time.time()))
    s.add(e)
    s.flush()
    return e


def audit_entries(s: Session, target_id: str) -> list[AuditEntry]:
    """Audit entries about one object, oldest first."""
    return list(s.scalars(select(AuditEntry).where(AuditEntry.target_id == target_id).order_by(AuditEntry.id)))
