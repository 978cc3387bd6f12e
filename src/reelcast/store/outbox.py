"""Webhook endpoints and the webhook outbox: deliveries written with a job's completion, claimed and retried."""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from reelcast.domain.ids import new_id
from reelcast.store.ops_models import WebhookDelivery, WebhookEndpoint

EVENT_TYPES = ("video.completed", "video.failed")
DEFAULT_TARGET = "default"

CLAIM_LIMIT = 20  # deliveries one dispatcher takes per round


def now_ms() -> int:
    """Unix time in milliseconds."""
    return int(time.time() * 1000)


def new_secret() -> str:
    """A Standard Webhooks secret (`whsec_` + base64 of 32 random bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create_endpoint(s: Session, user_id: str, url: str, event_types: list[str]) -> WebhookEndpoint:
    """Register a webhook endpoint with a fresh signing secret."""
    ep = WebhookEndpoint(id=new_id("we"), user_id=user_id, url=url, event_types=list(event_types),
                         secret=new_secret(), created_at=int(time.time()))
    s.add(ep)
    s.flush()
    return ep


def list_endpoints(s: Session, user_id: str) -> list[WebhookEndpoint]:
    """A user's live endpoints, oldest first."""
    q = select(WebhookEndpoint).where(WebhookEndpoint.user_id == user_id, WebhookEndpoint.deleted_at.is_(None))
    return list(s.scalars(q.order_by(WebhookEndpoint.id)))


def get_endpoint(s: Session, user_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    """One live endpoint of this user."""
    ep = s.get(WebhookEndpoint, endpoint_id)
    return ep if ep is not None and ep.user_id == user_id and ep.deleted_at is None else None


@dataclass(frozen=True)
class DefaultEndpoint:
    """The operator's endpoint from REELCAST_WEBHOOK_URL / _SECRET (receives every user's events)."""

    url: str
    secret: str


def record_event(s: Session, event_type: str, video_id: str, user_id: str,
                 default: DefaultEndpoint | None = None) -> str | None:
    """Add one delivery per subscribed endpoint for a new event (caller commits); returns the event id."""
    targets: list[tuple[str, str, str]] = []
    if default is not None:
        targets.append((DEFAULT_TARGET, default.url, default.secret))
    for ep in list_endpoints(s, user_id):
        if event_type in (ep.event_types or EVENT_TYPES):
            targets.append((ep.id, ep.url, ep.secret))
    if not targets:
        return None
    event_id = new_id("evt")
    created = int(time.time())
    due = now_ms()
    for target, url, secret in targets:
        s.add(WebhookDelivery(event_id=event_id, target=target, url=url, secret=secret, event_type=event_type,
                              video_id=video_id, created_at=created, status="pending", attempts=0,
                              next_attempt_at=due))
    s.flush()
    return event_id


def claim_due(s: Session, worker: str, limit: int = CLAIM_LIMIT, lock_seconds: int = 30) -> list[WebhookDelivery]:
    """Lock up to `limit` deliveries that are due (compare-and-set per row) and return them."""
    now = int(time.time())
    due = and_(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now_ms(),
               or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now))
    ids = list(s.scalars(select(WebhookDelivery.id).where(due).order_by(WebhookDelivery.next_attempt_at).limit(limit)))
    got: list[int] = []
    for did in ids:
        res = s.execute(update(WebhookDelivery).where(WebhookDelivery.id == did, due)
                        .values(locked_by=worker, locked_until=now + lock_seconds)
                        .execution_options(synchronize_session=False))
        if res.rowcount == 1:
            got.append(did)
    s.commit()
    return [d for d in (s.get(WebhookDelivery, i, populate_existing=True) for i in got) if d is not None]


def mark_delivered(s: Session, delivery_id: int, worker: str) -> None:
    """Record a 2xx answer."""
    s.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.locked_by == worker)
              .values(status="delivered", delivered_at=int(time.time()), attempts=WebhookDelivery.attempts + 1,
                      locked_by=None, locked_until=None, last_error=None)
              .execution_options(synchronize_session=False))
    s.commit()


def mark_failed(s: Session, delivery_id: int, worker: str, error: str, next_attempt_ms: int | None) -> None:
    """Record a failed attempt: retry at next_attempt_ms, or give up (status `dead`) when None."""
    values: dict[str, object] = dict(attempts=WebhookDelivery.attempts + 1, locked_by=None, locked_until=None,
                                     last_error=error[:1000])
    if next_attempt_ms is None:
        values["status"] = "dead"
    else:
        values["next_attempt_at"] = next_attempt_ms
    s.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.locked_by == worker)
              .values(**values).execution_options(synchronize_session=False))
    s.commit()


def deliveries_for(s: Session, video_id: str) -> list[WebhookDelivery]:
    """Every delivery recorded for a video (tests and operators)."""
    return list(s.scalars(select(WebhookDelivery).where(WebhookDelivery.video_id == video_id)
                          .order_by(WebhookDelivery.id)))
