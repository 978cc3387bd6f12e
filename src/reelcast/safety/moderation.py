"""Reports and the operator moderation queue: take down, restore, suspend a user, dismiss — all audited."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reelcast.domain.ids import new_id
from reelcast.safety.models import Report, Suspension, Takedown
from reelcast.safety.service import audit as safety_audit
from reelcast.social import counters
from reelcast.social.errors import SocialError, not_found
from reelcast.social.notify import audit, notify
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import AuditEntry, Cameo, Comment, Post

TARGETS = ("post", "video", "cameo", "user", "comment")
ACTIONS = ("take_down", "restore", "suspend_user", "dismiss")
MAX_REASON = 2000


@dataclass(frozen=True)
class Target:
    """A reportable object: its kind, id and owner."""

    type: str
    id: str
    owner_id: str


def _bad(message: str, param: str, code: str = "invalid_value") -> SocialError:
    return SocialError(400, message, param=param, code=code)


def resolve_target(s: Session, target_type: object, target_id: object) -> Target:
    """Find a reportable object and its owner (404 when it does not exist or is already gone)."""
    if target_type not in TARGETS:
        raise _bad(f"'target' must be one of {', '.join(TARGETS)}.", "target")
    if not isinstance(target_id, str) or not target_id.strip():
        raise _bad("Missing required parameter: 'id'.", "id", "missing_required_parameter")
    owner: str | None = None
    if target_type == "post":
        p = s.get(Post, target_id)
        owner = p.user_id if p is not None and p.deleted_at is None else None
    elif target_type == "video":
        v = s.get(VideoJob, target_id)
        owner = v.user_id if v is not None and v.deleted_at is None else None
    elif target_type == "cameo":
        c = s.get(Cameo, target_id)
        owner = c.owner_id if c is not None else None
    elif target_type == "user":
        u = s.get(User, target_id) or s.scalar(select(User).where(User.handle == target_id.lstrip("@")))
        owner, target_id = (u.id, u.id) if u is not None else (None, target_id)
    else:
        cm = s.get(Comment, target_id)
        owner = cm.user_id if cm is not None else None
    if owner is None:
        raise not_found(str(target_type).capitalize(), str(target_id), "id")
    return Target(str(target_type), str(target_id), owner)


def report(s: Session, reporter: User, target_type: object, target_id: object, reason: object) -> Report:
    """File a report into the moderation queue (audited)."""
    if not isinstance(reason, str) or not reason.strip():
        raise _bad("Missing required parameter: 'reason'.", "reason", "missing_required_parameter")
    if len(reason) > MAX_REASON:
        raise _bad(f"'reason' may be at most {MAX_REASON} characters.", "reason")
    t = resolve_target(s, target_type, target_id)
    r = Report(id=new_id("report"), created_at=int(time.time()), reporter_id=reporter.id, target_type=t.type,
               target_id=t.id, owner_id=t.owner_id, reason=reason.strip(), status="open")
    s.add(r)
    s.flush()
    safety_audit(s, action="report", outcome="open", actor_id=reporter.id, target_type=t.type, target_id=t.id,
                 detail={"report_id": r.id, "reason": r.reason})
    return r


def queue(s: Session, status: str = "open", limit: int = 100) -> list[Report]:
    """Reports in the queue, oldest first (`status` open | actioned | dismissed | all)."""
    q = select(Report)
    if status != "all":
        q = q.where(Report.status == status)
    return list(s.scalars(q.order_by(Report.created_at, Report.id).limit(limit)))


def is_suspended(s: Session, user_id: str) -> bool:
    """Whether an operator suspended this account."""
    row = s.get(Suspension, user_id)
    return row is not None and row.active


def is_taken_down(s: Session, target_type: str, target_id: str) -> bool:
    """Whether an operator took this object down."""
    row = s.get(Takedown, (target_type, target_id))
    return row is not None and row.active


def _set_takedown(s: Session, t: Target, actor: User, reason: str, active: bool, now: int) -> None:
    row = s.get(Takedown, (t.type, t.id))
    if row is None:
        row = Takedown(target_type=t.type, target_id=t.id, created_at=now, reason=reason)
        s.add(row)
    row.active, row.actor_id, row.updated_at = active, actor.id, now
    if active:
        row.reason, row.created_at = reason, now


def _take_down(s: Session, t: Target, actor: User, reason: str, now: int) -> dict:
    """Hide the object for everyone without deleting its media, so a restore can bring it back."""
    if is_taken_down(s, t.type, t.id):
        raise SocialError(409, f"{t.type.capitalize()} '{t.id}' is already taken down.", param="id",
                          code="already_taken_down")
    data: dict = {}
    if t.type in ("video", "post"):
        video_id = t.id if t.type == "video" else s.get(Post, t.id).video_id  # type: ignore[union-attr]
        job = s.get(VideoJob, video_id)
        assert job is not None
        data["video_id"] = job.id
        data["video_was_deleted"] = job.deleted_at is not None
        counters.video_deleted(s, job, now)
        posts = list(s.scalars(select(Post).where(Post.video_id == job.id, Post.deleted_at.is_(None))))
        for p in posts:
            p.deleted_at = p.taken_down_at = now
        data["post_ids"] = [p.id for p in posts]
        if t.type == "post" and t.id not in data["post_ids"]:
            data["post_ids"].append(t.id)
    elif t.type == "cameo":
        cameo = s.get(Cameo, t.id)
        assert cameo is not None
        data["previous_status"] = cameo.status
        cameo.status = "taken_down"  # no longer "active": nobody can generate with it
    elif t.type == "comment":
        cm = s.get(Comment, t.id)
        assert cm is not None
        data["comment"] = {"id": cm.id, "post_id": cm.post_id, "user_id": cm.user_id, "text": cm.text,
                           "created_at": cm.created_at}
        if s.execute(delete(Comment).where(Comment.id == cm.id)).rowcount:
            counters.comments_changed(s, cm.post_id, -1)
    else:
        _suspend(s, t.id, actor, reason, now)
    _set_takedown(s, t, actor, reason, True, now)
    return data


def _last_takedown_data(s: Session, t: Target) -> dict:
    e = s.scalar(select(AuditEntry).where(AuditEntry.target_id == t.id, AuditEntry.action == "moderation.take_down")
                 .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(1))
    return dict(e.data or {}) if e is not None else {}


def _restore(s: Session, t: Target, actor: User, now: int) -> dict:
    """Undo a take-down (or lift a suspension)."""
    if t.type == "user":
        row = s.get(Suspension, t.id)
        if row is None or not row.active:
            raise SocialError(409, f"User '{t.id}' is not suspended.", param="id", code="not_suspended")
        row.active, row.actor_id, row.updated_at = False, actor.id, now
        _set_takedown(s, t, actor, "", False, now)
        return {}
    if not is_taken_down(s, t.type, t.id):
        raise SocialError(409, f"{t.type.capitalize()} '{t.id}' is not taken down.", param="id",
                          code="not_taken_down")
    data = _last_takedown_data(s, t)
    if t.type in ("video", "post"):
        job = s.get(VideoJob, data.get("video_id", t.id))
        if job is not None and not data.get("video_was_deleted"):
            counters.video_restored(s, job)
        for pid in data.get("post_ids", []):
            p = s.get(Post, pid)
            if p is not None and p.taken_down_at is not None:
                p.deleted_at = p.taken_down_at = None
    elif t.type == "cameo":
        cameo = s.get(Cameo, t.id)
        if cameo is not None:
            cameo.status = data.get("previous_status", "active")
    elif t.type == "comment" and data.get("comment") and s.get(Comment, t.id) is None:
        s.add(Comment(**data["comment"]))
        s.flush()
        counters.comments_changed(s, data["comment"]["post_id"], +1)
    _set_takedown(s, t, actor, "", False, now)
    return {}


def _suspend(s: Session, user_id: str, actor: User, reason: str, now: int) -> None:
    if user_id == actor.id:
        raise _bad("Operators cannot suspend themselves.", "id")
    row = s.get(Suspension, user_id)
    if row is None:
        row = Suspension(user_id=user_id, created_at=now, reason=reason)
        s.add(row)
    row.active, row.reason, row.actor_id, row.updated_at = True, reason, actor.id, now


def _target_of_report(s: Session, report_id: object) -> Report:
    if not isinstance(report_id, str) or not report_id:
        raise _bad("Give 'report_id', or 'target' and 'id'.", "report_id", "missing_required_parameter")
    r = s.get(Report, report_id)
    if r is None:
        raise not_found("Report", report_id, "report_id")
    return r


def act(s: Session, operator: User, action: object, *, report_id: object = None, target_type: object = None,
        target_id: object = None, reason: object = None) -> tuple[str, Target, list[Report]]:
    """Apply an operator action to a report's target (or a target named directly); resolves its open reports."""
    if not operator.is_admin:
        raise SocialError(403, "Only operators can take moderation actions.", code="operator_only")
    if action not in ACTIONS:
        raise _bad(f"'action' must be one of {', '.join(ACTIONS)}.", "action")
    why = reason.strip() if isinstance(reason, str) else ""
    now = int(time.time())
    if target_type is None and target_id is None:
        rep = _target_of_report(s, report_id)
        t = Target(rep.target_type, rep.target_id, rep.owner_id or "")
    else:
        t = (Target(str(target_type), str(target_id), "") if action == "restore"
             else resolve_target(s, target_type, target_id))
        if action == "restore" and t.type not in TARGETS:
            raise _bad(f"'target' must be one of {', '.join(TARGETS)}.", "target")
    data: dict = {}
    if action == "take_down":
        data = _take_down(s, t, operator, why, now)
    elif action == "restore":
        data = _restore(s, t, operator, now)
    elif action == "suspend_user":
        owner = t.id if t.type == "user" else t.owner_id
        _suspend(s, owner, operator, why, now)
        data = {"user_id": owner}
    reports = list(s.scalars(select(Report).where(Report.target_type == t.type, Report.target_id == t.id,
                                                  Report.status == "open")))
    if report_id and isinstance(report_id, str):
        extra = s.get(Report, report_id)
        if extra is not None and extra.status == "open" and extra not in reports:
            reports.append(extra)
    if action != "restore":
        for r in reports:
            r.status = "dismissed" if action == "dismiss" else "actioned"
            r.resolution, r.resolved_by, r.resolved_at = str(action), operator.id, now
    audit(s, operator.id, f"moderation.{action}", t.type, t.id, why,
          {**data, "report_ids": [r.id for r in reports]})
    owner_id = t.owner_id or (t.id if t.type == "user" else None)
    if owner_id is None and t.type in ("video", "post"):
        row = s.get(VideoJob, t.id) if t.type == "video" else s.get(Post, t.id)
        owner_id = row.user_id if row is not None else None
    if owner_id and action != "dismiss":
        notify(s, owner_id, "takedown" if action in ("take_down", "suspend_user") else "system",
               {"action": action, "target": t.type, "id": t.id, "reason": why})
    for rid in {r.reporter_id for r in reports}:
        notify(s, rid, "system", {"report": "resolved", "action": action, "target": t.type, "id": t.id})
    return str(action), t, reports


def ensure_not_suspended(s: Session, user: User) -> None:
    """Refuse every request of a suspended account (403 account_suspended)."""
    if is_suspended(s, user.id):
        raise SocialError(403, "This account is suspended by the operator.", code="account_suspended")
