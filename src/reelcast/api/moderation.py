"""Reports and the operator moderation queue: `/v1/reports`, `/v1/moderation/queue`, `/v1/moderation/actions`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from reelcast.api.deps import current_user, runtime
from reelcast.jobs.runtime import Runtime
from reelcast.safety import moderation
from reelcast.safety.models import Report
from reelcast.social.errors import SocialError
from reelcast.store.models import User

router = APIRouter(prefix="/v1", tags=["moderation"])

RT = Annotated[Runtime, Depends(runtime)]
CurrentUser = Annotated[User, Depends(current_user)]


class ReportBody(BaseModel):
    """A report of something that breaks the rules."""

    target: str
    id: str
    reason: str


class ReportOut(BaseModel):
    """A report as the API returns it."""

    id: str
    object: Literal["report"] = "report"
    target: str
    target_id: str
    reason: str
    status: str
    resolution: str | None = None
    created_at: int
    resolved_at: int | None = None

    @classmethod
    def of(cls, r: Report) -> ReportOut:
        """From a stored report."""
        return cls(id=r.id, target=r.target_type, target_id=r.target_id, reason=r.reason, status=r.status,
                   resolution=r.resolution, created_at=r.created_at, resolved_at=r.resolved_at)


class QueueItem(ReportOut):
    """A report in the operator queue, with who filed it and who owns the target."""

    reporter_id: str
    owner_id: str | None = None


class QueueOut(BaseModel):
    """The moderation queue."""

    object: Literal["list"] = "list"
    data: list[QueueItem]


class ActionBody(BaseModel):
    """An operator action on a report's target, or on a target named directly."""

    action: str
    report_id: str | None = None
    target: str | None = None
    id: str | None = None
    reason: str | None = None


class ActionOut(BaseModel):
    """What an action did."""

    object: Literal["moderation.action"] = "moderation.action"
    action: str
    target: str
    id: str
    reports_resolved: list[str]


@router.post("/reports", response_model=ReportOut, summary="Report a post, video, cameo, user or comment")
def create_report(body: ReportBody, rt: RT, user: CurrentUser) -> ReportOut:
    """File a report; operators see it in the moderation queue."""
    with rt.db.session() as s:
        return ReportOut.of(moderation.report(s, user, body.target, body.id, body.reason))


@router.get("/moderation/queue", response_model=QueueOut, summary="The moderation queue (operators)")
def get_queue(rt: RT, user: CurrentUser,
              status: Annotated[str, Query(pattern="^(open|actioned|dismissed|all)$")] = "open",
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> QueueOut:
    """Reports waiting for an operator, oldest first."""
    if not user.is_admin:
        raise SocialError(403, "Only operators can see the moderation queue.", code="operator_only")
    with rt.db.session() as s:
        rows = moderation.queue(s, status, limit)
        return QueueOut(data=[QueueItem(**ReportOut.of(r).model_dump(), reporter_id=r.reporter_id,
                                        owner_id=r.owner_id) for r in rows])


@router.post("/moderation/actions", response_model=ActionOut, summary="Take down, restore, suspend or dismiss")
def post_action(body: ActionBody, rt: RT, user: CurrentUser) -> ActionOut:
    """Apply an operator action; it is audited and the reporter and the owner are notified."""
    with rt.db.session() as s:
        action, t, reports = moderation.act(s, user, body.action, report_id=body.report_id, target_type=body.target,
                                            target_id=body.id, reason=body.reason)
        return ActionOut(action=action, target=t.type, id=t.id, reports_resolved=[r.id for r in reports])
